"""What a chapter hides and locks, and undoing it when the lesson moves on or ends.

A locked control is disabled with the tooltip "Locked by the lesson"; if its
owner enables it again while the chapter runs (the training panel does after
a run), it is disabled again at once. Leaving the lesson gives every control
back its visibility, enabled state and tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

LOCKED_TOOLTIP = "Locked by the lesson"
#: The tooltip of a stepping action held back while a question waits.
ANSWER_FIRST_TOOLTIP = "Answer the question first"


class Restrictions(QObject):
    """Hides and locks widgets by object name; :meth:`release` undoes all of it."""

    def __init__(self, find_widget: Callable[[str], QWidget | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._find_widget = find_widget
        #: widget -> (was enabled, its tooltip)
        self._locked: dict[QWidget, tuple[bool, str]] = {}
        #: widget -> was visible
        self._hidden: dict[QWidget, bool] = {}

    def apply(self, hidden: Iterable[str], locked: Iterable[str]) -> list[str]:
        """Hide ``hidden`` and lock ``locked`` (after releasing the previous
        ones); returns the names not found."""
        self.release()
        missing = []
        for name in hidden:
            widget = self._find_widget(name)
            if widget is None:
                missing.append(name)
                continue
            self._hidden[widget] = not widget.isHidden()
            widget.hide()
        for name in locked:
            widget = self._find_widget(name)
            if widget is None:
                missing.append(name)
                continue
            self._locked[widget] = (widget.isEnabled(), widget.toolTip())
            widget.setEnabled(False)
            widget.setToolTip(LOCKED_TOOLTIP)
            widget.installEventFilter(self)
        return missing

    def is_locked(self, widget: QWidget) -> bool:
        return widget in self._locked

    def is_hiding(self, widget: QWidget) -> bool:
        return widget in self._hidden

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.EnabledChange
            and isinstance(watched, QWidget)
            and watched in self._locked
            and watched.isEnabled()
        ):
            watched.setEnabled(False)
        return False

    def release(self) -> None:
        """Every hidden widget shown again as it was, every locked one unlocked."""
        locked, self._locked = self._locked, {}
        for widget, (enabled, tooltip) in locked.items():
            widget.removeEventFilter(self)
            widget.setEnabled(enabled)
            widget.setToolTip(tooltip)
        hidden, self._hidden = self._hidden, {}
        for widget, visible in hidden.items():
            widget.setVisible(visible)


class ActionLocks(QObject):
    """Disables actions (Train, Nudge, Step forward ...) with a tooltip saying
    why; an owner enabling one again meanwhile (the window after each step,
    the training panel after a run) is undone at once. A disabled action's
    shortcut and menu entry do nothing, so this one place covers them all."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: action -> (was enabled, its tooltip, the tooltip it shows now)
        self._locked: dict[QAction, tuple[bool, str, str]] = {}

    def set_locked(self, actions: Iterable[QAction], tooltip: str) -> None:
        """Lock exactly ``actions`` among those locked with ``tooltip``."""
        wanted = set(actions)
        for action in [a for a, (_, _, tip) in self._locked.items() if tip == tooltip and a not in wanted]:
            self._unlock(action)
        for action in wanted:
            if action in self._locked:
                continue
            self._locked[action] = (action.isEnabled(), action.toolTip(), tooltip)
            action.setEnabled(False)
            action.setToolTip(tooltip)
            action.changed.connect(self._on_changed)

    def is_locked(self, action: QAction) -> bool:
        return action in self._locked

    @Slot()
    def _on_changed(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action in self._locked and action.isEnabled():
            was, tooltip, shown = self._locked[action]
            self._locked[action] = (True, tooltip, shown)  # the owner's wish, given back on release
            action.setEnabled(False)

    def _unlock(self, action: QAction) -> None:
        enabled, tooltip, _ = self._locked.pop(action)
        action.changed.disconnect(self._on_changed)
        action.setToolTip(tooltip)
        action.setEnabled(enabled)

    def release(self) -> None:
        """Every locked action back as it was (or as its owner set it meanwhile)."""
        for action in list(self._locked):
            self._unlock(action)
