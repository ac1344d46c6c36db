"""The stepped sequence's gradients through time, computed once and kept per step.

View state like the stepper's: for the sequence the stepper runs (with the
weights it shows) and its target, :func:`lstm_gui.core.gradients.gradients`
runs once per change of weights, inputs, initial memories or target; stepping
only reads the cached arrays (:meth:`SequenceGradients.at_step`). Nothing is
computed while no view needs the gradients (View > Show Gradients off and the
gradient plot hidden): see :meth:`SequenceGradients.set_needed`.

The target: a dataset sequence has the dataset's; the free inputs have the
session's ``target`` (0 until a person sets one).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from lstm_gui.core.gradients import Gradients, gradients
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.stepper import FREE_SOURCE, Stepper

#: The free inputs' target while the session has none.
DEFAULT_TARGET = 0.0


@dataclass(frozen=True)
class StepGradients:
    """What the diagram shows at one step t of the backward pass.

    ``long_after`` / ``short_after``: d loss / d the memories after step t
    (at step 0: the initial memories); ``long_before`` / ``short_before``:
    d loss / d the memories before step t (what flows out of the step,
    backwards). ``weights``: each weight's gradient accumulated from the
    last step back to t, in :meth:`CellParams.to_flat` order (at step 0 and 1:
    the whole gradient).
    """

    step: int
    steps: int
    loss: float
    output: float
    target: float
    long_after: float
    short_after: float
    long_before: float
    short_before: float
    weights: tuple[float, ...]


def step_gradients(grads: Gradients, step: int) -> StepGradients:
    """Step ``step`` (0..T) of ``grads``, an LSTM's gradients."""
    assert grads.long_grad is not None and grads.long0_grad is not None
    steps = grads.steps
    step = max(0, min(step, steps))
    long_at = (grads.long0_grad, *grads.long_grad)  # index t: d loss / d long_t
    short_at = (grads.short0_grad, *grads.short_grad)
    before = max(step - 1, 0)
    return StepGradients(
        step=step,
        steps=steps,
        loss=grads.loss,
        output=grads.output,
        target=grads.target,
        long_after=long_at[step],
        short_after=short_at[step],
        long_before=long_at[before],
        short_before=short_at[before],
        weights=grads.weights_grad_upto(max(step, 1)),
    )


class SequenceGradients(QObject):
    """The gradients of the sequence the stepper runs.

    Signals
    -------
    changed : the gradients are out of date (new weights, inputs, memories,
        sequence or target); read them again with :meth:`gradients`.
    """

    changed = Signal()

    def __init__(self, adapter: SessionAdapter, stepper: Stepper, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = adapter.session
        self._stepper = stepper
        self._needed = False
        self._key: tuple[object, ...] | None = None
        self._grads: Gradients | None = None
        #: How many times the core computed gradients (the cache is tested with it).
        self.computed = 0
        stepper.trace_changed.connect(self._on_changed)
        adapter.target_changed.connect(self._on_changed)
        adapter.dataset_changed.connect(self._on_changed)

    def set_needed(self, needed: bool) -> None:
        """Whether a view shows the gradients (else nothing is computed)."""
        if needed != self._needed:
            self._needed = needed
            if needed:
                self.changed.emit()

    def is_needed(self) -> bool:
        return self._needed

    def target(self) -> float:
        """The stepped sequence's target: the dataset's, or the free inputs'."""
        dataset = self._session.dataset
        source = self._stepper.source
        if source != FREE_SOURCE and 0 <= source < len(dataset):
            return dataset[source].target
        target = self._session.target
        return DEFAULT_TARGET if target is None else target

    def gradients(self) -> Gradients | None:
        """The stepped sequence's gradients (``None``: no inputs, or not needed)."""
        if not self._needed:
            return None
        inputs, long0, short0, _free = self._stepper.sequence()
        if not inputs:
            return None
        params = self._stepper.params().to_flat()
        target = self.target()
        key = (params, inputs, long0, short0, target)
        if key != self._key:
            self._grads = gradients("lstm", params, inputs, long0, short0, target)
            self._key = key
            self.computed += 1
        return self._grads

    def at_step(self, step: int) -> StepGradients | None:
        """Step ``step``'s gradients (from the cache), ``None`` when there are none."""
        grads = self.gradients()
        return None if grads is None else step_gradients(grads, step)

    @Slot()
    @Slot(object)
    def _on_changed(self, *_: object) -> None:
        if self._needed:
            self.changed.emit()
