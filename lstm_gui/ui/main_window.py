"""The main window: assembles the diagram, the stepper toolbar, the docks
(trace table, over-time plot, training), the menus and the status bar.

What it shows comes from three objects it owns: the :class:`Document` (the
one session, its undo stack and file), the :class:`Stepper` (which sequence
is stepped, its trace, the current step) and the training panel. Each widget
listens to the event it shows; the window only wires them and turns menu
actions into calls.

The parts live beside it: ``window_actions`` (actions, toolbars, menus),
``window_docks`` (the docks and their layout), ``file_actions`` (New, Open,
Save, exports, the PyTorch import), ``window_settings`` (what the window
remembers between runs), ``edit_recorder`` (a person's edits as undo
commands), ``window_preferences`` (Preferences, Keyboard Shortcuts, About,
the theme following the system), ``widget_lookup`` and ``help_text``.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSlider,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lstm_gui.core.cell import CellParams, Trace
from lstm_gui.core.preferences import Preferences
from lstm_gui.core.session import Session
from lstm_gui.ui import (
    file_actions,
    gradient_window,
    step_stages,
    widget_lookup,
    window_actions,
    window_docks,
    window_preferences,
    window_settings,
)
from lstm_gui.ui.bars import add_error_bar
from lstm_gui.ui.comparison_view import ComparisonView, show_gradient_curves
from lstm_gui.ui.diagram.scene import DiagramScene, DiagramState, DiagramView
from lstm_gui.ui.document import Document
from lstm_gui.ui.edit_recorder import EditRecorder
from lstm_gui.ui.exports import export_png, export_svg, export_torch, export_trace_csv
from lstm_gui.ui.lessons import LessonController, install_lessons
from lstm_gui.ui.preferences_panel import PreferencesPanel
from lstm_gui.ui.recovery import RecoveryKeeper
from lstm_gui.ui.settings import app_settings, theme_choice
from lstm_gui.ui.stepper import Stepper
from lstm_gui.ui.theme import diagram_colors, resolve_theme
from lstm_gui.ui.training.live_results import LiveResults
from lstm_gui.ui.training.panel import TrainingPanel
from lstm_gui.ui.widgets.input_strip import InputStrip
from lstm_gui.ui.widgets.over_time_plot import OverTimePlot
from lstm_gui.ui.widgets.trace_table import TraceTable
from lstm_gui.ui.widgets.wheel_guard import install_wheel_guard
from lstm_gui.ui.window_actions import fill_recent_menu

APP_TITLE = "lstm-gui"
DEFAULT_SIZE = QSize(1440, 900)


class MainWindow(QMainWindow):
    """The lstm-gui window around one :class:`Session` (the same object for
    the window's whole life; opening a file copies its contents in).

    Signals
    -------
    session_replaced : New, Open or an example replaced the session's contents.
    step_changed(int) : the current step changed (0 = before the first input).
    closed : the window accepted a close (after any question about unsaved changes).
    """

    session_replaced = Signal()
    step_changed = Signal(int)
    closed = Signal()

    # Made by window_actions and window_docks; typed here for the window's own code.
    action_reset: QAction
    action_step_back: QAction
    action_step_forward: QAction
    action_run: QAction
    action_go_to_end: QAction
    action_step_into: QAction
    action_step_out: QAction
    action_run_stages: QAction
    action_undo: QAction
    action_redo: QAction
    action_show_sums: QAction
    action_show_names: QAction
    theme_actions: dict[str, QAction]
    stepper_toolbar: QToolBar
    step_slider: QSlider
    step_label: QLabel
    speed_combo: QComboBox
    _icon_play: QIcon
    _icon_pause: QIcon
    trace_table: TraceTable
    plot: OverTimePlot
    training_panel: TrainingPanel
    live_results: LiveResults
    comparison_view: ComparisonView
    # window_preferences (issue 14's native feel)
    preferences: Preferences
    system_theme: str
    dock_preferences: QDockWidget
    preferences_panel: PreferencesPanel
    dock_shortcuts: QDockWidget

    def __init__(self, session: Session | None = None, path: str | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.settings = app_settings()
        #: View > Theme: "system" (follow the desktop), "light" or "dark";
        #: ``theme`` is the one drawn.
        self.theme_choice = theme_choice(self.settings)
        window_preferences.load_window_preferences(self)
        self.theme = resolve_theme(self.theme_choice, self.system_theme)
        self.document = Document(self.settings, session, self, path)
        self.session: Session = self.document.session
        self.undo_stack = self.document.undo_stack
        self.adapter = self.document.adapter
        self.stepper = Stepper(self.adapter, self)
        self.edits = EditRecorder(self.session, self.undo_stack, self.stepper, self)
        self._docks_sized = False
        self._restored_state = False
        app = QApplication.instance()
        if app is not None:
            install_wheel_guard(app)

        self._history_preview_label = ""
        self._build_central()
        window_actions.build_actions(self)
        window_actions.build_toolbar(self)
        window_docks.build_docks(self)
        window_preferences.build_preference_docks(self)
        gradient_window.install(self)  # issue 13: target, Show Gradients, Nudge, gradient plot
        show_gradient_curves(self)  # issue 13: the RNN's and GRU's curves beside the LSTM's
        window_actions.build_training_toolbar(self)
        window_actions.build_view_actions(self)
        window_actions.build_menus(self)
        self._build_status_bar()
        self._connect()

        self.resize(self.fitting_size(DEFAULT_SIZE))
        self._restore_settings()
        self._apply_theme(self.theme_choice, save=False)
        self._on_sources_changed()
        self._on_sequence_changed()
        self._on_trace_changed()
        self._show_live_results()
        self._update_title()
        # Issue 11: errors shown in a bar inside the window; unsaved changes kept for a crash.
        self.error_bar = add_error_bar(self)
        self.recovery = RecoveryKeeper(self)
        # Issue 14: the lesson panel, the Lesson menu and the tour.
        self.lessons: LessonController = install_lessons(self)

    # -- construction ------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.input_strip = InputStrip()
        layout.addWidget(self.input_strip)
        self.scene = DiagramScene(diagram_colors(self.theme), self)
        self.diagram = DiagramView(self.scene)
        layout.addWidget(self.diagram, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        self.status_step = QLabel("")
        self.status_step.setObjectName("status_step")
        self.statusBar().addPermanentWidget(self.status_step)

    def _connect(self) -> None:
        """Each widget listens to the one event it shows."""
        document, stepper, adapter, edits = self.document, self.stepper, self.adapter, self.edits
        document.modified_changed.connect(self._update_title)
        document.path_changed.connect(self._update_title)
        document.recent_changed.connect(self._on_recent_changed)
        document.replaced.connect(self.session_replaced)
        stepper.trace_changed.connect(self._on_trace_changed)
        stepper.sequence_changed.connect(self._on_sequence_changed)
        stepper.step_changed.connect(self._on_step_changed)
        stepper.stage_changed.connect(self._on_stage_changed)
        stepper.running_changed.connect(self._on_running_changed)
        adapter.dataset_changed.connect(self._on_sources_changed)

        self.input_strip.source_selected.connect(stepper.set_source)
        self.input_strip.input_edited.connect(edits.on_input_edited)
        self.input_strip.input_added.connect(edits.on_input_added)
        self.input_strip.input_removed.connect(edits.on_input_removed)
        self.input_strip.memories_edited.connect(edits.on_memories_edited)
        self.input_strip.step_clicked.connect(stepper.set_step)
        self.input_strip.refused.connect(edits.on_refused)
        self.scene.weight_committed.connect(edits.on_weight_committed)
        self.scene.weight_dragged.connect(edits.on_weight_dragged)
        self.scene.refused.connect(edits.on_refused)
        self.step_slider.valueChanged.connect(stepper.set_step)
        self.speed_combo.currentIndexChanged.connect(lambda i: self.set_speed(float(self.speed_combo.itemData(i))))
        self.trace_table.step_clicked.connect(stepper.set_step)
        self.plot.step_clicked.connect(stepper.set_step)
        self.training_panel.running_changed.connect(self._on_training_running)
        self.training_panel.history_preview.connect(self._on_history_preview)
        stepper.trace_changed.connect(self._show_live_results)
        adapter.dataset_changed.connect(self._show_live_results)
        self.training_panel.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.undo_stack.canUndoChanged.connect(self._hold_undo_while_training)
        self.undo_stack.canRedoChanged.connect(self._hold_undo_while_training)

    # -- what is shown -----------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.stepper.step

    @property
    def trace(self) -> Trace:
        return self.stepper.trace

    @property
    def path(self) -> str | None:
        return self.document.path

    def current_params(self) -> CellParams:
        return self.stepper.params()

    @Slot()
    def _on_sources_changed(self, *_: object) -> None:
        self.input_strip.set_sources([item.name for item in self.session.dataset], self.stepper.source)

    @Slot()
    def _on_sequence_changed(self) -> None:
        inputs, long0, short0, free = self.stepper.sequence()
        self.input_strip.set_sources([item.name for item in self.session.dataset], self.stepper.source)
        self.input_strip.set_sequence(inputs, free, long0, short0)

    @Slot()
    def _on_trace_changed(self) -> None:
        trace = self.stepper.trace
        self.trace_table.trace_model.set_trace(trace)
        self.plot.set_trace(trace)
        self.step_slider.blockSignals(True)
        self.step_slider.setRange(0, len(trace))
        self.step_slider.blockSignals(False)
        self._show_step()

    @Slot(object, str)
    def _on_history_preview(self, params: CellParams | None, label: str) -> None:
        """Name the preview the scrubber is about to show. It is drawn once,
        when the stepper takes the weights; only an epoch with the very same
        weights (no new trace coming) is redrawn here for its new name."""
        self._history_preview_label = label if params is not None else ""
        if params is not None and params == self.stepper.preview:
            self._show_live_results()
            self._show_step()

    def _preview_note(self) -> str:
        """What the diagram's read-only weights are, in the banner under it."""
        if self._history_preview_label:
            label = self._history_preview_label
            return f"{label[:1].upper()}{label[1:]} (read-only)"
        return "The training run's live weights (read-only)"

    @Slot()
    def _show_live_results(self, *_: object) -> None:
        """Loss and outputs at the weights the diagram shows (marked when a preview)."""
        preview = None
        if self.stepper.preview is not None:
            preview = self._history_preview_label or "live weights of the training run"
        self.live_results.show_results(self.stepper.params(), self.session.dataset, preview)

    @Slot(int)
    def _on_step_changed(self, step: int) -> None:
        self._show_step()
        self.step_changed.emit(step)

    @Slot(int)
    def _on_stage_changed(self, stage: int) -> None:
        self._show_step()
        step_stages.on_stage_changed(self, stage)

    def _show_step(self) -> None:
        stepper = self.stepper
        step, trace = stepper.step, stepper.trace
        _inputs, long0, short0, _free = stepper.sequence()
        self.scene.show_state(
            DiagramState(
                params=stepper.params(),
                long0=long0,
                short0=short0,
                step=trace[step - 1] if step >= 1 else None,
                read_only=stepper.preview is not None,
                preview_note=self._preview_note(),
                stage=stepper.stage,
            )
        )
        self.trace_table.show_step(step)
        self.plot.show_step(step)
        self.input_strip.set_current(step)
        if self.step_slider.value() != step:
            self.step_slider.blockSignals(True)
            self.step_slider.setValue(step)
            self.step_slider.blockSignals(False)
        n = len(trace)
        text = f"step {step} of {n}"
        self.step_label.setText(text)
        self.status_step.setText(text + step_stages.status_suffix(stepper))
        at_end = stepper.at_end()
        self.action_step_forward.setEnabled(not at_end)
        self.action_go_to_end.setEnabled(not at_end)
        self.action_step_back.setEnabled(step > 0)
        self.action_reset.setEnabled(step > 0)
        step_stages.update_actions(self)

    # -- stepping ------------------------------------------------------------------------
    def set_step(self, step: int) -> None:
        """Show step ``step`` (0 = before the first input), clamped to the trace."""
        self.stepper.set_step(step)

    @Slot()
    def reset(self) -> None:
        self.stepper.reset()

    @Slot()
    def step_back(self) -> None:
        self.stepper.step_back()

    @Slot()
    def step_forward(self) -> None:
        self.stepper.step_forward()

    @Slot()
    def go_to_end(self) -> None:
        self.stepper.go_to_end()

    @Slot()
    def step_into(self) -> None:
        self.stepper.step_into()

    @Slot()
    def step_out(self) -> None:
        self.stepper.step_out()

    @Slot(bool)
    def set_run_stages(self, on: bool) -> None:
        """Run plays each step's stages (Step > Run Through Stages)."""
        self.stepper.set_run_stages(on)
        self.action_run_stages.setChecked(on)

    @Slot()
    def toggle_run(self) -> None:
        self.stepper.toggle_run()
        self.action_run.setChecked(self.stepper.is_running())

    def stop_running(self) -> None:
        self.stepper.stop_running()

    def is_running(self) -> bool:
        return self.stepper.is_running()

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.action_run.setChecked(running)
        self.action_run.setText("Pause" if running else "Run")
        self.action_run.setIcon(self._icon_pause if running else self._icon_play)

    def set_speed(self, steps_per_second: float) -> None:
        self.stepper.set_speed(steps_per_second)
        index = self.speed_combo.findData(self.stepper.speed)
        if index >= 0 and index != self.speed_combo.currentIndex():
            self.speed_combo.setCurrentIndex(index)

    def select_sequence(self, source: int | str) -> None:
        """Step through the free inputs (``-1`` or ``"free"``) or a dataset
        sequence by index or name."""
        if isinstance(source, str):
            self.stepper.select_sequence(source)
        else:
            self.stepper.set_source(source)

    def set_preview_params(self, params: CellParams | None) -> None:
        """Show what ``params`` compute (read-only fields); ``None``: the session's."""
        self.stepper.set_preview(params)

    # -- training holds undo ---------------------------------------------------------
    @Slot(bool)
    def _on_training_running(self, running: bool) -> None:
        if running:
            self._hold_undo_while_training()
        else:
            self.action_undo.setEnabled(self.undo_stack.canUndo())
            self.action_redo.setEnabled(self.undo_stack.canRedo())

    @Slot()
    def _hold_undo_while_training(self, *_: object) -> None:
        # Undo during a run would change the weights under it and then be
        # lost behind the "Training" step: Undo/Redo wait for the run. The
        # stack re-enables its actions on a push (a learning rate typed during
        # the run); this slot is connected after the stack's own, so it runs last.
        if self.training_panel.is_training():
            self.action_undo.setEnabled(False)
            self.action_redo.setEnabled(False)

    def weight_field(self, gate: str, role: str) -> QLineEdit:
        """The :class:`QLineEdit` of one weight (they live in the scene)."""
        return self.scene.fields[(gate, role)]

    def value_label(self, name: str) -> QLabel:
        """A value label by its name: a gate, ``long``, ``short`` (after the
        step) or ``long_prev``, ``short_prev``, ``x``."""
        return widget_lookup.value_label(self.scene, name)

    def find_widget(self, object_name: str) -> QWidget | None:
        """``findChild`` that also looks inside the diagram's scene."""
        return widget_lookup.find_widget(self, self.scene, object_name)

    # -- modified state and title ------------------------------------------------------
    def is_modified(self) -> bool:
        """Exactly: the undo stack is not clean."""
        return self.document.is_modified()

    def _display_name(self) -> str:
        return self.document.display_name()

    @Slot()
    def _update_title(self, *_: object) -> None:
        self.setWindowTitle(f"{self._display_name()}[*] - {APP_TITLE}")
        self.setWindowModified(self.is_modified())

    # -- files (the flows live in file_actions) ----------------------------------------
    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Ask Save / Discard / Cancel (tests replace this method)."""
        return file_actions.ask_save_changes(self)

    def show_error(self, title: str, text: str) -> None:
        """Tell the person something went wrong (tests replace this method)."""
        self.statusBar().showMessage(text, 10000)
        self.error_bar.show_message(title, text)

    def maybe_save(self) -> bool:
        """True if it is fine to drop the current session."""
        return file_actions.maybe_save(self)

    def _before_replace(self) -> None:
        # A run of the old contents is discarded, not applied to the new ones.
        self.training_panel.reset()
        self.stepper.reset_view()

    @Slot()
    def new_session(self) -> None:
        file_actions.new_session(self)

    @Slot()
    def open_dialog(self) -> None:
        file_actions.open_dialog(self)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a session file; on any problem say why and keep the current one."""
        return file_actions.open_path(self, path, ask)

    def open_example(self, name: str, ask: bool = True) -> bool:
        return file_actions.open_example(self, name, ask)

    @Slot()
    def save(self) -> bool:
        return file_actions.save(self)

    @Slot()
    def save_as_dialog(self) -> bool:
        return file_actions.save_as_dialog(self)

    def save_to(self, path: str) -> bool:
        """Write the session atomically; on failure say why and keep it modified."""
        return file_actions.save_to(self, path)

    @Slot()
    def _on_recent_changed(self) -> None:
        fill_recent_menu(self)

    # -- exports --------------------------------------------------------------------
    def export_png(self, path: str, scale: float = 2.0) -> None:
        export_png(self.scene, path, scale)

    def export_svg(self, path: str) -> None:
        export_svg(self.scene, path, f"LSTM cell - {self._display_name()}")

    def export_trace_csv(self, path: str) -> None:
        export_trace_csv(self.stepper.trace, path)

    def export_torch(self, path: str) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_torch(self.current_params(), path)
        finally:
            QApplication.restoreOverrideCursor()

    @Slot()
    def import_torch_dialog(self) -> None:
        file_actions.import_torch_dialog(self)

    def import_torch(self, path: str) -> bool:
        """Read weights from an ``nn.LSTM(1, 1)`` state_dict (one undo step)."""
        return file_actions.import_torch(self, path)

    # -- view -----------------------------------------------------------------------
    def _apply_theme(self, choice: str, save: bool = True) -> None:
        """Draw with the theme ``choice`` ("system", "light", "dark")."""
        window_settings.apply_window_theme(self, choice, save)

    @Slot(Qt.ColorScheme)
    def _on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        window_preferences.on_color_scheme_changed(self, scheme)

    def show_about(self) -> None:
        """The About window with the versions, never modal."""
        window_preferences.show_about(self)

    def show_preferences(self) -> None:
        """The Preferences panel, floating beside the window, never modal."""
        height = self.preferences_panel.sizeHint().height() + 40  # its title bar
        window_preferences.show_dock(self, self.dock_preferences, 400, height)

    def show_keyboard_shortcuts(self) -> None:
        """Every action with a shortcut, grouped by menu, in a floating panel."""
        window_preferences.show_dock(self, self.dock_shortcuts, 500, 620)  # its longest name unelided

    def set_preferences(self, preferences: Preferences, save: bool = True) -> None:
        """Apply ``preferences`` at once and remember them (not an undo step)."""
        window_preferences.set_preferences(self, preferences, save)

    def animation_speed(self) -> float:
        """The animation speed factor chosen in Preferences (1 = normal): an
        animation that takes t ms at normal speed takes t / factor ms."""
        return self.preferences.animation_speed

    def show_how_to_read(self) -> None:
        """The help beside the window, never modal: a floating panel next to
        the diagram it explains (double-click its title to dock it)."""
        window_docks.show_how_to_read(self)

    # -- settings and closing ------------------------------------------------------------
    def _restore_settings(self) -> None:
        window_settings.restore_settings(self)

    def _save_settings(self) -> None:
        window_settings.save_settings(self)

    #: Below this window width the stepper's buttons show icons only (their
    #: names stay in the tooltips), so Train/Pause/Stop stay on the toolbar.
    #: 1400 since Step Into and Step Out joined them (at 1340 Stop fell off).
    COMPACT_TOOLBAR_WIDTH = 1400

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.width() < self.COMPACT_TOOLBAR_WIDTH
        style = Qt.ToolButtonStyle.ToolButtonIconOnly if compact else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if self.stepper_toolbar.toolButtonStyle() != style:
            self.stepper_toolbar.setToolButtonStyle(style)
            self.step_slider.setMinimumWidth(100 if compact else 160)

    def fitting_size(self, wanted: QSize) -> QSize:
        """``wanted``, but no larger than the screen's free area (a 1024x700
        screen must not get a 1440x900 window with its training column off-screen)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return wanted
        return wanted.boundedTo(screen.availableGeometry().size())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            if not self._restored_state:
                self.reset_layout()  # the default layout for this window's size

    def size_docks(self) -> None:
        """Default panel sizes for this window size (see :func:`window_docks.size_docks`)."""
        window_docks.size_docks(self)

    @Slot(bool)
    def _on_show_sums(self, shown: bool) -> None:
        window_settings.show_sums(self, shown)

    @Slot(bool)
    def _on_show_names(self, shown: bool) -> None:
        window_settings.show_names(self, shown)

    @Slot()
    def reset_layout(self) -> None:
        """The panels where they start, shown, docked and sized for this window."""
        window_docks.reset_layout(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.recovery.interrupted and not self.maybe_save():
            event.ignore()
            return
        self.stop_running()
        self.training_panel.shutdown()
        self.comparison_view.shutdown()
        window_preferences.disconnect_scheme(self)
        self._save_settings()
        self.adapter.unbind()
        self.recovery.closed()
        event.accept()
        # Embedded widgets (the weight fields) otherwise outlive the scene at
        # interpreter exit and crash PySide6's teardown.
        self.scene.clear()
        self.closed.emit()
