"""A stage of a time step on the diagram: its parts lit, the rest dimmed, its
formula in a caption, and a pulse travelling along its lines while Run plays
the stages.

The scene tags its items with the part ids of
:data:`lstm_gui.core.stages.DIAGRAM_PARTS` while it builds them; this overlay
only changes their opacity and adds its own caption and pulse dots, so a
stage never redraws the cell. Which values are pending is the scene's
business (it writes them), what a stage computes and says is the core's
(:mod:`lstm_gui.core.stages`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEasingCurve, QObject, QRectF, QVariantAnimation, Slot
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from lstm_gui.core.stages import DIAGRAM_PARTS, stage
from lstm_gui.ui.theme import DiagramColors

#: Opacity of the parts a stage does not use: still there to read, clearly behind.
DIM_OPACITY = 0.25
#: The pulse travels its lines in this share of a Run tick (then rests until the next).
PULSE_SHARE = 0.85
PULSE_R = 8.0


@dataclass(frozen=True, slots=True)
class StageView:
    """What the diagram shows of a stage (for tests and the window).

    ``stage`` 0 is the whole step: nothing dimmed, no caption.
    """

    stage: int
    caption: str  # heading and formulas, one per line ("" for the whole step)
    lit: frozenset[str]
    dimmed: frozenset[str]
    pending: tuple[str, ...]  # value labels showing "…" (their trace keys)


class _Caption(QGraphicsPathItem):
    """The stage's heading (bold) over its formulas, on a framed background.

    More than :data:`ROWS` formulas go in two columns, so the caption stays
    flat: it sits in the band above the long-term memory line (in place of
    the stage headings), where it covers no line, value or label.
    """

    PAD = 4.0
    GAP = 28.0  # between the two columns
    ROWS = 1

    def __init__(self, px: float) -> None:
        super().__init__()
        self.heading = QGraphicsSimpleTextItem(self)
        self.columns = (QGraphicsSimpleTextItem(self), QGraphicsSimpleTextItem(self))
        font = QFont()
        font.setPixelSize(int(px))
        for column in self.columns:
            column.setFont(font)
        font.setBold(True)
        self.heading.setFont(font)
        self._lines: tuple[str, ...] = ()

    def set_lines(self, heading: str, lines: tuple[str, ...]) -> None:
        self._lines = lines
        rows = len(lines) if len(lines) <= self.ROWS else (len(lines) + 1) // 2
        self.heading.setText(heading)
        left, right = self.columns
        left.setText("\n".join(lines[:rows]))
        right.setText("\n".join(lines[rows:]))
        head, first, second = self.heading.boundingRect(), left.boundingRect(), right.boundingRect()
        body_w = first.width() + (self.GAP + second.width() if lines[rows:] else 0.0)
        w = max(head.width(), body_w) + 2 * self.PAD
        h = head.height() + max(first.height(), second.height()) + 2 * self.PAD
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, w, h), 6, 6)
        self.setPath(path)
        self.heading.setPos(self.PAD, self.PAD)
        left.setPos(self.PAD, self.PAD + head.height())
        right.setPos(self.PAD + first.width() + self.GAP, self.PAD + head.height())

    def text(self) -> str:
        """The heading and every formula, one per line, in the core's order."""
        return "\n".join((self.heading.text(), *self._lines))

    def set_colors(self, colors: DiagramColors) -> None:
        self.setBrush(QColor(colors.surface))
        self.setPen(QPen(QColor(colors.text), 1.5))
        self.heading.setBrush(QColor(colors.text))
        for column in self.columns:
            column.setBrush(QColor(colors.text))


class StageOverlay(QObject):
    """Lights one stage's parts of ``scene`` and dims the rest, shows its
    caption and plays the pulse.

    Parameters
    ----------
    scene : the diagram's scene; ``parts`` are its items by part id.
    anchors : where each stage's caption goes: an x (scene units) and which
        of the caption's edges sits there (``left``, ``center``, ``right``).
    caption_bottom : the caption's bottom edge (it grows upwards).
    x_range : the caption stays between these x.
    px : the caption's font size.
    headings : parts hidden while a caption shows (the stage headings it
        sits on; its own heading names the stage).
    """

    def __init__(
        self,
        scene: QGraphicsScene,
        parts: dict[str, list[QGraphicsItem]],
        anchors: dict[int, tuple[float, str]],
        caption_bottom: float,
        x_range: tuple[float, float],
        px: float,
        headings: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scene)
        missing = set(DIAGRAM_PARTS) - set(parts)
        if missing:
            raise ValueError(f"the diagram has no items for the parts {sorted(missing)}")
        self._scene = scene
        self._parts = parts
        self._anchors = anchors
        self._bottom = caption_bottom
        self._x_range = x_range
        self._headings = [item for part in headings for item in parts[part]]
        self._stage = 0
        self.caption = _Caption(px)
        self.caption.setZValue(27)  # over the lines and sums, under the bubbles
        self.caption.setVisible(False)
        scene.addItem(self.caption)
        self._dots: dict[QGraphicsPathItem, QGraphicsEllipseItem] = {}
        self._moving: list[QGraphicsPathItem] = []
        self._pulse = QVariantAnimation(self)
        self._pulse.setStartValue(0.0)
        self._pulse.setEndValue(1.0)
        self._pulse.setEasingCurve(QEasingCurve.Type.InOutSine)
        self._pulse.valueChanged.connect(self._on_pulse_moved)
        self._pulse.finished.connect(self._hide_dots)
        self._dot_colors = ("#f5a300", "#ffffff")

    # -- showing a stage ---------------------------------------------------------
    def show(self, stage_number: int, heading: str = "", formulas: tuple[str, ...] = ()) -> None:
        """Light stage ``stage_number`` (0: the whole step, all lit, no caption)
        with ``heading`` and ``formulas`` in its caption."""
        if stage_number != self._stage:
            self.stop_pulse()
            lit = set(stage(stage_number).parts) if stage_number else set(self._parts)
            for part, items in self._parts.items():
                opacity = 1.0 if part in lit else DIM_OPACITY
                for item in items:
                    if item.opacity() != opacity:
                        item.setOpacity(opacity)
            self._stage = stage_number
        for item in self._headings:
            item.setVisible(not stage_number)
        if not stage_number:
            self.caption.setVisible(False)
            return
        self.caption.set_lines(heading, formulas)
        width = self.caption.path().boundingRect().width()
        height = self.caption.path().boundingRect().height()
        low, high = self._x_range
        x, align = self._anchors[stage_number]
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        left = min(max(left, low), high - width)
        self.caption.setPos(left, self._bottom - height)
        self.caption.setVisible(True)

    def view(self, pending: tuple[str, ...]) -> StageView:
        lit = frozenset(stage(self._stage).parts) if self._stage else frozenset(self._parts)
        return StageView(
            stage=self._stage,
            caption=self.caption.text() if self.caption.isVisible() else "",
            lit=lit,
            dimmed=frozenset(self._parts) - lit,
            pending=pending,
        )

    def apply_colors(self, colors: DiagramColors) -> None:
        self.caption.set_colors(colors)
        self._dot_colors = (colors.flash, colors.surface)
        for dot in self._dots.values():
            self._color_dot(dot)

    # -- the pulse ---------------------------------------------------------------
    def play_pulse(self, tick_ms: int) -> None:
        """A dot travels along each line the current stage lights, in the
        direction the values flow, over most of one Run tick of ``tick_ms``."""
        self.stop_pulse()
        if not self._stage:
            return
        self._moving = [
            item
            for part in stage(self._stage).parts
            if part not in ("short_line", "x_line")  # they feed every stage: no news there
            for item in self._parts[part]
            if isinstance(item, QGraphicsPathItem) and item.data(0) is not None  # lines, not notes
        ]
        for line in self._moving:
            dot = self._dots.get(line)
            if dot is None:
                dot = QGraphicsEllipseItem(-PULSE_R, -PULSE_R, 2 * PULSE_R, 2 * PULSE_R)
                dot.setZValue(9)
                self._color_dot(dot)
                self._scene.addItem(dot)
                self._dots[line] = dot
            dot.setPos(line.path().pointAtPercent(0.0))
            dot.setVisible(True)
        self._pulse.setDuration(max(1, int(tick_ms * PULSE_SHARE)))
        self._pulse.start()

    def stop_pulse(self) -> None:
        self._pulse.stop()
        self._hide_dots()

    def pulse_running(self) -> bool:
        return self._pulse.state() == QVariantAnimation.State.Running

    def pulse_dots(self) -> list[QGraphicsEllipseItem]:
        """The dots travelling now (for tests)."""
        return [self._dots[line] for line in self._moving if self._dots[line].isVisible()]

    def _color_dot(self, dot: QGraphicsEllipseItem) -> None:
        fill, edge = self._dot_colors
        dot.setBrush(QColor(fill))
        dot.setPen(QPen(QColor(edge), 2))

    @Slot(object)
    def _on_pulse_moved(self, value: object) -> None:
        at = float(value)  # type: ignore[arg-type]
        for line in self._moving:
            self._dots[line].setPos(line.path().pointAtPercent(at))

    @Slot()
    def _hide_dots(self) -> None:
        for line in self._moving:
            self._dots[line].setVisible(False)
        self._moving = []
