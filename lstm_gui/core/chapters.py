"""A lesson's chapters: values that set the window up, ask, then tell.

A lesson file is a session file with a ``"chapters"`` list (the file format
and its validation live in :mod:`lstm_gui.core.files.session_file`). Each
:class:`Chapter` names what to show (:class:`ChapterState`: weights, inputs,
memories, dataset, training settings, plus the sequence stepped and the
step), what to outline, what to hide or lock while it runs, an optional
:class:`Prediction` asked before the value is shown (students who predict
first learn more than those who only watch: Crouch et al. 2004), and an
optional :class:`Goal` that marks the chapter done. Setting a chapter up on
a session is :mod:`lstm_gui.core.lessons`' part (the session imports this
module for its ``chapters``, so this one cannot import the session).

The rules of a chapter have their owner here: each refusal is a
:class:`~lstm_gui.core.errors.FieldError` whose ``where`` is relative to
the chapter (``prediction.kind``, ``state.sequence``); the file loader puts
``chapters[2].`` in front.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from lstm_gui.core.cell import TRACE_FIELDS, CellParams, Trace
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError, finite_number
from lstm_gui.core.formatting import quote_value
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory

#: The kinds of question a chapter can ask.
PREDICTION_KINDS: tuple[str, ...] = ("yes/no", "choice", "number")
#: What a yes/no question compares the real value with ("yes" is right when it holds).
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
#: Trace values a prediction can ask about (a step's gate values and memories).
TRACE_KEYS: tuple[str, ...] = tuple(name for name in TRACE_FIELDS if name != "step")
#: The stepped sequence that is the session's free inputs (not a dataset item).
FREE_SEQUENCE = "free"
#: A guess: "yes"/"no", a choice's text, or a number.
Guess = str | float


@dataclass(frozen=True, slots=True)
class Prediction:
    """A question asked before the value it is about is shown.

    ``key`` and ``step`` name the trace value that answers it (``forget`` at
    step 1). ``kind``: ``"yes/no"`` ("yes" is right when ``real op value``),
    ``"choice"`` (``choices[answer]`` is right) or ``"number"`` (right when
    within ``tolerance``; dragged between ``minimum`` and ``maximum``).
    """

    question: str
    kind: str
    key: str
    step: int
    choices: tuple[str, ...] = ()
    answer: int | None = None
    op: str = ">"
    value: float = 0.0
    tolerance: float = 0.1
    minimum: float = -1.0
    maximum: float = 1.0

    def __post_init__(self) -> None:
        if not self.question.strip():
            raise FieldError("question", "expected the question's text, got an empty string")
        if self.kind not in PREDICTION_KINDS:
            raise FieldError("kind", f"expected one of {', '.join(PREDICTION_KINDS)}, got {quote_value(self.kind)}")
        if self.key not in TRACE_KEYS:
            raise FieldError("key", f"expected one of {', '.join(TRACE_KEYS)}, got {quote_value(self.key)}")
        if self.step < 1:
            raise FieldError("step", f"expected a step of at least 1, got {quote_value(self.step)}")
        if self.op not in COMPARISONS:
            raise FieldError("op", f"expected one of {', '.join(COMPARISONS)}, got {quote_value(self.op)}")
        finite_number(self.value, "value")
        if not (finite_number(self.tolerance, "tolerance") >= 0):
            raise FieldError("tolerance", f"expected at least 0, got {quote_value(self.tolerance)}")
        if finite_number(self.minimum, "minimum") >= finite_number(self.maximum, "maximum"):
            raise FieldError("maximum", f"expected more than the minimum {quote_value(self.minimum)}")
        if self.kind == "choice":
            if len(self.choices) < 2:
                raise FieldError("choices", "a choice question needs at least 2 choices")
            if self.answer is None or not 0 <= self.answer < len(self.choices):
                raise FieldError(
                    "answer",
                    f"expected the index of the right choice (0 to {len(self.choices) - 1}), got {self.answer}",
                )

    def real_value(self, trace: Trace) -> float:
        """The value that answers the question in ``trace``."""
        return float(getattr(trace[self.step - 1], self.key))

    def right_answer(self, real: float) -> Guess:
        """What a right guess is, given the real value."""
        if self.kind == "yes/no":
            return "yes" if COMPARISONS[self.op](real, self.value) else "no"
        if self.kind == "choice":
            assert self.answer is not None  # checked on creation
            return self.choices[self.answer]
        return real

    def is_right(self, guess: Guess, real: float) -> bool:
        """Whether ``guess`` is right (a number: within ``tolerance`` of ``real``)."""
        if self.kind == "number":
            return isinstance(guess, (int, float)) and abs(float(guess) - real) <= self.tolerance
        return guess == self.right_answer(real)


@dataclass(frozen=True, slots=True)
class Goal:
    """What marks a chapter done: reaching ``step`` (at least) or a finished training run."""

    step: int | None = None
    trained: bool = False

    def __post_init__(self) -> None:
        if self.step is None and not self.trained:
            raise FieldError("", "expected 'step' or 'trained': true")
        if self.step is not None and self.step < 0:
            raise FieldError("step", f"expected at least 0, got {quote_value(self.step)}")

    def is_met(self, step: int, trained: bool) -> bool:
        if self.step is not None and step < self.step:
            return False
        return trained or not self.trained


@dataclass(frozen=True, slots=True)
class ChapterState:
    """What a chapter sets up. ``None`` parts are taken from the lesson's own
    session; ``sequence`` is ``"free"`` or a dataset item's name; ``stage`` is
    kept for the step-into stages and ignored where they do not exist."""

    params: CellParams | None = None
    inputs: tuple[float, ...] | None = None
    memories: tuple[float, float] | None = None
    dataset: tuple[DatasetItem, ...] | None = None
    training: TrainConfig | None = None
    history: TrainingHistory | None = None
    sequence: str = FREE_SEQUENCE
    step: int = 0
    stage: str | None = None

    def __post_init__(self) -> None:
        if self.step < 0:
            raise FieldError("step", f"expected at least 0, got {quote_value(self.step)}")


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter of a lesson (see the module docstring).

    ``text`` uses a small safe formatting: paragraphs split by blank lines,
    ``- `` bullets, ``**bold**`` and ``*italic*``; everything else is text.
    ``highlight``: diagram parts (``forget``, ``long_term``, ...) or widget
    object names to outline; ``hidden`` and ``locked``: widget object names.
    """

    title: str
    text: str = ""
    state: ChapterState = field(default_factory=ChapterState)
    highlight: tuple[str, ...] = ()
    prediction: Prediction | None = None
    hidden: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()
    advance_when: Goal | None = None

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise FieldError("title", "expected the chapter's title, got an empty string")


@dataclass(frozen=True, slots=True)
class Answer:
    """A guess for a chapter's question and the real value it was checked against."""

    chapter: int
    question: str
    guess: Guess
    real: float
    right_answer: Guess
    right: bool


def answer(prediction: Prediction, guess: Guess, trace: Trace, chapter: int = 0) -> Answer:
    """Check ``guess`` against ``trace`` (the chapter's sequence)."""
    real = prediction.real_value(trace)
    if isinstance(guess, float) and not math.isfinite(guess):
        raise FieldError("guess", "expected a finite number")
    return Answer(
        chapter, prediction.question, guess, real, prediction.right_answer(real), prediction.is_right(guess, real)
    )
