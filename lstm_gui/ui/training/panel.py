"""Training panel (dock): dataset table, settings, Train/Pause/Stop, live plots.

The panel shows the session's dataset, training settings and history (it
listens to the window's :class:`~lstm_gui.ui.adapter.SessionAdapter`) and
turns a person's actions into undo commands on the session and calls on a
:class:`~lstm_gui.ui.training.trainers.Trainer`. While a run goes, the
session keeps the weights from before; the diagram previews the live weights
through the ``preview`` callable; when the run ends (or is stopped, or
diverges) the reached weights, the history and the settings it leaves behind
become the session's as one undo step named "Training".

The panel knows nothing of its window: it emits ``running_changed(bool)``
(the window holds its Undo/Redo meanwhile; False also while a run is paused
for edits), ``status_message(str)`` and ``history_preview(CellParams | None,
str)`` (the weights of a history epoch the person scrubbed to and a label
such as "preview of epoch 2000", or ``None`` and "" when back to the
session's weights).

Pause, edit, resume: on Pause the reached weights and history become the
session's as one undo step "Training (paused at epoch N)" and the preview
ends, so the diagram's fields can be edited (each edit its own step); on
Resume the run continues from the session's weights with its optimizer
state, and its result is one more "Training" step after those edits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields, replace
from functools import partial
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core import dataset as datasets
from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import format_full
from lstm_gui.core.parsing import NumberError, parse_int, parse_number
from lstm_gui.core.session import Session
from lstm_gui.training.child import TrainJob
from lstm_gui.training.config import TrainConfig, start_params
from lstm_gui.training.history import TrainingHistory, write_history_csv
from lstm_gui.training.run import Progress, TrainResult
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import (
    SETTING_WORDS,
    dataset_command,
    params_command,
    settings_command,
    training_command,
)
from lstm_gui.ui.settings import app_settings
from lstm_gui.ui.training.plot import TrainingPlot
from lstm_gui.ui.training.trainers import Trainer, make_trainer

#: Which trainer runs the loop (see trainers.py and benchmarks/bench_responsive.py).
DEFAULT_TRAINER = "process"
#: While training, one of the three plots is redrawn per tick of this timer
#: (ms): no single redraw stalls the window for long, and with 5-20 ms per
#: redraw each plot and the progress still change 20-30 times a second.
REFRESH_MS = 8
#: Panels narrower than WIDE_LAYOUT (px), e.g. a column docked beside the
#: diagram, show the plots below the settings; wider ones beside them.
WIDE_LAYOUT = 780
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
#: The training speed choices (epochs per second at most; None: no limit).
#: Not saved: a new window always trains as fast as possible.
SPEED_CHOICES: tuple[tuple[float | None, str], ...] = (
    (None, "As fast as possible"),
    (2000.0, "2000 epochs/s"),
    (200.0, "200 epochs/s"),
    (20.0, "20 epochs/s"),
)
STATUS_WORDS: dict[str, str] = {
    "finished": "Done",
    "stopped": "Stopped",
    "stopped_below": "Loss below the threshold",
    "diverged": "Diverged",
}


#: A refused setting's field: a red frame (the reason is its tooltip).
INVALID_STYLE = "#{name} {{ border: 1px solid #d32f2f; background: #fff4f4; }}"


def _changed_setting(before: TrainConfig, after: TrainConfig) -> str | None:
    """The one setting that differs, or ``None`` if several (or none) do."""
    changed = [f.name for f in fields(TrainConfig) if getattr(before, f.name) != getattr(after, f.name)]
    return changed[0] if len(changed) == 1 else None


def _describe(error: FieldError) -> str:
    """``learning rate: expected ...``: the form's words for the field."""
    return f"{SETTING_WORDS.get(error.where, error.where)}: {error.reason}" if error.where else error.reason


def _format_value(x: float) -> str:
    return f"{x:g}" if float(f"{x:g}") == x else format_full(x)


def _format_seconds(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "--"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _combo(name: str, choices: tuple[tuple[Any, str], ...]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    # The wheel scrolls the panel; it changes a choice only once focused.
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    for key, label in choices:
        box.addItem(label, key)
    return box


def finish_text(status: str, epochs: int, total: int, loss: float) -> str:
    """The status line after a run: "finished" only for one that did all its epochs."""
    if status == "finished":
        return f"Done: finished {epochs} epochs, loss {loss:.6g}"
    if status == "stopped":
        return f"Stopped at epoch {epochs} of {total}, loss {loss:.6g}"
    if status == "stopped_below":
        return f"Loss below the threshold at epoch {epochs}, loss {loss:.6g}"
    if status == "diverged":
        return f"Diverged after epoch {epochs}, loss {loss:.6g}"
    return f"{status.capitalize()} at epoch {epochs}, loss {loss:.6g}"


class CollapsibleSection(QWidget):
    """A header button that shows or hides its content; the choice is
    remembered (``training/<name>_expanded`` in the app settings)."""

    expanded_changed = Signal(bool)

    def __init__(self, name: str, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}_section")
        self._key = f"training/{name}_expanded"
        self.toggle = QToolButton()
        self.toggle.setObjectName(f"{name}_toggle")
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.toggle.font()
        font.setBold(True)
        self.toggle.setFont(font)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle)
        layout.addWidget(content, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        value = app_settings().value(self._key, True)
        expanded = value not in (False, "false", "0", 0)
        self.toggle.toggled.connect(self._on_toggled)
        self.toggle.setChecked(expanded)
        self._on_toggled(expanded)

    @Slot(bool)
    def _on_toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
        # Collapsed, the header takes only its own height.
        vertical = QSizePolicy.Policy.Preferred if expanded else QSizePolicy.Policy.Maximum
        self.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)
        app_settings().setValue(self._key, expanded)
        self.expanded_changed.emit(expanded)

    def is_expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)


class TrainingPanel(QWidget):
    """The training dock's content.

    Parameters
    ----------
    adapter : the window's session adapter; the panel reads ``adapter.session``
        (one session for the window's life) and listens only to the adapter's
        Qt signals.
    undo_stack : every change a person makes here is pushed on it.
    preview : called with the live weights while training (the diagram shows
        them) and with ``None`` when the run ends (the session's again).
    trainer : ``"process"``, ``"thread"``, ``"thread:SECONDS"`` or a
        :class:`Trainer`.

    Signals
    -------
    running_changed(bool) : a run started or resumed (True), or ended or
        paused for edits (False).
    status_message(str) : a short note for the window's status bar.
    history_preview(object, str) : the weights (``CellParams``) of the
        history epoch scrubbed to and their label ("preview of epoch 2000"),
        or ``(None, "")`` back to the session's weights.
    """

    running_changed = Signal(bool)
    status_message = Signal(str)
    history_preview = Signal(object, str)

    def __init__(
        self,
        adapter: SessionAdapter,
        undo_stack: QUndoStack,
        preview: Callable[[CellParams | None], None],
        parent: QWidget | None = None,
        trainer: str | Trainer = DEFAULT_TRAINER,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("training_panel")
        self._adapter = adapter
        self._undo_stack = undo_stack
        self._preview = preview
        self._trainer = self._adopt_trainer(trainer)
        #: The running run's history (None when idle): the session's copied
        #: and continued, or a new one. The plot draws it; it becomes the
        #: session's when the run ends.
        self._run_history: TrainingHistory | None = None
        self._last_progress: Progress | None = None
        self._paused = False
        #: Paused, waiting for the run's paused report to make its weights the session's.
        self._pause_pending = False
        #: The run's epoch at the last "Training (paused ...)" step (None: none).
        self._pause_epoch: int | None = None
        #: The epoch the history scrubber previews (None: the session's weights).
        self._scrub_epoch: int | None = None
        self._dirty = False
        self._refresh_part = 0
        #: The settings the form shows; an edit of one field changes this one field.
        self._shown_config: TrainConfig | None = None
        #: Refused settings: field (``""``: the settings as a whole) -> reason.
        self._setting_errors: dict[str, str] = {}
        self._base_tooltips: dict[str, str] = {}
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._on_refresh)
        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(int(PREVIEW_INTERVAL * 1000))
        self._preview_timer.timeout.connect(self._on_preview_due)

        self._build_actions()
        self._build_ui()
        adapter.dataset_changed.connect(self._on_dataset_changed)
        adapter.training_config_changed.connect(self._on_config_changed)
        adapter.history_changed.connect(self._on_history_changed)
        self._show_session()

    def _adopt_trainer(self, trainer: str | Trainer) -> Trainer:
        adopted = make_trainer(trainer, self) if isinstance(trainer, str) else trainer
        if adopted.parent() is None:
            adopted.setParent(self)  # lives and dies with the panel
        adopted.progressed.connect(self._on_progress)
        adopted.finished.connect(self._on_finished)
        adopted.failed.connect(self._on_failed)
        return adopted

    def set_trainer(self, trainer: str | Trainer) -> None:
        """Train with ``trainer`` from the next run on (``"process"``,
        ``"thread"``, ``"thread:SECONDS"`` or a :class:`Trainer`); ends any
        run without applying it."""
        self._discard_run()
        old = self._trainer
        for signal, slot in (
            (old.progressed, self._on_progress),
            (old.finished, self._on_finished),
            (old.failed, self._on_failed),
        ):
            signal.disconnect(slot)
        if old.parent() is self:
            old.deleteLater()
        self._trainer = self._adopt_trainer(trainer)

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
        self.action_pause.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action_pause.setToolTip(
            "Pause the run: its weights become the session's and can be edited; press again to resume "
            "from them with the optimizer's state kept (Ctrl+Shift+P)"
        )
        self.action_pause.toggled.connect(self._on_pause_toggled)
        self.action_stop = QAction("Stop", self)
        self.action_stop.setObjectName("action_stop")
        self.action_stop.setShortcut(QKeySequence("Ctrl+."))
        self.action_stop.setToolTip("Stop the run and keep the weights reached so far (Ctrl+.)")
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
        self.action_back_to_current = QAction("Back to current", self)
        self.action_back_to_current.setObjectName("action_history_back")
        self.action_back_to_current.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.action_back_to_current.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action_back_to_current.setToolTip("Leave the history preview: the session's weights again (Esc)")
        self.action_back_to_current.triggered.connect(self.back_to_current)
        for action in (
            self.action_back_to_current,
            self.action_train,
            self.action_pause,
            self.action_stop,
            self.action_log_loss,
            self.action_export_png,
            self.action_export_history,
        ):
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
        self.dataset_table.setToolTip(
            "Inputs: numbers separated by spaces, commas or semicolons. Every sequence starts from memories 0."
        )
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
        dataset_box = QWidget()
        dataset_layout = QVBoxLayout(dataset_box)
        dataset_layout.setContentsMargins(0, 2, 0, 4)
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
        self.seed_box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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
        self.epochs_edit.setToolTip("How many times a run goes through the whole dataset")
        self.updates_box = _combo("train_updates", (("per_sample", "Per sequence"), ("full_batch", "Per full batch")))
        self.updates_box.setToolTip(
            "One optimizer update per sequence (in table order, like StatQuest) or one per epoch on the summed loss"
        )
        self.stop_below_edit = QLineEdit()
        self.stop_below_edit.setObjectName("train_stop_below")
        self.stop_below_edit.setPlaceholderText("off")
        self.stop_below_edit.setToolTip("Stop early once the loss falls below this (empty: never)")
        self.engine_box = _combo("train_engine", ENGINE_CHOICES)
        self.engine_box.setToolTip(
            "Fast: analytic gradients in float64 (checked against torch). Torch: autograd + torch.optim, the reference"
        )
        self.plot_mode_box = _combo("train_plot_mode", (("continue", "Continue the plot"), ("new", "Start a new plot")))
        self.plot_mode_box.setToolTip("When training again: add to the curves, or start them afresh")
        self.speed_box = _combo("train_speed", SPEED_CHOICES)
        self.speed_box.setToolTip(
            "How fast training goes: slower to watch the curves and the diagram change; takes effect at once"
        )
        self.speed_box.currentIndexChanged.connect(self._on_speed_changed)
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
        form.addRow("Speed", self.speed_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        settings_box = QWidget()
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.setContentsMargins(0, 2, 0, 4)
        settings_layout.addLayout(form)
        settings_layout.addWidget(self.settings_error)

        #: The TrainConfig field each control edits (FieldError.where -> widget).
        self._setting_widgets: dict[str, QWidget] = {
            "init": self.init_box,
            "seed": self.seed_box,
            "optimizer": self.optimizer_box,
            "lr": self.lr_edit,
            "momentum": self.momentum_edit,
            "epochs": self.epochs_edit,
            "per_sample": self.updates_box,
            "stop_below": self.stop_below_edit,
            "engine": self.engine_box,
        }
        # What a field's tooltip says again once its error is cleared.
        self._base_tooltips = {field: widget.toolTip() for field, widget in self._setting_widgets.items()}
        for field, widget in self._setting_widgets.items():
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(partial(self._on_setting_edited, field))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(partial(self._on_setting_edited, field))
        self.seed_box.valueChanged.connect(partial(self._on_setting_edited, "seed"))

        self.dataset_section = CollapsibleSection("train_dataset", "Dataset", dataset_box)
        self.settings_section = CollapsibleSection("train_settings", "Settings", settings_box)
        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        controls_layout.addWidget(self.dataset_section, 1)
        controls_layout.addWidget(self.settings_section, 0)
        controls_layout.addStretch(0)
        self._controls = controls
        for section in (self.dataset_section, self.settings_section):
            section.expanded_changed.connect(self._fit_controls)
        controls.setMinimumWidth(240)

        self.plot = TrainingPlot()
        self.plot.setMinimumSize(240, 300)
        self.action_log_loss.toggled.connect(self.plot.set_log_loss)
        self.plot.epoch_clicked.connect(self._on_plot_clicked)
        # The history scrubber: epoch N = the weights after N epochs.
        self.history_slider = QSlider(Qt.Orientation.Horizontal)
        self.history_slider.setObjectName("history_epoch")
        self.history_slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.history_slider.setToolTip(
            "Look at the weights after any epoch of the history: the diagram and the results preview them "
            "(Esc or the end of the slider: back to the current weights)"
        )
        self.history_slider.valueChanged.connect(self._on_scrubbed)
        self.history_label = QLabel("Epoch --")
        self.history_label.setObjectName("history_label")
        self.history_label.setMinimumWidth(90)
        self.history_use = QPushButton("Use these weights")
        self.history_use.setObjectName("history_use")
        self.history_use.setToolTip("Make the previewed epoch's weights the session's (one undo step)")
        self.history_use.clicked.connect(self.use_history_weights)
        self.history_back = QPushButton("Back to current")
        self.history_back.setObjectName("history_back")
        self.history_back.setToolTip(self.action_back_to_current.toolTip())
        self.history_back.clicked.connect(self.back_to_current)
        scrubber = QWidget()
        scrubber.setObjectName("history_scrubber")
        scrubber_layout = QVBoxLayout(scrubber)
        scrubber_layout.setContentsMargins(0, 2, 0, 0)
        scrubber_layout.setSpacing(2)
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.history_label)
        slider_row.addWidget(self.history_slider, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.history_use)
        buttons_row.addWidget(self.history_back)
        buttons_row.addStretch(1)
        scrubber_layout.addLayout(slider_row)
        scrubber_layout.addLayout(buttons_row)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(0)
        plots_layout.addWidget(self.plot, 1)
        plots_layout.addWidget(scrubber)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("train_splitter")
        splitter.addWidget(controls)
        splitter.addWidget(plots)
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
        # followed the text would re-layout (and repaint) the whole panel each
        # time. It has the strip's whole width, under the progress bar.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        status_row = QVBoxLayout(self.status_strip)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.setSpacing(1)
        status_row.addWidget(self.progress_bar)
        status_row.addWidget(self.status_label)
        layout.addWidget(self.status_strip)

    @Slot()
    def _fit_controls(self, *_: object) -> None:
        """In a column, the dataset and settings take the height they need
        (little when collapsed) and the plots the rest."""
        if self.splitter.orientation() != Qt.Orientation.Vertical:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        wanted = self._controls.sizeHint().height()
        if not (self.dataset_section.is_expanded() or self.settings_section.is_expanded()):
            wanted = self._controls.minimumSizeHint().height()
        controls = min(wanted, max(0, total - self.plot.minimumHeight()))
        self.splitter.setSizes([controls, total - controls])

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Beside the diagram (narrow, tall) the plots go under the settings;
        # in a wide dock they sit to the right.
        narrow = event.size().width() < WIDE_LAYOUT
        orientation = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            QTimer.singleShot(0, self._fit_controls)
        super().resizeEvent(event)

    # -- the session -------------------------------------------------------------
    @property
    def session(self) -> Session:
        return self._adapter.session

    def _show_session(self) -> None:
        session = self.session
        self._show_dataset(session.dataset)
        self._setting_errors.clear()
        self._show_config(session.training, every_field=True)
        self.plot.show_history(session.history)
        self._show_history_state(session.history)

    def reset(self) -> None:
        """End any run without applying its result and show the session
        afresh, with no leftover message (the window calls this when New or
        Open put another file's values into its session)."""
        self._discard_run()
        self._show_session()
        self._show_message("")
        self._show_dataset_error("")
        self.speed_box.setCurrentIndex(0)

    def _show_history_state(self, history: TrainingHistory | None) -> None:
        """Progress and status for the session's history (when no run goes):
        its last epoch and loss, or "Not trained yet"."""
        if history is not None and len(history):
            epoch, loss = history.last_epoch, float(history.loss[-1])
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)
            self.progress_bar.setFormat(f"Trained to epoch {epoch} · loss {loss:.6g}")
            self.status_label.setText(f"Epoch {epoch}, loss {loss:.6g}")
        else:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("Not trained yet")
            self.status_label.setText("Ready to train")
        self._update_scrubber()

    def _push(self, command: QUndoCommand) -> None:
        self._undo_stack.push(command)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # -- dataset -------------------------------------------------------------------

    @Slot(object)
    def _on_dataset_changed(self, dataset: tuple[DatasetItem, ...]) -> None:
        self._show_dataset(dataset)

    def _show_dataset(self, dataset: tuple[DatasetItem, ...]) -> None:
        table = self.dataset_table
        header = table.horizontalHeader()
        # With content-sized columns every setItem re-measured the whole column
        # (5,000 rows: 90 s); fill with fixed columns and updates off, then
        # size the columns once (benchmarks/bench_many_sequences.py).
        modes = [header.sectionResizeMode(column) for column in range(3)]
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        table.setUpdatesEnabled(False)
        try:
            with QSignalBlocker(table):
                table.setRowCount(len(dataset))
                for row, item in enumerate(dataset):
                    for column, text in enumerate(
                        (item.name, datasets.format_inputs(item.inputs), _format_value(item.target))
                    ):
                        cell = QTableWidgetItem(text)
                        if column == 2:
                            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                        table.setItem(row, column, cell)
        finally:
            for column, mode in enumerate(modes):
                header.setSectionResizeMode(column, mode)
            table.setUpdatesEnabled(True)
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
                    raise NumberError("name", "a sequence needs a name")
                if any(other.name == name for k, other in enumerate(dataset) if k != row):
                    # The stepper's selector and the plot's legend tell sequences apart by name.
                    raise NumberError("name", f"there is already a sequence named {name!r}")
                new = replace(old, name=name)
            elif column == 1:
                new = DatasetItem(old.name, datasets.parse_inputs(text, f"{old.name} inputs"), old.target)
            else:
                new = DatasetItem(old.name, old.inputs, parse_number(text, f"{old.name} target"))
        except (NumberError, ValueError) as error:
            # Refused: the cell shows the session's value again, the reason stays visible.
            self._show_dataset_error(str(error))
            self._show_dataset(dataset)
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
        self.status_message.emit(f"Dataset saved to {path}")

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

    # -- settings ------------------------------------------------------------------
    @Slot(object)
    def _on_config_changed(self, config: TrainConfig) -> None:
        self._show_config(config)

    def _show_config(self, config: TrainConfig, every_field: bool = False) -> None:
        """Show ``config``: the fields whose value changed (a field that still
        holds refused text keeps it while its value stays the same)."""
        shown = None if every_field else self._shown_config
        blockers = [QSignalBlocker(widget) for widget in self._setting_widgets.values()]
        for field in self._setting_widgets:
            value = getattr(config, field)
            if shown is not None and getattr(shown, field) == value:
                continue
            if field == "seed":
                self.seed_box.setValue(int(value))
            elif field == "per_sample":
                self.updates_box.setCurrentIndex(0 if value else 1)
            elif field in ("init", "optimizer", "engine"):
                box = self._setting_widgets[field]
                assert isinstance(box, QComboBox)
                box.setCurrentIndex(max(0, box.findData(value)))
            elif field == "epochs":
                self.epochs_edit.setText(str(value))
            elif field == "stop_below":
                self.stop_below_edit.setText("" if value is None else _format_value(value))
            else:
                edit = self._setting_widgets[field]
                assert isinstance(edit, QLineEdit)
                edit.setText(_format_value(value))
            self._clear_setting_error(field)
            self._setting_errors.pop("", None)
        del blockers
        self._shown_config = config
        self._show_setting_errors()
        self._update_enabled()

    def _typed_setting(self, field: str) -> Any:
        """The value typed or chosen for ``field``. Only parsing happens here
        (C-locale numbers, whole numbers); whether the value is allowed is
        TrainConfig's rule. Raises ``FieldError(field, reason)``."""
        what = SETTING_WORDS[field]
        try:
            if field == "lr":
                return parse_number(self.lr_edit.text(), what)
            if field == "momentum":
                return parse_number(self.momentum_edit.text(), what)
            if field == "epochs":
                return parse_int(self.epochs_edit.text(), what)
            if field == "stop_below":
                text = self.stop_below_edit.text()
                return parse_number(text, what) if text.strip() else None
        except NumberError as error:
            raise FieldError(field, str(error).removeprefix(f"{what}: ")) from None
        if field == "seed":
            return self.seed_box.value()
        if field == "per_sample":
            return self.updates_box.currentData() == "per_sample"
        box = self._setting_widgets[field]
        assert isinstance(box, QComboBox)
        return box.currentData()

    def _as_field_error(self, error: ValueError, edited: str = "") -> FieldError:
        """``error`` placed on a field: a FieldError says where; a plain
        ``ValueError("lr: ...")`` is placed by its prefix, else on the field
        that was edited."""
        if isinstance(error, FieldError):
            return error
        where, separator, reason = str(error).partition(": ")
        if separator and where in self._setting_widgets:
            return FieldError(where, reason)
        return FieldError(edited, str(error))

    def read_config(self) -> TrainConfig:
        """The settings as typed and chosen. Every refused field is marked;
        raises the first one's :class:`FieldError`."""
        values: dict[str, Any] = {}
        refused: list[FieldError] = []
        for field in self._setting_widgets:
            try:
                values[field] = self._typed_setting(field)
            except FieldError as unparsed:
                refused.append(unparsed)
        if not refused:
            try:
                config = TrainConfig(**values)
            except ValueError as broken_rule:
                refused.append(self._as_field_error(broken_rule))
            else:
                for field in list(self._setting_errors):
                    self._clear_setting_error(field)
                self._show_setting_errors()
                return config
        for error in refused:
            self._mark_setting_error(error)
        self._show_setting_errors()
        raise refused[0]

    def _on_setting_edited(self, field: str, *_: object) -> None:
        """A person changed one setting: the stored settings with that one
        value replaced (so a refused text elsewhere does not block this
        edit), one undo step; edits of the same setting in a row merge."""
        self._update_enabled()
        stored = self.session.training
        try:
            config = replace(stored, **{field: self._typed_setting(field)})
        except ValueError as error:
            self._mark_setting_error(self._as_field_error(error, field))
            self._show_setting_errors()
            return
        self._clear_setting_error(field)
        self._setting_errors.pop("", None)
        self._show_setting_errors()
        if config == stored:
            return
        self._push(settings_command(self.session, config, field))
        if field == "lr" and self._run_history is not None:
            self._trainer.set_lr(config.lr)
            self.status_message.emit(f"Learning rate now {_format_value(config.lr)}")

    def _mark_setting_error(self, error: FieldError) -> None:
        self._setting_errors[error.where] = error.reason
        widget = self._setting_widgets.get(error.where)
        if widget is not None:
            widget.setStyleSheet(INVALID_STYLE.format(name=widget.objectName()))
            widget.setToolTip(_describe(error))

    def _clear_setting_error(self, field: str) -> None:
        self._setting_errors.pop(field, None)
        widget = self._setting_widgets.get(field)
        if widget is not None:
            widget.setStyleSheet("")
            widget.setToolTip(self._base_tooltips[field])

    def _show_setting_errors(self) -> None:
        text = "; ".join(_describe(FieldError(where, reason)) for where, reason in self._setting_errors.items())
        self.settings_error.setText(text)
        self.settings_error.setVisible(bool(text))

    # -- history ---------------------------------------------------------------------
    @Slot(object)
    def _on_history_changed(self, history: TrainingHistory | None) -> None:
        if self._run_history is None:  # while training, the plot shows the run's rows
            self._leave_preview()
            self.plot.show_history(history)
            self._show_history_state(history)

    # -- history scrubber ----------------------------------------------------------
    def _update_scrubber(self) -> None:
        """The slider spans the session's history (idle) and sits at its end."""
        history = self.session.history if self._run_history is None else None
        usable = history is not None and len(history) > 1
        with QSignalBlocker(self.history_slider):
            if history is not None and usable:
                self.history_slider.setRange(int(history.epochs[0]), history.last_epoch)
                self.history_slider.setValue(history.last_epoch)
                self.history_slider.setPageStep(max(1, (history.last_epoch - int(history.epochs[0])) // 20))
            else:
                self.history_slider.setRange(0, 0)
        self.history_slider.setEnabled(usable)
        self._show_scrub_state()

    def _show_scrub_state(self) -> None:
        previewing = self._scrub_epoch is not None
        self.history_use.setEnabled(previewing)
        self.history_back.setEnabled(previewing)
        self.action_back_to_current.setEnabled(previewing)
        if previewing:
            self.history_label.setText(f"Epoch {self._scrub_epoch}")
        elif self.history_slider.isEnabled():
            self.history_label.setText(f"Epoch {self.history_slider.value()} (current)")
        else:
            self.history_label.setText("Epoch --")
        self.plot.set_cursor(self._scrub_epoch)

    def _scrubbed_row(self) -> int | None:
        history = self.session.history
        if self._scrub_epoch is None or history is None or not len(history):
            return None
        return history.nearest_row(self._scrub_epoch)

    @Slot(int)
    def _on_scrubbed(self, epoch: int) -> None:
        """Preview the weights after ``epoch`` (snapped to the nearest kept
        epoch of a thinned history); the end of the history: the current ones."""
        history = self.session.history
        if self._run_history is not None or history is None or len(history) < 2:
            return
        row = history.nearest_row(epoch)
        kept = int(history.epochs[row])
        if kept != epoch:
            with QSignalBlocker(self.history_slider):
                self.history_slider.setValue(kept)
        if row == len(history) - 1:
            self._leave_preview()
            return
        self._scrub_epoch = kept
        params = CellParams.from_flat(history.weights[row].tolist())
        self._preview(params)
        self.history_preview.emit(params, f"preview of epoch {kept}")
        self._show_scrub_state()

    def preview_epoch(self, epoch: int) -> None:
        """Move the scrubber to ``epoch`` (as a person would)."""
        self.history_slider.setValue(epoch)

    @Slot(float)
    def _on_plot_clicked(self, epoch: float) -> None:
        if self.history_slider.isEnabled():
            self.history_slider.setValue(round(epoch))

    def _leave_preview(self) -> None:
        if self._scrub_epoch is None:
            return
        self._scrub_epoch = None
        self._preview(None)
        self.history_preview.emit(None, "")
        self._show_scrub_state()

    @Slot()
    def back_to_current(self) -> None:
        """Leave the history preview: the slider to the end, the session's weights."""
        if self._scrub_epoch is None:
            return
        self._leave_preview()
        with QSignalBlocker(self.history_slider):
            self.history_slider.setValue(self.history_slider.maximum())
        self._show_scrub_state()

    @Slot()
    def use_history_weights(self) -> None:
        """The previewed epoch's weights become the session's (one undo step)."""
        row = self._scrubbed_row()
        history = self.session.history
        if row is None or history is None:
            return
        epoch = int(history.epochs[row])
        params = CellParams.from_flat(history.weights[row].tolist())
        self._leave_preview()
        self._push(params_command(self.session, params, f"Use the weights of epoch {epoch}"))
        with QSignalBlocker(self.history_slider):
            self.history_slider.setValue(epoch)
        self.history_label.setText(f"Epoch {epoch} (in use)")
        self.status_message.emit(f"The weights of epoch {epoch} are now the session's")

    # -- running -----------------------------------------------------------------------
    def is_training(self) -> bool:
        """True while a run changes the weights; False when idle and while
        a run is paused for edits (its weights are then the session's)."""
        return self._trainer.is_running() and self._pause_epoch is None

    def speed(self) -> float | None:
        """The chosen speed limit in epochs per second (None: as fast as possible)."""
        value = self.speed_box.currentData()
        return None if value is None else float(value)

    @Slot(int)
    def _on_speed_changed(self, _index: int) -> None:
        if self._run_history is not None:
            self._trainer.set_max_rate(self.speed())
            self.status_message.emit(f"Training speed: {self.speed_box.currentText()}")

    @property
    def trainer(self) -> Trainer:
        """What runs the training (its signals show every progress report)."""
        return self._trainer

    @Slot()
    def start_training(self) -> None:
        """Start a new run (a fresh optimizer) from the chosen start weights."""
        if self._run_history is not None or self._trainer.is_running():
            return
        try:
            config = self.read_config()
        except FieldError as error:
            self._show_message(f"Cannot train: {_describe(error)}")
            return
        session = self.session
        if not session.dataset:
            self._show_message("Cannot train: the dataset is empty; add a sequence first.")
            return
        self._show_dataset_error("")
        self._leave_preview()
        if config != session.training:
            # Typed but not yet committed (Ctrl+T in a field): its own step.
            self._push(settings_command(session, config, _changed_setting(session.training, config)))
        try:
            params = start_params(config, session.params)
        except (ValueError, KeyError) as error:
            self._show_message(f"Cannot train: {error}")
            return
        names = tuple(item.name for item in session.dataset)
        history = session.history if self.plot_mode_box.currentData() == "continue" else None
        if history is not None and history.sequence_count != len(names):
            history = None  # the old outputs do not match the sequences any more
        tail: TrainingHistory | None = None
        if history is not None and len(history):
            # The run continues the epoch count from a one-row copy of the
            # history's end; its rows come back in the progress reports and
            # are appended to a copy of the session's history (the session
            # keeps its own until the run's result is one undo step).
            run_history = history.copy()
            tail = TrainingHistory(history.sequence_names)
            tail.append_chunk(history.chunk(len(history) - 1))
            tail.run_starts = []
            first_epoch, start_x = history.last_epoch, float(history.epochs[0])
        else:
            run_history = TrainingHistory(names)
            first_epoch, start_x = 0, 0.0
        self._run_history = run_history
        self._last_progress = None
        self._refresh_part = 0
        self._show_message("")
        self._paused = False
        self._pause_pending = False
        self._pause_epoch = None
        with QSignalBlocker(self.action_pause):
            self.action_pause.setChecked(False)
            self.action_pause.setText("Pause")
        self._update_scrubber()
        self.progress_bar.setRange(0, config.epochs)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Starting…")
        self.status_label.setText("Training…")
        self.plot.show_history(run_history)
        self.plot.set_live(True, (start_x, float(first_epoch + config.epochs)))
        self._trainer.start(TrainJob(params.to_flat(), session.dataset, config, tail, max_rate=self.speed()))
        self._preview(params)
        self._refresh_timer.start()
        self._preview_timer.start()
        self._update_enabled()
        self.running_changed.emit(True)

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        if not self._trainer.is_running():
            return
        self._paused = paused
        if paused:
            self._trainer.pause()
            self._preview_timer.stop()
            # The run's paused report brings its weights (see _on_progress).
            self._pause_pending = True
            self.action_pause.setText("Resume")
            self.progress_bar.setFormat(self.progress_bar.format().split(" · paused")[0] + " · paused")
        else:
            self._pause_pending = False
            if self._pause_epoch is not None:
                # Continue from the session's weights: edited, undone, or as reached.
                params = self.session.params
                self._trainer.set_params(params.to_flat())
                self._pause_epoch = None
                self._preview(params)
                self.running_changed.emit(True)
            self._trainer.resume()
            self._preview_timer.start()
            self.action_pause.setText("Pause")

    def _commit_pause(self, progress: Progress) -> None:
        """The paused run's weights and history become the session's (one
        undo step) and the diagram shows them editable."""
        history = self._run_history
        if history is None:
            return
        epoch = history.last_epoch
        params = CellParams.from_flat(progress.weights)
        self._pause_epoch = progress.epoch
        if progress.epoch > 0 or params != self.session.params:
            # (Paused before the first epoch from the current weights: nothing changed, no step.)
            command = training_command(
                self.session, params, history.copy(), replace(self.session.training, init="current")
            )
            command.setText(f"Training (paused at epoch {epoch})")
            self._push(command)
        self._preview(None)
        self.status_label.setText(f"Paused at epoch {progress.epoch}: edit the weights, then Resume")
        self.running_changed.emit(False)

    @Slot()
    def stop_training(self) -> None:
        if self._run_history is not None:
            self._trainer.stop()
            self.progress_bar.setFormat("Stopping…")

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        history = self._run_history
        if history is None:
            return  # the last words of a run that was discarded
        if progress.new_rows is not None:
            history.append_chunk(progress.new_rows)  # the plot draws it at its next refresh
        self._last_progress = progress
        self._dirty = True
        if progress.paused and self._pause_pending and self._paused:
            self._pause_pending = False
            self._commit_pause(progress)

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
        if progress is not None and self._run_history is not None:
            self._preview(CellParams.from_flat(progress.weights))

    def _show_progress(self) -> None:
        progress = self._last_progress
        if progress is None:
            return
        self.progress_bar.setRange(0, max(1, progress.epochs_total))
        self.progress_bar.setValue(progress.epoch)
        text = (
            f"epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
            f" · {progress.epochs_per_second:,.0f} epochs/s · {_format_seconds(progress.seconds_left)} left"
        )
        status = f"Epoch {progress.epoch}, loss {progress.loss:.6g}"
        if self._paused or progress.paused:
            text = f"paused · epoch {progress.epoch} / {progress.epochs_total} · loss {progress.loss:.6g}"
            if self._pause_epoch is not None:
                status = f"Paused at epoch {progress.epoch}: edit the weights, then Resume"
        self.progress_bar.setFormat(text)
        self.status_label.setText(status)

    def _end_run(self) -> None:
        self._refresh_timer.stop()
        self._preview_timer.stop()
        self.plot.set_live(False)
        self._preview(None)
        self._run_history = None
        self._paused = False
        self._pause_pending = False
        with QSignalBlocker(self.action_pause):
            self.action_pause.setChecked(False)
            self.action_pause.setText("Pause")
        self._update_enabled()
        self.running_changed.emit(False)

    def _discard_run(self) -> None:
        """Stop and join the trainer; a run in flight ends without a result."""
        in_flight = self._run_history is not None
        self._run_history = None  # whatever it still reports is not applied
        self._trainer.shutdown(1.0)
        if in_flight:
            self._end_run()

    @Slot(object)
    def _on_finished(self, result: TrainResult) -> None:
        history = self._run_history
        if history is None:
            return  # discarded
        self.plot.refresh()
        # Epochs done since the last step this run made (its start, or a pause).
        paused_step = self._pause_epoch is not None
        epochs_since = result.epochs - (self._pause_epoch or 0)
        self._pause_epoch = None
        self._end_run()
        session = self.session
        # After a pause step, only epochs since then are news (the session may
        # hold edits the run never saw); otherwise epochs or new start weights.
        changed = epochs_since > 0 or (not paused_step and result.params != session.params)
        if changed:
            # Train again continues from the reached (or then edited) weights,
            # not from the chosen start again; undo brings the choice back.
            config = replace(session.training, init="current")
            self._push(training_command(session, result.params, history, config))
        # else: a run that changed nothing (stopped before its first epoch from
        # the current weights, or right after a pause whose step is already
        # there) adds no undo step.
        total = self._last_progress.epochs_total if self._last_progress is not None else result.epochs
        word = STATUS_WORDS.get(result.status, result.status.capitalize())
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(result.epochs, max(1, total)))
        self.progress_bar.setFormat(f"{word} · epoch {result.epochs} / {total} · loss {result.loss:.6g}")
        self.status_label.setText(finish_text(result.status, result.epochs, total, result.loss))
        if result.status == "diverged":
            lr = session.training.lr
            self._show_message(
                result.message
                or f"Training stopped at epoch {result.epochs}: the loss became NaN or infinite "
                f"(learning rate {_format_value(lr)} is too large). The last finite weights were kept."
            )
            self.status_message.emit("Training diverged; the last finite weights were kept")
        else:
            self.status_message.emit(f"Training {word.lower()} after {result.epochs} epochs, loss {result.loss:.6g}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._run_history is None:
            return  # discarded
        self._pause_epoch = None
        self._end_run()
        self.progress_bar.setFormat("Failed")
        self.status_label.setText("Failed: finished without a result")
        self._show_message(f"Training failed, the weights are unchanged: {message}")
        self.status_message.emit("Training failed")

    def _update_enabled(self) -> None:
        training = self._run_history is not None
        self.action_train.setEnabled(not training)
        self.action_pause.setEnabled(training)
        self.action_stop.setEnabled(training)
        # Only the learning rate stays editable during a run (applied at once).
        for widget in (
            self.dataset_table,
            self.button_add_row,
            self.button_remove_row,
            self.button_import,
            self.init_box,
            self.optimizer_box,
            self.momentum_edit,
            self.epochs_edit,
            self.updates_box,
            self.stop_below_edit,
            self.engine_box,
            self.plot_mode_box,
        ):
            widget.setEnabled(not training)
        self.seed_box.setEnabled(not training and self.init_box.currentData() == "random")
        self.history_slider.setEnabled(
            not training and self.session.history is not None and len(self.session.history) > 1
        )
        self.momentum_edit.setEnabled(not training and self.optimizer_box.currentData() == "sgd")

    # -- exports -------------------------------------------------------------------------
    def export_plot_png(self, path: str) -> None:
        try:
            self.plot.export_png(path)
        except OSError as error:
            self._show_message(f"Could not export the plot: {error}")
            return
        self.status_message.emit(f"Plot saved to {path}")

    def export_history_csv(self, path: str) -> None:
        """The history shown (every epoch), written atomically."""
        history = self.plot.history
        if history is None:
            history = TrainingHistory(tuple(item.name for item in self.session.dataset))
        try:
            write_history_csv(history, path)
        except OSError as error:
            self._show_message(f"Could not export the history to {path}: {error}")
            return
        self.status_message.emit(f"History saved to {path}")

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
        """Stop and join any training (called before the window closes); a
        run in flight ends without changing the session."""
        self._discard_run()
