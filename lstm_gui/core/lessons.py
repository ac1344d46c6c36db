"""Setting up a lesson's chapters on a session (see :mod:`lstm_gui.core.chapters`
for what a chapter is, and :mod:`lstm_gui.core.files.session_file` for the file).

A :class:`Lesson` keeps the lesson's own session as it was opened; a chapter's
missing parts come from it, so a chapter sets up the same state however the
person got there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from lstm_gui.core.cell import Trace, run
from lstm_gui.core.chapters import (
    FREE_SEQUENCE,
    Answer,
    Chapter,
    ChapterState,
    Goal,
    Guess,
    Prediction,
    answer,
)
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.session import Session

__all__ = [
    "FREE_SEQUENCE",
    "Answer",
    "Chapter",
    "ChapterState",
    "Goal",
    "Guess",
    "Lesson",
    "Prediction",
    "answer",
    "answers_from_text",
    "answers_to_text",
    "check_chapter",
    "record_state",
    "sequence_inputs",
    "sequence_trace",
    "state_session",
]


def record_state(session: Session, sequence: str = FREE_SEQUENCE, step: int = 0) -> ChapterState:
    """A full snapshot of ``session`` (what "Add Chapter from Here" records)."""
    history = session.history if session.history is not None and len(session.history) else None
    return ChapterState(
        params=session.params,
        inputs=session.inputs,
        memories=(session.long0, session.short0),
        dataset=session.dataset,
        training=session.training,
        history=history,
        sequence=sequence,
        step=step,
    )


def state_session(state: ChapterState, base: Session) -> Session:
    """A new session: ``base`` with this state's parts put in (chapters,
    name and description stay the lesson's). ``FieldError`` (``sequence``,
    ``step``) if the sequence does not exist or is shorter than the step."""
    long0, short0 = state.memories if state.memories is not None else (base.long0, base.short0)
    session = Session(
        params=state.params if state.params is not None else base.params,
        inputs=state.inputs if state.inputs is not None else base.inputs,
        long0=long0,
        short0=short0,
        dataset=state.dataset if state.dataset is not None else base.dataset,
        training=state.training if state.training is not None else base.training,
        history=state.history if state.history is not None else base.history,
        name=base.name,
        description=base.description,
    )
    session.set_chapters(base.chapters)
    length = len(sequence_inputs(session, state.sequence))
    if state.step > length:
        raise FieldError("step", f"the sequence {quote_value(state.sequence)} has only {length} steps")
    return session


def sequence_inputs(session: Session, sequence: str) -> tuple[float, ...]:
    """The inputs of ``sequence`` (``"free"`` or a dataset item's name);
    ``FieldError`` (``sequence``) if there is none of that name."""
    if sequence == FREE_SEQUENCE:
        return session.inputs
    for item in session.dataset:
        if item.name == sequence:
            return item.inputs
    names = ", ".join([FREE_SEQUENCE] + [quote_value(item.name) for item in session.dataset])
    raise FieldError("sequence", f"no sequence named {quote_value(sequence)} (expected {names})")


def sequence_trace(session: Session, sequence: str) -> Trace:
    """The trace of ``sequence`` with the session's weights: a dataset item
    starts from memories 0 (as training runs it), the free inputs from the
    session's initial memories (as the stepper does)."""
    inputs = sequence_inputs(session, sequence)
    if sequence == FREE_SEQUENCE:
        return run(session.params, inputs, session.long0, session.short0)
    return run(session.params, inputs)


def check_chapter(chapter: Chapter, base: Session) -> None:
    """Refuse a chapter that cannot be set up on ``base`` (its sequence is
    unknown or too short for its step or its question); ``where`` is
    relative to the chapter (``state.sequence``, ``prediction.step``)."""
    try:
        session = state_session(chapter.state, base)
    except FieldError as exc:
        raise exc.within("state") from None
    if chapter.prediction is not None:
        length = len(sequence_inputs(session, chapter.state.sequence))
        if chapter.prediction.step > length:
            raise FieldError(
                "prediction.step",
                f"the sequence {quote_value(chapter.state.sequence)} has only {length} steps",
            )


class Lesson:
    """A lesson as it was opened: its own session (a frozen copy) and its chapters.

    The window's session changes as chapters are set up; this copy stays
    what a chapter's missing parts are taken from.
    """

    def __init__(self, session: Session) -> None:
        self.base = Session()
        self.base.update_from(session)
        self.name = session.name

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return self.base.chapters

    def __len__(self) -> int:
        return len(self.base.chapters)

    def set_chapters(self, chapters: Sequence[Chapter]) -> None:
        self.base.set_chapters(chapters)

    def chapter_session(self, index: int) -> Session:
        """The session chapter ``index`` sets up (``IndexError`` if none)."""
        return state_session(self.base.chapters[index].state, self.base)

    def chapter_trace(self, index: int) -> Trace:
        """The trace of chapter ``index``'s sequence as the chapter sets it up."""
        chapter = self.base.chapters[index]
        return sequence_trace(self.chapter_session(index), chapter.state.sequence)


def answers_to_text(answers: dict[int, Answer]) -> str:
    """The learner's guesses as JSON text, kept with a lesson's resume position
    (in the window's settings) so leaving, resuming or restarting keeps them."""
    return json.dumps(
        [
            {
                "chapter": a.chapter,
                "question": a.question,
                "guess": a.guess,
                "real": a.real,
                "right_answer": a.right_answer,
                "right": a.right,
            }
            for _, a in sorted(answers.items())
        ]
    )


def _guess(value: object) -> Guess:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value)):
        return float(value)
    raise ValueError("not a guess")


def answers_from_text(text: object) -> dict[int, Answer]:
    """The guesses :func:`answers_to_text` wrote; anything unreadable (an edited
    or older settings file) is left out rather than failing the lesson."""
    try:
        items = json.loads(str(text)) if text else []
    except ValueError:
        return {}
    answers: dict[int, Answer] = {}
    for item in items if isinstance(items, list) else []:
        try:
            chapter = item["chapter"]
            if not isinstance(chapter, int) or isinstance(chapter, bool) or chapter < 0:
                continue
            answers[chapter] = Answer(
                chapter,
                str(item["question"]),
                _guess(item["guess"]),
                float(item["real"]),
                _guess(item["right_answer"]),
                bool(item["right"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return answers
