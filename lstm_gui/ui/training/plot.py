"""Live training plots: loss, each sequence's output against its target, and
the 12 weights, over the epochs.

The plot draws the one :class:`~lstm_gui.training.history.TrainingHistory`
it is shown (the session's, or the running one that the panel appends the
training's rows to): it keeps no copy. The curves get ``setData`` at most a
few dozen times a second from a min/max summary that is kept incrementally
(O(new rows) per refresh), so a run of a million epochs stays smooth.

Hovering shows the epoch under the pointer (and the loss) inside each plot
and the outputs and weights at that epoch in the legends; a click emits
``epoch_clicked``; :meth:`TrainingPlot.set_cursor` marks the epoch the
history scrubber shows. The weight colours come from
:func:`lstm_gui.ui.theme.parameter_colors` and follow the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy, QVBoxLayout, QWidget

from lstm_gui.core.formatting import format_number
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES
from lstm_gui.training.history import TrainingHistory
from lstm_gui.ui.theme import parameter_colors

#: The output plot draws (and its legend lists) this many sequences at most;
#: a summary entry counts the rest. One curve and one legend row per sequence
#: made a 5,000-sequence dataset take minutes to open (legend re-layouts).
MAX_PLOTTED_SEQUENCES = 8
#: Sequence outputs: StatQuest's out_0 (Company A) green-grey, out_1 pink, then more.
OUTPUT_COLOURS: tuple[str, ...] = ("#2ca02c", "#d62728", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
LOSS_COLOUR = "#333333"
#: The legends' column (px): the same in all three plots keeps their epoch axes aligned.
LEGEND_WIDTH = 150
#: Titles in a narrow column (the long ones ran into the legends).
SHORT_TITLES = {
    "loss (sum of squared errors)": "loss",
    "output (final short-term memory)": "outputs",
    "weights and biases": "weights",
}
#: ... and in a narrow column (the weights' two columns of names still fit).
NARROW_LEGEND_WIDTH = 120


def history_rows(history: TrainingHistory, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start:stop`` of ``history`` as one matrix: epoch, loss, each
    output, the 12 weights (a copy of just those rows: O(rows asked for))."""
    return np.column_stack(
        [history.epochs[start:stop], history.loss[start:stop], history.outputs[start:stop], history.weights[start:stop]]
    ).astype(np.float64, copy=False)


def peak_decimate(
    data: np.ndarray, bin_size: int, loss_low: np.ndarray | None = None, loss_high: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per bin of ``bin_size`` rows: x of its first and last row, and each
    column's minimum and maximum (so no spike disappears), as a curve of two
    points per bin. ``data[:, 0]`` is x; returns ``(x, y)`` with y of shape
    ``(2 * bins, columns - 1)``. Rows beyond the last whole bin are left out.
    ``loss_low``/``loss_high``: the loss envelope of rows that stand for
    several epochs (a thinned history), used for the loss column's extremes."""
    bins = data.shape[0] // bin_size
    if bins == 0:
        return np.empty(0), np.empty((0, data.shape[1] - 1))
    blocks = data[: bins * bin_size].reshape(bins, bin_size, data.shape[1])
    x = np.empty(2 * bins)
    x[0::2] = blocks[:, 0, 0]
    x[1::2] = blocks[:, -1, 0]
    y = np.empty((2 * bins, data.shape[1] - 1))
    y[0::2] = blocks[:, :, 1:].min(axis=1)
    y[1::2] = blocks[:, :, 1:].max(axis=1)
    if loss_low is not None and loss_high is not None:
        y[0::2, 0] = loss_low[: bins * bin_size].reshape(bins, bin_size).min(axis=1)
        y[1::2, 0] = loss_high[: bins * bin_size].reshape(bins, bin_size).max(axis=1)
    return x, y


class PeakSummary:
    """An incrementally kept min/max summary of a :class:`TrainingHistory` with at
    most ``2 * limit`` points per curve (and a short, finer tail), so a refresh
    while training costs O(new rows), not O(all epochs). ~1000 points fill a
    plot's width: more only cost drawing time (~35 ms per plot at 4000)."""

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self.reset()

    def reset(self) -> None:
        self.bin_size = 1
        self.rows = 0  # history rows covered by whole bins
        self.revision = -1  # the history's revision the bins were made from
        self.x = np.empty(0)
        self.y = np.empty((0, 0))

    def update(self, history: TrainingHistory) -> tuple[np.ndarray, np.ndarray]:
        """x (epochs) and y (loss, outputs, weights columns) to draw."""
        size = len(history)
        columns = 1 + history.sequence_count + 12
        if size < self.rows or (self.y.size and self.y.shape[1] != columns) or history.revision != self.revision:
            self.reset()  # rows were thinned (merged and moved): summarise afresh
            self.revision = history.revision
        if self.bin_size == 1 and size <= 2 * self.limit:
            data = history_rows(history)
            return data[:, 0], data[:, 1:]
        if self.bin_size == 1:
            self.bin_size = 2 ** int(np.ceil(np.log2(size / self.limit)))
            self.rows = 0
            self.x, self.y = np.empty(0), np.empty((0, columns))
        # Whole bins end before the last row: a thinned history still folds
        # new epochs into its last row.
        last = size - 1
        new_x, new_y = peak_decimate(
            history_rows(history, self.rows, last),
            self.bin_size,
            history.loss_min[self.rows : last],
            history.loss_max[self.rows : last],
        )
        if new_x.size:
            self.x = np.concatenate([self.x, new_x])
            self.y = np.concatenate([self.y, new_y])
            self.rows += (new_x.size // 2) * self.bin_size
        while self.x.size > 2 * self.limit:
            # Twice the bin size: merge neighbouring bins (an odd last bin
            # goes back to the raw tail).
            bins = (self.x.size // 2) // 2 * 2
            x = self.x[: 2 * bins].reshape(bins // 2, 4)
            y = self.y[: 2 * bins].reshape(bins // 2, 4, -1)
            self.x = np.column_stack([x[:, 0], x[:, 3]]).ravel()
            merged = np.empty((bins, y.shape[2]))
            merged[0::2] = y.min(axis=1)
            merged[1::2] = y.max(axis=1)
            self.y = merged
            self.bin_size *= 2
            self.rows = (bins // 2) * self.bin_size
        # The rows after the last whole bin, in finer bins.
        tail = history_rows(history, self.rows)
        fine = max(1, self.bin_size // 16)
        tail_x, tail_y = peak_decimate(tail, fine, history.loss_min[self.rows :], history.loss_max[self.rows :])
        rest = tail[(tail.shape[0] // fine) * fine :]
        return (
            np.concatenate([self.x, tail_x, rest[:, 0]]),
            np.concatenate([self.y, tail_y, rest[:, 1:]]),
        )


#: Least distance (px) between two epoch numbers on an axis.
EPOCH_TICK_PX = 48


def _space_epoch_ticks(axis: pg.AxisItem) -> None:
    """Thin an epoch axis's ticks to at least :data:`EPOCH_TICK_PX` apart."""
    standard = axis.tickSpacing

    def spacing(min_value: float, max_value: float, size: float) -> list[tuple[float, float]]:
        levels = standard(min_value, max_value, size)
        span = max_value - min_value
        if span <= 0 or size <= 0:
            return levels
        least = EPOCH_TICK_PX * span / size
        wide = [(step, offset) for step, offset in levels if step >= least]
        if wide:
            return wide
        # A round step (1, 2 or 5 times a power of ten) just wide enough.
        power = 10 ** np.floor(np.log10(least))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= least)
        return [(float(step), 0.0)]

    axis.tickSpacing = spacing


def _pen(colour: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 1.0) -> QPen:
    pen = pg.mkPen(colour, width=width)
    pen.setStyle(style)
    pen.setCosmetic(True)
    return pen


class TrainingPlot(QWidget):
    """Three plots over the epochs: loss, outputs against targets, weights.

    Each plot is its own ``GraphicsLayoutWidget``, so that :meth:`refresh_part`
    can redraw one of them per event-loop turn: a third of the painting at a
    time keeps every pause of the window short while training. The epoch axes
    follow the whole run together; a drag zooms into a rectangle (x is copied
    to the others), never into negative epochs. Hovering shows the epoch and
    the values under the pointer; a click emits ``epoch_clicked(epoch)``.
    """

    PARTS = 3
    epoch_clicked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("train_plot")
        self._titles: list[str] = []
        self._legends: list[pg.LegendItem] = []
        self._read_palette()
        #: The history drawn (the session's, or the run's while training); read, never copied.
        self._history: TrainingHistory | None = None
        self.summary = PeakSummary()
        self._xy: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty((0, 0)))
        # Re-summarise for the visible epochs shortly after a zoom or pan.
        self._zoom_timer = QTimer(self)
        self._zoom_timer.setSingleShot(True)
        self._zoom_timer.setInterval(60)
        self._zoom_timer.timeout.connect(self.refresh)
        self._syncing = False
        self._live_epochs: tuple[float, float] | None = None
        #: False once the person zoomed or panned by hand (until the next run).
        self._following = True
        self._output_names: list[str] = []
        self._targets: list[float] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.views: list[pg.GraphicsLayoutWidget] = []
        self.loss_plot = self._add_plot("loss (sum of squared errors)")
        self.loss_curve = self.loss_plot.plot(pen=self._loss_pen())
        self._add_legend(0)  # empty: keeps the three x axes aligned
        self.output_plot = self._add_plot("output (final short-term memory)")
        self.output_legend = self._add_legend(1)
        self.weight_plot = self._add_plot("weights and biases")
        self.weight_plot.setLabel("bottom", "epoch", color=self._text_colour)
        self.weight_plot.getAxis("bottom").setStyle(showValues=True)
        # Epoch numbers are wide ("4000"): ticks at least EPOCH_TICK_PX apart,
        # so they never run together in a narrow column.
        _space_epoch_ticks(self.weight_plot.getAxis("bottom"))
        self.weight_legend = self._add_legend(2, columns=2)  # 12 names in 6 rows
        for view, stretch in zip(self.views, (3, 3, 4)):
            layout.addWidget(view, stretch)
        self.plots = (self.loss_plot, self.output_plot, self.weight_plot)
        self.set_live(False)
        for plot in self.plots:
            box = plot.getViewBox()
            box.sigRangeChangedManually.connect(lambda _mask, box=box: self._copy_x_range(box))
            box.sigXRangeChanged.connect(self._on_x_range_changed)
        self.output_curves: list[pg.PlotDataItem] = []
        self.target_lines: list[pg.InfiniteLine] = []
        self.weight_curves: list[pg.PlotDataItem] = []
        colours = self.weight_colours()
        for name, key in NOTEBOOK_NAMES.items():
            curve = self.weight_plot.plot(pen=_pen(colours[key]))
            self.weight_legend.addItem(curve, name)
            self.weight_curves.append(curve)
        #: The scrubbed epoch (a vertical line in each plot), hidden when None.
        self.cursors: list[pg.InfiniteLine] = []
        #: The hover read-out of each plot: epoch and values under the pointer.
        self.hover_texts: list[pg.TextItem] = []
        for index, (view, plot) in enumerate(zip(self.views, self.plots)):
            cursor = pg.InfiniteLine(angle=90, movable=False, pen=_pen(self._cursor_colour(), width=1.5))
            cursor.hide()
            plot.addItem(cursor, ignoreBounds=True)
            self.cursors.append(cursor)
            text = pg.TextItem(anchor=(0, 0))
            text.setZValue(1000)
            text.hide()
            plot.addItem(text, ignoreBounds=True)
            self.hover_texts.append(text)
            view.scene().sigMouseMoved.connect(lambda pos, index=index: self._on_mouse_moved(index, pos))
            view.scene().sigMouseClicked.connect(lambda event, index=index: self._on_mouse_clicked(index, event))
        self._style_hover()

    def theme(self) -> str:
        """``"dark"`` or ``"light"``, from the background the plots are drawn on."""
        return "dark" if self._base_colour.lightness() < 128 else "light"

    def weight_colours(self) -> dict[tuple[str, str], str]:
        """(gate, role) -> the weight curve's colour in the current theme."""
        return parameter_colors(self.theme())

    def _cursor_colour(self) -> str:
        return "#ffd54f" if self.theme() == "dark" else "#c77700"

    def _style_hover(self) -> None:
        fill = QColor(self._base_colour)
        fill.setAlpha(225)
        for text in self.hover_texts:
            text.setColor(self._text_colour)
            text.fill = pg.mkBrush(fill)
            text.border = pg.mkPen(self._grid_colour)
            text.update()

    def _read_palette(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self._base_colour = base
        self._text_colour = text
        # The grid: an eighth of the way from the background to the text.
        self._grid_colour = QColor.fromRgbF(
            base.redF() * 0.88 + text.redF() * 0.12,
            base.greenF() * 0.88 + text.greenF() * 0.12,
            base.blueF() * 0.88 + text.blueF() * 0.12,
        )

    def _loss_pen(self) -> QPen:
        return _pen(LOSS_COLOUR if self._base_colour.lightness() > 128 else "#dddddd")

    def _style_axes(self, plot: pg.PlotItem) -> None:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(self._grid_colour))
            axis.setTextPen(pg.mkPen(self._text_colour))

    def changeEvent(self, event: QEvent) -> None:
        # Follow the light/dark theme: the window changes the application palette.
        if event.type() == QEvent.Type.PaletteChange and self._titles:
            self._read_palette()
            for view, title in zip(self.views, self._titles):
                view.setBackground(self._base_colour)
                plot = view.getItem(0, 0)
                narrow = self.width() < 2 * NARROW_LEGEND_WIDTH + 240
                self._set_title(plot, SHORT_TITLES.get(title, title) if narrow else title)
                self._style_axes(plot)
            for legend in self._legends:
                legend.setLabelTextColor(self._text_colour)
                for _sample, label in legend.items:
                    label.setText(label.text)  # setAttr alone does not re-render
            self.loss_curve.setPen(self._loss_pen())
            self.weight_plot.setLabel("bottom", "epoch", color=self._text_colour)
            colours = self.weight_colours()
            for curve, key in zip(self.weight_curves, NOTEBOOK_NAMES.values()):
                curve.setPen(_pen(colours[key]))
            for legend in self._legends:
                legend.update()
            for cursor in self.cursors:
                cursor.setPen(_pen(self._cursor_colour(), width=1.5))
            self._style_hover()
        super().changeEvent(event)

    def _add_legend(self, row: int, columns: int = 1) -> pg.LegendItem:
        """A legend beside (not over) the curves, in a fixed-width second column."""
        view = self.views[row]
        legend = pg.LegendItem(
            labelTextColor=self._text_colour, frame=False, verSpacing=-7, horSpacing=4, colCount=columns
        )
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._legends.append(legend)
        view.addItem(legend, row=0, col=1)
        view.ci.layout.setColumnFixedWidth(1, LEGEND_WIDTH)
        # Keep the rows tight at the top instead of spread over the cell.
        legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        view.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return legend

    def _add_plot(self, title: str) -> pg.PlotItem:
        view = pg.GraphicsLayoutWidget()
        view.setBackground(self._base_colour)
        view.setMinimumHeight(120)
        self.views.append(view)
        plot = view.addPlot(row=0, col=0)
        self._let_title_shrink(plot)
        self._set_title(plot, title)
        self._titles.append(title)
        # An opaque, light grid: a translucent one costs ~15 ms per repaint.
        plot.showGrid(x=True, y=True, alpha=1.0)
        box = plot.getViewBox()
        # Drag: zoom into the rectangle (the x range is copied to the other
        # plots); the A button or the context menu's View All shows all again.
        box.setMouseMode(pg.ViewBox.RectMode)
        box.setMouseEnabled(x=True, y=False)  # the wheel zooms the epochs only
        box.setLimits(xMin=0)
        self._style_axes(plot)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            # Opaque grid lines must lie under the curves, not over them.
            axis.setZValue(-1000)
            # Major ticks only: half the repaint cost of three tick levels
            # (their grid lines), and easier to read.
            axis.setStyle(maxTickLevel=0)
        plot.getAxis("left").setWidth(48)
        # The plots share the epoch axis; only the lowest one labels it.
        plot.getAxis("bottom").setStyle(showValues=False)
        return plot

    def _set_title(self, plot: pg.PlotItem, title: str) -> None:
        plot.setTitle(title, color=self._text_colour, size="9pt")

    @staticmethod
    def _let_title_shrink(plot: pg.PlotItem) -> None:
        """A title as wide as its text kept the plot from narrowing (in a
        column beside the diagram it pushed the legends out of view); the
        label sets that minimum again at every text change, so after it."""
        label = plot.titleLabel
        update_min = label.updateMin

        def update_min_but_shrinkable() -> None:
            update_min()
            label.setMinimumWidth(0)

        label.updateMin = update_min_but_shrinkable

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Narrow (a column beside the diagram): a narrower legend column,
        # short titles that fit over the curves, and room for all 12 names.
        narrow = event.size().width() < 2 * NARROW_LEGEND_WIDTH + 240
        width = NARROW_LEGEND_WIDTH if narrow else LEGEND_WIDTH
        if self._titles:
            for view, title in zip(self.views, self._titles):
                shown = SHORT_TITLES.get(title, title) if narrow else title
                plot = view.getItem(0, 0)
                if plot is not None and plot.titleLabel.text != shown:
                    self._set_title(plot, shown)
        legend_height = int(self.weight_legend.effectiveSizeHint(Qt.SizeHint.PreferredSize).height())
        self.views[-1].setMinimumHeight(max(120, legend_height + 24))
        # No legend column narrower than the weights' two columns need: the
        # three epoch axes stay aligned.
        width = max(width, int(self.weight_legend.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()))
        for view in self.views:
            view.ci.layout.setColumnFixedWidth(1, width)
        super().resizeEvent(event)

    def set_live(self, live: bool, epochs: tuple[float, float] | None = None) -> None:
        """Switch between a run feeding the plots and a finished one.

        While live, the epoch axis is fixed to the run's planned ``epochs``
        (the curves grow into it, like a progress bar) and only the y axes
        follow the data: a growing x range would re-layout every axis at every
        redraw. The curves get at most ~1000 points from the summary, so
        pyqtgraph's own clip-to-view and 'peak' downsampling (which would
        redo that work at each redraw, a third of its time, measured) are
        turned on only for exploring a finished run by zooming and panning.
        """
        self._live_epochs = epochs if live else None
        for plot in self.plots:
            plot.setDownsampling(auto=not live, mode="peak")
            plot.setClipToView(not live)
            if live and epochs is not None:
                plot.setXRange(*epochs, padding=0.02)
                plot.enableAutoRange(axis="y")
            elif not live and self._following:
                plot.enableAutoRange()
        self._following = True

    def _copy_x_range(self, source: pg.ViewBox) -> None:
        """A zoom or pan by hand in one plot shows the same epochs in all."""
        if self._syncing:
            return
        self._following = False
        self._syncing = True
        try:
            x_range = source.viewRange()[0]
            for plot in self.plots:
                if plot.getViewBox() is not source:
                    plot.setXRange(*x_range, padding=0)
        finally:
            self._syncing = False

    # -- data ------------------------------------------------------------------
    def set_sequences(self, names: Sequence[str], targets: Sequence[float]) -> None:
        """One output curve and one target line per dataset sequence."""
        names, targets = list(names), [float(t) for t in targets]
        if names == self._output_names and targets == self._targets:
            return
        for curve in self.output_curves:
            self.output_plot.removeItem(curve)
        for line in self.target_lines:
            self.output_plot.removeItem(line)
        self.output_legend.clear()
        self.output_curves, self.target_lines = [], []
        shown_targets = targets[:MAX_PLOTTED_SEQUENCES]
        for k, (name, target) in enumerate(zip(names[:MAX_PLOTTED_SEQUENCES], shown_targets)):
            colour = OUTPUT_COLOURS[k % len(OUTPUT_COLOURS)]
            # The highest target's label goes under its line, the others over
            # theirs: both stay inside the plot.
            anchor = (1, 0) if len(shown_targets) > 1 and target == max(shown_targets) else (1, 1)
            curve = self.output_plot.plot(pen=_pen(colour))
            self.output_legend.addItem(curve, name)
            line = pg.InfiniteLine(
                pos=target,
                angle=0,
                pen=_pen(colour, Qt.PenStyle.DashLine, 1.0),
                label=f"target {target:g}",
                # At the right end: clear of the axis and of the first epochs.
                labelOpts={"color": colour, "position": 0.99, "anchors": [anchor, anchor]},
            )
            self.output_plot.addItem(line)
            self.output_curves.append(curve)
            self.target_lines.append(line)
        hidden = len(names) - MAX_PLOTTED_SEQUENCES
        if hidden > 0:
            # A legend row without a line: how many sequences are not drawn.
            self.output_legend.addItem(pg.PlotDataItem(pen=None), f"+{hidden} more")
        self._output_names, self._targets = names, targets
        self.refresh()

    @property
    def history(self) -> TrainingHistory | None:
        return self._history

    def show_history(self, history: TrainingHistory | None) -> None:
        """Draw ``history`` (``None``: nothing). The plot keeps a reference and
        reads the rows appended to it at each :meth:`refresh`: one history,
        no copy. Showing the history already shown just redraws it."""
        if history is not self._history:
            self._history = history
            self.summary.reset()
            self.enableAutoRange()
        self.refresh()

    def set_log_loss(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.refresh()

    def enableAutoRange(self) -> None:
        """Follow the whole run again (after a zoom)."""
        self._following = True
        for plot in self.plots:
            if self._live_epochs is not None:
                plot.setXRange(*self._live_epochs, padding=0.02)
                plot.enableAutoRange(axis="y")
            else:
                plot.enableAutoRange()

    def refresh(self) -> None:
        """Summarise the data and redraw all three plots."""
        self.prepare()
        for part in range(self.PARTS):
            self.refresh_part(part)

    def prepare(self) -> None:
        """Work out what the curves show: every epoch while that is a few
        thousand points, else a min/max summary (kept incrementally while the
        whole run is in view, computed for the visible part when zoomed)."""
        history = self._history
        if history is None or not len(history):
            self._xy = (np.empty(0), np.empty((0, 0)))
            return
        x_range = self._zoomed_x_range()
        limit = self.summary.limit
        if x_range is not None and len(history) > 2 * limit:
            lo, hi = np.searchsorted(history.epochs, x_range)
            part = history_rows(history, max(int(lo) - 1, 0), int(hi) + 1)
            bin_size = int(np.ceil(part.shape[0] / limit))
            if bin_size > 1:
                x, y = peak_decimate(part, bin_size)
                rest = part[(part.shape[0] // bin_size) * bin_size :]
                x, y = np.concatenate([x, rest[:, 0]]), np.concatenate([y, rest[:, 1:]])
            else:
                x, y = part[:, 0], part[:, 1:]
        else:
            x, y = self.summary.update(history)
        self._xy = (x, y)

    def refresh_part(self, part: int) -> None:
        """Hand one plot (0 loss, 1 outputs, 2 weights) the prepared data."""
        x, y = self._xy
        empty = y.size == 0
        sequences = self._history.sequence_count if self._history is not None else 0
        if part == 0:
            loss = np.empty(0) if empty else y[:, 0]
            if self.loss_plot.ctrl.logYCheck.isChecked():
                # Log of 0 is -inf; a perfect fit is drawn at the smallest positive value.
                loss = np.where(loss > 0, loss, np.finfo(float).tiny)
            self.loss_curve.setData(x, loss)
        elif part == 1:
            # Only the first MAX_PLOTTED_SEQUENCES have curves.
            for k, curve in enumerate(self.output_curves):
                if k < sequences and not empty:
                    curve.setData(x, y[:, 1 + k])
                else:
                    curve.setData([], [])
        else:
            first = 1 + sequences
            for k, curve in enumerate(self.weight_curves):
                curve.setData(x, y[:, first + k]) if not empty else curve.setData([], [])

    def _zoomed_x_range(self) -> tuple[float, float] | None:
        """The visible epochs if the person zoomed in, else ``None``."""
        if self._live_epochs is not None and self._following:
            return None
        for plot in self.plots:
            box = plot.getViewBox()
            if not box.autoRangeEnabled()[0]:
                return tuple(box.viewRange()[0])
        return None

    def _on_x_range_changed(self) -> None:
        if self._zoomed_x_range() is not None and not self._syncing:
            self._zoom_timer.start()

    # -- pointer -------------------------------------------------------------
    def _on_mouse_moved(self, index: int, pos: QPointF) -> None:
        box = self.plots[index].getViewBox()
        if not box.sceneBoundingRect().contains(pos):
            self.clear_hover()
            return
        point = box.mapSceneToView(pos)
        self.hover_at(index, point.x(), point.y())

    def _on_mouse_clicked(self, index: int, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        box = self.plots[index].getViewBox()
        pos = event.scenePos()
        if box.sceneBoundingRect().contains(pos):
            self.epoch_clicked.emit(max(0.0, box.mapSceneToView(pos).x()))

    def hover_text(self, index: int, epoch: float) -> str:
        """The read-out of plot ``index`` (0 loss, 1 outputs, 2 weights) for
        the history row nearest ``epoch`` ("" with no history): the epoch, and
        in the loss plot the loss. The outputs and weights plots show their
        values in their legends, beside each name and colour key (a dozen
        lines would not fit inside a plot in a narrow column)."""
        history = self._history
        if history is None or not len(history):
            return ""
        row = history.nearest_row(epoch)
        text = f"epoch {int(history.epochs[row])}"
        if index == 0:
            text += f"\nloss {float(history.loss[row]):.6g}"
        return text

    def hover_at(self, index: int, epoch: float, y: float | None = None) -> str:
        """Show the read-out of plot ``index`` at ``epoch`` (at height ``y``
        in the plot's coordinates, default its top) and the values at that
        epoch in its legend; returns the read-out's text."""
        text_item = self.hover_texts[index]
        text = self.hover_text(index, epoch)
        if not text:
            self.clear_hover()
            return ""
        box = self.plots[index].getViewBox()
        (x_low, x_high), (y_low, y_high) = box.viewRange()
        # Beside the pointer, on the side with more room.
        text_item.setAnchor((1, 0) if epoch > (x_low + x_high) / 2 else (0, 0))
        text_item.setText(text)
        text_item.setPos(epoch, y_high if y is None else y)
        text_item.show()
        history = self._history
        assert history is not None
        row = history.nearest_row(epoch)
        if index == 1:
            self._legend_values(self.output_legend, self._output_names[:MAX_PLOTTED_SEQUENCES], history.outputs[row])
        elif index == 2:
            # Two decimals, as the notebook writes them: two columns of names
            # and values fit the legend's width.
            self._legend_values(self.weight_legend, list(NOTEBOOK_NAMES), history.weights[row], decimals=2)
        return text

    def legend_texts(self, index: int) -> list[str]:
        """The legend rows of plot ``index`` (1 outputs, 2 weights) as shown."""
        legend = self.output_legend if index == 1 else self.weight_legend
        return [label.text for _sample, label in legend.items]

    @staticmethod
    def _legend_values(
        legend: pg.LegendItem, names: Sequence[str], values: np.ndarray, decimals: int | None = None
    ) -> None:
        # Outputs at the window's display decimals (Preferences); weights at 2.
        for (_sample, label), name, value in zip(legend.items, names, values):
            label.setText(f"{name} {format_number(float(value), decimals)}")

    def clear_hover(self) -> None:
        for text in self.hover_texts:
            text.hide()
        shown_outputs = self._output_names[:MAX_PLOTTED_SEQUENCES]
        for legend, names in ((self.output_legend, shown_outputs), (self.weight_legend, list(NOTEBOOK_NAMES))):
            for (_sample, label), name in zip(legend.items, names):
                if label.text != name:
                    label.setText(name)

    def leaveEvent(self, event: QEvent) -> None:
        self.clear_hover()
        super().leaveEvent(event)

    def set_cursor(self, epoch: float | None) -> None:
        """Mark ``epoch`` with a vertical line in each plot (``None``: none)."""
        for cursor in self.cursors:
            if epoch is None:
                cursor.hide()
            else:
                cursor.setValue(epoch)
                cursor.show()

    def export_png(self, path: str | Path) -> None:
        """Save what is shown (grab works on every Qt; pyqtgraph's SVG does not on 6.11)."""
        if not self.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
