"""The cell drawn the way StatQuest draws it, with editable weights on it.

Long-term memory (green) runs along the top, short-term memory (pink) along
the bottom and the input below it. Each gate is a block fed by two arrows,
one from the short-term line and one from the input, with the weight on each
arrow as an editable field and the bias inside the block. The block's outline
keeps the gate's type colour (sigmoid blue, tanh orange); its fill shows the
value on a colour scale.

Everything is drawn in scene units and scaled by the view, so it stays sharp
at any size. The diagram computes nothing: it shows a :class:`StepTrace`.

What a person can do and see here: drag sideways on a weight (or press
Up/Down in it) to change it; View > Show Sums writes each gate's sum above
its block and the products on the memory lines; View > Show Parameter Names
labels each weight with its notebook name; a value that changed flashes with
its previous value ("was 0.9852") beside it; step 0 shows a hint. A value
label's text is always the current value, or "—" (:data:`BLANK`) for a gate,
the input and tanh at step 0.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
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

from lstm_gui.core.cell import TRACE_FIELDS, CellParams, StepTrace
from lstm_gui.core.formatting import DISPLAY_DECIMALS, display_decimals, format_number
from lstm_gui.core.preferences import animation_ms
from lstm_gui.core.stages import pending_keys, stage, stage_formulas
from lstm_gui.core.vocabulary import (
    GATE_ACTIVATION,
    GATE_CAPTIONS,
    GATE_TITLES,
    GATE_WORDS,
    GATES,
    NOTEBOOK_NAMES,
    ROLE_WORDS,
)
from lstm_gui.ui.diagram.stages import StageOverlay, StageView
from lstm_gui.ui.theme import LIGHT, DiagramColors, readable_text, value_fill
from lstm_gui.ui.widgets.number_field import NumberField, display_text

# -- layout (scene units) ------------------------------------------------------
# The window shows the scene at about 0.46 (1024x700) to 0.70 (1440x900) of
# these units with the training column open; the type scale below keeps the
# weights at 8-13 px on screen there (tests/ui/test_diagram.py checks it).
SCENE_RECT = QRectF(0, 0, 1350, 650)
LONG_Y = 84.0
SHORT_Y = 548.0
INPUT_Y = 600.0
LINE_START = 160.0
LINE_END = 1180.0
BLOCK_TOP = 300.0
BLOCK_W = 190.0
BLOCK_H = 128.0
GATE_X: dict[str, float] = {"forget": 285.0, "input": 515.0, "candidate": 745.0, "output": 975.0}
ARM = 48.0  # horizontal offset of the two input arrows from the block centre
ADD_X = 630.0  # the x node of input*candidate and the + node above it
ADD_NODE_Y = 165.0
OUT_X = 1120.0  # tanh of the new long-term memory and the output x node
TANH_Y = 175.0
TANH_W = 96.0
OUT_NODE_Y = BLOCK_TOP + 56.0
NODE_R = 17.0
FIELD_W = 92.0
FIELD_H = 32.0
W_SHORT_Y = BLOCK_TOP + BLOCK_H + 16  # the weight field on the short-term arrow
W_INPUT_Y = W_SHORT_Y + FIELD_H + 14  # the one on the input arrow, staggered below
SUM_TOP = BLOCK_TOP - 72  # the band above the blocks where the sums go
#: The centre of each stage's heading (and of its caption, as far as it fits).
STAGE_HEADING_X = {1: GATE_X["forget"], 2: ADD_X, 3: (GATE_X["output"] + OUT_X) / 2}
#: The right end of "long-term memory" (x 20, bold 17 px): a stage caption stays right of it.
MEMORY_NAME_RIGHT = 200.0

# Type scale (pixel sizes in scene units).
FIELD_PX = 19
HEADING_PX = 18
LABEL_PX = 17  # memory names
CAPTION_PX = 16
SMALL_PX = 15  # sums, products, names, "was" overlays
MEMORY_VALUE_PX = 22
GATE_VALUE_PX = 30
BUBBLE_PX = 17

SYMBOL: dict[str, str] = {"sigmoid": "\u03c3", "tanh": "tanh"}
BLANK = "\u2014"  # em dash: no value at step 0
PENDING = "\u2026"  # ellipsis: not yet computed in the stage shown


def _font(px: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(int(px))
    font.setBold(bold)
    font.setItalic(italic)
    return font


def value_px(base_px: int) -> int:
    """The font size of a value label for the decimals shown: ``base_px`` at 4,
    smaller at more, so "-0.12345678" fits where "-0.1235" was sized to."""
    chars = display_decimals() + 3  # "-0." and the decimals
    return round(base_px * min(1.0, (DISPLAY_DECIMALS + 3) / chars))


def _term(text: str) -> str:
    """A negative number in a sum, in brackets: ``+ (-0.19)``."""
    return f"({text})" if text.startswith("-") else text


def gate_formula(gate: str, params: CellParams, step: StepTrace) -> str:
    """``sigmoid(2.70 x 1.000 + 1.63 x 1.000 + 1.62) = 0.9974`` for one gate."""
    g = params.gate(gate)
    activation = GATE_ACTIVATION[gate]
    value = getattr(step, gate)
    return (
        f"{activation}({_term(display_text(g.w_short))} x {_term(format_number(step.short_prev, 3))}"
        f" + {_term(display_text(g.w_input))} x {_term(format_number(step.x, 3))}"
        f" + {_term(display_text(g.bias))}) = {format_number(value)}"
    )


@dataclass(frozen=True, slots=True)
class DiagramState:
    """What the diagram shows: the weights and either a step or the start."""

    params: CellParams
    long0: float
    short0: float
    step: StepTrace | None  # None: step 0, before the first input
    read_only: bool = False
    #: What the read-only weights are, for the banner (a run's live weights, an epoch's preview).
    preview_note: str = "The training run's live weights (read-only)"
    #: The stage shown inside ``step`` (0: the whole step; see :mod:`lstm_gui.core.stages`).
    stage: int = 0


class _Label(QLabel):
    """A label embedded in the scene, transparent around its text."""

    def __init__(self, text: str = "", translucent: bool = True) -> None:
        super().__init__(text)
        if translucent:
            self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


def gate_sum_lines(gate: str, params: CellParams, step: StepTrace) -> tuple[str, str, str]:
    """The video's sum for one gate, in three lines::

        2.70 × 1.00
        + 1.63 × 1.00 + 1.62
        = 5.95 → 0.9974

    (w_short x short-term + w_input x input + bias = pre-activation, then the
    activation), every number the float64 value rounded for display.
    """
    g = params.gate(gate)
    pre = getattr(step, f"{gate}_pre")
    return (
        f"{_term(display_text(g.w_short))} \u00d7 {_term(format_number(step.short_prev, 2))}",
        f"+ {_term(display_text(g.w_input))} \u00d7 {_term(format_number(step.x, 2))} + {_term(display_text(g.bias))}",
        f"= {format_number(pre, 2)} \u2192 {format_number(getattr(step, gate))}",
    )


#: (gate, role) -> the notebook's name ("wlr1").
NOTEBOOK_NAME: dict[tuple[str, str], str] = {key: name for name, key in NOTEBOOK_NAMES.items()}

FLASH_MS = 600
FLASH_TICK_MS = 100


def _mix_colors(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` of the way to ``b`` (a greyed field's background)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(
        round(ca.red() + (cb.red() - ca.red()) * t),
        round(ca.green() + (cb.green() - ca.green()) * t),
        round(ca.blue() + (cb.blue() - ca.blue()) * t),
    ).name()


STEP0_HINT = "Step 0: before the first input \u2014 press \u2192 to step"


class _Note(QGraphicsPathItem):
    """Text on a rounded, filled background (sums, hints, "was" overlays)."""

    def __init__(self, px: float, bold: bool = False, pad: float = 4.0) -> None:
        super().__init__()
        self.pad = pad
        self.label = QGraphicsSimpleTextItem(self)
        self.label.setFont(_font(px, bold))
        self.setPen(Qt.PenStyle.NoPen)

    def set_text(self, text: str, x: float, y: float, align: str = "center", bottom: float | None = None) -> None:
        """Show ``text`` with its box's top at ``y`` (or, given ``bottom``, its
        bottom there, whatever the font's height); ``x`` is the box's left,
        centre or right edge (``align``)."""
        self.label.setText(text)
        r = self.label.boundingRect()
        w, h = r.width() + 2 * self.pad, r.height() + 2 * self.pad
        left = {"left": x, "center": x - w / 2, "right": x - w}[align]
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, w, h), 5, 5)
        self.setPath(path)
        self.setPos(left, y if bottom is None else bottom - h)
        self.label.setPos(self.pad, self.pad)

    def set_colors(self, background: str, text: str, border: str | None = None) -> None:
        self.setBrush(QColor(background))
        self.setPen(QPen(QColor(border), 1.5) if border else Qt.PenStyle.NoPen)
        self.label.setBrush(QColor(text))


class DiagramScene(QGraphicsScene):
    """The cell drawing.

    Signals
    -------
    weight_committed(gate, role, value) : a person entered a new weight
        (typed, or one Up/Down press): one undo step each.
    weight_dragged(gate, role, value, drag_id) : one move of a drag on a
        weight field; every move of one drag has the same ``drag_id`` (so
        the window merges them into one undo step).
    dragging_changed(bool) : a drag on a weight began (True) or ended
        (False); a view that is costly to redraw may wait for the end.
    refused(str) : typed text was refused (the reason).

    View options: :meth:`set_show_sums`, :meth:`set_show_names`.
    """

    weight_committed = Signal(str, str, float)
    weight_dragged = Signal(str, str, float, int)
    dragging_changed = Signal(bool)
    refused = Signal(str)

    def __init__(self, colors: DiagramColors = LIGHT, parent=None) -> None:
        super().__init__(parent)
        self.setSceneRect(SCENE_RECT)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._colors = colors
        self._styled: list[tuple[QAbstractGraphicsShapeItem, str, str]] = []  # item, kind, colour key
        self.fields: dict[tuple[str, str], NumberField] = {}
        self._field_line: dict[tuple[str, str], str] = {}
        self._bubbles: dict[tuple[str, str], tuple[QGraphicsPathItem, QGraphicsSimpleTextItem, str]] = {}
        self.blocks: dict[str, QGraphicsRectItem] = {}
        self.value_labels: dict[str, QLabel] = {}
        self._memory_labels: list[tuple[QLabel, str]] = []
        self._small_values: dict[str, QGraphicsSimpleTextItem] = {}
        self._sums: dict[str, _Note] = {}
        self._sum_texts: dict[str, str] = {}
        self._names: dict[tuple[str, str], QGraphicsSimpleTextItem] = {}
        self._show_sums = False
        self._show_names = False
        self._drag_ids = itertools.count(1)
        self._drag_id: dict[tuple[str, str], int] = {}
        self._dragging = False
        # One "what changed" animation for every label: a ring and a "was" note each.
        self._flash_ring: dict[QLabel, QGraphicsPathItem] = {}
        self._flash_note: dict[QLabel, tuple[_Note, float, float, str]] = {}  # note, x, y, align
        self._was: dict[QLabel, str] = {}  # the value before the current burst of changes
        #: Set by an overlay (View > Show Gradients): false for a "was" note's
        #: scene rect that would cover the overlay's own notes (then not shown).
        self.flash_note_allowed: Callable[[QRectF], bool] | None = None
        self._flashing: set[QLabel] = set()
        # A few coarse fade steps, not a 60 Hz animation: each tick repaints
        # every flashing label, and a drag or Run changes them all the time.
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_TICK_MS)
        self._flash.timeout.connect(self._on_flash_tick)
        self._flash_ticks_left = 0
        #: Ticks of one flash at the chosen animation speed (Preferences).
        self._flash_ticks = FLASH_MS // FLASH_TICK_MS
        self._state: DiagramState | None = None
        self._pending: set[str] = set()
        #: Items by diagram part id (:data:`lstm_gui.core.stages.DIAGRAM_PARTS`).
        self.parts: dict[str, list[QGraphicsItem]] = {}
        self._building_part = ""
        self._build()
        self.stage_overlay = StageOverlay(
            self,
            self.parts,
            # In the band above the long-term memory line, in place of the stage
            # headings, under each stage's own heading as far as it fits: there it
            # covers no line, value or caption (between the blocks it covered the
            # gates' captions and the input x candidate lines). Between the
            # memory names on the left and right.
            anchors={number: (x, "center") for number, x in STAGE_HEADING_X.items()},
            caption_bottom=LONG_Y - NODE_R - 1,
            x_range=(MEMORY_NAME_RIGHT + 4, LINE_END - 4),
            px=CAPTION_PX,  # read at ~10 px in a 1280x720 window
            headings=tuple(f"heading_{number}" for number in STAGE_HEADING_X),
        )
        self.apply_colors(colors)

    # -- building blocks -----------------------------------------------------
    def _track(self, item: QAbstractGraphicsShapeItem, kind: str, key: str) -> QAbstractGraphicsShapeItem:
        self._styled.append((item, kind, key))
        self.addItem(item)
        self._tag(item)
        return item

    def _tag(self, item: QGraphicsItem) -> None:
        """File ``item`` under the diagram part being built (a stage lights parts)."""
        if self._building_part:
            self.parts.setdefault(self._building_part, []).append(item)

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
            size = 8.0 + width
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
        text.setFont(_font(24, bold=True))
        r = text.boundingRect()
        text.setPos(x - r.width() / 2, y - r.height() / 2 - 1)
        text.setZValue(4)
        self._track(text, "text", key)

    def _text(
        self,
        text: str,
        x: float,
        y: float,
        px: float = CAPTION_PX,
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
        self._tag(proxy)
        return proxy

    def _memory_label(
        self, name: str, x: float, y: float, key: str, width: float = 130, was: tuple[float, float, str] | None = None
    ) -> QLabel:
        label = _Label("0.0000", translucent=False)
        label.setObjectName(name)
        label.setFixedSize(int(width), 40)
        self._proxy(label, x, y, z=6)
        self._memory_labels.append((label, key))
        self._add_flash(label, *(was or (x + width / 2, y + 44, "center")))
        return label

    def _add_flash(self, label: QLabel, x: float, y: float, align: str) -> None:
        proxy = label.graphicsProxyWidget()
        assert proxy is not None
        rect = proxy.sceneBoundingRect().adjusted(-4, -4, 4, 4)
        path = QPainterPath()
        path.addRoundedRect(rect, 9, 9)
        ring = QGraphicsPathItem(path)
        ring.setZValue(7)
        ring.setVisible(False)
        ring.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # opacity keeps the cache
        self.addItem(ring)
        note = _Note(SMALL_PX, pad=3)
        note.setZValue(26)
        note.setVisible(False)
        self.addItem(note)
        self._flash_ring[label] = ring
        self._flash_note[label] = (note, x, y, align)

    # -- the drawing -----------------------------------------------------------
    def _build(self) -> None:
        # Stage headings (a stage shown lights its own, see StageOverlay).
        for number, text in enumerate(("1  forget", "2  remember something new", "3  output"), start=1):
            x = STAGE_HEADING_X[number]
            self._building_part = f"heading_{number}"
            self._text(text, x, 6, px=HEADING_PX, key="muted", bold=True, align="center")

        # Memory and input lines. The long-term line is three parts, split at
        # the x and + nodes (which cover the joins), so a stage lights its own.
        fx = GATE_X["forget"]
        self._building_part = "long_in"
        self._line([(LINE_START, LONG_Y), (fx, LONG_Y)], "long_term", width=7, arrow=False, z=0.5)
        self._building_part = "long_kept"
        self._line([(fx, LONG_Y), (ADD_X, LONG_Y)], "long_term", width=7, arrow=False, z=0.5)
        self._building_part = "long_out"
        self._line([(ADD_X, LONG_Y), (LINE_END, LONG_Y)], "long_term", width=7, z=0.5)
        self._building_part = "short_line"
        self._line(
            [(LINE_START, SHORT_Y), (GATE_X["output"] - ARM, SHORT_Y)], "short_term", width=5, arrow=False, z=0.5
        )
        self._building_part = "x_line"
        self._line(
            [(LINE_START, INPUT_Y), (GATE_X["output"] + ARM, INPUT_Y)], "input_line", width=3, arrow=False, z=0.5
        )

        # Left: the memories before this step and the input.
        self._building_part = "long_in"
        self._text("long-term memory", 20, LONG_Y - 44, px=LABEL_PX, key="long_term", bold=True)
        self.long_prev_label = self._memory_label("value_long_prev", 20, LONG_Y - 20, "long_term")
        self._building_part = "short_line"
        self._text("short-term memory", 20, SHORT_Y - 44, px=LABEL_PX, key="short_term", bold=True)
        self.short_prev_label = self._memory_label(
            "value_short_prev", 20, SHORT_Y - 20, "short_term", was=(LINE_START - 4, SHORT_Y + 5, "left")
        )
        self._building_part = "x_line"
        self._text("input", 20, INPUT_Y + 22, px=LABEL_PX, key="input_line", bold=True)
        self.input_label = self._memory_label(
            "value_x", 20, INPUT_Y - 20, "input_line", was=(LINE_START - 4, INPUT_Y - 24, "left")
        )

        # Gate columns: two weighted arrows up into each block.
        for gate in GATES:
            cx = GATE_X[gate]
            bottom = BLOCK_TOP + BLOCK_H
            self._building_part = f"{gate}_feed"
            self._dot(cx - ARM, SHORT_Y, "short_term")
            self._line([(cx - ARM, SHORT_Y), (cx - ARM, bottom)], "short_term", width=3)
            self._dot(cx + ARM, INPUT_Y, "input_line")
            self._line([(cx + ARM, INPUT_Y), (cx + ARM, bottom)], "input_line", width=2.5)
            self._add_field(gate, "w_short", cx - ARM - FIELD_W / 2, W_SHORT_Y, "short_term")
            self._add_field(gate, "w_input", cx + ARM - FIELD_W / 2, W_INPUT_Y, "input_line")
            self._building_part = f"{gate}_block"
            self._add_block(gate, cx)

        # Stage 1: forget x long-term.
        self._building_part = "forget_out"
        self._line([(fx, BLOCK_TOP), (fx, LONG_Y + NODE_R)], "sigmoid", width=3)
        self._text(GATE_CAPTIONS["forget"], fx + 12, LONG_Y + 34, italic=True)
        self._building_part = "forget_node"
        self._node(fx, LONG_Y, "\u00d7", "long_term")

        # Stage 2: input x candidate, added to the long-term memory.
        ix, gx = GATE_X["input"], GATE_X["candidate"]
        self._building_part = "input_out"
        self._line([(ix, BLOCK_TOP), (ix, ADD_NODE_Y), (ADD_X - NODE_R, ADD_NODE_Y)], "sigmoid", width=3)
        self._text(GATE_CAPTIONS["input"], ix - 8, ADD_NODE_Y + 20, italic=True, align="right")
        self._building_part = "candidate_out"
        self._line([(gx, BLOCK_TOP), (gx, ADD_NODE_Y), (ADD_X + NODE_R, ADD_NODE_Y)], "tanh", width=3)
        self._text(GATE_CAPTIONS["candidate"], gx + 8, ADD_NODE_Y + 20, italic=True)
        self._building_part = "product_node"
        self._node(ADD_X, ADD_NODE_Y, "\u00d7", "muted")
        self._building_part = "added_line"
        self._line([(ADD_X, ADD_NODE_Y - NODE_R), (ADD_X, LONG_Y + NODE_R)], "muted", width=3)
        self._building_part = "add_node"
        self._node(ADD_X, LONG_Y, "+", "long_term")

        # Stage 3: tanh of the new long-term memory, times the output gate.
        ox = GATE_X["output"]
        self._building_part = "tanh_feed"
        self._dot(OUT_X, LONG_Y, "long_term")
        self._line([(OUT_X, LONG_Y), (OUT_X, TANH_Y - 28)], "long_term", width=3)
        self._building_part = "tanh_block"
        tanh_block = QGraphicsRectItem(OUT_X - TANH_W / 2, TANH_Y - 28, TANH_W, 56)
        tanh_block.setZValue(3)
        self._track(tanh_block, "block", "tanh")
        self.tanh_block = tanh_block
        self.tanh_label = _Label(BLANK)
        self.tanh_label.setObjectName("value_long_tanh")
        self.tanh_label.setFixedSize(int(TANH_W - 4), 52)
        self._proxy(self.tanh_label, OUT_X - TANH_W / 2 + 2, TANH_Y - 26, z=6)
        self._add_flash(self.tanh_label, OUT_X, TANH_Y - 56, "center")
        self._text("potential short-term\nmemory", OUT_X + TANH_W / 2 + 8, TANH_Y - 24, italic=True)
        self._building_part = "tanh_out"
        self._line([(OUT_X, TANH_Y + 28), (OUT_X, OUT_NODE_Y - NODE_R)], "tanh", width=3)
        self._building_part = "output_out"
        self._line([(ox + BLOCK_W / 2, OUT_NODE_Y), (OUT_X - NODE_R, OUT_NODE_Y)], "sigmoid", width=3)
        # Narrow, between the candidate's caption and the tanh block.
        output_caption = textwrap.fill(GATE_CAPTIONS["output"].replace("\n", " "), 12)
        self._text(output_caption, OUT_X - TANH_W / 2 - 8, SUM_TOP - 62, italic=True, align="right")
        self._building_part = "out_node"
        self._node(OUT_X, OUT_NODE_Y, "\u00d7", "short_term")
        self._building_part = "short_out"
        self._line([(OUT_X, OUT_NODE_Y + NODE_R), (OUT_X, SHORT_Y), (LINE_END, SHORT_Y)], "short_term", width=5)

        # Right: the memories after this step.
        rx = LINE_END + 10
        self._building_part = "long_out"
        self._text("new long-term\nmemory", rx, LONG_Y - 66, px=LABEL_PX, key="long_term", bold=True)
        self.long_label = self._memory_label("value_long", rx, LONG_Y - 20, "long_term", width=150)
        self._building_part = "short_out"
        self._text("new short-term\nmemory", rx, SHORT_Y - 66, px=LABEL_PX, key="short_term", bold=True)
        self.short_label = self._memory_label("value_short", rx, SHORT_Y - 20, "short_term", width=150)
        self._text("(the output)", rx, SHORT_Y + 46, px=SMALL_PX, italic=True)

        # The products on the memory lines, next to where they flow.
        self._building_part = "long_kept"
        self._small_values["long_remembered"] = self._text("", fx + 20, LONG_Y + 10, px=SMALL_PX, key="text")
        self._building_part = "added_line"
        self._small_values["long_added"] = self._text("", ADD_X + 12, LONG_Y + 28, px=SMALL_PX, key="text")
        self._building_part = "out_node"
        self._small_values["short_out"] = self._text("", OUT_X + NODE_R + 6, OUT_NODE_Y - 10, px=SMALL_PX, key="text")

        # The sums, above each block (View > Show Sums).
        for gate in GATES:
            self._building_part = f"{gate}_block"
            note = _Note(SMALL_PX, pad=4)
            note.setZValue(8)
            note.setVisible(False)
            self.addItem(note)
            self._tag(note)
            self._sums[gate] = note
        self._building_part = ""  # the legend and the banners belong to no stage

        self._build_legend()
        self.preview_banner = self._text("", 990, INPUT_Y + 22, px=CAPTION_PX, key="error", bold=True, align="center")
        self.step0_banner = _Note(20, bold=True, pad=8)
        self.step0_banner.setZValue(28)
        self.step0_banner.set_text(STEP0_HINT, (LINE_START + LINE_END) / 2, SUM_TOP + 4)
        self.step0_banner.setVisible(False)
        self.addItem(self.step0_banner)
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
        self._text(title, cx, BLOCK_TOP + 5, px=HEADING_PX, key="block_text_" + gate, bold=True, align="center")
        label = _Label(BLANK)
        label.setObjectName(f"value_{gate}")
        label.setAccessibleName(f"{GATE_WORDS[gate]} value")
        label.setFixedSize(int(BLOCK_W - 12), 40)
        self._proxy(label, x0 + 6, BLOCK_TOP + 28, z=6)
        self.value_labels[gate] = label
        self._add_flash(label, cx, BLOCK_TOP + 69, "center")
        field_y = BLOCK_TOP + BLOCK_H - FIELD_H - 4
        bias = self._text("bias", x0 + 8, field_y + 7, px=SMALL_PX, key="block_text_" + gate)
        self._add_field(gate, "bias", cx - 8, field_y, key)
        self._names[(gate, "bias")].setX(bias.x() + bias.boundingRect().width() + 5)

    def _add_field(self, gate: str, role: str, x: float, y: float, line_key: str) -> None:
        what = f"{GATE_WORDS[gate]} {ROLE_WORDS[role]}"
        name = NOTEBOOK_NAME[(gate, role)]
        field = NumberField(0.0, what)
        field.setObjectName(f"weight_{gate}_{role}")
        field.setAccessibleName(what)
        field.set_base_tooltip(
            f"{name}: {GATE_WORDS[gate]}, {ROLE_WORDS[role]}\n"
            "Type a number and press Enter (Esc undoes the typing); drag sideways or press Up/Down"
            " to change it by 0.01 (Shift 0.001, Ctrl 0.1)."
        )
        field.setFixedSize(int(FIELD_W), int(FIELD_H))
        field.set_scrubbable(True)
        # The proxy would paint square corners behind the rounded border.
        field.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        key = (gate, role)
        field.committed.connect(lambda value, g=gate, r=role: self.weight_committed.emit(g, r, value))
        field.refused.connect(lambda reason, k=key: self._show_bubble(k, reason))
        field.error_cleared.connect(lambda k=key: self._hide_bubble(k))
        field.scrub_started.connect(lambda k=key: self._on_scrub_started(k))
        field.scrub_finished.connect(self._on_scrub_finished)
        field.scrubbed.connect(
            lambda value, g=gate, r=role: self.weight_dragged.emit(g, r, value, self._drag_id[(g, r)])
        )
        self._proxy(field, x, y, z=20)
        self.fields[key] = field
        self._field_line[key] = line_key
        # The notebook's name beside the field (View > Show Parameter Names):
        # left of the short-term weight, right of the input weight, after "bias".
        if role == "w_short":
            item = self._text(name, x - 5, y + 7, px=SMALL_PX, key="text", bold=True, align="right")
        elif role == "w_input":
            item = self._text(name, x + FIELD_W + 5, y + 7, px=SMALL_PX, key="text", bold=True)
        else:
            item = self._text(name, x, y + 7, px=SMALL_PX, key="block_text_" + gate, bold=True)  # x: _add_block
        item.setVisible(False)
        self._names[key] = item

    def _on_scrub_started(self, key: tuple[str, str]) -> None:
        self._drag_id[key] = next(self._drag_ids)
        self._dragging = True
        self.dragging_changed.emit(True)

    def _on_scrub_finished(self) -> None:
        self._dragging = False
        self.dragging_changed.emit(False)

    def _build_legend(self) -> None:
        x, y = LINE_START + 10, INPUT_Y + 22
        self._legend_bars: list[tuple[QGraphicsRectItem, str]] = []
        title = self._text("block colour = value:", x, y, px=SMALL_PX, key="muted", italic=True)
        x += title.boundingRect().width() + 14
        for activation, low, high in (("sigmoid", "0", "1"), ("tanh", "\u22121", "1")):
            label = self._text(f"{SYMBOL[activation]}", x, y, px=SMALL_PX, key="muted", bold=True)
            x += label.boundingRect().width() + 6
            low_item = self._text(low, x, y, px=SMALL_PX, key="muted")
            x += low_item.boundingRect().width() + 4
            bar = QGraphicsRectItem(x, y + 3, 110, 13)
            bar.setZValue(2)
            self.addItem(bar)
            self._legend_bars.append((bar, activation))
            x += 114
            high_item = self._text(high, x, y, px=SMALL_PX, key="muted")
            x += high_item.boundingRect().width() + 18

    # -- view options --------------------------------------------------------------
    def set_show_sums(self, show: bool) -> None:
        """Write each gate's sum above its block and the memory products as
        products (View > Show Sums)."""
        if show == self._show_sums:
            return
        self._show_sums = show
        if self._state is not None:
            self._show_sums_of(self._state)

    def show_sums(self) -> bool:
        return self._show_sums

    def set_show_names(self, show: bool) -> None:
        """Label each weight field with its notebook name (View > Show Parameter Names)."""
        self._show_names = show
        for item in self._names.values():
            item.setVisible(show)

    def show_names(self) -> bool:
        return self._show_names

    def sum_text(self, gate: str) -> str:
        """The sum shown for ``gate`` on one line ("" when hidden or at step 0)."""
        return self._sum_texts.get(gate, "")

    def product_text(self, name: str) -> str:
        """The text on a memory line: ``long_remembered``, ``long_added`` or ``short_out``."""
        return self._small_values[name].text()

    def name_text(self, gate: str, role: str) -> str:
        """The notebook name shown beside a field ("" when names are hidden)."""
        item = self._names[(gate, role)]
        return item.text() if item.isVisible() else ""

    def stage_state(self) -> StageView:
        """The stage shown: its caption, the parts lit and dimmed, the values pending."""
        labels = dict(self.value_labels) | {
            "long_tanh": self.tanh_label,
            "long": self.long_label,
            "short": self.short_label,
        }
        return self.stage_overlay.view(
            tuple(key for key in TRACE_FIELDS if key in labels and labels[key].text() == PENDING)
        )

    def play_stage_pulse(self, tick_ms: int) -> None:
        """Run through stages: a pulse along the shown stage's lines over one tick."""
        self.stage_overlay.play_pulse(tick_ms)

    def set_hint_override(self, text: str | None) -> None:
        """Show ``text`` in the step-0 banner instead of "press → to step"
        (a lesson's waiting question: stepping is held); ``None``: the usual hint."""
        wanted = text or STEP0_HINT
        if self.step0_banner.label.text() != wanted:
            self.step0_banner.set_text(wanted, (LINE_START + LINE_END) / 2, SUM_TOP + 4)

    def hint_text(self) -> str:
        """The step-0 hint ("" when a step is shown)."""
        return self.step0_banner.label.text() if self.step0_banner.isVisible() else ""

    # -- error bubbles -----------------------------------------------------------
    def _field_rect(self, key: tuple[str, str]) -> QRectF:
        proxy = self.fields[key].graphicsProxyWidget()
        assert proxy is not None  # every field is embedded in the scene
        return proxy.sceneBoundingRect()

    def _show_bubble(self, key: tuple[str, str], reason: str) -> None:
        self._hide_bubble(key)
        pad = 6.0
        gap = 9.0
        field = self._field_rect(key)
        others = [self._field_rect(k).adjusted(-3, -3, 3, 3) for k in self.fields if k != key]

        def cost(rect: QRectF) -> float:
            inside = SCENE_RECT.contains(rect)
            covered = sum(
                (rect & other).width() * (rect & other).height() for other in others if rect.intersects(other)
            )
            return covered + (0.0 if inside else 1e9)

        # Below, above, then beside the field, wide then narrower: the first
        # place that covers no other field (and stays in the scene); else the
        # one that covers least.
        # The bubble points at its field: the field's name need not be repeated.
        what = self.fields[key].accessibleName()
        shown = reason[len(what) + 2 :] if reason.startswith(f"{what}: ") else reason
        best: tuple[float, QRectF, QGraphicsSimpleTextItem] | None = None
        for width in (34, 24, 16, 12):
            text = QGraphicsSimpleTextItem(textwrap.fill(shown, width))
            text.setFont(_font(BUBBLE_PX, bold=True))
            r = text.boundingRect()
            w, h = r.width() + 2 * pad, r.height() + 2 * pad
            lefts = (field.center().x() - w / 2, field.left(), field.right() - w)
            candidates = [QRectF(x, field.bottom() + gap, w, h) for x in lefts]
            candidates += [QRectF(x, field.top() - gap - h, w, h) for x in lefts]
            for top in (field.center().y() - h / 2, field.top(), field.bottom() - h):
                candidates += [QRectF(field.right() + gap, top, w, h), QRectF(field.left() - gap - w, top, w, h)]
            for rect in candidates:
                c = cost(rect)
                if best is None or c < best[0]:
                    best = (c, rect, text)
                if c == 0.0:
                    break
            if best is not None and best[0] == 0.0:
                break
        assert best is not None
        _cost, box, text = best
        path = QPainterPath()
        path.addRoundedRect(box, 5, 5)
        pointer = QPolygonF()
        if box.top() >= field.bottom():
            ax = min(max(field.center().x(), box.left() + 10), box.right() - 10)
            pointer = QPolygonF(
                [QPointF(ax - 7, box.top()), QPointF(ax, field.bottom() + 1), QPointF(ax + 7, box.top())]
            )
        elif box.bottom() <= field.top():
            ax = min(max(field.center().x(), box.left() + 10), box.right() - 10)
            pointer = QPolygonF(
                [QPointF(ax - 7, box.bottom()), QPointF(ax, field.top() - 1), QPointF(ax + 7, box.bottom())]
            )
        if not pointer.isEmpty():
            path.addPolygon(pointer)
        bubble = QGraphicsPathItem(path.simplified())
        bubble.setBrush(QColor(self._colors.error))
        bubble.setPen(Qt.PenStyle.NoPen)
        bubble.setZValue(30)
        text.setBrush(QColor("#ffffff"))
        text.setPos(box.left() + pad, box.top() + pad)
        text.setZValue(31)
        self.addItem(bubble)
        self.addItem(text)
        self._bubbles[key] = (bubble, text, reason)
        self.refused.emit(reason)

    def _hide_bubble(self, key: tuple[str, str]) -> None:
        items = self._bubbles.pop(key, None)
        if items:
            self.removeItem(items[0])
            self.removeItem(items[1])

    def bubble_text(self, gate: str, role: str) -> str:
        """The refusal message shown under a field ("" if none)."""
        items = self._bubbles.get((gate, role))
        return items[2] if items else ""

    def bubble_rect(self, gate: str, role: str) -> QRectF:
        """Where the refusal bubble of a field is drawn (scene units; empty if none)."""
        items = self._bubbles.get((gate, role))
        return items[0].sceneBoundingRect() if items else QRectF()

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
        # Style sheets name their label (#value_long): a bare rule would also
        # style the label's tooltip, which Qt shows with the widget's sheet.
        for label, key in self._memory_labels:
            label.setStyleSheet(
                f"#{label.objectName()} {{ background: {colors.surface}; color: {colors.text};"
                f" border: 2px solid {getattr(colors, key)}; border-radius: 8px;"
                f" font-size: {value_px(MEMORY_VALUE_PX)}px; font-weight: 600; }}"
                f' #{label.objectName()}[pending="true"] {{ color: {colors.muted}; }}'
            )
        locked_bg = _mix_colors(colors.field_bg, colors.text, 0.14)
        for field_key, field in self.fields.items():
            border = getattr(colors, self._field_line[field_key])
            field.setStyleSheet(
                f"#{field.objectName()} {{ background: {colors.field_bg}; color: {colors.text};"
                f" border: 2px solid {border}; border-radius: 5px; font-size: {FIELD_PX}px;"
                f" padding: 0px 3px; selection-background-color: {colors.sigmoid}; }}"
                f" #{field.objectName()}:focus {{ border: 2px solid {colors.text}; }}"
                f' #{field.objectName()}[readOnly="true"] {{ color: {colors.muted}; border-style: dashed; }}'
                f' #{field.objectName()}[invalid="true"] {{ border: 3px solid {colors.error};'
                f" background: {colors.field_bg}; }}"
                # Locked by a lesson (disabled): greyed, with a dotted muted border, in both themes.
                f" #{field.objectName()}:disabled {{ background: {locked_bg}; color: {colors.muted};"
                f" border: 2px dotted {colors.muted}; }}"
            )
        for ring in self._flash_ring.values():
            ring.setPen(QPen(QColor(colors.flash), 4))
        for note, *_ in self._flash_note.values():
            note.set_colors(colors.surface, colors.text, colors.flash)
        for sum_note in self._sums.values():
            sum_note.set_colors(colors.background, colors.text, colors.field_border)
        self.step0_banner.set_colors(colors.surface, colors.text, colors.sigmoid)
        self.stage_overlay.apply_colors(colors)
        for bubble_key in list(self._bubbles):
            reason = self._bubbles[bubble_key][2]
            self._show_bubble(bubble_key, reason)
        for label in list(self.value_labels.values()) + [self.tanh_label]:
            label.setProperty("text_color", None)
        if self._state is not None:
            self.show_state(self._state, flash=False)

    # -- showing values ----------------------------------------------------------
    def show_state(self, state: DiagramState, flash: bool = True) -> None:
        """Show ``state``: weights in the fields, values in the blocks.

        A value label's text is always the current value; at step 0 the gate
        values, the input and tanh read "—" (:data:`BLANK`) and a hint is shown.
        Labels whose text changed flash, with the previous value beside them.
        """
        labels = self._changing_labels()
        before = [label.text() for label in labels] if flash and self._state is not None else None
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
                field.refresh_cursor()
        step = state.step
        # Inside a step, what a later stage computes is pending: "…", never the old value.
        stage_number = state.stage if step is not None else 0
        pending = set(pending_keys(stage_number))
        self._pending = pending
        for gate in GATES:
            block = self.blocks[gate]
            label = self.value_labels[gate]
            activation = GATE_ACTIVATION[gate]
            if step is None or gate in pending:
                fill = QColor(colors.surface)
                label.setText(BLANK if step is None else PENDING)
                tip = (
                    f"{GATE_WORDS[gate].capitalize()}: {activation} of "
                    f"w_short x short-term + w_input x input + bias.\n"
                    + ("Step forward to see its value." if step is None else "Computed in a later stage of this step.")
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
            text_color = QColor(colors.muted) if step is not None and gate in pending else readable_text(fill)
            if label.property("text_color") != text_color.name():
                # Restyling is costly (a re-polish): only when black/white flips.
                label.setProperty("text_color", text_color.name())
                label.setStyleSheet(
                    f"#{label.objectName()} {{ color: {text_color.name()}; font-size: {value_px(GATE_VALUE_PX)}px;"
                    " font-weight: 700; }"
                )
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
        else:
            self.long_prev_label.setText(format_number(step.long_prev))
            self.short_prev_label.setText(format_number(step.short_prev))
            self.long_label.setText(self._shown(step, "long"))
            self.short_label.setText(self._shown(step, "short"))
            self.input_label.setText(format_number(step.x))
            self.tanh_label.setText(self._shown(step, "long_tanh"))
            pending_tanh = "long_tanh" in pending
            tanh_fill = QColor(colors.surface) if pending_tanh else value_fill(colors, "tanh", step.long_tanh)
            self.tanh_block.setBrush(tanh_fill)
        for label, key in ((self.long_label, "long"), (self.short_label, "short")):
            if bool(label.property("pending")) != (key in pending):
                label.setProperty("pending", key in pending)  # muted text (apply_colors' sheet)
                label.style().unpolish(label)
                label.style().polish(label)
        self._show_sums_of(state)
        if self.step0_banner.isVisible() != (step is None):
            self.step0_banner.setVisible(step is None)
        tanh_text = (QColor(colors.muted) if "long_tanh" in pending else readable_text(tanh_fill)).name()
        if self.tanh_label.property("text_color") != tanh_text:
            self.tanh_label.setProperty("text_color", tanh_text)
            self.tanh_label.setStyleSheet(
                f"#value_long_tanh {{ color: {tanh_text}; font-size: {value_px(MEMORY_VALUE_PX)}px; font-weight: 700; }}"
            )
        banner = state.preview_note if state.read_only else ""
        if self.preview_banner.text() != banner:
            self.preview_banner.setText(banner)
            # centred under the cell (alignment is computed from the text)
            self.preview_banner.setX(990 - self.preview_banner.boundingRect().width() / 2)
        if step is not None and stage_number:
            self.stage_overlay.show(
                stage_number, stage(stage_number).heading, stage_formulas(stage_number, params, step)
            )
        else:
            self.stage_overlay.show(0)
        if before is not None:
            changed = [
                (label, old)
                for label, old in zip(labels, before, strict=True)
                if label.text() != old and label.text() != PENDING  # going pending is no news
            ]
            if changed:
                self._start_flash(changed)

    def _shown(self, step: StepTrace, key: str) -> str:
        """A trace value as the diagram writes it, or "…" while it is pending."""
        return PENDING if key in self._pending else format_number(getattr(step, key))

    def _show_sums_of(self, state: DiagramState) -> None:
        step = state.step
        small = self._small_values
        if step is None:
            for item in small.values():
                item.setText("")
            for note in self._sums.values():
                note.setVisible(False)
            self._sum_texts.clear()
            return
        fmt = format_number

        def v(key: str) -> str:
            return self._shown(step, key)

        if self._show_sums:
            small["long_remembered"].setText(f"{v('forget')} \u00d7 {fmt(step.long_prev)} = {v('long_remembered')}")
            small["long_added"].setText(f"+ {v('input')} \u00d7 {v('candidate')} = {v('long_added')}")
            # More decimals than 4 would run off the diagram's right edge on one line.
            wrap = "\n" if display_decimals() > DISPLAY_DECIMALS else " "
            small["short_out"].setText(f"{v('output')} \u00d7 {v('long_tanh')}{wrap}= {v('short')}")
            for gate, note in self._sums.items():
                if state.stage:
                    # The stage's caption has the sums of its gates, where these would go.
                    note.setVisible(False)
                    self._sum_texts.pop(gate, None)
                    continue
                lines = gate_sum_lines(gate, state.params, step)
                # Just above the block, clear of its title on any font.
                note.set_text("\n".join(lines), GATE_X[gate], SUM_TOP, bottom=BLOCK_TOP - 4)
                note.setVisible(True)
                self._sum_texts[gate] = " ".join(lines)
        else:
            small["long_remembered"].setText(f"kept {v('long_remembered')}")
            small["long_added"].setText(f"+ {v('long_added')}")
            small["short_out"].setText("")
            for note in self._sums.values():
                note.setVisible(False)
            self._sum_texts.clear()

    # -- what changed --------------------------------------------------------------
    def _start_flash(self, changed: list[tuple[QLabel, str]]) -> None:
        running = self._flash.isActive()
        for label, old in changed:
            # During a drag "was" keeps the value before the drag began; a
            # step (also while running) shows the step before.
            if not (self._dragging and running and label in self._flashing):
                self._was[label] = old
            self._flashing.add(label)
            was = self._was[label]
            note, x, y, align = self._flash_note[label]
            show_note = was not in (BLANK, PENDING, "", label.text())
            if show_note:
                note.set_text(f"was {was}", x, y, align)
                if self.flash_note_allowed is not None:
                    show_note = self.flash_note_allowed(note.sceneBoundingRect())
            note.setVisible(show_note)
            self._flash_ring[label].setVisible(True)
        self._flash_ticks_left = self._flash_ticks
        self._set_flash_opacity(1.0)
        if not running:
            self._flash.start()

    def _set_flash_opacity(self, opacity: float) -> None:
        for label in self._flashing:
            self._flash_ring[label].setOpacity(opacity)
            # the previous value stays readable longer than the ring
            self._flash_note[label][0].setOpacity(min(1.0, 2 * opacity))

    @Slot()
    def _on_flash_tick(self) -> None:
        self._flash_ticks_left -= 1
        if self._flash_ticks_left > 0:
            self._set_flash_opacity(self._flash_ticks_left / self._flash_ticks)
            return
        self.stop_flash()

    def stop_flash(self) -> None:
        """End the flash and its "was" notes now (a lesson's set-up is not an
        edit: its previous values would give a question's answer away)."""
        self._flash.stop()
        for label in self._flashing:
            self._flash_ring[label].setVisible(False)
            self._flash_note[label][0].setVisible(False)
        self._flashing.clear()
        self._was.clear()

    def set_animation_speed(self, speed: float) -> None:
        """Flash changed values for :data:`FLASH_MS` divided by ``speed`` (Preferences)."""
        self._flash_ticks = max(1, animation_ms(FLASH_MS, speed) // FLASH_TICK_MS)

    def flash_ms(self) -> int:
        """How long a changed value flashes now (ms)."""
        return self._flash_ticks * FLASH_TICK_MS

    def clear(self) -> None:
        """Remove every item (the window does on close): the flash stops first."""
        self._flash.stop()
        self.stage_overlay.stop_pulse()
        self._flashing.clear()
        self._flash_ring.clear()
        self._flash_note.clear()
        super().clear()

    def flashing_labels(self) -> list[QLabel]:
        """The value labels flashing now (their value just changed)."""
        return [label for label in self._changing_labels() if label in self._flashing]

    def was_text(self, label: QLabel) -> str:
        """The "was 0.9852" overlay beside ``label`` ("" when none is shown)."""
        note = self._flash_note[label][0]
        return note.label.text() if note.isVisible() else ""

    def _set_block_text_color(self, gate: str, color: QColor) -> None:
        for item, _kind, key in self._styled:
            if key == "block_text_" + gate:
                item.setBrush(color)

    #: The diagram parts a lesson can outline by name (besides the gates and widgets).
    LINE_PARTS = ("long_term", "short_term", "input_line")

    def part_rect(self, part: str) -> QRectF | None:
        """Where a named part is drawn: a gate's block (``forget``), a memory
        line (``long_term``, ``short_term``, ``input_line``); ``None`` if unknown."""
        if part in self.blocks:
            return self.blocks[part].sceneBoundingRect()
        if part not in self.LINE_PARTS:
            return None
        rect = QRectF()
        for item, kind, key in self._styled:
            if key == part and kind == "line":
                rect = rect.united(item.sceneBoundingRect())
        return rect if not rect.isNull() else None

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

    def scale_factor(self) -> float:
        """Screen pixels per scene unit now (a 19 px field font shows at 19 x this)."""
        return self.transform().m11()

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
