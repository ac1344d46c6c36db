"""The over-time plot: the four gates and both memories across the steps.

pyqtgraph draws 100,000 points fast with downsampling and clipping to the
visible range; the cursor is an ``InfiniteLine`` moved on every step.
Watches shown in the plot are dashed curves of their own (a watch's ``null``
leaves a gap).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QWidget

from lstm_gui.core.cell import Trace
from lstm_gui.ui.theme import LIGHT, DiagramColors

#: Below this height (px) the legend goes beside the curves, not above them.
LOW_PLOT = 230
#: About the width of one legend entry (px) when watch curves put it above.
LEGEND_COLUMN_PX = 130
#: With watch curves, the legend stands beside a low plot only from this width (px).
WIDE_WITH_WATCHES = 700
#: Longest watch name in the legend (then "…"; the full text is in the Watch dock).
LEGEND_NAME_CHARS = 16


def legend_name(expression: str) -> str:
    """A watch's name in the legend: its expression, shortened if long."""
    if len(expression) <= LEGEND_NAME_CHARS:
        return expression
    return expression[: LEGEND_NAME_CHARS - 1].rstrip() + "\u2026"


class StepAxis(pg.AxisItem):
    """An axis of whole steps: ticks at 1, 2, 5, 10, ... never at 0.5."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels = super().tickSpacing(minVal, maxVal, size)
        whole = [(max(1.0, round(spacing)), offset) for spacing, offset in levels if spacing >= 1.0]
        return whole or [(1.0, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [str(int(round(v))) for v in values]


#: (trace column, legend name, colour attribute or hex, line width)
CURVES: tuple[tuple[str, str, str, float], ...] = (
    ("forget", "forget", "sigmoid", 2.0),
    ("input", "input", "#18a3b5", 2.0),
    ("candidate", "candidate", "tanh", 2.0),
    ("output", "output", "tanh_low", 2.0),
    ("long", "long-term", "long_term", 3.0),
    ("short", "short-term", "short_term", 3.0),
)

#: Colours of watch curves, in turn (dashed, so they never pass for the cell's own).
WATCH_COLORS: tuple[str, ...] = ("#8e44ad", "#c0392b", "#27ae60", "#7f8c8d", "#d35400", "#2c3e50")


class OverTimePlot(pg.PlotWidget):
    """``step_clicked(step)`` when the cursor is dragged to a step."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, colors: DiagramColors = LIGHT) -> None:
        super().__init__(parent, axisItems={"bottom": StepAxis(orientation="bottom")})
        self.setObjectName("over_time_plot")
        item = self.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        # No grid: pyqtgraph replays the whole grid picture for every cursor
        # move (7 ms a frame offscreen); two reference lines are enough.
        for level in (0.0, 1.0):
            ref = pg.InfiniteLine(pos=level, angle=0, movable=False)
            ref.setZValue(-10)
            item.addItem(ref, ignoreBounds=True)
            self._refs = getattr(self, "_refs", []) + [ref]
        item.setLabel("bottom", "step")
        item.setMenuEnabled(True)
        # The legend is a row of its own above the plot (the title's row), so
        # it never covers a curve, whatever the width.
        # Compact (one short row): in a low dock the curves keep the height.
        self.legend = pg.LegendItem(labelTextSize="8pt", colCount=6, verSpacing=-6, horSpacing=14)
        item.legend = self.legend
        item.layout.removeItem(item.titleLabel)
        item.titleLabel.hide()
        item.layout.addItem(self.legend, 0, 1)
        self._legend_place = (0, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for column, name, _color, _width in CURVES:
            curve = item.plot([], [], name=name)
            # Cached as pixmaps: moving the cursor must not redraw 100k points.
            for part in (curve.curve, curve.scatter):
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.curves[column] = curve
        self.cursor = pg.InfiniteLine(pos=0, angle=90, movable=True)
        self.cursor.setZValue(10)
        self.cursor.sigPositionChangeFinished.connect(self._on_cursor_dragged)
        item.addItem(self.cursor, ignoreBounds=True)
        self._length = -1
        self._symbol: str | None = "unset"
        self._fitted: tuple[float, float] | None = None
        #: Watch curves by expression, in the order given.
        self.watch_curves: dict[str, pg.PlotDataItem] = {}
        self.apply_colors(colors)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        self._place_legend()
        super().resizeEvent(event)

    def _place_legend(self) -> None:
        # One legend row when there is room, two in a narrow dock (a wide
        # legend would force the plot wider than its dock and clip it).
        # In a low dock (below LOW_PLOT px) the legend stands right of the
        # curves instead, in two columns, so the curves keep the height; with
        # watch curves only in a wide dock: two columns of watch names took
        # half a narrow dock's width. Otherwise it goes above, in as many
        # columns as fit (watch names shortened); the plot keeps the width.
        legend = self.__dict__.get("legend")  # resizeEvent runs inside pyqtgraph's __init__ too
        if legend is None:
            return
        watches = len(self.__dict__.get("watch_curves", {}))
        beside = self.height() < LOW_PLOT and self.width() >= (WIDE_WITH_WATCHES if watches else 420)
        if beside:
            columns = 2
        elif watches:
            columns = max(3, min(8, self.width() // LEGEND_COLUMN_PX))
        else:
            columns = 6 if self.width() >= 560 else 3
        place = (2, 3) if beside else (0, 1)
        layout = self.getPlotItem().layout
        if self._legend_place != place:
            layout.removeItem(legend)
            # Beside: over the bottom axis's row too, so a tall legend leaves the axis be.
            layout.addItem(legend, *place, *((2, 1) if beside else (1, 1)))
            self._legend_place = place
        if legend.columnCount != columns:
            legend.setColumnCount(columns)

    def apply_colors(self, colors: DiagramColors) -> None:
        self.setBackground(colors.background)
        fg = colors.muted
        for axis in ("left", "bottom"):
            ax = self.getPlotItem().getAxis(axis)
            ax.setPen(fg)
            ax.setTextPen(fg)
        for column, _name, color, width in CURVES:
            hex_color = getattr(colors, color) if not color.startswith("#") else color
            self.curves[column].setPen(pg.mkPen(hex_color, width=width))
        self.cursor.setPen(pg.mkPen(colors.text, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.cursor.setHoverPen(pg.mkPen(colors.error, width=2))
        for ref in self._refs:
            ref.setPen(pg.mkPen(colors.field_border, width=1, style=pg.QtCore.Qt.PenStyle.DotLine))
        self.legend.setLabelTextColor(colors.text)
        for _sample, label in self.legend.items:
            label.setText(label.text, color=colors.text)
        self.legend.setBrush(pg.mkBrush(colors.surface + "d0"))
        self.legend.setPen(pg.mkPen(colors.field_border))

    def set_trace(self, trace: Trace) -> None:
        """Show ``trace``. Cheap when only the values changed (a weight being
        scrubbed): the symbols and the range are touched only when the number
        of steps changes or the data leave the range shown."""
        n = len(trace)
        length_changed = n != self._length
        self._length = n
        steps = np.arange(1, n + 1, dtype=float)
        # Dots on short sequences, where each step matters; plain lines on long ones.
        symbol = "o" if n <= 60 else None
        columns = {column: np.asarray(trace.column(column), dtype=float) for column, *_ in CURVES}
        for column, values in columns.items():
            curve = self.curves[column]
            curve.setData(steps, values)
            if symbol != self._symbol:
                curve.setSymbol(symbol)
                if symbol:
                    curve.setSymbolSize(6)
                    curve.setSymbolPen(curve.opts["pen"])
                    curve.setSymbolBrush(curve.opts["pen"].color())
        self._symbol = symbol
        # Fit when the steps change or the data leave the range; otherwise
        # leave it alone: auto-range would re-measure every curve on each
        # cursor move, and refitting on every scrub makes the axes jump.
        view = self.getPlotItem().getViewBox()
        view.disableAutoRange()
        if n:
            values = np.concatenate(list(columns.values()))
            values = values[np.isfinite(values)]
            low = min(0.0, float(values.min())) if values.size else 0.0
            high = max(1.0, float(values.max())) if values.size else 1.0
            (_x0, _x1), (shown_low, shown_high) = view.viewRange()
            if length_changed or low < shown_low or high > shown_high or self._fitted is None:
                view.setRange(xRange=(0, n), yRange=(low, high), padding=0.05)
                self._fitted = (low, high)
        else:
            view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.05)
            self._fitted = None
        if length_changed:
            self.cursor.setBounds((0, max(n, 1)))

    def set_watch_curves(self, watches: Sequence[tuple[str, Sequence[float | None]]]) -> None:
        """Show these watches as dashed curves (``[]``: none); a ``None``
        value leaves a gap. The y range grows to hold them."""
        item = self.getPlotItem()
        for expression, curve in list(self.watch_curves.items()):
            item.removeItem(curve)  # also takes it out of the legend
            del self.watch_curves[expression]
        low, high = np.inf, -np.inf
        for k, (expression, column) in enumerate(watches):
            if expression in self.watch_curves:
                continue
            values = np.array([np.nan if v is None else v for v in column], dtype=float)
            steps = np.arange(1, len(values) + 1, dtype=float)
            pen = pg.mkPen(WATCH_COLORS[k % len(WATCH_COLORS)], width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
            curve = item.plot(steps, values, name=legend_name(expression), pen=pen, connect="finite")
            self.watch_curves[expression] = curve
            finite = values[np.isfinite(values)]
            if finite.size:
                low, high = min(low, float(finite.min())), max(high, float(finite.max()))
        self._place_legend()
        if np.isfinite(low):
            view = item.getViewBox()
            (x0, x1), (shown_low, shown_high) = view.viewRange()
            if low < shown_low or high > shown_high:
                view.setRange(xRange=(x0, x1), yRange=(min(low, shown_low), max(high, shown_high)), padding=0.05)

    def show_step(self, step: int) -> None:
        self.cursor.setValue(step)

    def cursor_step(self) -> int:
        return int(round(self.cursor.value()))

    def _on_cursor_dragged(self) -> None:
        step = max(0, min(self._length, self.cursor_step()))
        self.cursor.setValue(step)
        self.step_clicked.emit(step)
