"""The stepper: which sequence is stepped, its trace, the current step, Run.

View state, never saved in the file: the current step (and the stage
inside it, when a person steps into a time step), the sequence being
stepped (the free inputs or a dataset sequence) and a training preview's
weights. The trace is recomputed only when what it depends on changed; the
window draws it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from lstm_gui.core.cell import CellParams, Trace, run
from lstm_gui.core.debugging import first_break, step_env
from lstm_gui.core.session import Session
from lstm_gui.core.stages import StepPosition, next_pos
from lstm_gui.core.stages import step_back as stage_step_back
from lstm_gui.core.stages import step_into as stage_step_into
from lstm_gui.core.stages import step_out as stage_step_out
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.debugger.expression_editor import cached_trace_expression

#: The stepper runs the free input sequence (not a dataset sequence).
FREE_SOURCE = -1
#: Run speeds offered (steps per second).
SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 10.0, 30.0)
DEFAULT_SPEED = 2.0


class Stepper(QObject):
    """Steps one sequence of the session with the session's (or a preview's) weights.

    Signals
    -------
    trace_changed : the trace was recomputed (new weights, inputs, memories,
        sequence or preview); ``step`` is clamped to it.
    sequence_changed : the stepped sequence itself changed (its inputs or
        initial memories, or another sequence was chosen).
    step_changed(int) : the current step changed (0 = before the first input).
    stage_changed(int) : the stage inside the current step changed (0 = the
        whole step; 1..3 inside it, see :mod:`lstm_gui.core.stages`).
    running_changed(bool) : Run started or stopped.
    breakpoint_hit(int, int) : Run or Go to end stopped at step ``step``
        because the session's breakpoint ``index`` holds there.
    """

    trace_changed = Signal()
    sequence_changed = Signal()
    step_changed = Signal(int)
    stage_changed = Signal(int)
    running_changed = Signal(bool)
    breakpoint_hit = Signal(int, int)

    def __init__(self, adapter: SessionAdapter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: Session = adapter.session
        self._source = FREE_SOURCE
        #: The window opens at step 1, so every value shows a number at once.
        self._step = 1
        self._stage = 0
        #: Run plays each step's stages (Step > Run Through Stages).
        self._run_stages = False
        self._preview: CellParams | None = None
        self._speed = DEFAULT_SPEED
        self._trace: Trace = run(self._session.params, ())
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        adapter.weights_changed.connect(self._on_weights_changed)
        adapter.inputs_changed.connect(self._on_free_sequence_changed)
        adapter.memories_changed.connect(self._on_free_sequence_changed)
        adapter.dataset_changed.connect(self._on_dataset_changed)
        self.recompute()

    # -- what is stepped -------------------------------------------------------
    @property
    def trace(self) -> Trace:
        return self._trace

    @property
    def step(self) -> int:
        return self._step

    @property
    def source(self) -> int:
        """:data:`FREE_SOURCE` or the index of the dataset sequence stepped."""
        return self._source

    @property
    def preview(self) -> CellParams | None:
        return self._preview

    def params(self) -> CellParams:
        """The weights the trace is computed with (a training preview's, or the session's)."""
        return self._preview if self._preview is not None else self._session.params

    def sequence(self) -> tuple[tuple[float, ...], float, float, bool]:
        """(inputs, long0, short0, free) of what is stepped. Dataset sequences
        start from memories 0, as in training."""
        dataset = self._session.dataset
        if self._source != FREE_SOURCE and 0 <= self._source < len(dataset):
            return dataset[self._source].inputs, 0.0, 0.0, False
        session = self._session
        return session.inputs, session.long0, session.short0, True

    def set_source(self, source: int) -> None:
        """Step the free inputs (:data:`FREE_SOURCE`) or dataset sequence ``source``."""
        source = int(source)
        if not 0 <= source < len(self._session.dataset):
            source = FREE_SOURCE
        if source == self._source:
            return
        self._source = source
        self.sequence_changed.emit()
        self.recompute()

    def select_sequence(self, name: str) -> None:
        """Step a dataset sequence by name (``"free"``: the free inputs); ``ValueError`` if none."""
        if name == "free":
            self.set_source(FREE_SOURCE)
            return
        names = [item.name for item in self._session.dataset]
        self.set_source(names.index(name))

    def set_preview(self, params: CellParams | None) -> None:
        """Compute with ``params`` (a training run's live weights); ``None``: the session's."""
        if params == self._preview:
            return
        self._preview = params
        self.recompute()

    def reset_view(self) -> None:
        """A new document: the free inputs at step 1 (so every value shows a
        number; step 0 is before the first input), no preview."""
        self.stop_running()
        self._source = FREE_SOURCE
        self._preview = None
        self._step = 1
        self.sequence_changed.emit()
        self.recompute()

    @Slot(object)
    def _on_weights_changed(self, _params: object) -> None:
        if self._preview is None:
            self.recompute()

    @Slot(object)
    def _on_free_sequence_changed(self, _value: object) -> None:
        if self._source == FREE_SOURCE:
            self.sequence_changed.emit()
            self.recompute()

    @Slot(object)
    def _on_dataset_changed(self, _dataset: object) -> None:
        if self._source == FREE_SOURCE:
            return
        if self._source >= len(self._session.dataset):
            self._source = FREE_SOURCE
        self.sequence_changed.emit()
        self.recompute()

    def recompute(self) -> None:
        inputs, long0, short0, _free = self.sequence()
        self._trace = run(self.params(), inputs, long0, short0)
        left_stage = False
        if self._step > len(self._trace):
            # The step shown is gone: the last one, whole (step 0 has no stages).
            self._step = len(self._trace)
            left_stage, self._stage = self._stage != 0, 0
        self.trace_changed.emit()
        if left_stage:
            self.stage_changed.emit(0)

    # -- the current step --------------------------------------------------------
    def set_step(self, step: int) -> None:
        """Go to ``step`` (0 = before the first input), clamped to the trace,
        shown whole (any stage is left)."""
        self.set_position(StepPosition(max(0, min(int(step), len(self._trace)))))

    @property
    def stage(self) -> int:
        """The stage shown inside the current step (0 = the whole step)."""
        return self._stage

    def position(self) -> StepPosition:
        return StepPosition(self._step, self._stage)

    def set_position(self, pos: StepPosition) -> None:
        """Show step ``pos.step`` at stage ``pos.stage``: ``step_changed``
        first (when it changed), then ``stage_changed``."""
        step = min(pos.step, len(self._trace))
        stage = pos.stage if step == pos.step else 0  # past the end: the last step, whole
        step_moved, stage_moved = step != self._step, stage != self._stage
        # Both are set before either is announced, so the step's redraw shows the stage.
        self._step, self._stage = step, stage
        if step_moved:
            self.step_changed.emit(step)
        if stage_moved:
            self.stage_changed.emit(stage)

    def step_forward(self) -> None:
        self.set_step(self._step + 1)

    def step_back(self) -> None:
        """One step back; inside a step, one stage back."""
        self.set_position(stage_step_back(self.position(), len(self._trace)))

    def step_into(self) -> None:
        """Enter the next step at stage 1, or go to the next stage; the last
        stage completes the step."""
        self.set_position(stage_step_into(self.position(), len(self._trace)))

    def step_out(self) -> None:
        """Finish the step: show it whole."""
        self.set_position(stage_step_out(self.position(), len(self._trace)))

    def reset(self) -> None:
        self.stop_running()
        self.set_step(0)

    def go_to_end(self) -> None:
        """The last step, or the first step after this one where an enabled breakpoint holds."""
        self.stop_running()
        stop = self.next_breakpoint_stop()
        self.set_step(len(self._trace) if stop is None else stop[0])
        if stop is not None:
            self.breakpoint_hit.emit(*stop)

    # -- breakpoints (issue 12) ------------------------------------------------------
    def next_breakpoint_stop(self) -> tuple[int, int] | None:
        """(step, index into ``session.breakpoints``) of the first step after
        the current one where an enabled breakpoint holds, or ``None``."""
        enabled = [(k, b.condition) for k, b in enumerate(self._session.breakpoints) if b.enabled]
        # Inside a step's stages, that step is not done yet: it counts as after.
        first = self._step + 1 if self._stage == 0 else self._step
        if not enabled or first > len(self._trace):
            return None
        # The session checked every condition, so compiling cannot fail here.
        conditions = [cached_trace_expression(condition) for _k, condition in enabled]
        found = first_break(self._trace, conditions, first)
        if found is None:
            return None
        step, which = found
        return step, enabled[which][0]

    def breakpoint_at(self, step: int) -> int | None:
        """The index (into ``session.breakpoints``) of the first enabled
        breakpoint that holds at ``step``, or ``None``. One step's values,
        so Run checks each step it reaches at no cost on long traces."""
        if not 1 <= step <= len(self._trace):
            return None
        env = step_env(self._trace, step - 1)
        for index, breakpoint in enumerate(self._session.breakpoints):
            if breakpoint.enabled and cached_trace_expression(breakpoint.condition).holds(env):
                return index
        return None

    def at_end(self) -> bool:
        """The last step, shown whole (nothing left to step)."""
        return self._step >= len(self._trace) and self._stage == 0

    # -- Run ----------------------------------------------------------------------
    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, steps_per_second: float) -> None:
        self._speed = max(0.1, float(steps_per_second))
        if self._timer.isActive():
            self._timer.setInterval(int(1000 / self._speed))

    def is_running(self) -> bool:
        return self._timer.isActive()

    @property
    def run_stages(self) -> bool:
        return self._run_stages

    def set_run_stages(self, on: bool) -> None:
        """Run plays every stage of each step (one tick each), not whole steps."""
        self._run_stages = bool(on)

    def toggle_run(self) -> None:
        if self._timer.isActive():
            self.stop_running()
            return
        if self.at_end():
            self.set_step(0)  # running from the end starts over
        self._timer.start(int(1000 / self._speed))
        self.running_changed.emit(True)

    def stop_running(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.running_changed.emit(False)

    @Slot()
    def _on_tick(self) -> None:
        before = self.position()
        if self._run_stages:
            self.set_position(next_pos(before, len(self._trace)))
        elif not self.at_end():
            self.step_forward()
        # A breakpoint is checked on each step completed (whole, or its last stage done).
        if self.position() != before and self._stage == 0:
            hit = self.breakpoint_at(self._step)
            if hit is not None:
                self.stop_running()
                self.breakpoint_hit.emit(self._step, hit)
                return
        if self.at_end():
            self.stop_running()
