"""The cell drawn the way StatQuest draws it, with editable weights on it.

Long-term memory (green) runs along the top, short-term memory (pink) along
the bottom and the input below it. Each gate is a block fed by two arrows,
one from the short-term line and one from the input, with the weight on each
arrow as an editable field and the bias inside the block. The block's outline
keeps the gate's type colour (sigmoid blue, tanh orange); its fill shows the
value on a colour scale.

Everything is drawn in scene units and scaled by the view, so it stays sharp
at any size. The diagram computes nothing: it shows a :class:`StepTrace`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractGraphicsShapeItem,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsProxyWidget,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QWidget,
)

from lstm_gui.core.cell import CellParams, StepTrace
from lstm_gui.core.formatting import format_number
from lstm_gui.core.vocabulary import GATE_ACTIVATION, GATE_CAPTIONS, GATE_TITLES, GATE_WORDS, GATES, ROLE_WORDS
from lstm_gui.ui.theme import LIGHT, DiagramColors, readable_text, value_fill
from lstm_gui.ui.widgets.number_field import NumberField, display_text

# -- layout (scene units) ------------------------------------------------------
SCENE_RECT = QRectF(0, 0, 1350, 650)
LONG_Y = 100.0
SHORT_Y = 530.0
INPUT_Y = 590.0
LINE_START = 170.0
LINE_END = 1150.0
BLOCK_TOP = 285.0
BLOCK_W = 164.0
BLOCK_H = 112.0
GATE_X: dict[str, float] = {"forget": 300.0, "input": 520.0, "candidate": 730.0, "output": 950.0}
ARM = 42.0  # horizontal offset of the two input arrows from the block centre
ADD_X = 625.0  # the x node of input*candidate and the + node above it
ADD_NODE_Y = 205.0
OUT_X = 1085.0  # tanh of the new long-term memory and the output x node
TANH_Y = 205.0
OUT_NODE_Y = BLOCK_TOP + 56.0
NODE_R = 15.0
FIELD_W = 70.0
FIELD_H = 28.0

SYMBOL: dict[str, str] = {"sigmoid": "\u03c3", "tanh": "tanh"}
BLANK = "\u2014"  # em dash: no value at step 0


def _font(px: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(int(px))
    font.setBold(bold)
    font.setItalic(italic)
    return font


def gate_formula(gate: str, params: CellParams, step: StepTrace) -> str:
    """``sigmoid(2.70 x 1.000 + 1.63 x 1.000 + 1.62) = 0.9974`` for one gate."""
    g = params.gate(gate)

    def term(text: str) -> str:
        return f"({text})" if text.startswith("-") else text

    activation = GATE_ACTIVATION[gate]
    value = getattr(step, gate)
    return (
        f"{activation}({term(display_text(g.w_short))} x {term(format_number(step.short_prev, 3))}"
        f" + {term(display_text(g.w_input))} x {term(format_number(step.x, 3))}"
        f" + {term(display_text(g.bias))}) = {format_number(value)}"
    )


@dataclass(frozen=True, slots=True)
class DiagramState:
    """What the diagram shows: the weights and either a step or the start."""

    params: CellParams
    long0: float
    short0: float
    step: StepTrace | None  # None: step 0, before the first input
    read_only: bool = False


class _Label(QLabel):
    """A label embedded in the scene, transparent around its text."""

    def __init__(self, text: str = "", translucent: bool = True) -> None:
        super().__init__(text)
        if translucent:
            self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class DiagramScene(QGraphicsScene):
    """The cell drawing. ``weight_committed(gate, role, value)`` when a
    person enters a new weight; ``refused(str)`` when text is refused."""

    weight_committed = Signal(str, str, float)
    refused = Signal(str)

    def __init__(self, colors: DiagramColors = LIGHT, parent=None) -> None:
        super().__init__(parent)
        self.setSceneRect(SCENE_RECT)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._colors = colors
        self._styled: list[tuple[QAbstractGraphicsShapeItem, str, str]] = []  # item, kind, colour key
        self.fields: dict[tuple[str, str], NumberField] = {}
        self._field_line: dict[tuple[str, str], str] = {}
        self._bubbles: dict[tuple[str, str], tuple[QGraphicsPathItem, QGraphicsSimpleTextItem]] = {}
        self.blocks: dict[str, QGraphicsRectItem] = {}
        self.value_labels: dict[str, QLabel] = {}
        self._memory_labels: list[tuple[QLabel, str]] = []
        self._small_values: dict[str, QGraphicsSimpleTextItem] = {}
        self._state: DiagramState | None = None
        self._build()
        self.apply_colors(colors)

    # -- building blocks -----------------------------------------------------
    def _track(self, item: QAbstractGraphicsShapeItem, kind: str, key: str) -> QAbstractGraphicsShapeItem:
        self._styled.append((item, kind, key))
        self.addItem(item)
        return item

    def _line(
        self, points: list[tuple[float, float]], key: str, width: float = 3.0, arrow: bool = True, z: float = 1.0
    ) -> None:
        path = QPainterPath(QPointF(*points[0]))
        for p in points[1:]:
            path.lineTo(QPointF(*p))
        item = QGraphicsPathItem(path)
        item.setData(0, width)
        item.setZValue(z)
        self._track(item, "line", key)
        if arrow:
            (x0, y0), (x1, y1) = points[-2], points[-1]
            angle = math.atan2(y1 - y0, x1 - x0)
            size = 7.0 + width
            tip = QPointF(x1, y1)
            left = QPointF(x1 - size * math.cos(angle - 0.45), y1 - size * math.sin(angle - 0.45))
            right = QPointF(x1 - size * math.cos(angle + 0.45), y1 - size * math.sin(angle + 0.45))
            head = QGraphicsPolygonItem(QPolygonF([tip, left, right]))
            head.setZValue(z)
            self._track(head, "fill", key)

    def _dot(self, x: float, y: float, key: str) -> None:
        dot = QGraphicsEllipseItem(x - 5, y - 5, 10, 10)
        dot.setZValue(2)
        self._track(dot, "fill", key)

    def _node(self, x: float, y: float, symbol: str, key: str) -> None:
        node = QGraphicsEllipseItem(x - NODE_R, y - NODE_R, 2 * NODE_R, 2 * NODE_R)
        node.setZValue(3)
        self._track(node, "node", key)
        text = QGraphicsSimpleTextItem(symbol)
        text.setFont(_font(22, bold=True))
        r = text.boundingRect()
        text.setPos(x - r.width() / 2, y - r.height() / 2 - 1)
        text.setZValue(4)
        self._track(text, "text", key)

    def _text(
        self,
        text: str,
        x: float,
        y: float,
        px: float = 13,
        key: str = "muted",
        bold: bool = False,
        italic: bool = False,
        align: str = "left",
    ) -> QGraphicsSimpleTextItem:
        item = QGraphicsSimpleTextItem(text)
        item.setFont(_font(px, bold, italic))
        r = item.boundingRect()
        dx = {"left": 0.0, "center": -r.width() / 2, "right": -r.width()}[align]
        item.setPos(x + dx, y)
        item.setZValue(5)
        self._track(item, "text", key)
        return item

    def _proxy(self, widget: QWidget, x: float, y: float, z: float = 10) -> QGraphicsProxyWidget:
        proxy = self.addWidget(widget)
        proxy.setPos(x, y)
        proxy.setZValue(z)
        return proxy

    def _memory_label(self, name: str, x: float, y: float, key: str, width: float = 128) -> QLabel:
        label = _Label("0.0000", translucent=False)
        label.setObjectName(name)
        label.setFixedSize(int(width), 34)
        self._proxy(label, x, y, z=6)
        self._memory_labels.append((label, key))
        return label

    # -- the drawing -----------------------------------------------------------
    def _build(self) -> None:
        # Stage headings.
        for text, x in (
            ("1  forget", GATE_X["forget"]),
            ("2  remember something new", ADD_X),
            ("3  output", (GATE_X["output"] + OUT_X) / 2),
        ):
            self._text(text, x, 14, px=14, key="muted", bold=True, align="center")

        # Memory and input lines.
        self._line([(LINE_START, LONG_Y), (LINE_END, LONG_Y)], "long_term", width=7, z=0.5)
        self._line(
            [(LINE_START, SHORT_Y), (GATE_X["output"] - ARM, SHORT_Y)], "short_term", width=5, arrow=False, z=0.5
        )
        self._line(
            [(LINE_START, INPUT_Y), (GATE_X["output"] + ARM, INPUT_Y)], "input_line", width=3, arrow=False, z=0.5
        )

        # Left: the memories before this step and the input.
        self._text("long-term memory", 20, LONG_Y - 44, px=13, key="long_term", bold=True)
        self.long_prev_label = self._memory_label("value_long_prev", 20, LONG_Y - 17, "long_term")
        self._text("short-term memory", 20, SHORT_Y - 44, px=13, key="short_term", bold=True)
        self.short_prev_label = self._memory_label("value_short_prev", 20, SHORT_Y - 17, "short_term")
        self._text("input", 20, INPUT_Y + 20, px=13, key="input_line", bold=True)
        self.input_label = self._memory_label("value_x", 20, INPUT_Y - 17, "input_line")

        # Gate columns: two weighted arrows up into each block.
        for gate in GATES:
            cx = GATE_X[gate]
            bottom = BLOCK_TOP + BLOCK_H
            self._dot(cx - ARM, SHORT_Y, "short_term")
            self._line([(cx - ARM, SHORT_Y), (cx - ARM, bottom)], "short_term", width=3)
            self._dot(cx + ARM, INPUT_Y, "input_line")
            self._line([(cx + ARM, INPUT_Y), (cx + ARM, bottom)], "input_line", width=2.5)
            self._add_field(gate, "w_short", cx - ARM - FIELD_W / 2, 418, "short_term")
            self._add_field(gate, "w_input", cx + ARM - FIELD_W / 2, 462, "input_line")
            self._add_block(gate, cx)

        # Stage 1: forget x long-term.
        fx = GATE_X["forget"]
        self._line([(fx, BLOCK_TOP), (fx, LONG_Y + NODE_R)], "sigmoid", width=3)
        self._node(fx, LONG_Y, "\u00d7", "long_term")
        self._text(GATE_CAPTIONS["forget"], fx + 12, 170, italic=True)

        # Stage 2: input x candidate, added to the long-term memory.
        ix, gx = GATE_X["input"], GATE_X["candidate"]
        self._line([(ix, BLOCK_TOP), (ix, ADD_NODE_Y), (ADD_X - NODE_R, ADD_NODE_Y)], "sigmoid", width=3)
        self._line([(gx, BLOCK_TOP), (gx, ADD_NODE_Y), (ADD_X + NODE_R, ADD_NODE_Y)], "tanh", width=3)
        self._node(ADD_X, ADD_NODE_Y, "\u00d7", "muted")
        self._line([(ADD_X, ADD_NODE_Y - NODE_R), (ADD_X, LONG_Y + NODE_R)], "muted", width=3)
        self._node(ADD_X, LONG_Y, "+", "long_term")
        self._text(GATE_CAPTIONS["input"], ix - 8, 222, italic=True, align="right")
        self._text(GATE_CAPTIONS["candidate"], gx + 8, 222, italic=True)

        # Stage 3: tanh of the new long-term memory, times the output gate.
        ox = GATE_X["output"]
        self._dot(OUT_X, LONG_Y, "long_term")
        self._line([(OUT_X, LONG_Y), (OUT_X, TANH_Y - 26)], "long_term", width=3)
        tanh_block = QGraphicsRectItem(OUT_X - 52, TANH_Y - 26, 104, 52)
        tanh_block.setZValue(3)
        self._track(tanh_block, "block", "tanh")
        self.tanh_block = tanh_block
        self.tanh_label = _Label(BLANK)
        self.tanh_label.setObjectName("value_long_tanh")
        self.tanh_label.setFixedSize(100, 48)
        self._proxy(self.tanh_label, OUT_X - 50, TANH_Y - 24, z=6)
        self._line([(OUT_X, TANH_Y + 26), (OUT_X, OUT_NODE_Y - NODE_R)], "tanh", width=3)
        self._text("potential short-term\nmemory", OUT_X + 60, TANH_Y - 16, italic=True)
        self._line([(ox + BLOCK_W / 2, OUT_NODE_Y), (OUT_X - NODE_R, OUT_NODE_Y)], "sigmoid", width=3)
        self._node(OUT_X, OUT_NODE_Y, "\u00d7", "short_term")
        self._line([(OUT_X, OUT_NODE_Y + NODE_R), (OUT_X, SHORT_Y), (LINE_END, SHORT_Y)], "short_term", width=5)
        self._text(GATE_CAPTIONS["output"], ox, 222, italic=True, align="center")

        # Right: the memories after this step.
        self._text("new long-term memory", LINE_END + 12, LONG_Y - 44, px=13, key="long_term", bold=True)
        self.long_label = self._memory_label("value_long", LINE_END + 12, LONG_Y - 17, "long_term", width=150)
        self._text("new short-term memory", LINE_END + 12, SHORT_Y - 44, px=13, key="short_term", bold=True)
        self.short_label = self._memory_label("value_short", LINE_END + 12, SHORT_Y - 17, "short_term", width=150)
        self._text("(the output)", LINE_END + 12, SHORT_Y + 22, px=12, italic=True)

        # Intermediate products, small, next to where they flow.
        self._small_values["long_remembered"] = self._text("", fx + 20, LONG_Y + 8, px=12)
        self._small_values["long_added"] = self._text("", ADD_X + 10, LONG_Y + 40, px=12)

        self._build_legend()
        # Under the input line, between its label and the legend: the stage
        # headings already use the top row.
        self.preview_banner = self._text("", ADD_X, INPUT_Y + 28, px=13, key="error", bold=True, align="center")
        # Each item keeps a pixmap of itself at the current zoom: a step
        # repaints the few items that changed and blits the rest.
        # Value labels change on every step anyway and are left uncached.
        changing = {label.graphicsProxyWidget() for label in self._changing_labels()}
        for item in self.items():
            if item not in changing:
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def _changing_labels(self) -> list[QLabel]:
        return [label for label, _key in self._memory_labels] + list(self.value_labels.values()) + [self.tanh_label]

    def _add_block(self, gate: str, cx: float) -> None:
        activation = GATE_ACTIVATION[gate]
        key = "sigmoid" if activation == "sigmoid" else "tanh"
        x0 = cx - BLOCK_W / 2
        block = QGraphicsRectItem(x0, BLOCK_TOP, BLOCK_W, BLOCK_H)
        block.setZValue(3)
        block.setAcceptHoverEvents(True)
        self._track(block, "block", key)
        self.blocks[gate] = block
        title = f"{SYMBOL[activation]}   {GATE_TITLES[gate]}"
        self._text(title, cx, BLOCK_TOP + 6, px=14, key="block_text_" + gate, bold=True, align="center")
        label = _Label(BLANK)
        label.setObjectName(f"value_{gate}")
        label.setAccessibleName(f"{GATE_WORDS[gate]} value")
        label.setFixedSize(int(BLOCK_W - 12), 34)
        self._proxy(label, x0 + 6, BLOCK_TOP + 27, z=6)
        self.value_labels[gate] = label
        self._text("bias", x0 + 14, BLOCK_TOP + BLOCK_H - 33, px=12, key="block_text_" + gate)
        self._add_field(gate, "bias", cx - 12, BLOCK_TOP + BLOCK_H - 38, key)

    def _add_field(self, gate: str, role: str, x: float, y: float, line_key: str) -> None:
        what = f"{GATE_WORDS[gate]} {ROLE_WORDS[role]}"
        field = NumberField(0.0, what)
        field.setObjectName(f"weight_{gate}_{role}")
        field.setAccessibleName(what)
        field.set_base_tooltip(f"{what[0].upper()}{what[1:]}. Type a number and press Enter; Esc undoes the typing.")
        field.setFixedSize(int(FIELD_W), int(FIELD_H))
        # The proxy would paint square corners behind the rounded border.
        field.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        field.committed.connect(lambda value, g=gate, r=role: self.weight_committed.emit(g, r, value))
        field.refused.connect(lambda reason, k=(gate, role): self._show_bubble(k, reason))
        field.error_cleared.connect(lambda k=(gate, role): self._hide_bubble(k))
        self._proxy(field, x, y, z=20)
        self.fields[(gate, role)] = field
        self._field_line[(gate, role)] = line_key

    def _build_legend(self) -> None:
        x, y = 1030.0, 580.0
        self._legend_bars: list[tuple[QGraphicsRectItem, str]] = []
        self._text("block colour = value", x, y - 22, px=12, key="muted", italic=True)
        for row, (activation, low, high) in enumerate((("sigmoid", "0", "1"), ("tanh", "\u22121", "1"))):
            yy = y + row * 26
            self._text(f"{SYMBOL[activation]}", x, yy, px=13, key="muted", bold=True)
            self._text(low, x + 66, yy + 1, px=12, align="right", key="muted")
            bar = QGraphicsRectItem(x + 72, yy + 3, 150, 13)
            bar.setZValue(2)
            self.addItem(bar)
            self._legend_bars.append((bar, activation))
            self._text(high, x + 228, yy + 1, px=12, key="muted")

    # -- error bubbles -----------------------------------------------------------
    def _show_bubble(self, key: tuple[str, str], reason: str) -> None:
        self._hide_bubble(key)
        field = self.fields[key]
        proxy = field.graphicsProxyWidget()
        assert proxy is not None  # every field is embedded in the scene
        text = QGraphicsSimpleTextItem(reason)
        text.setFont(_font(12, bold=True))
        r = text.boundingRect()
        pad = 6.0
        x = proxy.pos().x() + FIELD_W / 2 - r.width() / 2 - pad
        x = max(4.0, min(SCENE_RECT.width() - r.width() - 2 * pad - 4, x))
        y = proxy.pos().y() + FIELD_H + 8
        path = QPainterPath()
        path.addRoundedRect(QRectF(x, y, r.width() + 2 * pad, r.height() + 2 * pad), 5, 5)
        ax = proxy.pos().x() + FIELD_W / 2
        path.moveTo(ax - 6, y)
        path.lineTo(ax, y - 7)
        path.lineTo(ax + 6, y)
        path.closeSubpath()
        bubble = QGraphicsPathItem(path.simplified())
        bubble.setBrush(QColor(self._colors.error))
        bubble.setPen(Qt.PenStyle.NoPen)
        bubble.setZValue(30)
        text.setBrush(QColor("#ffffff"))
        text.setPos(x + pad, y + pad)
        text.setZValue(31)
        self.addItem(bubble)
        self.addItem(text)
        self._bubbles[key] = (bubble, text)
        self.refused.emit(reason)

    def _hide_bubble(self, key: tuple[str, str]) -> None:
        items = self._bubbles.pop(key, None)
        if items:
            for item in items:
                self.removeItem(item)

    def bubble_text(self, gate: str, role: str) -> str:
        """The refusal message shown under a field ("" if none)."""
        items = self._bubbles.get((gate, role))
        return items[1].text() if items else ""

    # -- colours -------------------------------------------------------------------
    def apply_colors(self, colors: DiagramColors) -> None:
        self._colors = colors
        self.setBackgroundBrush(QColor(colors.background))
        for item, kind, key in self._styled:
            color = QColor(getattr(colors, key, colors.text)) if not key.startswith("block_text") else None
            if color is None:
                continue  # block texts follow their block's fill (show_state)
            if kind == "line":
                pen = QPen(color, item.data(0))
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                item.setPen(pen)
            elif kind == "fill":
                item.setBrush(color)
                item.setPen(Qt.PenStyle.NoPen)
            elif kind == "node":
                item.setBrush(QColor(colors.node))
                item.setPen(QPen(color, 3))
            elif kind == "block":
                item.setPen(QPen(color, 4))
                item.setBrush(QColor(colors.surface))
            elif kind == "text":
                item.setBrush(color)
        for bar, activation in self._legend_bars:
            gradient = QLinearGradient(bar.rect().topLeft(), bar.rect().topRight())
            stops = [(0.0, 0.0), (1.0, 1.0)] if activation == "sigmoid" else [(0.0, -1.0), (0.5, 0.0), (1.0, 1.0)]
            for at, value in stops:
                gradient.setColorAt(at, value_fill(colors, activation, value))
            bar.setBrush(QBrush(gradient))
            bar.setPen(QPen(QColor(colors.field_border), 1))
        for label, key in self._memory_labels:
            label.setStyleSheet(
                f"QLabel {{ background: {colors.surface}; color: {colors.text};"
                f" border: 2px solid {getattr(colors, key)}; border-radius: 8px;"
                f" font-size: 17px; font-weight: 600; }}"
            )
        for field_key, field in self.fields.items():
            border = getattr(colors, self._field_line[field_key])
            field.setStyleSheet(
                f"QLineEdit {{ background: {colors.field_bg}; color: {colors.text};"
                f" border: 2px solid {border}; border-radius: 5px; font-size: 14px;"
                f" padding: 0px 2px; selection-background-color: {colors.sigmoid}; }}"
                f" QLineEdit:focus {{ border: 2px solid {colors.text}; }}"
                f' QLineEdit[readOnly="true"] {{ color: {colors.muted}; border-style: dashed; }}'
                f' QLineEdit[invalid="true"] {{ border: 3px solid {colors.error};'
                f" background: {colors.field_bg}; }}"
            )
        for bubble_key in list(self._bubbles):
            reason = self._bubbles[bubble_key][1].text()
            self._show_bubble(bubble_key, reason)
        for label in list(self.value_labels.values()) + [self.tanh_label]:
            label.setProperty("text_color", None)
        if self._state is not None:
            self.show_state(self._state)

    # -- showing values ----------------------------------------------------------
    def show_state(self, state: DiagramState) -> None:
        """Show ``state``: weights in the fields, values in the blocks."""
        self._state = state
        colors = self._colors
        params = state.params
        for (gate, role), field in self.fields.items():
            value = params.get(gate, role)
            if (field.value() != value or field.error()) and not (field.hasFocus() and field.error()):
                field.set_value(value)
            if field.isReadOnly() != state.read_only:
                field.setReadOnly(state.read_only)
                field.style().unpolish(field)
                field.style().polish(field)
        step = state.step
        for gate in GATES:
            block = self.blocks[gate]
            label = self.value_labels[gate]
            activation = GATE_ACTIVATION[gate]
            if step is None:
                fill = QColor(colors.surface)
                label.setText(BLANK)
                tip = (
                    f"{GATE_WORDS[gate].capitalize()}: {activation} of "
                    f"w_short x short-term + w_input x input + bias.\nStep forward to see its value."
                )
            else:
                value = getattr(step, gate)
                fill = value_fill(colors, activation, value)
                label.setText(format_number(value))
                tip = (
                    f"{GATE_WORDS[gate].capitalize()} ({GATE_CAPTIONS[gate].replace(chr(10), ' ')})\n"
                    f"{gate_formula(gate, params, step)}"
                )
            block.setBrush(fill)
            block.setToolTip(tip)
            label.setToolTip(tip)
            text_color = readable_text(fill)
            if label.property("text_color") != text_color.name():
                # Restyling is costly (a re-polish): only when black/white flips.
                label.setProperty("text_color", text_color.name())
                label.setStyleSheet(f"color: {text_color.name()}; font-size: 24px; font-weight: 700;")
                self._set_block_text_color(gate, text_color)
        if step is None:
            self.long_prev_label.setText(format_number(state.long0))
            self.short_prev_label.setText(format_number(state.short0))
            self.long_label.setText(format_number(state.long0))
            self.short_label.setText(format_number(state.short0))
            self.input_label.setText(BLANK)
            self.tanh_label.setText(BLANK)
            self.tanh_block.setBrush(QColor(colors.surface))
            tanh_fill = QColor(colors.surface)
            for item in self._small_values.values():
                item.setText("")
        else:
            self.long_prev_label.setText(format_number(step.long_prev))
            self.short_prev_label.setText(format_number(step.short_prev))
            self.long_label.setText(format_number(step.long))
            self.short_label.setText(format_number(step.short))
            self.input_label.setText(format_number(step.x))
            self.tanh_label.setText(format_number(step.long_tanh))
            tanh_fill = value_fill(colors, "tanh", step.long_tanh)
            self.tanh_block.setBrush(tanh_fill)
            self._small_values["long_remembered"].setText(f"kept {format_number(step.long_remembered)}")
            self._small_values["long_added"].setText(f"+ {format_number(step.long_added)}")
        tanh_text = readable_text(tanh_fill).name()
        if self.tanh_label.property("text_color") != tanh_text:
            self.tanh_label.setProperty("text_color", tanh_text)
            self.tanh_label.setStyleSheet(f"color: {tanh_text}; font-size: 18px; font-weight: 700;")
        banner = "Showing the weights of the training run (read-only until it ends)" if state.read_only else ""
        if self.preview_banner.text() != banner:
            self.preview_banner.setText(banner)
            # centred under the cell (alignment is computed from the text)
            self.preview_banner.setX(ADD_X - self.preview_banner.boundingRect().width() / 2)

    def _set_block_text_color(self, gate: str, color: QColor) -> None:
        for item, _kind, key in self._styled:
            if key == "block_text_" + gate:
                item.setBrush(color)

    def render_to(self, painter: QPainter, target: QRectF | None = None) -> None:
        """Paint the whole diagram (for PNG and SVG export)."""
        self.clearSelection()
        # Pixmap caches would put bitmaps into an SVG: draw vectors for export.
        items = self.items()
        for item in items:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        try:
            self.render(painter, target if target is not None else QRectF(), self.sceneRect())
        finally:
            changing = {label.graphicsProxyWidget() for label in self._changing_labels()}
            for item in items:
                if item not in changing:
                    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class DiagramView(QGraphicsView):
    """Shows the scene fitted to the widget, times a zoom factor."""

    ZOOM_STEP = 1.25

    def __init__(self, scene: DiagramScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setObjectName("diagram_view")
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.zoom = 1.0
        self.setAccessibleName("LSTM cell diagram")

    def fit(self) -> None:
        """Fit the whole diagram into the view, then apply the zoom factor."""
        rect = self.sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.width() < 10 or view.height() < 10:
            return
        scale = min((view.width() - 8) / rect.width(), (view.height() - 8) / rect.height()) * self.zoom
        self.setTransform(QTransform.fromScale(scale, scale))
        if self.zoom <= 1.0:
            self.centerOn(rect.center())

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.25, min(6.0, zoom))
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if self.zoom > 1.0 else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)
        self.fit()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * self.ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / self.ZOOM_STEP)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_in() if event.angleDelta().y() > 0 else self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)
