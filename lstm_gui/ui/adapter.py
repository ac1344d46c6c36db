"""The one way widgets listen to the session: Qt signals mirroring its events.

The core's :class:`~lstm_gui.core.session.Session` announces its changes with
plain callbacks; this object re-emits each one as a Qt signal carrying the new
value, so widgets connect with Qt's rules (queued across threads, dropped when
the receiver is deleted). The window keeps one session for its whole life, so
the adapter binds once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from lstm_gui.core.session import Session

#: The session's event names; the adapter has a Qt signal of the same name.
EVENT_NAMES: tuple[str, ...] = (
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


class SessionAdapter(QObject):
    """Qt signals mirroring ``session.events``, each with the new value."""

    weights_changed = Signal(object)
    inputs_changed = Signal(object)
    memories_changed = Signal(object)
    dataset_changed = Signal(object)
    training_config_changed = Signal(object)
    history_changed = Signal(object)
    breakpoints_changed = Signal(object)
    watches_changed = Signal(object)
    training_breakpoints_changed = Signal(object)
    landscape_changed = Signal(object)
    comparison_changed = Signal(object)
    target_changed = Signal(object)
    chapters_changed = Signal(object)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._forwarders: dict[str, Callable[[object], None]] = {}
        for name in EVENT_NAMES:
            forward = getattr(self, name).emit
            getattr(session.events, name).connect(forward)
            self._forwarders[name] = forward

    @property
    def session(self) -> Session:
        return self._session

    def unbind(self) -> None:
        """Stop forwarding (the window is closing)."""
        for name, forward in self._forwarders.items():
            getattr(self._session.events, name).disconnect(forward)
        self._forwarders.clear()
