"""The comparison dock (View > Compare Cells, issue 13): a plain RNN and a
GRU beside the LSTM, on the same inputs at the same step, and the three
trained side by side.

The sketches (:mod:`lstm_gui.ui.widgets.cell_sketch`) show the session's
comparison weights and each gate's value at the window's current step of
the sequence the stepper steps (free inputs from the initial short-term
memory, a dataset sequence from 0, as for the LSTM); the traces are the
core's (:func:`lstm_gui.core.cells.run_cell`). Edits are undo commands.
*Train all three* runs :func:`lstm_gui.training.compare.train_comparison`
with the session's training settings in a child process
(:class:`~lstm_gui.ui.training.comparison_runner.ComparisonRunner`), plots
the three losses on one log-scale plot and offers to apply the trained
weights as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Slot
from PySide6.QtGui import QColor, QPalette, QShowEvent, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.cells import CELLS, CellTrace, run_cell, trace_row
from lstm_gui.core.gradients import gradients
from lstm_gui.core.session import COMPARISON_CELLS
from lstm_gui.training.cell_training import CellTrainResult
from lstm_gui.training.compare import COMPARED_CELLS
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import comparison_training_command, comparison_weight_command
from lstm_gui.ui.stepper import Stepper
from lstm_gui.ui.theme import LIGHT, DiagramColors
from lstm_gui.ui.training.comparison_runner import ComparisonRunner
from lstm_gui.ui.widgets.cell_sketch import CellSketch

#: Each cell's loss curve: the LSTM in its long-term green, the RNN in tanh
#: orange (its one block), the GRU in sigmoid blue (its gates).
CURVE_COLOUR_KEYS: dict[str, str] = {"lstm": "long_term", "rnn": "tanh", "gru": "sigmoid"}


class _LossPlot(pg.PlotWidget):
    """The losses' plot, preferring a modest height: the word-wrapped labels
    make the scroll area size the view by its preferred height, and a plot's
    own preference would push the view past a 900-pixel screen."""

    def sizeHint(self) -> QSize:
        return QSize(320, 240)


class ComparisonView(QWidget):
    """The plain RNN's and the GRU's sketches over the comparison training."""

    def __init__(
        self,
        adapter: SessionAdapter,
        undo_stack: QUndoStack,
        stepper: Stepper,
        is_training: Callable[[], bool] = lambda: False,
        colors: DiagramColors = LIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("comparison_view")
        self._session = adapter.session
        self._undo_stack = undo_stack
        self._stepper = stepper
        #: While the training panel trains, its result would replace applied weights.
        self._is_training = is_training
        self._colors = colors
        self._traces: dict[str, CellTrace] = {}
        #: How many steps of the stepped sequence the cached traces cover.
        self._traced = 0
        self._dirty = True
        self.results: dict[str, CellTrainResult] = {}
        self._points: dict[str, tuple[list[float], list[float]]] = {}

        self.caption = QLabel("")
        self.caption.setObjectName("comparison_caption")
        self.caption.setWordWrap(True)
        self.sketches: dict[str, CellSketch] = {}
        for kind in COMPARISON_CELLS:
            sketch = CellSketch(kind, colors)
            sketch.weight_committed.connect(self._on_weight_committed)
            sketch.weight_dragged.connect(self._on_weight_dragged)
            sketch.weight_refused.connect(self._on_weight_refused)
            self.sketches[kind] = sketch
        self.error_label = QLabel("")
        self.error_label.setObjectName("comparison_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {colors.error};")
        self.error_label.hide()

        heading = QLabel("<b>Trained side by side</b>")
        self.train_button = QPushButton("Train all three")
        self.train_button.setObjectName("compare_train")
        self.train_button.setToolTip(
            "Train the LSTM, the plain RNN and the GRU on the dataset with the training column's settings "
            "(optimizer, learning rate, epochs, start weights and seed), then compare their losses"
        )
        self.train_button.clicked.connect(self._on_train_clicked)
        self.apply_button = QPushButton("Apply trained weights")
        self.apply_button.setObjectName("compare_apply")
        self.apply_button.setToolTip(
            "Set the LSTM's, the RNN's and the GRU's weights to the trained ones (one undo step)"
        )
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_results)
        self.status = QLabel("Trains with the training column's settings.")
        self.status.setObjectName("compare_status")
        self.status.setWordWrap(True)

        self.loss_plot = _LossPlot()
        self.loss_plot.setObjectName("compare_plot")
        self.loss_plot.setMinimumHeight(190)
        self.loss_plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.2)
        self.loss_plot.setLabel("bottom", "epoch")
        self.loss_plot.setLabel("left", "loss (log)")
        self.legend = self.loss_plot.addLegend(offset=(-8, 8))
        self.curves: dict[str, pg.PlotDataItem] = {}
        for kind in COMPARED_CELLS:
            self.curves[kind] = self.loss_plot.plot([], [], name=CELLS[kind].title)
        self._style_plot()

        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.apply_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.caption)
        for sketch in self.sketches.values():
            layout.addWidget(sketch)
        layout.addWidget(self.error_label)
        layout.addWidget(heading)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.loss_plot, 1)

        self.runner = ComparisonRunner(self)
        self.runner.points.connect(self._on_points)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.running_changed.connect(self._on_running_changed)
        # Not the stepper's trace_changed: the LSTM's weights do not change these cells.
        for signal in (
            adapter.comparison_changed,
            adapter.inputs_changed,
            adapter.memories_changed,
            adapter.dataset_changed,
            stepper.sequence_changed,
        ):
            signal.connect(self._on_inputs_changed)
        stepper.step_changed.connect(self._on_step_changed)
        self._on_inputs_changed()

    # -- the sketches at the current step ----------------------------------------
    @Slot()
    @Slot(object)
    def _on_inputs_changed(self, _value: object = None) -> None:
        """Weights, inputs, memories or the sequence changed: new traces."""
        self._dirty = True
        for kind, sketch in self.sketches.items():
            sketch.set_weights(self._session.comparison_weights(kind))
        if self.isVisible():
            self.refresh()

    @Slot(int)
    def _on_step_changed(self, _step: int) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def trace(self, kind: str, upto: int) -> CellTrace:
        """Cell ``kind``'s trace over at least the first ``upto`` steps of the
        stepped sequence (all of it when shorter). A prefix is computed, at
        least doubling each time: the GRU takes ~0.2 s per 100,000 steps, and
        a long sequence stepped near its start should not wait for its end."""
        inputs, long0, short0, _free = self._stepper.sequence()
        if self._dirty or self._traced < min(upto, len(inputs)):
            length = min(len(inputs), max(upto, 2 * self._traced, 1024))
            self._traces = {
                name: run_cell(name, self._session.comparison_weights(name), inputs[:length], long0, short0)
                for name in COMPARISON_CELLS
            }
            self._traced = length
            self._dirty = False
        return self._traces[kind]

    def refresh(self) -> None:
        """Show every sketch at the stepper's current step."""
        step = self._stepper.step
        inputs, _long0, _short0, free = self._stepper.sequence()
        source = self._stepper.source
        name = "the input sequence" if free else self._session.dataset[source].name
        length = len(inputs)
        where = f"step {step} of {length}" if length else "no inputs"
        self.caption.setText(
            f"The LSTM's inputs: {name}, {where}. No long-term memory here: the pink short-term line is all they carry."
        )
        for kind, sketch in self.sketches.items():
            trace = self.trace(kind, step)
            row = trace_row(trace, CELLS[kind].trace_keys, step - 1) if 1 <= step <= len(trace) else None
            sketch.show_step(row, where)

    # -- edits -------------------------------------------------------------------
    @Slot(str, int, float)
    def _on_weight_committed(self, kind: str, index: int, value: float) -> None:
        self._undo_stack.push(comparison_weight_command(self._session, kind, index, value))

    @Slot(str, int, float, int)
    def _on_weight_dragged(self, kind: str, index: int, value: float, drag_id: int) -> None:
        command = comparison_weight_command(self._session, kind, index, value, merge_key=f"compare-drag:{drag_id}")
        self._undo_stack.push(command)

    @Slot(str)
    def _on_weight_refused(self, reason: str) -> None:
        self.error_label.setText(reason)
        self.error_label.setVisible(bool(reason))

    # -- comparison training ---------------------------------------------------
    @Slot()
    def _on_train_clicked(self) -> None:
        if self.runner.is_running():
            self.runner.stop()
            return
        self.train_all()

    def train_all(self) -> None:
        """Train the three cells with the session's settings and dataset."""
        session = self._session
        if not session.dataset:
            self.status.setText("The dataset is empty: add a sequence in the training column first.")
            return
        self.results = {}
        self._points = {kind: ([], []) for kind in COMPARED_CELLS}
        for curve in self.curves.values():
            curve.setData([], [])
        self.apply_button.setEnabled(False)
        config = session.training
        self.status.setText(
            f"Training {config.epochs} epochs each with {config.optimizer}, learning rate {config.lr:g}, "
            f"start: {config.init}\u2026"
        )
        current = {"lstm": session.params.to_flat(), **session.comparison}
        self.runner.start(session.dataset, config, current)

    @Slot(list)
    def _on_points(self, points: list) -> None:
        touched = set()
        for kind, epoch, loss in points:
            if loss > 0 and np.isfinite(loss):
                xs, ys = self._points.setdefault(kind, ([], []))
                xs.append(epoch)
                ys.append(loss)
                touched.add(kind)
        for kind in touched:
            self.curves[kind].setData(*self._points[kind])

    @Slot(dict)
    def _on_finished(self, results: dict) -> None:
        self.results = {kind: results[kind] for kind in COMPARED_CELLS if kind in results}
        parts = []
        for kind in [kind for kind in COMPARED_CELLS if kind in results]:  # a Qt signal's dict loses its order
            result = results[kind]
            losses = np.asarray(result.losses, dtype=np.float64)
            keep = np.isfinite(losses) & (losses > 0)
            self.curves[kind].setData(np.arange(len(losses))[keep], losses[keep])
            parts.append(
                f"{CELLS[kind].title} {result.loss:.3g}"
                + ("" if result.status == "finished" else f" ({result.status})")
            )
        missing = [CELLS[kind].title for kind in COMPARED_CELLS if kind not in results]
        text = "Final loss: " + ", ".join(parts) if parts else "Stopped before any cell trained."
        if missing:
            text += f"; not trained: {', '.join(missing)}"
        self.status.setText(text + ".")
        self.apply_button.setEnabled(bool(results))

    @Slot(str)
    def _on_failed(self, reason: str) -> None:
        self.status.setText(f"Training failed: {reason}")

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.train_button.setText("Stop" if running else "Train all three")

    def apply_results(self) -> None:
        """The trained weights as one undo step (not while the training column trains)."""
        if not self.results:
            return
        if self._is_training():
            self.status.setText(
                "The training column is training: its result would replace these weights; stop it first."
            )
            return
        params = self._session.params
        if "lstm" in self.results:
            params = CellParams.from_flat(self.results["lstm"].weights)
        comparison = self._session.comparison
        for kind in COMPARISON_CELLS:
            if kind in self.results:
                comparison[kind] = self.results[kind].weights
        self._undo_stack.push(comparison_training_command(self._session, params, comparison))
        self.apply_button.setEnabled(False)
        self.status.setText(self.status.text() + " Applied (Edit > Undo takes it back).")

    # -- looks -------------------------------------------------------------------
    def set_colors(self, colors: DiagramColors) -> None:
        """Follow the window's theme."""
        self._colors = colors
        for sketch in self.sketches.values():
            sketch.set_colors(colors)
        self.error_label.setStyleSheet(f"color: {colors.error};")
        self._style_plot()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The window's theme changes the application palette: follow it.
        if event.type() == QEvent.Type.PaletteChange:
            self._style_plot()

    def _style_plot(self) -> None:
        palette = self.palette()
        self.loss_plot.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for axis in ("left", "bottom"):
            self.loss_plot.getAxis(axis).setTextPen(text)
        self.legend.setLabelTextColor(text)
        for kind, curve in self.curves.items():
            curve.setPen(pg.mkPen(QColor(getattr(self._colors, CURVE_COLOUR_KEYS[kind])), width=2))

    def shutdown(self) -> None:
        """Stop and join a comparison training (the window closes)."""
        self.runner.shutdown()


def show_gradient_curves(window: Any) -> None:
    """Issue 13: while the comparison dock is shown, the gradient-through-time
    plot also draws the plain RNN's and the GRU's |d loss / d short_t| on the
    same inputs and target (their weights: the session's comparison weights),
    so the RNN's vanishing gradient shows beside the LSTM's. ``window`` has
    ``gradients`` (:mod:`lstm_gui.ui.gradient_window`) and the comparison dock."""
    feature, dock = window.gradients, window.dock_comparison

    def update(*_: object) -> None:
        inputs, _long0, short0, _free = window.stepper.sequence()
        shown = dock.isVisible() and feature.model.is_needed() and bool(inputs)
        for kind in COMPARISON_CELLS:
            grads = None
            if shown:
                weights = window.session.comparison_weights(kind)
                grads = gradients(kind, weights, inputs, 0.0, short0, feature.model.target())
            feature.plot.set_cell_curve(kind, grads, f"{CELLS[kind].title}: d loss / d short-term")

    feature.model.changed.connect(update)
    window.adapter.comparison_changed.connect(update)
    dock.visibilityChanged.connect(update)
