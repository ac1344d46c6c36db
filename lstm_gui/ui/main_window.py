"""The main window: assembles the diagram, the stepper toolbar, the docks
(trace table, over-time plot, training), the menus and the status bar.

What it shows comes from three objects it owns: the :class:`Document` (the
one session, its undo stack and file), the :class:`Stepper` (which sequence
is stepped, its trace, the current step) and the training panel. Each widget
listens to the event it shows; the window only wires them and turns menu
actions into calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSlider,
    QStyle,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lstm_gui import __version__
from lstm_gui.core.cell import CellParams, Trace
from lstm_gui.core.files.session_file import example_names
from lstm_gui.core.session import Session
from lstm_gui.ui.bars import add_error_bar
from lstm_gui.ui.commands import inputs_command, memories_command, params_command, weight_command
from lstm_gui.ui.diagram.scene import DiagramScene, DiagramState, DiagramView
from lstm_gui.ui.document import Document
from lstm_gui.ui.exports import export_png, export_svg, export_torch, export_trace_csv
from lstm_gui.ui.recovery import RecoveryKeeper
from lstm_gui.ui.settings import app_settings
from lstm_gui.ui.stepper import DEFAULT_SPEED, SPEEDS, Stepper
from lstm_gui.ui.theme import THEMES, apply_theme, diagram_colors
from lstm_gui.ui.training.live_results import LiveResults
from lstm_gui.ui.training.panel import TrainingPanel
from lstm_gui.ui.widgets.input_strip import InputStrip
from lstm_gui.ui.widgets.over_time_plot import OverTimePlot
from lstm_gui.ui.widgets.trace_table import TraceTable
from lstm_gui.ui.widgets.wheel_guard import install_wheel_guard

APP_TITLE = "lstm-gui"
DEFAULT_SIZE = QSize(1440, 900)

HOW_TO_READ = """<h3>How to read the diagram</h3>
<p>The <b style="color:#2e9e4f">green line</b> at the top is the <b>long-term memory</b> (the cell state);
the <b style="color:#e0457b">pink line</b> at the bottom is the <b>short-term memory</b> (the hidden state,
also the cell's output); the grey line below it is the <b>input</b>.</p>
<p>Each block is a gate: it adds <i>weight x short-term memory</i> + <i>weight x input</i> + <i>bias</i> and
squashes the sum: <b style="color:#2f6fd6">blue</b> blocks with a sigmoid (0 to 1, a percentage),
the <b style="color:#ef8a17">orange</b> block with tanh (-1 to 1, a potential memory).
The numbers on the arrows are the weights, the one inside the block is its bias: type a new value and press Enter.</p>
<ol><li><b>Forget</b>: the forget gate says what % of the long-term memory to keep.</li>
<li><b>Remember something new</b>: the candidate proposes a potential long-term memory; the input gate
says what % of it to add.</li>
<li><b>Output</b>: tanh of the new long-term memory is a potential short-term memory; the output gate says
what % of it becomes the new short-term memory.</li></ol>
<p>The fill of each block shows its value (legend at the bottom right). Hover a block for its formula with
the numbers filled in; <b>View &gt; Show Sums</b> writes every sum on the diagram. Step through the inputs
with the toolbar or the arrow keys (&rarr; forward, &larr; back, Home to step 0, before the first input).</p>
<h3>Training</h3>
<p>The <b>Training</b> panel beside the diagram trains the 12 numbers on the dataset (StatQuest's Company A
&rarr; 0 and Company B &rarr; 1): each sequence starts from memories 0 and its final short-term memory should
reach its target. The loss is the sum of the squared errors. Press <b>Train</b> (Ctrl+T); the curves show the
loss, each output against its target, and the weights (named as in the notebook: wlr1, wlr2, blr1 for the
forget gate, wpr&hellip; for the input gate, wp&hellip; for the candidate, wo&hellip; for the output gate).
While it runs the diagram follows the live weights; Pause lets you edit a weight and Resume continues
from it. The result is one undo step. Drag the <b>epoch</b> slider under the plots to see the weights of
any epoch on the diagram, and <b>Use these weights</b> to keep them.</p>"""


def _about_file(path: str, exc: Exception) -> str:
    """The error for a person: the core's messages already start with the path."""
    text = str(exc)
    return text if text.startswith(str(path)) else f"{path}:\n{text}"


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

    def __init__(self, session: Session | None = None, path: str | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.settings = app_settings()
        self.theme = str(self.settings.value("theme", "light"))
        if self.theme not in THEMES:
            self.theme = "light"
        self.document = Document(self.settings, session, self, path)
        self.session: Session = self.document.session
        self.undo_stack = self.document.undo_stack
        self.adapter = self.document.adapter
        self.stepper = Stepper(self.adapter, self)
        self._docks_sized = False
        self._restored_state = False
        app = QApplication.instance()
        if app is not None:
            install_wheel_guard(app)

        self._build_central()
        self._build_actions()
        self._build_toolbar()
        self._build_docks()
        self._build_training_toolbar()
        self._build_view_actions()
        self._build_menus()
        self._build_status_bar()
        self._connect()

        self.resize(DEFAULT_SIZE)
        self._restore_settings()
        self._apply_theme(self.theme, save=False)
        self._on_sources_changed()
        self._on_sequence_changed()
        self._on_trace_changed()
        self._show_live_results()
        self._update_title()
        # Issue 11: errors shown in a bar inside the window; unsaved changes kept for a crash.
        self.error_bar = add_error_bar(self)
        self.recovery = RecoveryKeeper(self)

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

    def _action(
        self,
        text: str,
        name: str,
        slot: Any,
        shortcut: Any = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        # Stepper keys are plain keys: a focused text field gets them first
        # (QLineEdit accepts the ShortcutOverride for Left/Right/Home/End/Space).
        self.action_reset = self._action(
            "Reset", "action_reset", self.reset, "Home", "Back to step 0, before the first input"
        )
        self.action_step_back = self._action("Step back", "action_step_back", self.step_back, "Left", "One step back")
        self.action_step_forward = self._action(
            "Step forward", "action_step_forward", self.step_forward, "Right", "One step forward"
        )
        self.action_run = self._action(
            "Run", "action_run", self.toggle_run, "Space", "Step through the inputs one by one; press again to pause"
        )
        self.action_run.setCheckable(True)
        self.action_go_to_end = self._action(
            "Go to end", "action_go_to_end", self.go_to_end, "End", "Jump to the last step"
        )

        self.action_new = self._action(
            "&New",
            "action_new",
            self.new_session,
            QKeySequence.StandardKey.New,
            "Start a new session with the notebook's weights",
        )
        self.action_open = self._action(
            "&Open...", "action_open", self.open_dialog, QKeySequence.StandardKey.Open, "Open a session file"
        )
        self.action_save = self._action(
            "&Save", "action_save", self.save, QKeySequence.StandardKey.Save, "Save the session"
        )
        self.action_save_as = self._action(
            "Save &As...",
            "action_save_as",
            self.save_as_dialog,
            QKeySequence.StandardKey.SaveAs,
            "Save the session under a new name",
        )
        self.action_export_png = self._action(
            "Export Diagram as &PNG...",
            "action_export_png",
            lambda: self._export_dialog("png"),
            None,
            "Save a picture of the diagram",
        )
        self.action_export_svg = self._action(
            "Export Diagram as &SVG...",
            "action_export_svg",
            lambda: self._export_dialog("svg"),
            None,
            "Save the diagram as vector graphics",
        )
        self.action_export_csv = self._action(
            "Export Trace as &CSV...",
            "action_export_csv",
            lambda: self._export_dialog("csv"),
            None,
            "Save the trace table as CSV",
        )
        self.action_export_torch = self._action(
            "Export PyTorch state_dict...",
            "action_export_torch",
            lambda: self._export_dialog("pt"),
            None,
            "Save the weights as the state_dict of nn.LSTM(1, 1)",
        )
        self.action_import_torch = self._action(
            "Import PyTorch state_dict...",
            "action_import_torch",
            self.import_torch_dialog,
            None,
            "Read the weights from an nn.LSTM(1, 1) state_dict",
        )
        self.action_quit = self._action(
            "&Quit", "action_quit", self.close, QKeySequence.StandardKey.Quit, "Close the window"
        )

        self.action_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.action_undo.setObjectName("action_undo")
        self.action_undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.action_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.action_redo.setObjectName("action_redo")
        self.action_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        self.addAction(self.action_undo)
        self.addAction(self.action_redo)

        self.action_zoom_in = self._action(
            "Zoom &In", "action_zoom_in", self.diagram.zoom_in, ["Ctrl+=", "Ctrl++"], "Make the diagram bigger"
        )
        self.action_zoom_out = self._action(
            "Zoom &Out", "action_zoom_out", self.diagram.zoom_out, ["Ctrl+-"], "Make the diagram smaller"
        )
        self.action_zoom_fit = self._action(
            "&Fit to Window",
            "action_zoom_fit",
            lambda: self.diagram.set_zoom(1.0),
            "Ctrl+0",
            "Fit the whole diagram in the window",
        )

    def _build_training_toolbar(self) -> None:
        """Train, Pause and Stop always in reach (the panel's own actions)."""
        panel = self.training_panel
        bar = QToolBar("Training")
        bar.setObjectName("toolbar_training")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()
        for action, icon in (
            (panel.action_train, QStyle.StandardPixmap.SP_MediaPlay),
            (panel.action_pause, QStyle.StandardPixmap.SP_MediaPause),
            (panel.action_stop, QStyle.StandardPixmap.SP_MediaStop),
        ):
            if action.icon().isNull():
                action.setIcon(style.standardIcon(icon))
            bar.addAction(action)
        self.training_toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Stepper")
        bar.setObjectName("toolbar_stepper")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()
        for action, icon in (
            (self.action_reset, QStyle.StandardPixmap.SP_MediaSkipBackward),
            (self.action_step_back, QStyle.StandardPixmap.SP_MediaSeekBackward),
            (self.action_run, QStyle.StandardPixmap.SP_MediaPlay),
            (self.action_step_forward, QStyle.StandardPixmap.SP_MediaSeekForward),
            (self.action_go_to_end, QStyle.StandardPixmap.SP_MediaSkipForward),
        ):
            action.setIcon(style.standardIcon(icon))
            bar.addAction(action)
        self._icon_play = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._icon_pause = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        bar.addSeparator()
        self.step_slider = QSlider(Qt.Orientation.Horizontal)
        self.step_slider.setObjectName("step_slider")
        self.step_slider.setToolTip("The current step (0 = before the first input)")
        self.step_slider.setMinimumWidth(160)
        bar.addWidget(self.step_slider)
        self.step_label = QLabel("step 0 of 0")
        self.step_label.setObjectName("step_label")
        self.step_label.setMinimumWidth(110)
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.step_label)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("run_speed")
        self.speed_combo.setToolTip("Steps per second while running")
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g} steps/s", speed)
        bar.addWidget(self.speed_combo)
        self.stepper_toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_docks(self) -> None:
        # The training panel is a column beside the diagram (the right dock
        # area owns both right corners, so it runs the full height); the trace
        # table and the over-time plot sit below the diagram, side by side.
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.trace_table = TraceTable()
        self.dock_trace = self._dock(
            "Trace table", "dock_trace", self.trace_table, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.plot = OverTimePlot(colors=diagram_colors(self.theme))
        self.dock_plot = self._dock("Over time", "dock_plot", self.plot, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.dock_trace, self.dock_plot, Qt.Orientation.Horizontal)
        self.training_panel = TrainingPanel(self.adapter, self.undo_stack, self.stepper.set_preview, self)
        # In a scroll area: on a short screen the panel scrolls, never the window.
        scroll = QScrollArea()
        scroll.setObjectName("training_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.training_panel)
        # The progress bar and status stay in sight below the scrolling panel.
        training_box = QWidget()
        box_layout = QVBoxLayout(training_box)
        box_layout.setContentsMargins(0, 0, 6, 4)
        box_layout.setSpacing(2)
        # Live results for the weights shown stay in sight at the column's top.
        self.live_results = LiveResults()
        self._history_preview_label = ""
        box_layout.addWidget(self.live_results)
        box_layout.addWidget(scroll, 1)
        box_layout.addWidget(self.training_panel.status_strip)
        self.dock_training = self._dock(
            "Training", "dock_training", training_box, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.help_view = QTextBrowser()
        self.help_view.setObjectName("help_view")
        self.help_view.setOpenExternalLinks(True)
        self.help_view.setHtml(HOW_TO_READ)
        self.dock_help = self._dock(
            "How to read the diagram", "dock_help", self.help_view, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dock_help.hide()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(area, dock)
        return dock

    def _build_view_actions(self) -> None:
        self.action_view_training = self.dock_training.toggleViewAction()
        self.action_view_training.setObjectName("action_view_training")
        self.action_view_training.setText("&Training Panel")
        self.action_view_training.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.action_view_training.setToolTip("Show or hide the training panel beside the diagram (Ctrl+Shift+T)")
        self.addAction(self.action_view_training)
        self.action_show_sums = self._action(
            "Show &Sums",
            "action_show_sums",
            self._on_show_sums,
            None,
            "Write each gate's sum on the diagram, the video's way: w x short + w x input + bias = sum -> value",
        )
        self.action_show_sums.setCheckable(True)
        self.action_show_names = self._action(
            "Show Parameter &Names",
            "action_show_names",
            self._on_show_names,
            None,
            "Label each weight and bias with its notebook name (wlr1 ... bo1)",
        )
        self.action_show_names.setCheckable(True)
        self.action_reset_layout = self._action(
            "&Reset Layout",
            "action_reset_layout",
            self.reset_layout,
            None,
            "Put the panels back where they start: training beside the diagram, trace and plot below",
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.action_new)
        file_menu.addAction(self.action_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menu_recent")
        self.examples_menu = file_menu.addMenu("&Examples")
        self.examples_menu.setObjectName("menu_examples")
        for name in example_names():
            action = self.examples_menu.addAction(name.replace("_", " ").capitalize())
            action.setObjectName(f"action_example_{name}")
            action.triggered.connect(lambda _=False, n=name: self.open_example(n))
        file_menu.addSeparator()
        file_menu.addAction(self.action_save)
        file_menu.addAction(self.action_save_as)
        file_menu.addSeparator()
        for action in (self.action_export_png, self.action_export_svg, self.action_export_csv):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.action_export_torch)
        file_menu.addAction(self.action_import_torch)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        self._on_recent_changed()

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.action_undo)
        edit_menu.addAction(self.action_redo)
        edit_menu.addSeparator()
        self.action_copy_trace = self._action(
            "Copy Trace Rows",
            "action_copy_trace",
            self.trace_table.copy_selection,
            None,
            "Copy the selected trace rows (all if none) as text",
        )
        edit_menu.addAction(self.action_copy_trace)

        training_menu = bar.addMenu("&Training")
        training_menu.setObjectName("menu_training")
        panel = self.training_panel
        for action in (panel.action_train, panel.action_pause, panel.action_stop):
            training_menu.addAction(action)

        step_menu = bar.addMenu("&Step")
        for action in (
            self.action_reset,
            self.action_step_back,
            self.action_run,
            self.action_step_forward,
            self.action_go_to_end,
        ):
            step_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        theme_menu = view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = QAction(theme.capitalize(), self, checkable=True)
            action.setObjectName(f"action_theme_{theme}")
            action.setChecked(theme == self.theme)
            action.triggered.connect(lambda _=False, t=theme: self._apply_theme(t))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[theme] = action
        view_menu.addSeparator()
        view_menu.addAction(self.action_show_sums)
        view_menu.addAction(self.action_show_names)
        view_menu.addSeparator()
        view_menu.addAction(self.action_view_training)
        for dock in (self.dock_trace, self.dock_plot):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.action_reset_layout)
        view_menu.addSeparator()
        for action in (self.action_zoom_in, self.action_zoom_out, self.action_zoom_fit):
            view_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action(
                "How to Read the Diagram",
                "action_how_to_read",
                self.show_how_to_read,
                QKeySequence.StandardKey.HelpContents,
                "What the lines, blocks and numbers mean",
            )
        )
        help_menu.addAction(
            self._action("&About lstm-gui", "action_about", self.show_about, None, "Version and credits")
        )

    def _build_status_bar(self) -> None:
        self.status_step = QLabel("")
        self.status_step.setObjectName("status_step")
        self.statusBar().addPermanentWidget(self.status_step)

    def _connect(self) -> None:
        """Each widget listens to the one event it shows."""
        document, stepper, adapter = self.document, self.stepper, self.adapter
        document.modified_changed.connect(self._update_title)
        document.path_changed.connect(self._update_title)
        document.recent_changed.connect(self._on_recent_changed)
        document.replaced.connect(self.session_replaced)
        stepper.trace_changed.connect(self._on_trace_changed)
        stepper.sequence_changed.connect(self._on_sequence_changed)
        stepper.step_changed.connect(self._on_step_changed)
        stepper.running_changed.connect(self._on_running_changed)
        adapter.dataset_changed.connect(self._on_sources_changed)

        self.input_strip.source_selected.connect(stepper.set_source)
        self.input_strip.input_edited.connect(self._on_input_edited)
        self.input_strip.input_added.connect(self._on_input_added)
        self.input_strip.input_removed.connect(self._on_input_removed)
        self.input_strip.memories_edited.connect(self._on_memories_edited)
        self.input_strip.step_clicked.connect(stepper.set_step)
        self.input_strip.refused.connect(self._on_refused)
        self.scene.weight_committed.connect(self._on_weight_committed)
        self.scene.weight_dragged.connect(self._on_weight_dragged)
        self.scene.refused.connect(self._on_refused)
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
        self._history_preview_label = label if params is not None else ""
        self._show_live_results()
        self._show_step()  # the banner says what the diagram shows

    def _preview_note(self) -> str:
        """What the diagram's read-only weights are, in the banner under it."""
        if self._history_preview_label:
            return (
                f"{self._history_preview_label[:1].upper()}{self._history_preview_label[1:]} (read-only): "
                "Use these weights or Back to current in the training panel"
            )
        return "Showing the weights of the training run (read-only until it ends)"

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
        self.status_step.setText(text)
        at_end = step >= n
        self.action_step_forward.setEnabled(not at_end)
        self.action_go_to_end.setEnabled(not at_end)
        self.action_step_back.setEnabled(step > 0)
        self.action_reset.setEnabled(step > 0)

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

    # -- edits (each one undo step) ----------------------------------------------------
    @Slot(str, str, float)
    def _on_weight_committed(self, gate: str, role: str, value: float) -> None:
        if self.stepper.preview is not None:
            return
        self.undo_stack.push(weight_command(self.session, gate, role, value))
        self.statusBar().showMessage(f"{gate} {role} = {value!r}", 4000)

    @Slot(str, str, float, int)
    def _on_weight_dragged(self, gate: str, role: str, value: float, drag_id: int) -> None:
        if self.stepper.preview is None:  # every move of one drag: one undo step
            self.undo_stack.push(weight_command(self.session, gate, role, value, merge_key=f"drag:{drag_id}"))

    @Slot(int, float)
    def _on_input_edited(self, index: int, value: float) -> None:
        inputs = list(self.session.inputs)
        inputs[index] = value
        self.undo_stack.push(inputs_command(self.session, inputs, f"Set input {index + 1}"))

    @Slot()
    def _on_input_added(self) -> None:
        inputs = list(self.session.inputs)
        inputs.append(inputs[-1] if inputs else 0.0)
        self.undo_stack.push(inputs_command(self.session, inputs, "Add an input"))

    @Slot(int)
    def _on_input_removed(self, index: int) -> None:
        inputs = list(self.session.inputs)
        if len(inputs) <= 1:
            return
        del inputs[index]
        self.undo_stack.push(inputs_command(self.session, inputs, f"Remove input {index + 1}"))

    @Slot(float, float)
    def _on_memories_edited(self, long0: float, short0: float) -> None:
        self.undo_stack.push(memories_command(self.session, long0, short0))

    @Slot(str)
    def _on_refused(self, reason: str) -> None:
        self.statusBar().showMessage(f"Not changed: {reason}", 8000)

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
        scene = self.scene
        if name in scene.value_labels:
            return scene.value_labels[name]
        return {
            "long": scene.long_label,
            "short": scene.short_label,
            "long_prev": scene.long_prev_label,
            "short_prev": scene.short_prev_label,
            "x": scene.input_label,
            "long_tanh": scene.tanh_label,
        }[name]

    def find_widget(self, object_name: str) -> QWidget | None:
        """``findChild`` that also looks inside the diagram's scene."""
        found = self.findChild(QWidget, object_name)
        if found is not None:
            return found
        candidates: list[QWidget] = list(self.scene.fields.values()) + [
            self.value_label(n)
            for n in (
                "forget",
                "input",
                "candidate",
                "output",
                "long",
                "short",
                "long_prev",
                "short_prev",
                "x",
                "long_tanh",
            )
        ]
        for widget in candidates:
            if widget.objectName() == object_name:
                return widget
        return None

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

    # -- files ------------------------------------------------------------------------
    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Ask Save / Discard / Cancel (tests replace this method)."""
        return QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self._display_name()} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def show_error(self, title: str, text: str) -> None:
        """Tell the person something went wrong (tests replace this method)."""
        self.statusBar().showMessage(text, 10000)
        self.error_bar.show_message(title, text)

    def maybe_save(self) -> bool:
        """True if it is fine to drop the current session."""
        if not self.is_modified():
            return True
        answer = self.ask_save_changes()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _before_replace(self) -> None:
        # A run of the old contents is discarded, not applied to the new ones.
        self.training_panel.reset()
        self.stepper.reset_view()

    @Slot()
    def new_session(self) -> None:
        if self.maybe_save():
            self._before_replace()
            self.document.new()
            self.statusBar().showMessage("New session with the notebook's weights", 5000)

    @Slot()
    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open session", self.document.folder(), "lstm-gui sessions (*.json);;All files (*)"
        )
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a session file; on any problem say why and keep the current one."""
        if ask and not self.maybe_save():
            return False
        try:
            self._before_replace()
            self.document.open(path)
        except (OSError, ValueError) as exc:
            self.show_error("Could not open the session", _about_file(path, exc))
            return False
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def open_example(self, name: str, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        try:
            self._before_replace()
            self.document.open_example(name)
        except (KeyError, ValueError) as exc:
            self.show_error("Could not open the example", str(exc))
            return False
        self.statusBar().showMessage(f"Opened the example {name!r}", 5000)
        return True

    @Slot()
    def save(self) -> bool:
        if not self.document.path:
            return self.save_as_dialog()
        return self.save_to(self.document.path)

    @Slot()
    def save_as_dialog(self) -> bool:
        suggested = str(Path(self.document.folder()) / f"{self._display_name().removesuffix('.json')}.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save session", suggested, "lstm-gui sessions (*.json)")
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the session atomically; on failure say why and keep it modified."""
        try:
            self.document.save_to(path)
        except Exception as exc:  # any failure keeps the window open and says why
            self.show_error("Could not save the session", f"{path}:\n{exc}")
            return False
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    @Slot()
    def _on_recent_changed(self) -> None:
        files = self.document.recent_files()
        self.recent_menu.clear()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(files))
        if files:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear the List")
            clear.triggered.connect(self.document.clear_recent)

    # -- exports --------------------------------------------------------------------
    def _export_dialog(self, kind: str) -> None:
        titles = {
            "png": ("Export diagram", "PNG pictures (*.png)"),
            "svg": ("Export diagram", "SVG drawings (*.svg)"),
            "csv": ("Export trace", "CSV files (*.csv)"),
            "pt": ("Export PyTorch state_dict", "PyTorch files (*.pt)"),
        }
        title, filter_ = titles[kind]
        stem = self._display_name().removesuffix(".json")
        suggested = str(Path(self.document.folder()) / f"{stem}{'-trace' if kind == 'csv' else ''}.{kind}")
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, filter_)
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        export = {
            "png": self.export_png,
            "svg": self.export_svg,
            "csv": self.export_trace_csv,
            "pt": self.export_torch,
        }[kind]
        try:
            export(path)
        except Exception as exc:  # any failure is the person's to know about, not a crash
            self.show_error("Export failed", f"{path}:\n{exc}")
            return
        self.statusBar().showMessage(f"Exported {path}", 5000)

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
        path, _ = QFileDialog.getOpenFileName(
            self, "Import PyTorch state_dict", self.document.folder(), "PyTorch files (*.pt *.pth);;All files (*)"
        )
        if path:
            self.import_torch(path)

    def import_torch(self, path: str) -> bool:
        """Read weights from an ``nn.LSTM(1, 1)`` state_dict (one undo step)."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from lstm_gui.core.files.torch_bridge import load_torch  # imports torch: only now

            params = load_torch(path)
        except Exception as exc:  # a bad file must never take the window down
            QApplication.restoreOverrideCursor()
            self.show_error("Could not import the weights", _about_file(path, exc))
            return False
        QApplication.restoreOverrideCursor()
        self.undo_stack.push(params_command(self.session, params, "Import PyTorch weights"))
        self.statusBar().showMessage(f"Imported weights from {path}", 5000)
        return True

    # -- view -----------------------------------------------------------------------
    def _apply_theme(self, theme: str, save: bool = True) -> None:
        self.theme = theme if theme in THEMES else "light"
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)
        colors = diagram_colors(self.theme)
        self.scene.apply_colors(colors)
        self.plot.apply_colors(colors)
        self.trace_table.trace_model.highlight = QColor(colors.current)
        self.input_strip.model.highlight = QColor(colors.current)
        self.input_strip.refresh_style()
        self.trace_table.viewport().update()
        self.input_strip.view.viewport().update()
        if self.theme in getattr(self, "theme_actions", {}):
            self.theme_actions[self.theme].setChecked(True)
        if save:
            self.settings.setValue("theme", self.theme)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About lstm-gui",
            f"<h3>lstm-gui {__version__}</h3><p>A step-through debugger for one LSTM cell, drawn as in "
            "StatQuest's <i>Long Short-Term Memory (LSTM), Clearly Explained</i>.</p>"
            "<p>float64 maths checked against PyTorch. PySide6, pyqtgraph.</p>",
        )

    def show_how_to_read(self) -> None:
        """The help beside the window, never modal: a floating panel next to
        the diagram it explains (double-click its title to dock it)."""
        dock = self.dock_help
        if not dock.isVisible():
            dock.setFloating(True)
            frame = self.frameGeometry()
            screen = self.screen().availableGeometry() if self.screen() is not None else frame
            width = 420
            x = (
                frame.right() + 8
                if frame.right() + 8 + width <= screen.right()
                else max(screen.left(), frame.right() - width)
            )
            dock.setGeometry(x, frame.top() + 60, width, min(640, frame.height() - 80))
            dock.show()
        dock.raise_()
        dock.activateWindow()

    # -- settings and closing ------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self._restored_state = self.restoreState(state)
        for action, key, show in (
            (self.action_show_sums, "show_sums", self.scene.set_show_sums),
            (self.action_show_names, "show_names", self.scene.set_show_names),
        ):
            shown = str(self.settings.value(key, "false")).lower() == "true"
            action.setChecked(shown)
            show(shown)
        speed = self.settings.value("run_speed")
        try:
            self.set_speed(float(speed) if speed is not None else DEFAULT_SPEED)
        except (TypeError, ValueError):
            self.set_speed(DEFAULT_SPEED)

    def _save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.setValue("theme", self.theme)
        self.settings.setValue("run_speed", self.stepper.speed)
        if self.document.path:
            self.settings.setValue("last_folder", str(Path(self.document.path).parent))
        self.settings.sync()

    #: Below this window width the stepper's buttons show icons only (their
    #: names stay in the tooltips), so Train/Pause/Stop stay on the toolbar.
    COMPACT_TOOLBAR_WIDTH = 1300

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.width() < self.COMPACT_TOOLBAR_WIDTH
        style = Qt.ToolButtonStyle.ToolButtonIconOnly if compact else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if self.stepper_toolbar.toolButtonStyle() != style:
            self.stepper_toolbar.setToolButtonStyle(style)
            self.step_slider.setMinimumWidth(100 if compact else 160)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            if not self._restored_state:
                self.reset_layout()  # the default layout for this window's size

    def size_docks(self) -> None:
        """Default panel sizes for this window size: the training column gets
        about 30% of the width (340-460 px), the trace and plot row about 22%
        of the height (140-240 px); the diagram the rest."""
        width, height = self.width(), self.height()
        column = max(340, min(460, int(width * 0.3)))
        self.resizeDocks([self.dock_training], [column], Qt.Orientation.Horizontal)
        row = max(140, min(240, int(height * 0.22)))
        self.resizeDocks([self.dock_trace], [row], Qt.Orientation.Vertical)
        below = max(0, width - column)
        if not self.tabifiedDockWidgets(self.dock_trace):
            self.resizeDocks(
                [self.dock_trace, self.dock_plot], [int(below * 0.55), int(below * 0.45)], Qt.Orientation.Horizontal
            )

    @Slot(bool)
    def _on_show_sums(self, shown: bool) -> None:
        self.scene.set_show_sums(shown)
        self.settings.setValue("show_sums", shown)

    @Slot(bool)
    def _on_show_names(self, shown: bool) -> None:
        self.scene.set_show_names(shown)
        self.settings.setValue("show_names", shown)

    #: Below this width the trace table and the over-time plot share the row
    #: under the diagram as tabs (side by side each would be too narrow to read).
    TABBED_BOTTOM_WIDTH = 1300

    @Slot()
    def reset_layout(self) -> None:
        """The panels where they start, shown, docked and sized for this window."""
        for dock, area in (
            (self.dock_training, Qt.DockWidgetArea.RightDockWidgetArea),
            (self.dock_trace, Qt.DockWidgetArea.BottomDockWidgetArea),
            (self.dock_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock.setFloating(False)
            self.addDockWidget(area, dock)
            dock.show()
        if self.width() < self.TABBED_BOTTOM_WIDTH:
            self.tabifyDockWidget(self.dock_trace, self.dock_plot)
            self.dock_plot.raise_()
        else:
            self.splitDockWidget(self.dock_trace, self.dock_plot, Qt.Orientation.Horizontal)
        self.dock_help.hide()
        self.diagram.set_zoom(1.0)
        QTimer.singleShot(0, self.size_docks)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.recovery.interrupted and not self.maybe_save():
            event.ignore()
            return
        self.stop_running()
        self.training_panel.shutdown()
        self._save_settings()
        self.adapter.unbind()
        self.recovery.closed()
        event.accept()
        # Embedded widgets (the weight fields) otherwise outlive the scene at
        # interpreter exit and crash PySide6's teardown.
        self.scene.clear()
        self.closed.emit()
