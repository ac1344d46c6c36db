"""The window's actions, toolbars and menus.

Functions that take the main window and create its ``QAction``s, the stepper
and training toolbars and the menu bar on it, under the attribute names the
window, its tests and its screenshots use (``window.action_reset``,
``window.theme_actions``, ``window.recent_menu``, ``window.stepper_toolbar``,
...). Each action calls a method of the window (or a file flow of
:mod:`lstm_gui.ui.file_actions`). The window imports this module, not the
other way round, so ``window`` is typed loosely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QStyle, QToolBar

from lstm_gui.core.example_titles import example_title
from lstm_gui.core.files.session_file import example_names
from lstm_gui.ui.animation_panel import show_animation_panel
from lstm_gui.ui.debugger.docks import build_debugger_view_actions
from lstm_gui.ui.file_actions import export_dialog
from lstm_gui.ui.shortcuts_panel import SHORTCUT_NAME
from lstm_gui.ui.stepper import SPEEDS
from lstm_gui.ui.theme import THEME_CHOICES


def make_action(
    window: Any,
    text: str,
    name: str,
    slot: Any,
    shortcut: Any = None,
    tip: str = "",
) -> QAction:
    """An action on ``window`` named ``name``: its shortcut(s), its tip (with the
    keys) in the tooltip and the status bar, triggering ``slot``."""
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_actions(window: Any) -> None:
    """The stepper, file, export, undo/redo and zoom actions (``window.action_*``)."""
    # Stepper keys are plain keys: a focused text field gets them first
    # (QLineEdit accepts the ShortcutOverride for Left/Right/Home/End/Space).
    window.action_reset = make_action(
        window, "Reset", "action_reset", window.reset, "Home", "Back to step 0, before the first input"
    )
    window.action_step_back = make_action(
        window, "Step back", "action_step_back", window.step_back, "Left", "One step back"
    )
    window.action_step_forward = make_action(
        window, "Step forward", "action_step_forward", window.step_forward, "Right", "One step forward"
    )
    window.action_run = make_action(
        window,
        "Run",
        "action_run",
        window.toggle_run,
        "Space",
        "Step through the inputs one by one; press again to pause",
    )
    window.action_run.setCheckable(True)
    window.action_go_to_end = make_action(
        window, "Go to end", "action_go_to_end", window.go_to_end, "End", "Jump to the last step"
    )
    # Issue 12: into a time step, the video's three stages (F11 is not full screen here).
    window.action_step_into = make_action(
        window,
        "Step Into",
        "action_step_into",
        window.step_into,
        "F11",
        "Into the time step, one stage at a time: forget, remember something new, output",
    )
    window.action_step_out = make_action(
        window,
        "Step Out",
        "action_step_out",
        window.step_out,
        "Shift+F11",
        "Finish the time step: show it whole",
    )
    window.action_run_stages = make_action(
        window,
        "Run Through Stages",
        "action_run_stages",
        window.set_run_stages,
        None,
        "Run shows each step's three stages, a pulse travelling along the lines (slow motion)",
    )
    window.action_run_stages.setCheckable(True)

    window.action_new = make_action(
        window,
        "&New",
        "action_new",
        window.new_session,
        QKeySequence.StandardKey.New,
        "Start a new session with the notebook's weights",
    )
    window.action_open = make_action(
        window, "&Open...", "action_open", window.open_dialog, QKeySequence.StandardKey.Open, "Open a session file"
    )
    window.action_save = make_action(
        window, "&Save", "action_save", window.save, QKeySequence.StandardKey.Save, "Save the session"
    )
    window.action_save_as = make_action(
        window,
        "Save &As...",
        "action_save_as",
        window.save_as_dialog,
        QKeySequence.StandardKey.SaveAs,
        "Save the session under a new name",
    )
    window.action_export_png = make_action(
        window,
        "Export Diagram as &PNG...",
        "action_export_png",
        lambda: export_dialog(window, "png"),
        None,
        "Save a picture of the diagram",
    )
    window.action_export_svg = make_action(
        window,
        "Export Diagram as &SVG...",
        "action_export_svg",
        lambda: export_dialog(window, "svg"),
        None,
        "Save the diagram as vector graphics",
    )
    window.action_export_animation = make_action(
        window,
        "Export &Animation...",
        "action_export_animation",
        lambda: show_animation_panel(window),
        None,
        "Save a GIF of stepping through the sequence (or of the training run) for slides",
    )
    window.action_export_csv = make_action(
        window,
        "Export Trace as &CSV...",
        "action_export_csv",
        lambda: export_dialog(window, "csv"),
        None,
        "Save the trace table as CSV",
    )
    window.action_export_torch = make_action(
        window,
        "Export PyTorch state_dict...",
        "action_export_torch",
        lambda: export_dialog(window, "pt"),
        None,
        "Save the weights as the state_dict of nn.LSTM(1, 1)",
    )
    window.action_import_torch = make_action(
        window,
        "Import PyTorch state_dict...",
        "action_import_torch",
        window.import_torch_dialog,
        None,
        "Read the weights from an nn.LSTM(1, 1) state_dict",
    )
    window.action_quit = make_action(
        window, "&Quit", "action_quit", window.close, QKeySequence.StandardKey.Quit, "Close the window"
    )

    window.action_undo = window.undo_stack.createUndoAction(window, "&Undo")
    window.action_undo.setObjectName("action_undo")
    window.action_undo.setProperty(SHORTCUT_NAME, "Undo")  # its text names the next undo step
    window.action_undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
    window.action_redo = window.undo_stack.createRedoAction(window, "&Redo")
    window.action_redo.setObjectName("action_redo")
    window.action_redo.setProperty(SHORTCUT_NAME, "Redo")
    window.action_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
    window.addAction(window.action_undo)
    window.addAction(window.action_redo)

    window.action_zoom_in = make_action(
        window, "Zoom &In", "action_zoom_in", window.diagram.zoom_in, ["Ctrl+=", "Ctrl++"], "Make the diagram bigger"
    )
    window.action_zoom_out = make_action(
        window, "Zoom &Out", "action_zoom_out", window.diagram.zoom_out, ["Ctrl+-"], "Make the diagram smaller"
    )
    window.action_zoom_fit = make_action(
        window,
        "&Fit to Window",
        "action_zoom_fit",
        lambda: window.diagram.set_zoom(1.0),
        "Ctrl+0",
        "Fit the whole diagram in the window",
    )


def build_training_toolbar(window: Any) -> None:
    """Train, Pause and Stop always in reach (the panel's own actions)."""
    panel = window.training_panel
    bar = QToolBar("Training")
    bar.setObjectName("toolbar_training")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    style = window.style()
    for action, icon in (
        (panel.action_train, QStyle.StandardPixmap.SP_MediaPlay),
        (panel.action_pause, QStyle.StandardPixmap.SP_MediaPause),
        (panel.action_stop, QStyle.StandardPixmap.SP_MediaStop),
    ):
        if action.icon().isNull():
            action.setIcon(style.standardIcon(icon))
        bar.addAction(action)
    window.training_toolbar = bar
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)


def build_toolbar(window: Any) -> None:
    """The stepper toolbar: its buttons, the step slider and label, the speed box."""
    bar = QToolBar("Stepper")
    bar.setObjectName("toolbar_stepper")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    style = window.style()
    for action, icon in (
        (window.action_reset, QStyle.StandardPixmap.SP_MediaSkipBackward),
        (window.action_step_back, QStyle.StandardPixmap.SP_MediaSeekBackward),
        (window.action_run, QStyle.StandardPixmap.SP_MediaPlay),
        (window.action_step_forward, QStyle.StandardPixmap.SP_MediaSeekForward),
        (window.action_go_to_end, QStyle.StandardPixmap.SP_MediaSkipForward),
        (window.action_step_into, QStyle.StandardPixmap.SP_ArrowDown),
        (window.action_step_out, QStyle.StandardPixmap.SP_ArrowUp),
    ):
        action.setIcon(style.standardIcon(icon))
        bar.addAction(action)
    window._icon_play = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
    window._icon_pause = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
    bar.addSeparator()
    window.step_slider = QSlider(Qt.Orientation.Horizontal)
    window.step_slider.setObjectName("step_slider")
    window.step_slider.setToolTip("The current step (0 = before the first input)")
    window.step_slider.setMinimumWidth(160)
    bar.addWidget(window.step_slider)
    window.step_label = QLabel("step 0 of 0")
    window.step_label.setObjectName("step_label")
    window.step_label.setMinimumWidth(110)
    window.step_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    bar.addWidget(window.step_label)
    bar.addSeparator()
    bar.addWidget(QLabel(" Speed "))
    window.speed_combo = QComboBox()
    window.speed_combo.setObjectName("run_speed")
    window.speed_combo.setToolTip("Steps per second while running")
    for speed in SPEEDS:
        window.speed_combo.addItem(f"{speed:g} steps/s", speed)
    bar.addWidget(window.speed_combo)
    window.stepper_toolbar = bar
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)


def build_view_actions(window: Any) -> None:
    """View toggles: the training panel, sums, parameter names, Reset Layout."""
    window.action_view_training = window.dock_training.toggleViewAction()
    window.action_view_training.setObjectName("action_view_training")
    window.action_view_training.setText("&Training Panel")
    window.action_view_training.setShortcut(QKeySequence("Ctrl+Shift+T"))
    window.action_view_training.setToolTip("Show or hide the training panel beside the diagram (Ctrl+Shift+T)")
    window.addAction(window.action_view_training)
    window.action_view_landscape = window.dock_landscape.toggleViewAction()
    window.action_view_landscape.setObjectName("action_view_landscape")
    window.action_view_landscape.setText("Loss &Landscape")
    window.action_view_landscape.setToolTip("Show the dataset loss over one or two weights; click it to set them")
    # Shown as a tab beside the training column: bring it to the front.
    window.action_view_landscape.triggered.connect(lambda shown: shown and window.dock_landscape.raise_())
    # Issue 13: the plain RNN and the GRU beside the LSTM (ui/comparison_view.py).
    window.action_view_comparison = window.dock_comparison.toggleViewAction()
    window.action_view_comparison.setObjectName("action_view_comparison")
    window.action_view_comparison.setText("&Compare Cells")
    window.action_view_comparison.setToolTip("Show a plain RNN and a GRU on the same inputs, and train all three")
    window.action_view_comparison.triggered.connect(lambda shown: shown and window.dock_comparison.raise_())
    window.action_show_sums = make_action(
        window,
        "Show &Sums",
        "action_show_sums",
        window._on_show_sums,
        None,
        "Write each gate's sum on the diagram, the video's way: w x short + w x input + bias = sum -> value",
    )
    window.action_show_sums.setCheckable(True)
    window.action_show_names = make_action(
        window,
        "Show Parameter &Names",
        "action_show_names",
        window._on_show_names,
        None,
        "Label each weight and bias with its notebook name (wlr1 ... bo1)",
    )
    window.action_show_names.setCheckable(True)
    window.action_reset_layout = make_action(
        window,
        "&Reset Layout",
        "action_reset_layout",
        window.reset_layout,
        None,
        "Put the panels back where they start: training beside the diagram, trace and plot below",
    )


def build_menus(window: Any) -> None:
    """File, Edit, Training, Step, View and Help menus on the window's menu bar."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(window.action_new)
    file_menu.addAction(window.action_open)
    window.recent_menu = file_menu.addMenu("Open &Recent")
    window.recent_menu.setObjectName("menu_recent")
    window.examples_menu = file_menu.addMenu("&Examples")
    window.examples_menu.setObjectName("menu_examples")
    for name in example_names():
        action = window.examples_menu.addAction(example_title(name))
        action.setObjectName(f"action_example_{name}")
        action.triggered.connect(lambda _=False, n=name: window.open_example(n))
    file_menu.addSeparator()
    file_menu.addAction(window.action_save)
    file_menu.addAction(window.action_save_as)
    file_menu.addSeparator()
    for action in (
        window.action_export_png,
        window.action_export_svg,
        window.action_export_animation,
        window.action_export_csv,
    ):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(window.action_export_torch)
    file_menu.addAction(window.action_import_torch)
    file_menu.addSeparator()
    file_menu.addAction(window.action_quit)
    fill_recent_menu(window)

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(window.action_undo)
    edit_menu.addAction(window.action_redo)
    edit_menu.addSeparator()
    window.action_copy_trace = make_action(
        window,
        "Copy Trace Rows",
        "action_copy_trace",
        window.trace_table.copy_selection,
        None,
        "Copy the selected trace rows (all if none) as text",
    )
    edit_menu.addAction(window.action_copy_trace)
    edit_menu.addSeparator()
    # Ctrl+, where the platform has no standard key for it (Linux, Windows).
    preferences_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences) or [QKeySequence("Ctrl+,")]
    window.action_preferences = make_action(
        window,
        "&Preferences...",
        "action_preferences",
        window.show_preferences,
        preferences_keys,
        "Decimals shown, animation speed, plot updates, block colours",
    )
    window.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
    edit_menu.addAction(window.action_preferences)

    training_menu = bar.addMenu("&Training")
    training_menu.setObjectName("menu_training")
    panel = window.training_panel
    for action in (panel.action_train, panel.action_pause, panel.action_stop):
        training_menu.addAction(action)
    training_menu.addSeparator()
    training_menu.addAction(window.action_nudge)

    step_menu = bar.addMenu("&Step")
    for action in (
        window.action_reset,
        window.action_step_back,
        window.action_run,
        window.action_step_forward,
        window.action_go_to_end,
    ):
        step_menu.addAction(action)
    step_menu.addSeparator()
    for action in (window.action_step_into, window.action_step_out, window.action_run_stages):
        step_menu.addAction(action)

    view_menu = bar.addMenu("&View")
    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(window)
    window.theme_actions = {}
    for theme in THEME_CHOICES:
        action = QAction(theme.capitalize(), window, checkable=True)
        action.setObjectName(f"action_theme_{theme}")
        if theme == "system":
            action.setToolTip("Follow the desktop's light or dark scheme")
        action.setChecked(theme == window.theme_choice)
        action.triggered.connect(lambda _=False, t=theme: window._apply_theme(t))
        group.addAction(action)
        theme_menu.addAction(action)
        window.theme_actions[theme] = action
    view_menu.addSeparator()
    view_menu.addAction(window.action_show_sums)
    view_menu.addAction(window.action_show_names)
    view_menu.addAction(window.action_show_gradients)
    view_menu.addSeparator()
    view_menu.addAction(window.action_view_training)
    view_menu.addAction(window.action_view_landscape)
    view_menu.addAction(window.action_view_comparison)
    for dock in (window.dock_trace, window.dock_plot, window.dock_gradient_plot):
        view_menu.addAction(dock.toggleViewAction())
    for action in build_debugger_view_actions(window):
        view_menu.addAction(action)
    view_menu.addAction(window.action_reset_layout)
    view_menu.addSeparator()
    for action in (window.action_zoom_in, window.action_zoom_out, window.action_zoom_fit):
        view_menu.addAction(action)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(
        make_action(
            window,
            "How to Read the Diagram",
            "action_how_to_read",
            window.show_how_to_read,
            QKeySequence.StandardKey.HelpContents,
            "What the lines, blocks and numbers mean",
        )
    )
    window.action_keyboard_shortcuts = make_action(
        window,
        "&Keyboard Shortcuts",
        "action_keyboard_shortcuts",
        window.show_keyboard_shortcuts,
        None,
        "Every action with a shortcut, by menu, with a filter",
    )
    help_menu.addAction(window.action_keyboard_shortcuts)
    help_menu.addSeparator()
    window.action_about = make_action(
        window, "&About lstm-gui", "action_about", window.show_about, None, "Versions and credits"
    )
    window.action_about.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addAction(window.action_about)


def fill_recent_menu(window: Any) -> None:
    """File > Open Recent: the document's recent files, and a way to clear them."""
    files = window.document.recent_files()
    window.recent_menu.clear()
    for path in files:
        action = window.recent_menu.addAction(Path(path).name)
        action.setToolTip(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _=False, p=path: window.open_path(p))
    window.recent_menu.setEnabled(bool(files))
    if files:
        window.recent_menu.addSeparator()
        clear = window.recent_menu.addAction("Clear the List")
        clear.triggered.connect(window.document.clear_recent)
