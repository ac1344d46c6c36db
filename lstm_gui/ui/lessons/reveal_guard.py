"""Keeping a waiting question's answer out of sight: the views that are not
docks (hidden by name, see ``REVEALING_VIEWS`` in the controller) but toggles.

The gradient overlay writes the dataset loss, and with it the sequence's
output, into the diagram: while a question waits it is turned off through the
gradient feature's public :meth:`set_shown` and View > Show Gradients is
disabled ("Answer the question first"); the answer turns it back on if it was.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from lstm_gui.ui.lessons.restrictions import ANSWER_FIRST_TOOLTIP, ActionLocks


class RevealGuard(QObject):
    """Turns the gradient overlay off while a question waits, and back after."""

    def __init__(self, window: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self._locks = ActionLocks(self)
        #: Whether Show Gradients was on when the question started waiting (None: not waiting).
        self._was_shown: bool | None = None

    @property
    def pending(self) -> bool:
        return self._was_shown is not None

    def set_pending(self, pending: bool) -> None:
        gradients = self.window.gradients
        action = gradients.action_show_gradients
        if pending and self._was_shown is None:
            self._was_shown = action.isChecked()
            gradients.set_shown(False)
            self._locks.set_locked([action], ANSWER_FIRST_TOOLTIP)
        elif not pending and self._was_shown is not None:
            was, self._was_shown = self._was_shown, None
            self._locks.release()
            gradients.set_shown(was)
