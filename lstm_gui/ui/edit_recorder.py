"""A person's edits on the diagram and the input strip, each one undo step.

The :class:`EditRecorder`'s slots turn the widgets' edit signals (a weight
typed or dragged, an input set, added or removed, the initial memories) into
``QUndoStack`` commands on the session; the window wires the signals to them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from lstm_gui.core.session import Session
from lstm_gui.ui.commands import inputs_command, memories_command, weight_command
from lstm_gui.ui.stepper import Stepper


class EditRecorder(QObject):
    """Pushes one command per edit onto ``undo_stack``; says what it did, or
    why an edit was refused, in ``window``'s status bar. Weights shown from a
    training preview are read-only: their edits are ignored."""

    def __init__(self, session: Session, undo_stack: QUndoStack, stepper: Stepper, window: QMainWindow) -> None:
        super().__init__(window)
        self.session = session
        self.undo_stack = undo_stack
        self.stepper = stepper
        self._window = window

    @Slot(str, str, float)
    def on_weight_committed(self, gate: str, role: str, value: float) -> None:
        if self.stepper.preview is not None:
            return
        self.undo_stack.push(weight_command(self.session, gate, role, value))
        self._window.statusBar().showMessage(f"{gate} {role} = {value!r}", 4000)

    @Slot(str, str, float, int)
    def on_weight_dragged(self, gate: str, role: str, value: float, drag_id: int) -> None:
        if self.stepper.preview is None:  # every move of one drag: one undo step
            self.undo_stack.push(weight_command(self.session, gate, role, value, merge_key=f"drag:{drag_id}"))

    @Slot(int, float)
    def on_input_edited(self, index: int, value: float) -> None:
        inputs = list(self.session.inputs)
        inputs[index] = value
        self.undo_stack.push(inputs_command(self.session, inputs, f"Set input {index + 1}"))

    @Slot()
    def on_input_added(self) -> None:
        inputs = list(self.session.inputs)
        inputs.append(inputs[-1] if inputs else 0.0)
        self.undo_stack.push(inputs_command(self.session, inputs, "Add an input"))

    @Slot(int)
    def on_input_removed(self, index: int) -> None:
        inputs = list(self.session.inputs)
        if len(inputs) <= 1:
            return
        del inputs[index]
        self.undo_stack.push(inputs_command(self.session, inputs, f"Remove input {index + 1}"))

    @Slot(float, float)
    def on_memories_edited(self, long0: float, short0: float) -> None:
        self.undo_stack.push(memories_command(self.session, long0, short0))

    @Slot(str)
    def on_refused(self, reason: str) -> None:
        self._window.statusBar().showMessage(f"Not changed: {reason}", 8000)
