"""Training panel (dock): dataset table, settings, Train/Pause/Stop, live plots.

The panel shows the session's dataset, training settings and history and
turns a person's actions into calls on the session (through undo commands)
and on a :class:`~lstm_gui.ui.training_worker.Trainer`. While a run goes,
the session keeps the weights from before; the diagram previews the live
weights through ``window.set_preview_params``; when the run ends (or is
stopped, or diverges) the reached weights and history become the session's
as one undo step named "Training".
"""

from __future__ import annotations

import dataclasses

import math
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core import dataset as datasets
from lstm_gui.core.cell import CellParams
from lstm_gui.core.formatting import format_full
from lstm_gui.core.parsing import NumberError, parse_int, parse_number
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.session import Session
from lstm_gui.training.run import Progress, TrainResult
from lstm_gui.training.config import TrainConfig, start_params
from lstm_gui.training.history import TrainingHistory
from lstm_gui.ui.commands import SetValueCommand, dataset_command
from lstm_gui.training.child import TrainJob
from lstm_gui.ui.training.plot import TrainingPlot
from lstm_gui.ui.training.trainers import Trainer, make_trainer

#: Which trainer runs the loop (see training_worker and bench_responsive).
DEFAULT_TRAINER = "process"
#: While training, one of the three plots is redrawn per tick of this timer
#: (ms): no single redraw stalls the window for long, and with 5-20 ms per
#: redraw each plot and the progress still change 20-30 times a second.
REFRESH_MS = 8
#: Panels narrower than WIDE_LAYOUT and at least TALL_LAYOUT high (px), e.g.
#: docked beside the diagram, show the plots below the settings; others beside.
WIDE_LAYOUT = 780
TALL_LAYOUT = 760
#: Move the diagram's preview at most this often (s): the window recomputes
#: and repaints the diagram, trace table and over-time plot for it (20-80 ms
#: offscreen, the largest pause while training; benchmarks/bench_responsive.py).
PREVIEW_INTERVAL = 0.2

INIT_CHOICES: tuple[tuple[str, str], ...] = (
    ("current", "Current weights"),
    ("statquest", "StatQuest's start"),
    ("random", "Random (seed)"),
    ("zeros", "Zeros"),
)
OPTIMIZER_CHOICES: tuple[tuple[str, str], ...] = (
    ("adam", "Adam"),
    ("sgd", "SGD with momentum"),
    ("rmsprop", "RMSprop"),
    ("adagrad", "Adagrad"),
)
ENGINE_CHOICES: tuple[tuple[str, str], ...] = (
    ("fast", "Fast (analytic gradients)"),
    ("torch", "Torch reference (autograd)"),
)
STATUS_WORDS: dict[str, str] = {
    "finished": "Done",
    "stopped": "Stopped",
    "stopped_below": "Loss below the threshold",
    "diverged": "Diverged",
}


def training_command(session: Session, before: tuple[CellParams, Any], after: tuple[CellParams, Any]) -> SetValueCommand:
    """The reached weights and history become the session's: one undo step."""

    def apply(value: tuple[CellParams, Any]) -> None:
        session.set_params(value[0])
        session.set_history(value[1])

    return SetValueCommand("Training", apply, before, after)


def _format_value(x: float) -> str:
    return f"{x:g}" if float(f"{x:g}") == x else format_full(x)


def _format_seconds(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "--"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _combo(name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for key, label in choices:
        box.addItem(label, key)
    return box


class TrainingPanel(QWidget):
    """The training dock's content. ``window`` provides ``session``,
    ``undo_stack``, ``set_preview_params``, ``mark_modified`` and
    ``session_replaced`` (see :class:`~lstm_gui.ui.training_host.TrainingHost`)."""

    def __init__(self, window: QWidget, trainer: str | Trainer = DEFAULT_TRAINER) -> None:
        super().__init__(window)
        self.setObjectName("training_panel")
        self._window = window
        self._session: Session | None = None
        self._unbind: Any = None
        self._unbind_on_destroy: Any = None
        #: The TrainingRun class a job uses ("module:Class"); tests substitute one.
        self.run_class = TrainJob.run_class
        self._trainer = make_trainer(trainer, self) if isinstance(trainer, str) else trainer
        self._trainer.progressed.connect(self._on_progress)
        self._trainer.finished.connect(self._on_finished)
        self._trainer.failed.connect(self._on_failed)
        # State of the current run (None when idle).
        self._run_before: tuple[CellParams, Any] | None = None
        self._live_history: TrainingHistory | None = None
        #: The history whose rows the plot shows (not redrawn when it comes back).
        self._plotted_history: TrainingHistory | None = None
        self._run_session: Session | None = None
        self._last_progress: Any = None
        self._paused = False
        self._dirty = False
        self._refresh_part = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._on_refresh)
        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(int(PREVIEW_INTERVAL * 1000))
        self._preview_timer.timeout.connect(self._on_preview_due)

        self._build_actions()
        self._build_ui()
        self._bind(window.session)
        replaced = getattr(window, "session_replaced", None)
        if replaced is not None:
            replaced.connect(self._on_session_replaced)
        self._update_enabled()

    # -- construction ----------------------------------------------------------
    def _build_actions(self) -> None:
        self.action_train = QAction("Train", self)
        self.action_train.setObjectName("action_train")
        self.action_train.setToolTip("Train the cell on the dataset with these settings (Ctrl+T)")
        self.action_train.setShortcut(QKeySequence("Ctrl+T"))
        self.action_train.triggered.connect(self.start_training)
        self.action_pause = QAction("Pause", self)
        self.action_pause.setObjectName("action_pause")
        self.action_pause.setCheckable(True)
        self.action_pause.setToolTip("Pause the run; press again to resume with the optimizer's state kept")
        self.action_pause.toggled.connect(self._on_pause_toggled)
        self.action_stop = QAction("Stop", self)
        self.action_stop.setObjectName("action_stop")
        self.action_stop.setToolTip("Stop the run and keep the weights reached so far")
        self.action_stop.triggered.connect(self.stop_training)
        self.action_log_loss = QAction("Log loss", self)
        self.action_log_loss.setObjectName("action_train_log_loss")
        self.action_log_loss.setCheckable(True)
        self.action_log_loss.setToolTip("Show the loss on a logarithmic scale")
        self.action_export_png = QAction("Export plot…", self)
        self.action_export_png.setObjectName("action_train_export_png")
        self.action_export_png.setToolTip("Save the plots as a PNG picture")
        self.action_export_png.triggered.connect(self._on_export_png)
        self.action_export_history = QAction("Export history…", self)
        self.action_export_history.setObjectName("action_train_export_history")
        self.action_export_history.setToolTip("Save loss, outputs and weights per epoch as CSV")
        self.action_export_history.triggered.connect(self._on_export_history)
        for action in (self.action_train, self.action_pause, self.action_stop,
                       self.action_log_loss, self.action_export_png, self.action_export_history):
            self.addAction(action)

    def _build_ui(self) -> None:
        toolbar = QToolBar("Training")
        toolbar.setObjectName("train_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.action_train)
        toolbar.addAction(self.action_pause)
        toolbar.addAction(self.action_stop)
        toolbar.addSeparator()
        toolbar.addAction(self.action_log_loss)
        toolbar.addAction(self.action_export_png)
        toolbar.addAction(self.action_export_history)

        # Dataset
        self.dataset_table = QTableWidget(0, 3)
        self.dataset_table.setObjectName("train_dataset")
        self.dataset_table.setHorizontalHeaderLabels(["Name", "Inputs", "Target"])
        header = self.dataset_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.dataset_table.verticalHeader().setVisible(False)
        self.dataset_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dataset_table.setToolTip("Inputs: numbers separated by spaces, commas or semicolons. Every sequence starts from memories 0.")
        self.dataset_table.itemChanged.connect(self._on_dataset_item_changed)
        self.dataset_table.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.dataset_table.setMinimumHeight(90)
        self.dataset_error = QLabel()
        self.dataset_error.setObjectName("train_dataset_error")
        self.dataset_error.setWordWrap(True)
        self.dataset_error.setStyleSheet("color: #b00020;")
        self.dataset_error.hide()
        self.button_add_row = QPushButton("Add")
        self.button_add_row.setObjectName("train_add_row")
        self.button_add_row.clicked.connect(self.add_sequence)
        self.button_remove_row = QPushButton("Remove")
        self.button_remove_row.setObjectName("train_remove_row")
        self.button_remove_row.clicked.connect(self.remove_selected_sequences)
        self.button_import = QPushButton("Import…")
        self.button_import.setToolTip("Replace the dataset with a CSV file's (name, inputs, target)")
        self.button_import.setObjectName("train_import_csv")
        self.button_import.clicked.connect(self._on_import_csv)
        self.button_export = QPushButton("Export…")
        self.button_export.setToolTip("Save the dataset as a CSV file")
        self.button_export.setObjectName("train_export_csv")
        self.button_export.clicked.connect(self._on_export_csv)
        row_buttons = QHBoxLayout()
        for button in (self.button_add_row, self.button_remove_row, self.button_import, self.button_export):
            row_buttons.addWidget(button)
        row_buttons.addStretch(1)
        dataset_box = QGroupBox("Dataset")
        dataset_layout = QVBoxLayout(dataset_box)
        dataset_layout.addWidget(self.dataset_table)
        dataset_layout.addLayout(row_buttons)
        dataset_layout.addWidget(self.dataset_error)

        # Settings
        self.init_box = _combo("train_init", INIT_CHOICES)
        self.init_box.setToolTip(
            "The weights a run starts from. StatQuest's start: torch seed 42, the 8 weights drawn "
            "with torch.normal(0, 1), the 4 biases 0"
        )
        self.seed_box = QSpinBox()
        self.seed_box.setObjectName("train_seed")
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("The seed of 'Random (seed)' start weights")
        self.optimizer_box = _combo("train_optimizer", OPTIMIZER_CHOICES)
        self.lr_edit = QLineEdit()
        self.lr_edit.setObjectName("train_lr")
        self.lr_edit.setToolTip("Learning rate; a change while training takes effect at once")
        self.momentum_edit = QLineEdit()
        self.momentum_edit.setObjectName("train_momentum")
        self.momentum_edit.setToolTip("Momentum of SGD (0 = plain gradient descent)")
        self.epochs_edit = QLineEdit()
        self.epochs_edit.setObjectName("train_epochs")
        self.updates_box = _combo("train_updates", (("per_sample", "Per sequence"), ("full_batch", "Per full batch")))
        self.updates_box.setToolTip("One optimizer update per sequence (in table order, like StatQuest) or one per epoch on the summed loss")
        self.stop_below_edit = QLineEdit()
        self.stop_below_edit.setObjectName("train_stop_below")
        self.stop_below_edit.setPlaceholderText("off")
        self.stop_below_edit.setToolTip("Stop early once the loss falls below this (empty: never)")
        self.engine_box = _combo("train_engine", ENGINE_CHOICES)
        self.engine_box.setToolTip("Fast: analytic gradients in float64 (checked against torch). Torch: autograd + torch.optim, the reference")
        self.plot_mode_box = _combo("train_plot_mode", (("continue", "Continue the plot"), ("new", "Start a new plot")))
        self.plot_mode_box.setToolTip("When training again: add to the curves, or start them afresh")
        self.settings_error = QLabel()
        self.settings_error.setObjectName("train_settings_error")
        self.settings_error.setWordWrap(True)
        self.settings_error.setStyleSheet("color: #b00020;")
        self.settings_error.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Start weights", self.init_box)
        form.addRow("Random seed", self.seed_box)
        form.addRow("Optimizer", self.optimizer_box)
        form.addRow("Learning rate", self.lr_edit)
        form.addRow("Momentum", self.momentum_edit)
        form.addRow("Epochs", self.epochs_edit)
        form.addRow("Updates", self.updates_box)
        form.addRow("Stop below loss", self.stop_below_edit)
        form.addRow("Engine", self.engine_box)
        form.addRow("Plot", self.plot_mode_box)
        settings_box = QGroupBox("Settings")
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.addLayout(form)
        settings_layout.addWidget(self.settings_error)

        for box in (self.init_box, self.optimizer_box, self.updates_box, self.engine_box):
            box.currentIndexChanged.connect(self._on_setting_edited)
        self.seed_box.valueChanged.connect(self._on_setting_edited)
        for edit in (self.lr_edit, self.momentum_edit, self.epochs_edit, self.stop_below_edit):
            edit.editingFinished.connect(self._on_setting_edited)

        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        controls_layout.addWidget(dataset_box, 1)
        controls_layout.addWidget(settings_box, 0)
        controls.setMinimumWidth(300)

        self.plot = TrainingPlot()
        self.plot.setMinimumSize(280, 300)
        self.action_log_loss.toggled.connect(self.plot.set_log_loss)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("train_splitter")
        splitter.addWidget(controls)
        splitter.addWidget(self.plot)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([360, 640])

        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("train_progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("Not trained yet")
        self.status_label = QLabel("Ready to train")
        self.status_label.setObjectName("train_status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its text changes 25 times a second while training: a size hint that
        # followed the text would re-layout (and repaint) the whole panel each time.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label.setMinimumWidth(200)
        self.message_label = QLabel()
        self.message_label.setObjectName("train_message")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(
            "QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(toolbar)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)
        # Progress and status in one strip: a window that shows the panel in
        # a scroll area pins this strip below it, so it never scrolls away.
        self.status_strip = QWidget()
        self.status_strip.setObjectName("train_status_strip")
        status_row = QHBoxLayout(self.status_strip)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.progress_bar, 2)
        status_row.addWidget(self.status_label, 1)
        layout.addWidget(self.status_strip)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Beside the diagram (narrow, tall) the plots go under the settings;
        # in a wide dock they sit to the right.
        size = event.size()
        tall = size.width() < WIDE_LAYOUT and size.height() >= TALL_LAYOUT
        orientation = Qt.Orientation.Vertical if tall else Qt.Orientation.Horizontal
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
        super().resizeEvent(event)

    # -- the session -------------------------------------------------------------
    def _bind(self, session: Session) -> None:
        if self._unbind is not None:
            self._unbind()
        self._session = session
        connections = (
            (session.events.dataset_changed, self._on_dataset_changed),
            (session.events.training_config_changed, self._on_config_changed),
            (session.events.history_changed, self._on_history_changed),
        )
        for signal, slot in connections:
            signal.connect(slot)

        def unbind() -> None:
            for signal, slot in connections:
                signal.disconnect(slot)

        # The session is plain Python and may outlive this widget: a deleted
        # panel must not be called back.
        if self._unbind_on_destroy is not None:
            self.destroyed.disconnect(self._unbind_on_destroy)
        self._unbind = unbind
        self._unbind_on_destroy = lambda *_: unbind()
        self.destroyed.connect(self._unbind_on_destroy)
        self._on_dataset_changed()
        self._on_config_changed()
        self._on_history_changed()

    @property
    def session(self) -> Session:
        assert self._session is not None
        return self._session

    @Slot()
    def _on_session_replaced(self) -> None:
        # A run belongs to the session it started from; its result would
        # land on the wrong weights, so it ends without being applied.
        if self._trainer.is_running():
            self._trainer.shutdown(1.0)
            self._end_run()
        self._bind(self._window.session)
        self._show_message("")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Not trained yet")
        self.status_label.setText("Ready to train")

    def _push(self, command: QUndoCommand) -> None:
        stack = getattr(self._window, "undo_stack", None)
        if stack is not None:
            stack.push(command)
        else:
            command.redo()
        mark = getattr(self._window, "mark_modified", None)
        if mark is not None:
            mark()

    def _status_bar_message(self, text: str) -> None:
        status_bar = getattr(self._window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(text, 8000)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # -- dataset -------------------------------------------------------------------
    @Slot()
    def _on_dataset_changed(self, *_: object) -> None:
        dataset = self.session.dataset
        with QSignalBlocker(self.dataset_table):
            self.dataset_table.setRowCount(len(dataset))
            for row, item in enumerate(dataset):
                for column, text in enumerate((item.name, datasets.format_inputs(item.inputs), _format_value(item.target))):
                    cell = QTableWidgetItem(text)
                    if column == 2:
                        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.dataset_table.setItem(row, column, cell)
        self.plot.set_sequences([d.name for d in dataset], [d.target for d in dataset])
        self._update_enabled()

    @Slot(QTableWidgetItem)
    def _on_dataset_item_changed(self, cell: QTableWidgetItem) -> None:
        row, column = cell.row(), cell.column()
        dataset = self.session.dataset
        if row >= len(dataset):
            return
        old = dataset[row]
        text = cell.text()
        try:
            if column == 0:
                name = text.strip()
                if not name:
                    raise NumberError("name: a sequence needs a name")
                if any(other.name == name for k, other in enumerate(dataset) if k != row):
                    # The stepper's selector and the plot's legend tell sequences apart by name.
                    raise NumberError(f"name: there is already a sequence named {name!r}")
                new = replace(old, name=name)
            elif column == 1:
                new = DatasetItem(old.name, datasets.parse_inputs(text, f"{old.name} inputs"), old.target)
            else:
                new = DatasetItem(old.name, old.inputs, parse_number(text, f"{old.name} target"))
        except (NumberError, ValueError) as error:
            # Refused: the cell shows the session's value again, the reason stays visible.
            self._show_dataset_error(str(error))
            self._on_dataset_changed()
            return
        self._show_dataset_error("")
        after = dataset[:row] + (new,) + dataset[row + 1 :]
        if after != dataset:
            self._push(dataset_command(self.session, after, f"Edit {old.name}"))

    def _show_dataset_error(self, text: str) -> None:
        self.dataset_error.setText(text)
        self.dataset_error.setVisible(bool(text))

    @Slot()
    def add_sequence(self) -> None:
        dataset = self.session.dataset
        names = {d.name for d in dataset}
        k = len(dataset) + 1
        while f"Sequence {k}" in names:
            k += 1
        inputs = dataset[-1].inputs if dataset else (0.0,)
        new = DatasetItem(f"Sequence {k}", inputs, 0.0)
        self._push(dataset_command(self.session, dataset + (new,), "Add sequence"))
        self.dataset_table.setCurrentCell(len(dataset), 1)

    @Slot()
    def remove_selected_sequences(self) -> None:
        dataset = self.session.dataset
        rows = sorted({index.row() for index in self.dataset_table.selectionModel().selectedRows()})
        if not rows and self.dataset_table.currentRow() >= 0:
            rows = [self.dataset_table.currentRow()]
        rows = [r for r in rows if r < len(dataset)]
        if not rows:
            self._show_dataset_error("Select the rows to remove first.")
            return
        after = tuple(d for k, d in enumerate(dataset) if k not in rows)
        text = "Remove sequence" if len(rows) == 1 else f"Remove {len(rows)} sequences"
        self._push(dataset_command(self.session, after, text))

    def import_dataset_csv(self, path: str) -> None:
        """Replace the dataset with a CSV file's (one undo step)."""
        try:
            imported = datasets.read_dataset_csv(path)
        except (OSError, ValueError) as error:
            self._show_dataset_error(f"Could not import: {error}")
            return
        self._show_dataset_error("")
        self._push(dataset_command(self.session, imported, "Import dataset"))

    def export_dataset_csv(self, path: str) -> None:
        try:
            datasets.write_dataset_csv(self.session.dataset, path)
        except OSError as error:
            self._show_dataset_error(f"Could not export {path}: {error}")
            return
        self._status_bar_message(f"Dataset saved to {path}")

    @Slot()
    def _on_import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import dataset", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.import_dataset_csv(path)

    @Slot()
    def _on_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export dataset", "dataset.csv", "CSV files (*.csv)")
        if path:
            self.export_dataset_csv(path)

    # -- settings ------------------------------------------------------------------
    @Slot()
    def _on_config_changed(self, *_: object) -> None:
        config = self.session.training
        widgets = (self.init_box, self.seed_box, self.optimizer_box, self.updates_box, self.engine_box,
                   self.lr_edit, self.momentum_edit, self.epochs_edit, self.stop_below_edit)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.init_box.setCurrentIndex(max(0, self.init_box.findData(config.init)))
        self.seed_box.setValue(int(config.seed))
        self.optimizer_box.setCurrentIndex(max(0, self.optimizer_box.findData(config.optimizer)))
        self.updates_box.setCurrentIndex(0 if config.per_sample else 1)
        self.engine_box.setCurrentIndex(max(0, self.engine_box.findData(config.engine)))
        self.lr_edit.setText(_format_value(config.lr))
        self.momentum_edit.setText(_format_value(config.momentum))
        self.epochs_edit.setText(str(config.epochs))
        self.stop_below_edit.setText("" if config.stop_below is None else _format_value(config.stop_below))
        del blockers
        for edit in (self.lr_edit, self.momentum_edit, self.epochs_edit, self.stop_below_edit):
            self._mark_invalid(edit, "")
        self.settings_error.hide()
        self._update_enabled()

    def _mark_invalid(self, edit: QLineEdit, reason: str) -> None:
        edit.setStyleSheet("QLineEdit { border: 1px solid #d32f2f; background: #fff4f4; }" if reason else "")
        edit.setToolTip(reason or edit.property("base_tooltip") or edit.toolTip())

    def read_config(self) -> TrainConfig:
        """The settings as typed; ``NumberError`` names the first bad field."""
        errors: list[str] = []

        def field(edit: QLineEdit, parse: Any) -> Any:
            try:
                value = parse(edit.text())
            except NumberError as error:
                self._mark_invalid(edit, str(error))
                errors.append(str(error))
                return None
            self._mark_invalid(edit, "")
            return value

        def positive(text: str) -> float:
            value = parse_number(text, "learning rate")
            if value <= 0:
                raise NumberError(f"learning rate: must be above 0, got {text.strip()}")
            return value

        def momentum(text: str) -> float:
            value = parse_number(text, "momentum")
            if not 0 <= value < 1:
                raise NumberError(f"momentum: must be at least 0 and below 1, got {text.strip()}")
            return value

        def stop_below(text: str) -> float | None:
            if not text.strip():
                return None
            value = parse_number(text, "stop below loss")
            if value <= 0:
                raise NumberError(f"stop below loss: must be above 0 (or empty for never), got {text.strip()}")
            return value

        lr = field(self.lr_edit, positive)
        mom = field(self.momentum_edit, momentum)
        epochs = field(self.epochs_edit, lambda t: parse_int(t, "epochs", minimum=1))
        threshold = field(self.stop_below_edit, stop_below)
        if errors:
            raise NumberError("; ".join(errors))
        return TrainConfig(
            optimizer=self.optimizer_box.currentData(),
            lr=lr,
            momentum=mom,
            epochs=epochs,
            per_sample=self.updates_box.currentData() == "per_sample",
            init=self.init_box.currentData(),
            seed=self.seed_box.value(),
            stop_below=threshold,
            engine=self.engine_box.currentData(),
        )

    @Slot()
    def _on_setting_edited(self) -> None:
        self._update_enabled()
        try:
            config = self.read_config()
        except NumberError as error:
            self.settings_error.setText(str(error))
            self.settings_error.show()
            return
        self.settings_error.hide()
        if config == self.session.training:
            return
        old = self.session.training
        self.session.set_training(config)
        mark = getattr(self._window, "mark_modified", None)
        if mark is not None:
            mark()
        if self._trainer.is_running() and config.lr != old.lr:
            self._trainer.set_lr(config.lr)
            self._status_bar_message(f"Learning rate now {_format_value(config.lr)}")

    # -- history ---------------------------------------------------------------------
    @Slot()
    def _on_history_changed(self, *_: object) -> None:
        history = self.session.history
        if self._trainer.is_running() or (history is not None and history is self._plotted_history):
            return  # the live rows are on the plot already
        self._plotted_history = history
        self.plot.clear_history()
        if history is not None and len(history):
            self.plot.append(history.chunk(0))
        self.plot.refresh()

    # -- running -----------------------------------------------------------------------
    def is_training(self) -> bool:
        return self._trainer.is_running()

    @property
    def trainer(self) -> Trainer:
        """What runs the training (its signals show every progress report)."""
        return self._trainer

    @Slot()
    def start_training(self) -> None:
        """Start a new run (a fresh optimizer) from the chosen start weights."""
        if self._trainer.is_running():
            return
        try:
            config = self.read_config()
        except NumberError as error:
            self._show_message(f"Cannot train: {error}")
            return
        session = self.session
        if not session.dataset:
            self._show_message("Cannot train: the dataset is empty; add a sequence first.")
            return
        if config != session.training:
            session.set_training(config)
        try:
            params = start_params(config, session.params)
        except (ValueError, KeyError) as error:
            self._show_message(f"Cannot train: {error}")
            return
        names = tuple(item.name for item in session.dataset)
        history = session.history if self.plot_mode_box.currentData() == "continue" else None
        if history is not None and history.sequence_count != len(names):
            history = None  # the old outputs do not match the sequences any more
        continue_plot = history is not None and len(history) > 0
        if continue_plot:
            # The run continues the epoch count from a one-row copy of the
            # history's end; the rows come back in the progress reports and
            # are appended to a copy here (never sending the whole history).
            self._live_history = history.copy()
            tail = TrainingHistory(history.sequence_names)
            tail.append_chunk(history.chunk(len(history) - 1))
            tail.run_starts = []
        else:
            self._live_history = TrainingHistory(names)
            tail = None
        self._run_before = (session.params, session.history)
        self._run_session = session
        self._last_progress = None
        self._refresh_part = 0
        self._show_message("")
        if not continue_plot:
            self.plot.clear_history()
        self._paused = False
        with QSignalBlocker(self.action_pause):
            self.action_pause.setChecked(False)
            self.action_pause.setText("Pause")
        self.progress_bar.setRange(0, config.epochs)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Starting…")
        self.status_label.setText("Training…")
        job = TrainJob(params.to_flat(), session.dataset, config, tail, self.run_class)
        first_epoch = history.last_epoch if continue_plot else 0
        start_x = self.plot.buffer.epochs[0] if continue_plot and len(self.plot.buffer) else first_epoch
        self.plot.set_live(True, (float(start_x), float(first_epoch + config.epochs)))
        self._trainer.start(job)
        self._preview(params)
        self._refresh_timer.start()
        self._preview_timer.start()
        self._update_enabled()

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        if not self._trainer.is_running():
            return
        self._paused = paused
        if paused:
            self._trainer.pause()
            self.action_pause.setText("Resume")
            self.progress_bar.setFormat(self.progress_bar.format().split(" · paused")[0] + " · paused")
        else:
            self._trainer.resume()
            self.action_pause.setText("Pause")

    @Slot()
    def stop_training(self) -> None:
        if self._trainer.is_running():
            self._trainer.stop()
            self.progress_bar.setFormat("Stopping…")

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        rows = progress.new_rows
        if rows is not None and self._live_history is not None:
            self._live_history.append_chunk(rows)
            self.plot.append(rows)
        self._last_progress = progress
        self._dirty = True

    @Slot()
    def _on_refresh(self) -> None:
        """One part of a redraw per timer tick (see REFRESH_MS): the progress
        and the loss plot, the outputs plot, then the weights plot. Several
        short pauses of the event loop instead of one long one."""
        part = self._refresh_part
        if part == 0:
            if not self._dirty:
                return
            self._dirty = False
            self.plot.prepare()
            self._show_progress()
        self.plot.refresh_part(part)
        self._refresh_part = (part + 1) % TrainingPlot.PARTS

    @Slot()
    def _on_preview_due(self) -> None:
        """The diagram follows the live weights (its own timer and turn)."""
        progress = self._last_progress
        if progress is not None and self._trainer.is_running():
            self._preview(CellParams.from_flat(progress.weights))

    def _show_progress(self) -> None:
        progress = self._last_progress
        if progress is None:
            return
        self.progress_bar.setRange(0, max(1, progress.epochs_total))
        self.progress_bar.setValue(progress.epoch)
        text = (f"epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
                f" · {progress.epochs_per_second:,.0f} epochs/s · {_format_seconds(progress.seconds_left)} left")
        if self._paused or progress.paused:
            text = f"paused · epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
        self.progress_bar.setFormat(text)
        self.status_label.setText(f"Epoch {progress.epoch}, loss {progress.loss:.6g}")

    def _preview(self, params: CellParams | None) -> None:
        preview = getattr(self._window, "set_preview_params", None)
        if preview is not None:
            preview(params)

    def _end_run(self) -> None:
        self._refresh_timer.stop()
        self._preview_timer.stop()
        self.plot.set_live(False)
        self._preview(None)
        self._run_before = None
        self._run_session = None
        self._live_history = None
        self._paused = False
        with QSignalBlocker(self.action_pause):
            self.action_pause.setChecked(False)
            self.action_pause.setText("Pause")
        self._update_enabled()

    @Slot(object)
    def _on_finished(self, result: TrainResult) -> None:
        before, session = self._run_before, self._run_session
        history = self._live_history
        self.plot.refresh()
        self._end_run()
        if session is not None and before is not None and session is self._session:
            self._plotted_history = history
            self._push(training_command(session, before, (result.params, history)))
            if session.training.init != "current":
                # Train again continues from the reached (or then edited)
                # weights, not from the chosen start again.
                session.set_training(dataclasses.replace(session.training, init="current"))
        total = self._last_progress.epochs_total if self._last_progress is not None else result.epochs
        word = STATUS_WORDS.get(result.status, result.status.capitalize())
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(result.epochs, max(1, total)))
        self.progress_bar.setFormat(f"{word} · epoch {result.epochs} / {total} · loss {result.loss:.6g}")
        self.status_label.setText(f"{word}: finished at epoch {result.epochs}, loss {result.loss:.6g}")
        if result.status == "diverged":
            lr = self.session.training.lr
            self._show_message(
                result.message
                or f"Training stopped at epoch {result.epochs}: the loss became NaN or infinite "
                f"(learning rate {_format_value(lr)} is too large). The last finite weights were kept."
            )
            self._status_bar_message("Training diverged; the last finite weights were kept")
        else:
            self._status_bar_message(f"Training {word.lower()} after {result.epochs} epochs, loss {result.loss:.6g}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end_run()
        self.progress_bar.setFormat("Failed")
        self.status_label.setText("Failed: finished without a result")
        self._show_message(f"Training failed, the weights are unchanged: {message}")
        self._status_bar_message("Training failed")

    def _update_enabled(self) -> None:
        training = self._trainer.is_running()
        # Undo during a run would change the weights under it and then be
        # lost behind the "Training" step: the window's Undo/Redo wait.
        stack = getattr(self._window, "undo_stack", None)
        for name, can in (("action_undo", stack is not None and stack.canUndo()),
                          ("action_redo", stack is not None and stack.canRedo())):
            action = getattr(self._window, name, None)
            if action is not None:
                action.setEnabled(can and not training)
        self.action_train.setEnabled(not training)
        self.action_pause.setEnabled(training)
        self.action_stop.setEnabled(training)
        # Only the learning rate stays editable during a run (applied at once).
        for widget in (self.dataset_table, self.button_add_row, self.button_remove_row, self.button_import,
                       self.init_box, self.optimizer_box, self.momentum_edit, self.epochs_edit,
                       self.updates_box, self.stop_below_edit, self.engine_box, self.plot_mode_box):
            widget.setEnabled(not training)
        self.seed_box.setEnabled(not training and self.init_box.currentData() == "random")
        self.momentum_edit.setEnabled(not training and self.optimizer_box.currentData() == "sgd")

    # -- exports -------------------------------------------------------------------------
    def export_plot_png(self, path: str) -> None:
        self.plot.export_png(path)
        self._status_bar_message(f"Plot saved to {path}")

    def export_history_csv(self, path: str) -> None:
        self.plot.export_csv(path)
        self._status_bar_message(f"History saved to {path}")

    @Slot()
    def _on_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plot", "training.png", "PNG pictures (*.png)")
        if path:
            self.export_plot_png(path)

    @Slot()
    def _on_export_history(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export history", "history.csv", "CSV files (*.csv)")
        if path:
            self.export_history_csv(path)

    # -- closing ---------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop and join any training worker (called before the window closes)."""
        running = self._trainer.is_running()
        self._trainer.shutdown(1.0)
        if running:
            self._refresh_timer.stop()
            self._preview_timer.stop()
            self._run_before = None
            self._run_session = None
