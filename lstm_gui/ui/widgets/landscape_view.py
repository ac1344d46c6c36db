"""The loss landscape dock: the dataset loss over one weight (a curve) or two
(a heat map with contour lines), the current point and the training path on
it; a click sets those weights.

The maths is :mod:`lstm_gui.core.landscape`; this widget shows the session's
:class:`~lstm_gui.core.landscape.LandscapeChoice`, turns edits of it and
clicks into undo commands, and runs a
:class:`~lstm_gui.core.landscape.LandscapeJob` from a timer in slices of
about :data:`SLICE_SECONDS`, so the window keeps answering while a large
dataset's map fills in coarse to fine. It computes only while shown.
"""

from __future__ import annotations

import dataclasses
import html
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPalette, QShowEvent, QUndoStack
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import format_number
from lstm_gui.core.landscape import (
    WEIGHT_NAMES,
    LandscapeChoice,
    LandscapeJob,
    path_points,
    weight_index,
)
from lstm_gui.core.limits import MAX_LANDSCAPE_GRID
from lstm_gui.core.parsing import NumberError, parse_number_list
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES, PARAM_KEYS
from lstm_gui.training.evaluate import evaluate_dataset
from lstm_gui.training.history import TrainingHistory
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import landscape_command, landscape_point_command

#: Work per timer slice: the event loop's gaps stay under 50 ms even when the
#: machine is busy (measured on 2 shared CPUs: 15 ms slices sometimes ran 40 ms).
SLICE_SECONDS = 0.008
#: Changes in a row (a drag on a weight) start one new computation per this many ms.
THROTTLE_MS = 120
#: Contour lines drawn on a map.
CONTOURS = 7
#: A rough cost per grid point per input number (s), for the first slice's size;
#: the slices then adapt to what they measure.
_SECONDS_PER_NUMBER = 3e-8
_NOTEBOOK_NAME = {f"{gate}.{role}": name for name, (gate, role) in NOTEBOOK_NAMES.items()}
PATH_COLOUR = "#e0457b"  # the short-term memory's pink: the path the training took
CURRENT_COLOUR = "#ffffff"


def weight_label(name: str) -> str:
    """``forget.bias (blr1)``: the canonical name with the notebook's."""
    return f"{name} ({_NOTEBOOK_NAME[name]})"


def _range_text(value: tuple[float, float] | None) -> str:
    return "" if value is None else f"{value[0]:g}, {value[1]:g}"


class LandscapeView(QWidget):
    """Controls (x, y, ranges, grid) over a pyqtgraph plot of the landscape.

    Signals
    -------
    computed : a landscape finished (all levels); tests and screenshots wait for it.
    """

    computed = Signal()

    def __init__(
        self,
        adapter: SessionAdapter,
        undo_stack: QUndoStack,
        is_training: Callable[[], bool] = lambda: False,
        weights_locked: Callable[[], bool] = lambda: False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("landscape_view")
        self._adapter = adapter
        self._session = adapter.session
        self._undo_stack = undo_stack
        #: While a run trains, its result will replace the weights: a click would be lost.
        self._is_training = is_training
        self._weights_locked = weights_locked
        self._job: LandscapeJob | None = None
        self._budget = 64
        self._shown_level = 0
        self._dirty = True
        #: (xs, ys, loss) drawn last; a click snaps to its grid.
        self.shown: tuple[list[float], list[float] | None, np.ndarray] | None = None

        self.x_box = self._weight_box("landscape_x", with_none=False)
        self.y_box = self._weight_box("landscape_y", with_none=True)
        self.x_range_edit = self._range_edit("landscape_x_range")
        self.y_range_edit = self._range_edit("landscape_y_range")
        self.grid_box = QSpinBox()
        self.grid_box.setObjectName("landscape_grid")
        self.grid_box.setRange(2, MAX_LANDSCAPE_GRID)
        self.grid_box.setKeyboardTracking(False)
        self.grid_box.setToolTip("Points per axis, both ends included")
        self.message = QLabel("")
        self.message.setObjectName("landscape_message")
        self.message.setWordWrap(True)

        controls = QGridLayout()
        controls.setContentsMargins(4, 4, 4, 0)
        controls.setHorizontalSpacing(6)
        controls.setVerticalSpacing(3)
        for row, (text, box, edit) in enumerate(
            (("x", self.x_box, self.x_range_edit), ("y", self.y_box, self.y_range_edit))
        ):
            controls.addWidget(QLabel(text), row, 0)
            controls.addWidget(box, row, 1)
            controls.addWidget(QLabel("range"), row, 2)
            controls.addWidget(edit, row, 3)
        controls.addWidget(QLabel("grid"), 2, 0)
        controls.addWidget(self.grid_box, 2, 1)
        controls.setColumnStretch(1, 3)
        controls.setColumnStretch(3, 2)

        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setObjectName("landscape_plot")
        self.plot_widget.setMinimumSize(240, 220)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.plot_item.addItem(self.image)
        self.isocurves = []
        for _ in range(CONTOURS):
            iso = pg.IsocurveItem(axisOrder="row-major", pen=pg.mkPen((255, 255, 255, 150), width=1))
            iso.setParentItem(self.image)
            self.isocurves.append(iso)
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#2f6fd6", width=2))
        self.plot_item.addItem(self.curve)
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOUR, width=2), symbol="o", symbolSize=3, symbolPen=None, symbolBrush=PATH_COLOUR
        )
        self.plot_item.addItem(self.path)
        self.path_start = pg.ScatterPlotItem(size=9, symbol="s", pen=pg.mkPen("#000000"), brush=PATH_COLOUR)
        self.plot_item.addItem(self.path_start)
        self.current_marker = pg.ScatterPlotItem(
            size=14, symbol="star", pen=pg.mkPen("#000000", width=1), brush=CURRENT_COLOUR
        )
        self.plot_item.addItem(self.current_marker)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(3)
        layout.addLayout(controls)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.message)
        self._read_palette()

        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self._start_job)
        self._slicer = QTimer(self)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._run_slice)

        self.x_box.activated.connect(lambda _index: self._on_weight_chosen("x"))
        self.y_box.activated.connect(lambda _index: self._on_weight_chosen("y"))
        self.x_range_edit.editingFinished.connect(lambda: self._on_range_edited("x"))
        self.y_range_edit.editingFinished.connect(lambda: self._on_range_edited("y"))
        self.grid_box.valueChanged.connect(self._on_grid_changed)
        adapter.weights_changed.connect(self._on_sources_changed)
        adapter.dataset_changed.connect(self._on_sources_changed)
        adapter.landscape_changed.connect(self._on_landscape_changed)
        adapter.history_changed.connect(self._on_history_changed)
        self._show_choice(self._session.landscape)

    # -- controls ----------------------------------------------------------------------
    @staticmethod
    def _weight_box(name: str, with_none: bool) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if with_none:
            box.addItem("none (a curve)", None)
        for weight in WEIGHT_NAMES:
            box.addItem(weight_label(weight), weight)
        box.setToolTip("The weight along this axis (the notebook's name in brackets)")
        return box

    @staticmethod
    def _range_edit(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText("current ± 3")
        edit.setToolTip("From, to: two numbers ('-1, 2.5'); empty: the current value ± 3 (follows the weight)")
        edit.setMinimumWidth(80)
        return edit

    def _show_choice(self, choice: LandscapeChoice) -> None:
        for box, value in ((self.x_box, choice.x), (self.y_box, choice.y)):
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(value))
            box.blockSignals(False)
        self.x_range_edit.setText(_range_text(choice.x_range))
        self.y_range_edit.setText(_range_text(choice.y_range))
        self.y_range_edit.setEnabled(choice.y is not None)
        self.grid_box.blockSignals(True)
        self.grid_box.setValue(choice.grid)
        self.grid_box.blockSignals(False)

    def _push_choice(self, **changes: object) -> None:
        current = self._session.landscape
        try:
            choice = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
        except FieldError as exc:
            self._show_refusal(exc.where, exc.reason)
            return
        if choice != current:
            self._undo_stack.push(landscape_command(self._session, choice))

    def _show_refusal(self, where: str, reason: str) -> None:
        self.message.setText(f"<span style='color:#d32f2f'>{where.replace('_', ' ')}: {reason}</span>")
        self._show_choice(self._session.landscape)

    @Slot()
    def _on_weight_chosen(self, axis: str) -> None:
        choice = self._session.landscape
        box = self.x_box if axis == "x" else self.y_box
        name = box.currentData()
        other = choice.y if axis == "x" else choice.x
        if name == other:
            # The same weight on both axes: swap them.
            self._push_choice(x=choice.y, y=choice.x, x_range=choice.y_range, y_range=choice.x_range)
        elif axis == "x":
            self._push_choice(x=name, x_range=None)
        else:
            self._push_choice(y=name, y_range=None)

    @Slot()
    def _on_range_edited(self, axis: str) -> None:
        edit = self.x_range_edit if axis == "x" else self.y_range_edit
        text = edit.text().strip()
        where = f"{axis} range"
        if text == _range_text(getattr(self._session.landscape, f"{axis}_range")):
            return  # unchanged (the text is rounded; the range keeps its exact ends)
        if not text:
            self._push_choice(**{f"{axis}_range": None})
            return
        try:
            values = parse_number_list(text.replace(";", ","), where, limit=2)
        except NumberError as exc:
            self._show_refusal(where, str(exc).split(": ", 1)[-1])
            return
        if len(values) != 2:
            self._show_refusal(where, f"expected two numbers 'from, to' (-1, 2.5), got {len(values)}")
            return
        self._push_choice(**{f"{axis}_range": (values[0], values[1])})

    @Slot(int)
    def _on_grid_changed(self, value: int) -> None:
        self._push_choice(grid=value)

    # -- computing ---------------------------------------------------------------------
    @Slot(object)
    def _on_landscape_changed(self, choice: LandscapeChoice) -> None:
        self._show_choice(choice)
        self._schedule()

    @Slot(object)
    def _on_sources_changed(self, *_: object) -> None:
        self._schedule()

    @Slot(object)
    def _on_history_changed(self, *_: object) -> None:
        self._draw_marks()

    def _schedule(self) -> None:
        """Recompute soon: at most one start per :data:`THROTTLE_MS`, and only when shown."""
        self._dirty = True
        if self.isVisible() and not self._throttle.isActive():
            self._throttle.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._schedule()

    def is_computing(self) -> bool:
        return self._job is not None or self._throttle.isActive()

    @Slot()
    def _start_job(self) -> None:
        self._dirty = False
        session = self._session
        try:
            self._job = LandscapeJob(session.params, session.dataset, session.landscape)
        except FieldError as exc:
            # A choice the core refuses for these weights (e.g. a range around
            # a bias of 1e17 that float64 cannot split): said here, not a crash.
            self._show_nothing(f"Cannot draw the landscape: {exc}")
            return
        numbers = max(1, sum(len(item.inputs) for item in session.dataset))
        self._budget = max(4, int(SLICE_SECONDS / (_SECONDS_PER_NUMBER * numbers)))
        self._shown_level = 0
        self._slicer.start()

    @Slot()
    def _run_slice(self) -> None:
        job = self._job
        if job is None:
            self._slicer.stop()
            return
        started = time.perf_counter()
        done = job.step(self._budget)
        spent = max(time.perf_counter() - started, 1e-4)
        # Aim the next slice at SLICE_SECONDS; never grow it more than 2x at once.
        self._budget = max(4, min(self._budget * 2, int(self._budget * SLICE_SECONDS / spent)))
        if job.level != self._shown_level or done:
            self._shown_level = job.level
            current = job.current()
            if current is not None:
                self._draw(*current, final=done)
            if self._job is not job:
                return  # the drawing refused the grid and ended the job
        if done:
            self._slicer.stop()
            self._job = None
            self.computed.emit()
        else:
            self.message.setText(f"Computing {job.levels[-1]} points per axis … {job.progress:.0%}")

    # -- drawing -----------------------------------------------------------------------
    def _show_nothing(self, reason: str) -> None:
        """Clear the plot and say ``reason`` (in the error colour) in the message line."""
        self._slicer.stop()
        self._job = None
        self.shown = None
        self.image.hide()
        self.image.clear()
        for iso in self.isocurves:
            iso.setData(None)
        for item in (self.curve, self.path):
            item.setData([], [])
        for scatter in (self.current_marker, self.path_start):
            scatter.setData([], [])
        self.message.setText(f"<span style='color:#d32f2f'>{html.escape(reason)}</span>")

    def _draw(self, xs: list[float], ys: list[float] | None, loss: np.ndarray, final: bool) -> None:
        # pyqtgraph refuses (or draws garbage for) non-finite coordinates: an
        # axis whose span overflows float64 (-1e308 to 1e308) is not drawn at all.
        axes = [np.asarray(xs, dtype=np.float64)] + ([] if ys is None else [np.asarray(ys, dtype=np.float64)])
        with np.errstate(over="ignore", invalid="ignore"):
            spans = [float(axis[-1] - axis[0]) for axis in axes]
        if not all(np.isfinite(axis).all() for axis in axes) or not all(np.isfinite(spans)):
            self._show_nothing("Cannot draw the landscape: its range is too wide for the plot; type a narrower one.")
            return
        # Overflowed losses (inf, nan) are masked: left out of the curve, the
        # colour range and the lowest point.
        loss = np.where(np.isfinite(loss), loss, np.nan)
        self.shown = (xs, ys, loss)
        choice = self._session.landscape
        self.plot_item.setLabel("bottom", weight_label(choice.x))
        finite = loss[np.isfinite(loss)]
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
        if ys is None:
            self.image.hide()
            self.image.clear()
            for iso in self.isocurves:
                iso.setData(None)
            self.curve.show()
            self.curve.setData(xs, loss, connect="finite")
            self.plot_item.setLabel("left", "loss")
            best = int(np.nanargmin(loss)) if finite.size else 0
            where = f"{choice.x} = {format_number(xs[best])}"
        else:
            self.curve.hide()
            self.image.show()
            # Colours and contours on a log scale: the valleys are what matter.
            floor = max(high * 1e-4, 1e-12)
            shade = np.log10(np.maximum(np.nan_to_num(loss, nan=high), 0.0) + floor)
            self.image.setImage(shade, autoLevels=False, levels=(float(shade.min()), float(shade.max())))
            dx = (xs[-1] - xs[0]) / (len(xs) - 1)
            dy = (ys[-1] - ys[0]) / (len(ys) - 1)
            self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
            levels = np.linspace(float(shade.min()), float(shade.max()), CONTOURS + 2)[1:-1]
            for iso, level in zip(self.isocurves, levels):
                iso.setData(shade, float(level))
            self.plot_item.setLabel("left", weight_label(choice.y or ""))
            j, i = np.unravel_index(int(np.nanargmin(loss)) if finite.size else 0, loss.shape)
            where = f"{choice.x} = {format_number(xs[i])}, {choice.y} = {format_number(ys[j])}"
        self.plot_item.setRange(
            xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]) if ys is not None else (low, high), padding=0.02
        )
        self._draw_marks()
        size = f"{len(xs)}x{len(ys)}" if ys is not None else f"{len(xs)} points"
        state = "" if final else " (filling in)"
        self.message.setText(
            f"{size}{state}: loss {format_number(low)} to {format_number(high)}"
            f"{' (log colours)' if ys is not None else ''}; lowest at {where}. Click to set the weights."
        )

    def _draw_marks(self) -> None:
        """The current point (star) and the training path (pink, from the square)."""
        choice = self._session.landscape
        flat = self._session.params.to_flat()
        x_now = flat[weight_index(choice.x)]
        if choice.y is None:
            loss_now = evaluate_dataset(self._session.params, self._session.dataset)[0]
            shown = loss_now is not None and np.isfinite(loss_now) and np.isfinite(x_now)
            self.current_marker.setData([x_now] if shown else [], [loss_now] if shown else [])
        else:
            self.current_marker.setData([x_now], [flat[weight_index(choice.y)]])
        history: TrainingHistory | None = self._session.history
        if history is None or not len(history):
            self.path.setData([], [])
            self.path_start.setData([], [])
            return
        path_x, path_y = path_points(history.weights, choice)
        if path_y is None:
            # A curve: each epoch's own loss (the other weights moved too).
            path_y = np.asarray(history.loss, dtype=np.float64)
        path_x, path_y = np.asarray(path_x, dtype=np.float64), np.asarray(path_y, dtype=np.float64)
        self.path.setData(path_x, path_y, connect="finite")
        start = np.isfinite(path_x[0]) and np.isfinite(path_y[0])
        self.path_start.setData([path_x[0]] if start else [], [path_y[0]] if start else [])

    def _read_palette(self) -> None:
        palette = self.palette()
        base: QColor = palette.color(QPalette.ColorRole.Base)
        text: QColor = palette.color(QPalette.ColorRole.Text)
        self.plot_widget.setBackground(base)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))

    def changeEvent(self, event: QEvent) -> None:
        # Follow the light/dark theme: the window changes the application palette.
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "plot_item"):
            self._read_palette()
        super().changeEvent(event)

    # -- clicks ------------------------------------------------------------------------
    def _on_mouse_clicked(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        box = self.plot_item.getViewBox()
        pos = event.scenePos()
        if box.sceneBoundingRect().contains(pos):
            point = box.mapSceneToView(pos)
            self.set_point(point.x(), point.y())

    def set_point(self, x: float, y: float | None = None) -> bool:
        """Set the weights at the grid point nearest ``(x, y)`` (a curve: ``x``
        only), as one undo step; ``False`` if outside the landscape shown."""
        if self.shown is None:
            return False
        if self._is_training():
            self.message.setText("Training is running: its result will set the weights; click again when it ends.")
            return False
        if self._weights_locked():
            self.message.setText("Locked by the lesson: this chapter keeps the weights as they are.")
            return False
        xs, ys, _ = self.shown
        choice = self._session.landscape
        i = _nearest(xs, x)
        if i is None:
            return False
        params: CellParams = self._session.params
        gate, role = PARAM_KEYS[weight_index(choice.x)]
        params = params.with_value(gate, role, xs[i])
        pinned = choice if choice.x_range is not None else dataclasses.replace(choice, x_range=(xs[0], xs[-1]))
        if ys is not None and choice.y is not None:
            j = None if y is None else _nearest(ys, y)
            if j is None:
                return False
            gate, role = PARAM_KEYS[weight_index(choice.y)]
            params = params.with_value(gate, role, ys[j])
            if pinned.y_range is None:
                pinned = dataclasses.replace(pinned, y_range=(ys[0], ys[-1]))
        if params == self._session.params:
            return True
        self._undo_stack.push(landscape_point_command(self._session, params, pinned))
        return True


def _nearest(axis: list[float], value: float) -> int | None:
    """The index of the grid point nearest ``value``, or ``None`` beyond half a step outside."""
    step = (axis[-1] - axis[0]) / (len(axis) - 1)
    if not axis[0] - step / 2 <= value <= axis[-1] + step / 2:
        return None
    return int(np.clip(round((value - axis[0]) / step), 0, len(axis) - 1))
