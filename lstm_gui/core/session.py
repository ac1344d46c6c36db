"""The session: the one object that owns the truth of what a person works on.

Weights, the free input sequence, the initial memories, the dataset, the
training settings, the training history, the debugger's breakpoints and
watches, the loss landscape's choices, the target and a lesson's chapters.
Plain Python; every setter
validates, stores an immutable value and announces the change through a
:class:`~lstm_gui.core.events.Signal` named for what happened. Setting an
equal value announces nothing.

A refused value raises :class:`~lstm_gui.core.errors.FieldError` naming the
field: ``weights.forget.bias``, ``inputs[2]``, ``long``, ``short``,
``breakpoints[2].condition``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams, Trace, run
from lstm_gui.core.cells import CELLS
from lstm_gui.core.chapters import Chapter
from lstm_gui.core.dataset import COMPANIES, DatasetItem, check_dataset
from lstm_gui.core.debugging import Breakpoint, Watch
from lstm_gui.core.errors import FieldError, check_count, finite_number
from lstm_gui.core.events import Signal
from lstm_gui.core.expressions import TRACE_NAMES, compile_expression, training_names
from lstm_gui.core.landscape import LandscapeChoice
from lstm_gui.core.limits import MAX_BREAKPOINTS, MAX_INPUT_STEPS, MAX_WATCHES
from lstm_gui.core.vocabulary import PARAM_KEYS
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory

#: The cells drawn beside the LSTM in the comparison view (issue 13), whose
#: weights the session keeps too.
COMPARISON_CELLS: tuple[str, ...] = ("rnn", "gru")


def default_comparison() -> dict[str, tuple[float, ...]]:
    """Each comparison cell's starting weights (:attr:`CellKind.default_params`)."""
    return {kind: CELLS[kind].default_params for kind in COMPARISON_CELLS}


def check_comparison(comparison: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    """The comparison cells' weights checked (a kind left out: its default):
    ``FieldError`` names the place (``comparison.gru``: the count,
    ``comparison.gru.reset.bias``: not finite, ``comparison.lstm``: unknown)."""
    checked = default_comparison()
    for kind, values in comparison.items():
        if kind not in COMPARISON_CELLS:
            raise FieldError(f"comparison.{kind}", f"unknown cell; expected one of {', '.join(COMPARISON_CELLS)}")
        cell = CELLS[kind]
        values = tuple(values)
        if len(values) != cell.param_count:
            raise FieldError(
                f"comparison.{kind}",
                f"the {cell.title} takes {cell.param_count} numbers ({cell.weights_order}), got {len(values)}",
            )
        checked[kind] = tuple(
            finite_number(value, f"comparison.{kind}.{name}") for name, value in zip(cell.param_names, values)
        )
    return checked


class SessionEvents:
    """One :class:`Signal` per kind of change, each carrying the new value."""

    __slots__ = (
        "weights_changed",
        "inputs_changed",
        "memories_changed",
        "dataset_changed",
        "training_config_changed",
        "history_changed",
        "breakpoints_changed",
        "watches_changed",
        "training_breakpoints_changed",
        "landscape_changed",
        "comparison_changed",
        "target_changed",
        "chapters_changed",
    )

    def __init__(self) -> None:
        self.weights_changed: Signal[CellParams] = Signal("weights_changed")
        self.inputs_changed: Signal[tuple[float, ...]] = Signal("inputs_changed")
        #: (long0, short0)
        self.memories_changed: Signal[tuple[float, float]] = Signal("memories_changed")
        self.dataset_changed: Signal[tuple[DatasetItem, ...]] = Signal("dataset_changed")
        self.training_config_changed: Signal[TrainConfig] = Signal("training_config_changed")
        self.history_changed: Signal[TrainingHistory | None] = Signal("history_changed")
        self.breakpoints_changed: Signal[tuple[Breakpoint, ...]] = Signal("breakpoints_changed")
        self.watches_changed: Signal[tuple[Watch, ...]] = Signal("watches_changed")
        self.training_breakpoints_changed: Signal[tuple[Breakpoint, ...]] = Signal("training_breakpoints_changed")
        self.landscape_changed: Signal[LandscapeChoice] = Signal("landscape_changed")
        #: {"rnn": weights, "gru": weights}: the comparison cells' weights.
        self.comparison_changed: Signal[dict[str, tuple[float, ...]]] = Signal("comparison_changed")
        #: The free input sequence's target (``None``: none set).
        self.target_changed: Signal[float | None] = Signal("target_changed")
        #: A lesson's chapters (issue 14): added, removed or their text edited.
        self.chapters_changed: Signal[tuple[Chapter, ...]] = Signal("chapters_changed")


class Session:
    """Everything a person edits, with change notification.

    Parameters mirror the session file. ``events`` holds one
    :class:`Signal` per kind of change; callbacks get the new value.
    """

    def __init__(
        self,
        params: CellParams = NOTEBOOK_PARAMS,
        inputs: Sequence[float] = (1.0,),
        long0: float = 2.0,
        short0: float = 1.0,
        dataset: Sequence[DatasetItem] = COMPANIES,
        training: TrainConfig | None = None,
        history: TrainingHistory | None = None,
        name: str = "",
        description: str = "",
        landscape: LandscapeChoice | None = None,
        comparison: Mapping[str, Sequence[float]] | None = None,
        target: float | None = None,
    ) -> None:
        self.events = SessionEvents()
        self._params = self._check_params(params)
        self._inputs = self._check_inputs(inputs)
        self._long0, self._short0 = self._check_memories(long0, short0)
        self._dataset = tuple(dataset)
        check_dataset(self._dataset)
        self._training = training if training is not None else TrainConfig()
        self._history = history
        self._breakpoints: tuple[Breakpoint, ...] = ()
        self._watches: tuple[Watch, ...] = ()
        self._training_breakpoints: tuple[Breakpoint, ...] = ()
        self._landscape = landscape if landscape is not None else LandscapeChoice()
        self._comparison = check_comparison(comparison or {})
        self._target = self._check_target(target)
        self._chapters: tuple[Chapter, ...] = ()
        #: A display name for an unsaved session (e.g. the example's name).
        self.name = name
        #: Free text saved with the session (what it shows, where it came from).
        self.description = description

    # -- weights -----------------------------------------------------------
    @property
    def params(self) -> CellParams:
        return self._params

    @staticmethod
    def _check_params(params: CellParams) -> CellParams:
        for (gate, role), value in zip(PARAM_KEYS, params.to_flat()):
            finite_number(value, f"weights.{gate}.{role}")
        return params

    def set_params(self, params: CellParams) -> None:
        """Change all 12 weights and biases; ``FieldError`` names the first
        one that is not finite (``weights.forget.bias``)."""
        self._check_params(params)
        if params != self._params:
            self._params = params
            self.events.weights_changed.emit(params)

    def set_weight(self, gate: str, role: str, value: float) -> None:
        """Change one weight or bias; ``FieldError`` (``weights.<gate>.<role>``)
        if not finite, ``KeyError`` for an unknown gate or role."""
        self.set_params(self._params.with_value(gate, role, finite_number(value, f"weights.{gate}.{role}")))

    # -- the free input sequence and initial memories -----------------------
    @staticmethod
    def _check_inputs(inputs: Iterable[float]) -> tuple[float, ...]:
        inputs = tuple(inputs)
        check_count(len(inputs), MAX_INPUT_STEPS, "inputs")
        return tuple(finite_number(x, f"inputs[{k}]") for k, x in enumerate(inputs))

    @staticmethod
    def _check_memories(long0: float, short0: float) -> tuple[float, float]:
        return finite_number(long0, "long"), finite_number(short0, "short")

    @property
    def inputs(self) -> tuple[float, ...]:
        return self._inputs

    def set_inputs(self, inputs: Sequence[float]) -> None:
        """Change the free input sequence; ``FieldError`` (``inputs[k]``)."""
        checked = self._check_inputs(inputs)
        if checked != self._inputs:
            self._inputs = checked
            self.events.inputs_changed.emit(checked)

    @property
    def long0(self) -> float:
        return self._long0

    @property
    def short0(self) -> float:
        return self._short0

    def set_memories(self, long0: float, short0: float) -> None:
        """Change the initial memories; ``FieldError`` (``long``, ``short``)."""
        long0, short0 = self._check_memories(long0, short0)
        if (long0, short0) != (self._long0, self._short0):
            self._long0, self._short0 = long0, short0
            self.events.memories_changed.emit((long0, short0))

    # -- the free input sequence's target ------------------------------------
    @staticmethod
    def _check_target(target: float | None) -> float | None:
        return None if target is None else finite_number(target, "target")

    @property
    def target(self) -> float | None:
        """What the free input sequence's last short-term memory should be
        (the loss ``(short_T - target)**2`` of the gradients); ``None``: not set.
        A dataset sequence uses the dataset's own target instead."""
        return self._target

    def set_target(self, target: float | None) -> None:
        """Change the free inputs' target; ``FieldError`` (``target``) if not finite."""
        checked = self._check_target(target)
        if checked != self._target:
            self._target = checked
            self.events.target_changed.emit(checked)

    # -- dataset, training settings, history --------------------------------
    @property
    def dataset(self) -> tuple[DatasetItem, ...]:
        return self._dataset

    def set_dataset(self, dataset: Sequence[DatasetItem]) -> None:
        """Change the dataset; ``FieldError`` if it breaks a rule of
        :func:`~lstm_gui.core.dataset.check_dataset` (sizes, one name each)."""
        dataset = tuple(dataset)
        check_dataset(dataset)
        if dataset != self._dataset:
            self._dataset = dataset
            self.events.dataset_changed.emit(dataset)

    @property
    def training(self) -> TrainConfig:
        return self._training

    def set_training(self, config: TrainConfig) -> None:
        if config != self._training:
            self._training = config
            self.events.training_config_changed.emit(config)

    @property
    def history(self) -> TrainingHistory | None:
        return self._history

    def set_history(self, history: TrainingHistory | None) -> None:
        if history is not self._history:
            self._history = history
            self.events.history_changed.emit(history)

    # -- the debugger: breakpoints and watches ---------------------------------
    @staticmethod
    def _check_expressions(texts: Sequence[str], names: Collection[str], where: str, field: str, limit: int) -> None:
        """Each text must compile over ``names`` (as given: training names
        also accept every ``loss_ago_N``); the error names its place
        (``breakpoints[2].condition: unknown name 'forgt' ...``)."""
        check_count(len(texts), limit, where, "entries")
        for k, text in enumerate(texts):
            if not isinstance(text, str):
                raise FieldError(f"{where}[{k}].{field}", "expected text")
            compile_expression(text, names, where=f"{where}[{k}].{field}")

    @property
    def breakpoints(self) -> tuple[Breakpoint, ...]:
        """Conditions over a trace step; Run and Go to end stop where an enabled one holds."""
        return self._breakpoints

    def set_breakpoints(self, breakpoints: Sequence[Breakpoint]) -> None:
        """Change the step breakpoints; ``FieldError`` (``breakpoints[k].condition``)
        for a condition that is not a valid expression over a trace step."""
        checked = tuple(breakpoints)
        self._check_expressions(
            [b.condition for b in checked], TRACE_NAMES, "breakpoints", "condition", MAX_BREAKPOINTS
        )
        if checked != self._breakpoints:
            self._breakpoints = checked
            self.events.breakpoints_changed.emit(checked)

    @property
    def watches(self) -> tuple[Watch, ...]:
        """Expressions over a trace step, shown at the current step (and in the table or plot)."""
        return self._watches

    def set_watches(self, watches: Sequence[Watch]) -> None:
        """Change the watches; ``FieldError`` (``watches[k].expression``)."""
        checked = tuple(watches)
        self._check_expressions([w.expression for w in checked], TRACE_NAMES, "watches", "expression", MAX_WATCHES)
        if checked != self._watches:
            self._watches = checked
            self.events.watches_changed.emit(checked)

    @property
    def training_breakpoints(self) -> tuple[Breakpoint, ...]:
        """Conditions over a training run (``epoch``, ``loss``, weights, ``out_i``)."""
        return self._training_breakpoints

    def set_training_breakpoints(self, breakpoints: Sequence[Breakpoint]) -> None:
        """Change the training breakpoints; ``FieldError``
        (``training_breakpoints[k].condition``) for a condition that is not
        valid over this dataset's run (``out_5`` with three sequences)."""
        checked = tuple(breakpoints)
        self._check_expressions(
            [b.condition for b in checked],
            training_names(len(self._dataset)),
            "training_breakpoints",
            "condition",
            MAX_BREAKPOINTS,
        )
        if checked != self._training_breakpoints:
            self._training_breakpoints = checked
            self.events.training_breakpoints_changed.emit(checked)

    @property
    def landscape(self) -> LandscapeChoice:
        """What the loss landscape shows (weights, ranges, grid)."""
        return self._landscape

    def set_landscape(self, choice: LandscapeChoice) -> None:
        if choice != self._landscape:
            self._landscape = choice
            self.events.landscape_changed.emit(choice)

    # -- the comparison cells (plain RNN, GRU) --------------------------------
    @property
    def comparison(self) -> dict[str, tuple[float, ...]]:
        """The comparison cells' weights by kind (``rnn``, ``gru``), each in
        its cell's flat order (:attr:`CellKind.param_names`); a copy."""
        return dict(self._comparison)

    def comparison_weights(self, kind: str) -> tuple[float, ...]:
        """One comparison cell's weights; ``KeyError`` for another kind."""
        return self._comparison[kind]

    def set_comparison(self, comparison: Mapping[str, Sequence[float]]) -> None:
        """Set the comparison cells' weights; a kind left out gets its default.
        ``FieldError`` names the place (``comparison.gru.reset.bias``)."""
        checked = check_comparison(comparison)
        if checked != self._comparison:
            self._comparison = checked
            self.events.comparison_changed.emit(dict(checked))

    def set_comparison_weights(self, kind: str, weights: Sequence[float]) -> None:
        """Set one comparison cell's weights (``kind``: ``rnn`` or ``gru``)."""
        self.set_comparison({**self._comparison, kind: tuple(weights)})

    # -- a lesson's chapters ---------------------------------------------------
    @property
    def chapters(self) -> tuple[Chapter, ...]:
        """The lesson's chapters (none: an ordinary session)."""
        return self._chapters

    def set_chapters(self, chapters: Sequence[Chapter]) -> None:
        chapters = tuple(chapters)
        if chapters != self._chapters:
            self._chapters = chapters
            self.events.chapters_changed.emit(chapters)

    def update_from(self, other: Session) -> None:
        """Take over every value of ``other`` (e.g. a file just opened),
        announcing only what changed; ``events`` keeps its connections."""
        self.set_params(other.params)
        self.set_inputs(other.inputs)
        self.set_memories(other.long0, other.short0)
        self.set_dataset(other.dataset)
        self.set_training(other.training)
        self.set_history(other.history)
        self.set_breakpoints(other.breakpoints)
        self.set_watches(other.watches)
        self.set_training_breakpoints(other.training_breakpoints)
        self.set_landscape(other.landscape)
        self.set_comparison(other.comparison)
        self.set_target(other.target)
        self.set_chapters(other.chapters)
        self.name = other.name
        self.description = other.description

    # -- derived -------------------------------------------------------------
    def trace(self, inputs: Sequence[float] | None = None) -> Trace:
        """The cell's trace over ``inputs`` (default: the free input sequence)
        from the initial memories, with the current weights."""
        return run(self._params, self._inputs if inputs is None else inputs, self._long0, self._short0)
