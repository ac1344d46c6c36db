"""A tiny, Qt-free change notification (the session announces its own changes).

The window adapts these callbacks to Qt signals; the core never imports Qt.
"""

from __future__ import annotations

from typing import Any, Callable


class Signal:
    """A list of callbacks, called in connection order by :meth:`emit`."""

    __slots__ = ("_name", "_callbacks")

    def __init__(self, name: str = "") -> None:
        self._name = name
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        try:
            self._callbacks.remove(callback)
        except ValueError:
            pass

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)

    def __repr__(self) -> str:
        return f"<Signal {self._name} ({len(self._callbacks)} callbacks)>"
