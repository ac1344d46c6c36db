"""A compact drawing of a plain RNN or a GRU in the LSTM diagram's visual
language, with a number field for each of its weights (issue 13's
comparison view).

The short-term memory is the pink line along the top (its value before the
step on the left, after it on the right), the input the grey line below
it; both feed every gate block. Sigmoid blocks have the blue outline, tanh
blocks the orange one, and each block is filled by its value on the same
scales as the diagram's (:func:`lstm_gui.ui.theme.value_fill`). The widget
shows what it is given (:meth:`CellSketch.show_step`) and turns edits into
signals; the comparison view owns the session and the undo stack.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QWidget

from lstm_gui.core.cells import CELLS
from lstm_gui.core.formatting import format_number
from lstm_gui.ui.diagram.scene import BLANK, SYMBOL
from lstm_gui.ui.theme import LIGHT, DiagramColors, readable_text, value_fill
from lstm_gui.ui.widgets.number_field import NumberField


@dataclass(frozen=True, slots=True)
class SketchGate:
    """One block of a sketch: its trace column, activation, title and the
    indices (in the cell's flat order) of the weights it takes, with the
    short label each weight's field carries."""

    column: str
    activation: str
    title: str
    weights: tuple[tuple[int, str], ...]


#: The blocks each comparison cell is drawn with, left to right.
SKETCH_GATES: dict[str, tuple[SketchGate, ...]] = {
    "rnn": (SketchGate("short", "tanh", "new short-term", ((0, "w_short"), (1, "w_input"), (2, "bias"))),),
    "gru": (
        SketchGate("reset", "sigmoid", "reset", ((0, "w_short"), (1, "w_input"), (2, "bias"))),
        SketchGate("update", "sigmoid", "update", ((3, "w_short"), (4, "w_input"), (5, "bias"))),
        SketchGate(
            "candidate",
            "tanh",
            "candidate",
            ((6, "w_short"), (7, "w_input"), (8, "bias_in"), (9, "bias_sh")),
        ),
    ),
}

#: What each cell computes, in one line under its title.
FORMULAS: dict[str, str] = {
    "rnn": "short = tanh(w_short \u00b7 short_prev + w_input \u00b7 x + bias)",
    "gru": "short = (1 \u2212 update) \u00b7 candidate + update \u00b7 short_prev",
}

# Sized so that the GRU's three columns fit the 1280x720 window's training column (~360 px).
MARGIN = 6.0
GAP = 6.0
MIN_COLUMN = 106.0
MAX_COLUMN = 230.0
TITLE_Y = 4.0
SHORT_Y = 56.0  # the pink short-term line
INPUT_Y = 74.0  # the grey input line
BLOCK_TOP = 90.0
BLOCK_H = 54.0
FIELD_TOP = BLOCK_TOP + BLOCK_H + 6
FIELD_H = 24
FIELD_W = 58
ROW_H = 28


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class CellSketch(QWidget):
    """One comparison cell (``kind``: ``rnn`` or ``gru``) with its weight fields.

    Signals
    -------
    weight_committed(str, int, float) : a typed weight (kind, index, value).
    weight_dragged(str, int, float, int) : one move of a drag on a field
        (kind, index, value, drag id: the moves of one drag share it).
    weight_refused(str) : the reason a typed text was refused ("" once fixed).
    """

    weight_committed = Signal(str, int, float)
    weight_dragged = Signal(str, int, float, int)
    weight_refused = Signal(str)

    _drag_ids = itertools.count(1)

    def __init__(self, kind: str, colors: DiagramColors = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.cell = CELLS[kind]
        self.gates = SKETCH_GATES[kind]
        self.setObjectName(f"sketch_{kind}")
        self._colors = colors
        #: The values shown: trace column -> value at the step (None: step 0).
        self._values: dict[str, float | None] = {}
        self._x: float | None = None
        self._short_prev: float | None = None
        self._short: float | None = None
        self._caption = ""
        self._drag_id = 0
        self.fields: dict[int, NumberField] = {}
        for gate in self.gates:
            for index, label in gate.weights:
                self.fields[index] = self._make_field(index, label)
        rows = max(len(gate.weights) for gate in self.gates)
        self._height = int(FIELD_TOP + rows * ROW_H + 4)
        self.setMinimumHeight(self._height)
        # Room for the memory labels on the lines even with one block.
        self.setMinimumWidth(int(max(330, 2 * MARGIN + len(self.gates) * MIN_COLUMN + (len(self.gates) - 1) * GAP)))
        self._layout_fields()

    def _make_field(self, index: int, label: str) -> NumberField:
        name = self.cell.param_names[index]
        what = f"{self.cell.title} {name}"
        field = NumberField(0.0, what, self)
        field.setObjectName(f"compare_{self.kind}_{name.replace('.', '_')}")
        field.setAccessibleName(what)
        field.set_base_tooltip(
            f"{what}\nType a number and press Enter (Esc undoes the typing); drag sideways or press Up/Down"
            " to change it by 0.01 (Shift 0.001, Ctrl 0.1)."
        )
        field.setFixedSize(FIELD_W, FIELD_H)
        field.set_scrubbable(True)
        field.setProperty("label", label)
        field.committed.connect(lambda value, i=index: self.weight_committed.emit(self.kind, i, value))
        field.refused.connect(self.weight_refused.emit)  # the reason names the weight
        field.error_cleared.connect(lambda: self.weight_refused.emit(""))
        field.scrub_started.connect(self._on_scrub_started)
        field.scrubbed.connect(lambda value, i=index: self.weight_dragged.emit(self.kind, i, value, self._drag_id))
        return field

    def _on_scrub_started(self) -> None:
        self._drag_id = next(self._drag_ids)

    # -- geometry ------------------------------------------------------------
    def column_width(self) -> float:
        count = len(self.gates)
        free = (self.width() - 2 * MARGIN - (count - 1) * GAP) / count
        return max(MIN_COLUMN, min(MAX_COLUMN, free))

    def block_rect(self, position: int) -> QRectF:
        width = self.column_width()
        return QRectF(MARGIN + position * (width + GAP), BLOCK_TOP, width, BLOCK_H)

    def _layout_fields(self) -> None:
        for position, gate in enumerate(self.gates):
            rect = self.block_rect(position)
            for row, (index, _label) in enumerate(gate.weights):
                self.fields[index].move(int(rect.right() - FIELD_W), int(FIELD_TOP + row * ROW_H))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout_fields()

    def sizeHint(self):
        size = super().sizeHint()
        size.setHeight(self._height)
        size.setWidth(self.minimumWidth())
        return size

    # -- what is shown ---------------------------------------------------------
    def set_colors(self, colors: DiagramColors) -> None:
        self._colors = colors
        self.update()

    def set_weights(self, weights: tuple[float, ...]) -> None:
        """Show the cell's weights in its fields (the fields keep a pending error)."""
        for index, field in self.fields.items():
            if not field.error() and field.value() != weights[index]:
                field.set_value(weights[index])

    def show_step(self, row: dict[str, float | int] | None, caption: str = "") -> None:
        """Show one step of the cell's trace (a :func:`trace_row`), or nothing
        (``None``: step 0, before the first input)."""
        self._caption = caption
        if row is None:
            self._values = {}
            self._x = self._short_prev = self._short = None
        else:
            self._values = {gate.column: float(row[gate.column]) for gate in self.gates}
            self._x = float(row["x"])
            self._short_prev = float(row["short_prev"])
            self._short = float(row["short"])
        self.update()

    def value_text(self, column: str) -> str:
        """The text a block shows (tests read it)."""
        value = self._values.get(column)
        return BLANK if value is None else format_number(value)

    def memory_text(self) -> tuple[str, str, str]:
        """(short_prev, x, short) as the sketch writes them."""
        return tuple(BLANK if v is None else format_number(v) for v in (self._short_prev, self._x, self._short))  # type: ignore[return-value]

    # -- drawing ---------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        colors = self._colors
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(colors.background))
        text, muted = QColor(colors.text), QColor(colors.muted)
        # Title and formula.
        painter.setFont(_font(15, bold=True))
        painter.setPen(text)
        painter.drawText(QPointF(MARGIN, TITLE_Y + 15), self.cell.title)
        title_w = painter.fontMetrics().horizontalAdvance(self.cell.title)
        painter.setFont(_font(12))
        painter.setPen(muted)
        painter.drawText(QPointF(MARGIN + title_w + 10, TITLE_Y + 15), self._caption)
        formula_rect = QRectF(MARGIN, TITLE_Y + 20, self.width() - 2 * MARGIN, 16)
        painter.drawText(formula_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, FORMULAS[self.kind])
        # The short-term memory line (pink) and the input line (grey).
        right = self.width() - MARGIN
        short_prev, x, short = self.memory_text()
        self._line(painter, QColor(colors.short_term), 3.0, MARGIN, right, SHORT_Y)
        self._line(painter, QColor(colors.input_line), 2.0, MARGIN, right, INPUT_Y)
        for position in range(len(self.gates)):  # each block is fed by both lines
            center = self.block_rect(position).center().x()
            self._arrow(painter, QColor(colors.short_term), 2.0, center - 14, SHORT_Y, BLOCK_TOP)
            self._arrow(painter, QColor(colors.input_line), 1.5, center + 14, INPUT_Y, BLOCK_TOP)
        # The values on the lines, on the background so the arrows pass behind them.
        painter.setFont(_font(12, bold=True))
        after = f"short after {short}"
        after_x = right - painter.fontMetrics().horizontalAdvance(after)
        for label, x0, y, ink in (
            (f"short before {short_prev}", MARGIN, SHORT_Y - 5, colors.short_term),
            (after, after_x, SHORT_Y - 5, colors.short_term),
            (f"input x {x}", MARGIN, INPUT_Y - 4, colors.text),
        ):
            box = painter.fontMetrics().boundingRect(label).translated(int(x0), int(y)).adjusted(-2, 0, 2, 0)
            painter.fillRect(box, QColor(colors.background))
            painter.setPen(QColor(ink))
            painter.drawText(QPointF(x0, y), label)
        # The gate blocks, with their weights below them.
        for position, gate in enumerate(self.gates):
            rect = self.block_rect(position)
            outline = QColor(colors.sigmoid if gate.activation == "sigmoid" else colors.tanh)
            value = self._values.get(gate.column)
            fill = QColor(colors.surface) if value is None else value_fill(colors, gate.activation, value)
            painter.setPen(QPen(outline, 3.0))
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 6, 6)
            block_ink = readable_text(fill)
            painter.setPen(block_ink)
            painter.setFont(_font(13, bold=True))
            head = QRectF(rect.left(), rect.top() + 3, rect.width(), 18)
            painter.drawText(head, Qt.AlignmentFlag.AlignCenter, f"{SYMBOL[gate.activation]}  {gate.title}")
            painter.setFont(_font(20, bold=True))
            body = QRectF(rect.left(), rect.top() + 21, rect.width(), 30)
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, self.value_text(gate.column))
            painter.setFont(_font(11))
            painter.setPen(muted)
            for row, (_index, label) in enumerate(gate.weights):
                y = FIELD_TOP + row * ROW_H
                painter.drawText(
                    QRectF(rect.left() + 1, y, rect.width() - FIELD_W - 3, FIELD_H),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
        painter.end()

    @staticmethod
    def _line(painter: QPainter, color: QColor, width: float, x0: float, x1: float, y: float) -> None:
        painter.setPen(QPen(color, width))
        painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        size = 6.0 + width
        painter.drawPolygon(
            QPolygonF([QPointF(x1 + 2, y), QPointF(x1 - size, y - size / 2), QPointF(x1 - size, y + size / 2)])
        )

    @staticmethod
    def _arrow(painter: QPainter, color: QColor, width: float, x: float, y0: float, y1: float) -> None:
        painter.setPen(QPen(color, width))
        painter.drawLine(QPointF(x, y0), QPointF(x, y1 - 5))
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([QPointF(x, y1), QPointF(x - 4, y1 - 7), QPointF(x + 4, y1 - 7)]))
