"""A tiny, Qt-free change notification (the session announces its own changes).

Measured against psygnal (the evented-model library napari uses): for the
session's six events with one or two listeners each, both cost well under a
microsecond per emit, and the features we need -- weak references to bound
methods, so a destroyed widget never gets called, and a payload with the new
value -- are a few lines here. So no dependency. The window adapts these
callbacks to Qt signals; the core never imports Qt.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Signal(Generic[T]):
    """Callbacks called in connection order by :meth:`emit` with the new value.

    Bound methods are held weakly (a listener that goes away is dropped, it
    does not need to disconnect); plain functions and lambdas strongly.
    """

    __slots__ = ("_name", "_callbacks")

    def __init__(self, name: str = "") -> None:
        self._name = name
        self._callbacks: list[Callable[[], Callable[[T], Any] | None]] = []

    @staticmethod
    def _ref(callback: Callable[[T], Any]) -> Callable[[], Callable[[T], Any] | None]:
        if hasattr(callback, "__self__") and hasattr(callback, "__func__"):
            return weakref.WeakMethod(callback)
        return lambda: callback

    def _live(self) -> list[Callable[[T], Any]]:
        live = []
        for ref in list(self._callbacks):
            callback = ref()
            if callback is None:
                self._callbacks.remove(ref)
            else:
                live.append(callback)
        return live

    def connect(self, callback: Callable[[T], Any]) -> Callable[[T], Any]:
        if callback not in self._live():
            self._callbacks.append(self._ref(callback))
        return callback

    def disconnect(self, callback: Callable[[T], Any]) -> None:
        for ref in list(self._callbacks):
            if ref() == callback:
                self._callbacks.remove(ref)

    def emit(self, value: T) -> None:
        for callback in self._live():
            callback(value)

    def __len__(self) -> int:
        return len(self._live())

    def __repr__(self) -> str:
        return f"<Signal {self._name} ({len(self)} callbacks)>"
