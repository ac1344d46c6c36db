"""The wheel scrolls; it changes a control's value only when that control has focus.

Qt's combo boxes, spin boxes and sliders take wheel events even when the
pointer merely passes over them while a person scrolls a panel, which changed
settings silently (*Updates* flipped to full batch). One application-wide
event filter sends such wheel events to the scrolling parent instead, and the
controls take focus only by click or Tab (``Qt.StrongFocus``), never by wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QSlider, QWidget

#: Controls whose value the wheel would change (scroll bars are for scrolling).
GUARDED = (QComboBox, QAbstractSpinBox, QSlider)


class WheelGuard(QObject):
    """Event filter: an unfocused value control passes the wheel to its parent."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, GUARDED):
            widget = watched
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            if not widget.hasFocus():
                # The scroll area above gets the wheel, as if the control were not there.
                area = _scroll_area_above(widget)
                if area is not None and isinstance(event, QWheelEvent):
                    QCoreApplication.sendEvent(area.viewport(), event.clone())
                event.ignore()
                return True
        return False


def _scroll_area_above(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


_guard: WheelGuard | None = None


def install_wheel_guard(app: QCoreApplication) -> WheelGuard:
    """Install the guard on the whole application (once)."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard


def guard_widget(widget: QWidget) -> None:
    """Focus by click or Tab only, so the wheel never focuses it in passing."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
