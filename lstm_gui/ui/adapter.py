"""One object turns the core session's callbacks into Qt signals.

Widgets connect to the adapter, never to the session's callbacks, so when the
window replaces its session only this object re-binds.
"""

from __future__ import annotations

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
)


class SessionAdapter(QObject):
    """Qt signals mirroring ``session.events`` for the bound session."""

    weights_changed = Signal(object)
    inputs_changed = Signal(object)
    memories_changed = Signal(object)
    dataset_changed = Signal(object)
    training_config_changed = Signal(object)
    history_changed = Signal(object)
    #: Any change that is saved in the session file.
    session_changed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: Session | None = None
        self._callbacks: dict[str, object] = {}
        self.bind(session)

    @property
    def session(self) -> Session:
        assert self._session is not None
        return self._session

    def bind(self, session: Session) -> None:
        """Listen to ``session`` instead of the previous one."""
        self.unbind()
        self._session = session
        for name in EVENT_NAMES:
            qt_signal = getattr(self, name)

            def forward(value: object, qt_signal=qt_signal) -> None:
                qt_signal.emit(value)
                self.session_changed.emit()

            getattr(session.events, name).connect(forward)
            self._callbacks[name] = forward

    def unbind(self) -> None:
        if self._session is None:
            return
        for name, callback in self._callbacks.items():
            getattr(self._session.events, name).disconnect(callback)
        self._callbacks.clear()
        self._session = None
