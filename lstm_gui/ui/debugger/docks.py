"""The debugger's docks on the window: Breakpoints and Watches, hidden until
asked for (View > Breakpoints, View > Watches), tabbed with the training
column; and what a breakpoint that fired shows (the status bar, the
highlighted row).

Functions that take the main window, like :mod:`lstm_gui.ui.window_docks`
(which calls :func:`build_debugger_docks`); ``window`` is typed loosely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from lstm_gui.ui.debugger.breakpoints_dock import BreakpointsPanel
from lstm_gui.ui.debugger.watch_dock import WatchKeeper, WatchPanel

#: How long the status bar says which breakpoint fired (ms).
FIRED_MESSAGE_MS = 15000


#: How the status bar starts when Run or Go to end stopped at a breakpoint.
STOPPED_PREFIX = "Stopped at step "


def stopped_text(step: int, condition: str) -> str:
    """The status bar's words when Run or Go to end stops at a breakpoint."""
    return f"{STOPPED_PREFIX}{step}: {condition}"


def build_debugger_docks(window: Any, add_dock: Callable[..., QDockWidget]) -> None:
    """``window.dock_breakpoints`` (object name ``breakpoints_dock``) and
    ``window.dock_watches`` (``watch_dock``), hidden, tabbed with the training column."""
    window.breakpoints_panel = BreakpointsPanel(window.adapter, window.undo_stack)
    window.dock_breakpoints = add_dock(
        window, "Breakpoints", "breakpoints_dock", window.breakpoints_panel, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.watch_panel = WatchPanel(window.session, window.undo_stack)
    window.dock_watches = add_dock(
        window, "Watches", "watch_dock", window.watch_panel, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.watch_keeper = WatchKeeper(
        window.adapter, window.stepper, window.watch_panel, window.trace_table.trace_model, window.plot
    )
    _place(window)
    window.stepper.breakpoint_hit.connect(lambda step, index: on_breakpoint_hit(window, step, index))
    window.stepper.step_changed.connect(lambda step: _clear_fired(window, step))
    window.stepper.trace_changed.connect(lambda: _clear_fired(window, -1))
    window.stepper.sequence_changed.connect(lambda *_: _clear_fired(window, -1))
    panel = window.training_panel
    panel.breakpoint_paused.connect(lambda condition, epoch: on_training_breakpoint(window, condition))
    panel.running_changed.connect(lambda running: window.breakpoints_panel.show_fired(None, training=True))


def _place(window: Any) -> None:
    for dock in (window.dock_breakpoints, window.dock_watches):
        dock.hide()
        window.tabifyDockWidget(window.dock_training, dock)


def reset_debugger_docks(window: Any) -> None:
    """Reset Layout: back beside the training column, hidden."""
    for dock in (window.dock_breakpoints, window.dock_watches):
        window.removeDockWidget(dock)
        dock.setFloating(False)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    _place(window)
    window.dock_training.raise_()


def build_debugger_view_actions(window: Any) -> list[QAction]:
    """View > Breakpoints (Ctrl+Shift+B) and View > Watches (Ctrl+Shift+W):
    show a dock and bring its tab to the front, or hide it."""
    actions = []
    for dock, text, name, keys, tip in (
        (
            window.dock_breakpoints,
            "&Breakpoints",
            "action_view_breakpoints",
            "Ctrl+Shift+B",
            "Conditions where Run and Go to end stop, and where training pauses",
        ),
        (window.dock_watches, "&Watches", "action_view_watches", "Ctrl+Shift+W", "Expressions at the current step"),
    ):
        action = dock.toggleViewAction()
        action.setObjectName(name)
        action.setText(text)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        # After the dock's own slot has shown it: bring its tab to the front.
        action.triggered.connect(lambda shown, d=dock: d.raise_() if shown else None)
        window.addAction(action)
        actions.append(action)
    window.action_view_breakpoints, window.action_view_watches = actions
    return actions


def on_breakpoint_hit(window: Any, step: int, index: int) -> None:
    """Say which breakpoint fired and highlight it in the list."""
    breakpoints = window.session.breakpoints
    if not 0 <= index < len(breakpoints):
        return
    window._fired_step = step
    window.breakpoints_panel.show_fired(index)
    window.statusBar().showMessage(stopped_text(step, breakpoints[index].condition), FIRED_MESSAGE_MS)


def on_training_breakpoint(window: Any, condition: str) -> None:
    """Highlight the training breakpoint a run paused at (the training panel
    says the epoch, in its status and the window's status bar)."""
    for index, breakpoint in enumerate(window.session.training_breakpoints):
        if breakpoint.enabled and breakpoint.condition == condition:
            window.breakpoints_panel.show_fired(index, training=True)
            return


def _clear_fired(window: Any, step: int) -> None:
    # The highlight and the status bar's "Stopped at step K" stay while the
    # step is the one where it fired; stepped away or another sequence, they
    # would describe a place the window no longer shows.
    if getattr(window, "_fired_step", None) != step:
        window._fired_step = None
        window.breakpoints_panel.show_fired(None)
        bar = window.statusBar()
        if bar.currentMessage().startswith(STOPPED_PREFIX):
            bar.clearMessage()
