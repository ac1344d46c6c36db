"""Gradient through time: |d loss / d long_t| and |d loss / d short_t| per step, log scale.

The picture of why LSTMs exist: going back from the last step, a plain RNN's
gradient shrinks by a factor at every step (a straight falling line on a log
scale), while the LSTM's long-term memory line can carry it back. Step 0 is
the initial memories. Other cells' curves (a plain RNN, a GRU, from a
comparison view) are added by name with :meth:`GradientPlot.set_cell_curve`.

A zero gradient has no logarithm: it is left out of the curve (a gap).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from lstm_gui.core.gradients import Gradients
from lstm_gui.ui.theme import LIGHT, DiagramColors
from lstm_gui.ui.widgets.over_time_plot import StepAxis

#: Colours of other cells' |d loss / d short_t| curves (by cell name).
CELL_CURVE_COLORS: dict[str, str] = {"rnn": "#8a8f99", "gru": "#18a3b5"}


def log_ready(values: np.ndarray) -> np.ndarray:
    """|values| with zeros (and non-finite values) as NaN, so the log scale
    leaves a gap instead of failing."""
    magnitudes = np.abs(np.asarray(values, dtype=float))
    return np.where((magnitudes > 0) & np.isfinite(magnitudes), magnitudes, np.nan)


def memory_gradients(grads: Gradients) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(steps 0..T, d loss / d short_t, d loss / d long_t or None), step 0
    being the initial memories."""
    steps = np.arange(0, grads.steps + 1, dtype=float)
    short = np.asarray((grads.short0_grad, *grads.short_grad), dtype=float)
    long = None
    if grads.long_grad is not None and grads.long0_grad is not None:
        long = np.asarray((grads.long0_grad, *grads.long_grad), dtype=float)
    return steps, short, long


#: The y axis's title (rotated): |d loss / d memory|, short enough for a low dock.
AXIS_TITLE = "|\u2202L/\u2202mem|"


class LogAxis(pg.AxisItem):
    """A log axis labelled at whole decades, with 2 and 5 between them only
    while fewer than three decades show (pyqtgraph's own labels 1..9 in every
    decade, which run into each other in a low dock)."""

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: list[tuple[float, list[float]]]
    ) -> list[tuple[float | None, list[float]]]:
        low, high = math.floor(minVal), math.ceil(maxVal)
        decades = high - low
        every = max(1, math.ceil(decades / max(1.0, size / 28)))  # labels ~28 px apart at least
        majors = [float(v) for v in range(low, high + 1) if v % every == 0 and minVal <= v <= maxVal]
        ticks: list[tuple[float | None, list[float]]] = [(float(every), majors)]
        if len(majors) < 3:
            minor = [v + math.log10(m) for v in range(low, high) for m in (2, 5)]
            ticks.append((None, [v for v in minor if minVal < v < maxVal]))
        return ticks


class GradientPlot(pg.PlotWidget):
    """``step_clicked(step)`` when the cursor is dragged to a step."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, colors: DiagramColors = LIGHT) -> None:
        super().__init__(
            parent, axisItems={"bottom": StepAxis(orientation="bottom"), "left": LogAxis(orientation="left")}
        )
        self.setObjectName("gradient_plot")
        item = self.getPlotItem()
        item.setLogMode(x=False, y=True)
        item.setLabel("bottom", "step")
        # Short: a rotated title longer than a low dock's plot height is cut off.
        item.setLabel("left", AXIS_TITLE)
        item.getAxis("left").enableAutoSIPrefix(False)  # "x0.001" makes no sense on a log axis
        item.showGrid(x=False, y=True, alpha=0.25)
        # The legend stands right of the plot area, one entry a line: inside
        # it sat on the curves wherever they went, and above it took half of
        # a low dock's height.
        self.legend = pg.LegendItem(labelTextSize="8pt", colCount=1, verSpacing=-6)
        item.legend = self.legend  # item.plot(name=...) adds to it
        item.layout.addItem(self.legend, 2, 3)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._values: dict[str, np.ndarray] = {}
        # The current step's two points (a PlotDataItem, so the log scale applies to it too).
        self.markers = item.plot([], [], pen=None, symbol="o", symbolSize=11)
        self.markers.setZValue(20)
        self.cursor = pg.InfiniteLine(pos=0, angle=90, movable=True)
        self.cursor.setZValue(10)
        self.cursor.sigPositionChangeFinished.connect(self._on_cursor_dragged)
        item.addItem(self.cursor, ignoreBounds=True)
        self._steps = np.zeros(0)
        self._step = 0
        self._colors = colors
        self._add_curve("long", "d loss / d long-term", colors.long_term, 3.0)
        self._add_curve("short", "d loss / d short-term", colors.short_term, 3.0)
        self.apply_colors(colors)

    def _add_curve(self, name: str, label: str, color: str, width: float) -> pg.PlotDataItem:
        curve = self.getPlotItem().plot([], [], name=label, connect="finite")
        curve.setData(np.zeros(0), np.zeros(0))
        curve.setProperty("curve_color", color)
        curve.setProperty("curve_width", width)
        self.curves[name] = curve
        self._values[name] = np.zeros(0)
        return curve

    def apply_colors(self, colors: DiagramColors) -> None:
        self._colors = colors
        self.setBackground(colors.background)
        for axis in ("left", "bottom"):
            ax = self.getPlotItem().getAxis(axis)
            ax.setPen(colors.muted)
            ax.setTextPen(colors.muted)
        pens = {"long": colors.long_term, "short": colors.short_term}
        for name, curve in self.curves.items():
            color = pens.get(name, CELL_CURVE_COLORS.get(name, colors.muted))
            width = 3.0 if name in pens else 2.0
            style = pg.QtCore.Qt.PenStyle.SolidLine if name in pens else pg.QtCore.Qt.PenStyle.DashLine
            curve.setPen(pg.mkPen(color, width=width, style=style))
            curve.setSymbolPen(pg.mkPen(color))
            curve.setSymbolBrush(pg.mkBrush(color))
        self.cursor.setPen(pg.mkPen(colors.text, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.cursor.setHoverPen(pg.mkPen(colors.error, width=2))
        self.legend.setLabelTextColor(colors.text)
        for _sample, label in self.legend.items:
            label.setText(label.text, color=colors.text)
        self.legend.setBrush(pg.mkBrush(colors.surface + "d0"))
        self.legend.setPen(pg.mkPen(colors.field_border))
        self._show_markers()

    # -- data ----------------------------------------------------------------------
    def set_gradients(self, grads: Gradients | None) -> None:
        """Show the stepped sequence's memory gradients (``None``: clear)."""
        if grads is None:
            for name in ("long", "short"):
                self._set_values(name, np.zeros(0), np.zeros(0))
            self._steps = np.zeros(0)
            self._show_markers()
            return
        steps, short, long = memory_gradients(grads)
        self._steps = steps
        self._set_values("short", steps, short)
        self._set_values("long", steps, long if long is not None else np.zeros(0))
        self.cursor.setBounds((0, max(len(steps) - 1, 1)))
        self.getPlotItem().enableAutoRange()
        self._show_markers()

    def set_cell_curve(self, cell: str, grads: Gradients | None, label: str | None = None) -> None:
        """Add (or replace, or with ``None`` remove) another cell's
        |d loss / d short_t| curve, e.g. ``"rnn"`` or ``"gru"`` on the same inputs."""
        if grads is None:
            curve = self.curves.pop(cell, None)
            self._values.pop(cell, None)
            if curve is not None:
                self.getPlotItem().removeItem(curve)
            return
        if cell not in self.curves:
            self._add_curve(cell, label or f"{cell.upper()}: d loss / d short-term", CELL_CURVE_COLORS.get(cell, ""), 2)
            self.apply_colors(self._colors)
        steps, short, _long = memory_gradients(grads)
        self._set_values(cell, steps, short)

    def _set_values(self, name: str, steps: np.ndarray, values: np.ndarray) -> None:
        self._values[name] = np.asarray(values, dtype=float)
        shown = log_ready(values)
        curve = self.curves[name]
        curve.setData(steps[: len(shown)], shown)
        curve.setSymbol("o" if len(shown) <= 80 else None)
        curve.setSymbolSize(5)

    def values(self, name: str) -> np.ndarray:
        """The signed gradients a curve shows (``long``, ``short`` or a cell's name)."""
        return self._values[name].copy()

    # -- the current step -------------------------------------------------------------
    def show_step(self, step: int) -> None:
        self._step = step
        self.cursor.setValue(step)
        self._show_markers()

    def _show_markers(self) -> None:
        xs, ys, brushes = [], [], []
        for name, color in (("long", self._colors.long_term), ("short", self._colors.short_term)):
            values = self._values.get(name, np.zeros(0))
            if 0 <= self._step < len(values) and values[self._step] != 0 and np.isfinite(values[self._step]):
                xs.append(float(self._step))
                ys.append(abs(float(values[self._step])))
                brushes.append(pg.mkBrush(color))
        self.markers.setData(xs, ys, symbolBrush=brushes, symbolPen=pg.mkPen(self._colors.text, width=1.5))

    def marker_points(self) -> list[tuple[float, float]]:
        """The current step's marked points (step, |gradient|)."""
        xs, ys = self.markers.xData, self.markers.yData
        if xs is None or ys is None:
            return []
        return [(float(x), float(y)) for x, y in zip(xs, ys)]

    def cursor_step(self) -> int:
        return int(round(self.cursor.value()))

    def _on_cursor_dragged(self) -> None:
        step = max(0, min(len(self._steps) - 1, self.cursor_step()))
        self.cursor.setValue(step)
        self.step_clicked.emit(step)
