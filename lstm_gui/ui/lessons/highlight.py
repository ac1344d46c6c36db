"""Outlining what a chapter talks about: diagram parts and widgets get an
amber frame while the chapter is shown.

Parts inside the diagram (a gate's block, a memory line, a weight field or a
value label) are outlined by an item in the scene, so the frame zooms and
scrolls with the drawing; other widgets get a frame child that covers them
and lets every click through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QWidget

from lstm_gui.ui.diagram.scene import DiagramScene

#: The outline's colour: violet, apart from the diagram's green, pink, blue and
#: orange and from the amber rings of a value that just changed.
HIGHLIGHT_COLOR = "#7b3fe4"
_GLOW_WIDTH = 9.0
_LINE_WIDTH = 3.0


class _WidgetFrame(QWidget):
    """A frame drawn over ``target`` (its child), transparent for the mouse."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("lesson_highlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
            self.raise_()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(HIGHLIGHT_COLOR), _LINE_WIDTH))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 5, 5)


def _outline(rect: QRectF) -> list[QGraphicsPathItem]:
    """A soft glow and a sharp line around ``rect`` (two items, above the drawing)."""
    path = QPainterPath()
    path.addRoundedRect(rect.adjusted(-7, -7, 7, 7), 8, 8)
    items = []
    for width, alpha, z in ((_GLOW_WIDTH, 90, 40.0), (_LINE_WIDTH, 255, 41.0)):
        color = QColor(HIGHLIGHT_COLOR)
        color.setAlpha(alpha)
        item = QGraphicsPathItem(path)
        item.setPen(QPen(color, width))
        item.setZValue(z)
        item.setData(0, "lesson_highlight")
        items.append(item)
    return items


class Highlighter:
    """Outlines named parts; :meth:`show` replaces what is outlined, :meth:`clear` removes it.

    ``find_widget`` finds a widget by object name (inside the scene too).
    """

    def __init__(self, scene: DiagramScene, find_widget: Callable[[str], QWidget | None]) -> None:
        self._scene = scene
        self._find_widget = find_widget
        self._items: list[QGraphicsPathItem] = []
        self._frames: list[_WidgetFrame] = []
        #: The names outlined now (those found).
        self.shown: list[str] = []

    def show(self, names: Iterable[str]) -> list[str]:
        """Outline ``names``; returns those not found (a lesson for another version)."""
        self.clear()
        missing = []
        for name in names:
            if self._outline(name):
                self.shown.append(name)
            else:
                missing.append(name)
        return missing

    def _outline(self, name: str) -> bool:
        rect = self._scene.part_rect(name)
        if rect is None:
            widget = self._find_widget(name)
            if widget is None:
                return False
            proxy = widget.graphicsProxyWidget()
            if proxy is None:
                self._frames.append(_WidgetFrame(widget))
                return True
            rect = proxy.sceneBoundingRect()
        for item in _outline(rect):
            self._scene.addItem(item)
            self._items.append(item)
        return True

    def clear(self) -> None:
        for item in self._items:
            if item.scene() is self._scene:
                self._scene.removeItem(item)
        self._items.clear()
        for frame in self._frames:
            parent = frame.parentWidget()
            if parent is not None:
                parent.removeEventFilter(frame)
            frame.hide()
            frame.deleteLater()
        self._frames.clear()
        self.shown.clear()
