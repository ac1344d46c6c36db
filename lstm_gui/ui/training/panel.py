"""Training panel (dock): dataset table, settings, Train/Pause/Stop, live plots.

The panel assembles its parts, each bound to what it shows:

- :class:`~lstm_gui.ui.training.dataset_table.DatasetEditor`: the dataset;
- :class:`~lstm_gui.ui.training.settings_form.SettingsForm`: the settings;
- :class:`~lstm_gui.ui.training.controller.TrainingController`: the runs,
  their progress and their results as undo steps;
- :class:`~lstm_gui.ui.training.plot.TrainingPlot` and
  :class:`~lstm_gui.ui.training.scrubber.HistoryScrubber`: the history.

They listen to the window's :class:`~lstm_gui.ui.adapter.SessionAdapter` and
turn a person's actions into undo commands on the session and calls on a
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

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QResizeEvent, QUndoStack
from PySide6.QtWidgets import QFileDialog, QLabel, QSplitter, QToolBar, QVBoxLayout, QWidget

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.session import Session
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory, write_history_csv
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.commands import settings_command
from lstm_gui.ui.training.controller import STATUS_WORDS, TrainingController, finish_text
from lstm_gui.ui.training.controls import CollapsibleSection, format_value
from lstm_gui.ui.training.dataset_table import DatasetEditor
from lstm_gui.ui.training.plot import TrainingPlot
from lstm_gui.ui.training.scrubber import HistoryScrubber
from lstm_gui.ui.training.settings_form import (
    ENGINE_CHOICES,
    INIT_CHOICES,
    OPTIMIZER_CHOICES,
    SPEED_CHOICES,
    SettingsForm,
    changed_setting,
    describe,
)
from lstm_gui.ui.training.trainers import Trainer

__all__ = [
    "DEFAULT_TRAINER",
    "ENGINE_CHOICES",
    "INIT_CHOICES",
    "OPTIMIZER_CHOICES",
    "SPEED_CHOICES",
    "STATUS_WORDS",
    "WIDE_LAYOUT",
    "CollapsibleSection",
    "TrainingPanel",
    "finish_text",
]

#: Which trainer runs the loop (see trainers.py and benchmarks/bench_responsive.py).
DEFAULT_TRAINER = "process"
#: Panels narrower than WIDE_LAYOUT (px), e.g. a column docked beside the
#: diagram, show the plots below the settings; wider ones beside them.
WIDE_LAYOUT = 780


#: Height (px) the plots need on screen; sections fold to give it to them.
PLOT_ROOM = 260


def dataset_summary(dataset: tuple[DatasetItem, ...]) -> str:
    """``Company A → 0, Company B → 1`` (the first three, then a count)."""
    if not dataset:
        return "empty"
    named = [f"{item.name} \u2192 {format_value(item.target)}" for item in dataset[:3]]
    more = f", \u2026 ({len(dataset)} in all)" if len(dataset) > 3 else ""
    return ", ".join(named) + more


def settings_summary(config: TrainConfig) -> str:
    """``Adam, lr 0.001, 5000 epochs`` (short enough for the column's header)."""
    optimizer = dict(OPTIMIZER_CHOICES).get(config.optimizer, config.optimizer).split(" ")[0]
    return f"{optimizer}, lr {format_value(config.lr)}, {config.epochs} epochs"


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
    breakpoint_paused(str, int) : the run paused at a training breakpoint
        (its condition) at this epoch of the history.
    """

    running_changed = Signal(bool)
    status_message = Signal(str)
    history_preview = Signal(object, str)
    breakpoint_paused = Signal(str, int)

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

        self.plot = TrainingPlot()
        self.plot.setMinimumSize(240, 300)
        self.dataset_editor = DatasetEditor(adapter, undo_stack)
        self.settings_form = SettingsForm(adapter, undo_stack)
        self.controller = TrainingController(adapter, undo_stack, preview, self.plot, trainer, self)
        self.scrubber = HistoryScrubber(adapter, undo_stack, preview, self.plot)
        self._forward_parts()
        self._build_actions()
        self._build_ui()
        self._connect_parts()
        adapter.dataset_changed.connect(self._on_dataset_changed)
        adapter.training_config_changed.connect(self._on_config_changed)
        adapter.history_changed.connect(self._on_history_changed)
        self._show_session()

    def _forward_parts(self) -> None:
        """The parts' widgets and actions under the names the panel always had."""
        editor, form, controller, scrubber = self.dataset_editor, self.settings_form, self.controller, self.scrubber
        self.dataset_table = editor.dataset_table
        self.dataset_error = editor.dataset_error
        self.button_add_row = editor.button_add_row
        self.button_remove_row = editor.button_remove_row
        self.button_import = editor.button_import
        self.button_export = editor.button_export
        self.init_box = form.init_box
        self.seed_box = form.seed_box
        self.optimizer_box = form.optimizer_box
        self.lr_edit = form.lr_edit
        self.momentum_edit = form.momentum_edit
        self.epochs_edit = form.epochs_edit
        self.updates_box = form.updates_box
        self.stop_below_edit = form.stop_below_edit
        self.engine_box = form.engine_box
        self.plot_mode_box = form.plot_mode_box
        self.speed_box = form.speed_box
        self.settings_error = form.settings_error
        self.action_train = controller.action_train
        self.action_pause = controller.action_pause
        self.action_stop = controller.action_stop
        self.progress_bar = controller.progress_bar
        self.status_label = controller.status_label
        self.history_slider = scrubber.history_slider
        self.history_label = scrubber.history_label
        self.history_use = scrubber.history_use
        self.history_back = scrubber.history_back
        self.action_back_to_current = scrubber.action_back_to_current

    def _connect_parts(self) -> None:
        self.action_train.triggered.connect(self.start_training)
        self.controller.running_changed.connect(self.running_changed)
        self.controller.run_active_changed.connect(self._on_run_active_changed)
        self.controller.message.connect(self._show_message)
        self.settings_form.lr_edited.connect(self.controller.on_lr_edited)
        self.settings_form.speed_changed.connect(self.controller.on_speed_changed)
        self.scrubber.history_preview.connect(self.history_preview)
        # Issue 12: a training breakpoint pauses the run; the scrubber shows the epoch.
        self.controller.breakpoint_paused.connect(self._on_breakpoint_paused)
        self.controller.running_changed.connect(self._on_running_changed)
        for part in (self.controller, self.dataset_editor, self.scrubber):
            part.status_message.connect(self.status_message)

    # -- construction ----------------------------------------------------------
    def _build_actions(self) -> None:
        self.action_log_loss = QAction("Log loss", self)
        self.action_log_loss.setObjectName("action_train_log_loss")
        self.action_log_loss.setCheckable(True)
        self.action_log_loss.setToolTip("Show the loss on a logarithmic scale")
        self.action_log_loss.toggled.connect(self.plot.set_log_loss)
        self.action_export_png = QAction("Export plot…", self)
        self.action_export_png.setObjectName("action_train_export_png")
        self.action_export_png.setToolTip("Save the plots as a PNG picture")
        self.action_export_png.triggered.connect(self._on_export_png)
        self.action_export_history = QAction("Export history…", self)
        self.action_export_history.setObjectName("action_train_export_history")
        self.action_export_history.setToolTip("Save loss, outputs and weights per epoch as CSV")
        self.action_export_history.triggered.connect(self._on_export_history)
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

        # The dataset starts folded (its header names the sequences), so the
        # settings and the curves fit in the column beside the diagram.
        self.dataset_section = CollapsibleSection("train_dataset", "Dataset", self.dataset_editor, expanded=False)
        self.settings_section = CollapsibleSection("train_settings", "Settings", self.settings_form)
        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        controls_layout.addWidget(self.dataset_section, 1)
        controls_layout.addWidget(self.settings_section, 0)
        controls_layout.addStretch(0)
        self._controls = controls
        for section in (self.dataset_section, self.settings_section):
            section.expanded_changed.connect(self._fit_controls)
        # A refusal's reason is never hidden in a folded section.
        self.dataset_editor.error_shown.connect(lambda _text: self.dataset_section.set_expanded(True))
        self.settings_form.settings_error_shown.connect(lambda _text: self.settings_section.set_expanded(True))
        controls.setMinimumWidth(240)

        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(0)
        plots_layout.addWidget(self.plot, 1)
        plots_layout.addWidget(self.scrubber)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("train_splitter")
        splitter.addWidget(controls)
        splitter.addWidget(plots)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([360, 640])

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
        self.dataset_editor.show_dataset(session.dataset)
        self._show_sequences(session.dataset)
        self.settings_form.show_config(session.training, every_field=True)
        self.settings_section.set_summary(settings_summary(session.training))
        self.controller.show_history(session.history)
        self.scrubber.update_range()

    def reset(self) -> None:
        """End any run without applying its result and show the session
        afresh, with no leftover message (the window calls this when New or
        Open put another file's values into its session)."""
        self.controller.discard_run()
        self._show_session()
        self._show_message("")
        self.dataset_editor.show_error("")
        self.speed_box.setCurrentIndex(0)

    @Slot(str)
    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    @Slot(object)
    def _on_dataset_changed(self, dataset: tuple[DatasetItem, ...]) -> None:
        self._show_sequences(dataset)

    def _show_sequences(self, dataset: tuple[DatasetItem, ...]) -> None:
        self.plot.set_sequences([d.name for d in dataset], [d.target for d in dataset])
        self.dataset_section.set_summary(dataset_summary(dataset))

    @Slot(object)
    def _on_config_changed(self, config: TrainConfig) -> None:
        self.settings_section.set_summary(settings_summary(config))

    def make_room_for_plots(self, visible_height: int) -> None:
        """Fold the dataset, then the settings, while the plots would get less
        than :data:`PLOT_ROOM` px of ``visible_height`` (the column's height on
        screen); their headers keep saying what they hold."""
        for section in (self.dataset_section, self.settings_section):
            if visible_height - self._controls_height() >= PLOT_ROOM:
                return
            section.set_expanded(False)

    def _controls_height(self) -> int:
        return self._controls.sizeHint().height() + 120  # + toolbar, scrubber and margins

    @Slot(object)
    def _on_history_changed(self, history: TrainingHistory | None) -> None:
        if not self.controller.in_run():  # while training, the plot shows the run's rows
            self.scrubber.leave_preview()
            self.controller.show_history(history)
            self.scrubber.update_range()

    @Slot(str, int)
    def _on_breakpoint_paused(self, condition: str, epoch: int) -> None:
        self.scrubber.sit_at(epoch)
        self.breakpoint_paused.emit(condition, epoch)

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if running and self.controller.in_run():
            self.scrubber.update_range()  # resumed: the slider rests again until the run ends

    @Slot(bool)
    def _on_run_active_changed(self, active: bool) -> None:
        # Only the learning rate and the speed stay editable during a run (applied at once).
        self.dataset_editor.set_editable(not active)
        self.settings_form.set_running(active)
        self.scrubber.set_live(active)

    # -- the parts' API, as the panel always offered it -----------------------------
    def add_sequence(self) -> None:
        self.dataset_editor.add_sequence()

    def remove_selected_sequences(self) -> None:
        self.dataset_editor.remove_selected_sequences()

    def import_dataset_csv(self, path: str) -> None:
        """Replace the dataset with a CSV file's (one undo step)."""
        self.dataset_editor.import_dataset_csv(path)

    def export_dataset_csv(self, path: str) -> None:
        self.dataset_editor.export_dataset_csv(path)

    def read_config(self) -> TrainConfig:
        """The settings as typed and chosen. Every refused field is marked;
        raises the first one's :class:`FieldError`."""
        return self.settings_form.read_config()

    def speed(self) -> float | None:
        """The chosen speed limit in epochs per second (None: as fast as possible)."""
        return self.settings_form.speed()

    def preview_epoch(self, epoch: int) -> None:
        """Move the scrubber to ``epoch`` (as a person would)."""
        self.scrubber.preview_epoch(epoch)

    def back_to_current(self) -> None:
        """Leave the history preview: the slider to the end, the session's weights."""
        self.scrubber.back_to_current()

    def use_history_weights(self) -> None:
        """The previewed epoch's weights become the session's (one undo step)."""
        self.scrubber.use_history_weights()

    @property
    def trainer(self) -> Trainer:
        """What runs the training (its signals show every progress report)."""
        return self.controller.trainer

    @property
    def _trainer(self) -> Trainer:  # the name benchmarks/bench_responsive.py uses
        return self.controller.trainer

    def set_trainer(self, trainer: str | Trainer) -> None:
        """Train with ``trainer`` from the next run on (``"process"``,
        ``"thread"``, ``"thread:SECONDS"`` or a :class:`Trainer`); ends any
        run without applying it."""
        self.controller.set_trainer(trainer)

    def is_training(self) -> bool:
        """True while a run changes the weights; False when idle and while
        a run is paused for edits (its weights are then the session's)."""
        return self.controller.is_training()

    # -- running -----------------------------------------------------------------------
    @Slot()
    def start_training(self) -> None:
        """Start a new run (a fresh optimizer) from the chosen start weights."""
        if not self.controller.can_start():
            return
        try:
            config = self.read_config()
        except FieldError as error:
            self._show_message(f"Cannot train: {describe(error)}")
            return
        session = self.session
        if not session.dataset:
            self._show_message("Cannot train: the dataset is empty; add a sequence first.")
            return
        self.dataset_editor.show_error("")
        self.scrubber.leave_preview()
        if config != session.training:
            # Typed but not yet committed (Ctrl+T in a field): its own step.
            self._undo_stack.push(settings_command(session, config, changed_setting(session.training, config)))
        # The curves are what to watch now: fold the dataset and the settings
        # (their headers still say what runs; a click opens them again).
        self.dataset_section.set_expanded(False)
        self.settings_section.set_expanded(False)
        self.controller.start(config, self.settings_form.continues_plot(), self.speed())

    @Slot()
    def stop_training(self) -> None:
        self.controller.stop_training()

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
        self.controller.discard_run()
