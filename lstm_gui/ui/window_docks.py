"""The window's docks: the training column beside the diagram, the trace
table and the over-time plot below it, the floating help; their default
places and sizes.

Functions that take the main window and build or arrange its docks
(``window.dock_training``, ``window.dock_trace``, ``window.dock_plot``,
``window.dock_help``). The window imports this module, not the other way
round, so ``window`` is typed loosely.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QScrollArea, QTextBrowser, QVBoxLayout, QWidget

from lstm_gui.ui.comparison_view import ComparisonView
from lstm_gui.ui.debugger.docks import build_debugger_docks, reset_debugger_docks
from lstm_gui.ui.help_text import HOW_TO_READ
from lstm_gui.ui.theme import diagram_colors
from lstm_gui.ui.training.live_results import LiveResults
from lstm_gui.ui.training.panel import TrainingPanel
from lstm_gui.ui.widgets.landscape_view import LandscapeView
from lstm_gui.ui.widgets.over_time_plot import OverTimePlot
from lstm_gui.ui.widgets.trace_table import TraceTable

#: Below this width the trace table and the over-time plot share the row
#: under the diagram as tabs (side by side each would be too narrow to read).
TABBED_BOTTOM_WIDTH = 1300


def build_docks(window: Any) -> None:
    """The trace table, over-time plot, training column and help docks."""
    # The training panel is a column beside the diagram (the right dock
    # area owns both right corners, so it runs the full height); the trace
    # table and the over-time plot sit below the diagram, side by side.
    window.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.trace_table = TraceTable()
    window.dock_trace = add_dock(
        window, "Trace table", "dock_trace", window.trace_table, Qt.DockWidgetArea.BottomDockWidgetArea
    )
    window.plot = OverTimePlot(colors=diagram_colors(window.theme))
    window.dock_plot = add_dock(window, "Over time", "dock_plot", window.plot, Qt.DockWidgetArea.BottomDockWidgetArea)
    window.splitDockWidget(window.dock_trace, window.dock_plot, Qt.Orientation.Horizontal)
    window.training_panel = TrainingPanel(window.adapter, window.undo_stack, window.stepper.set_preview, window)
    # In a scroll area: on a short screen the panel scrolls, never the window.
    scroll = QScrollArea()
    scroll.setObjectName("training_scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(window.training_panel)
    # The progress bar and status stay in sight below the scrolling panel.
    training_box = QWidget()
    box_layout = QVBoxLayout(training_box)
    box_layout.setContentsMargins(0, 0, 6, 4)
    box_layout.setSpacing(2)
    # Live results for the weights shown stay in sight at the column's top.
    window.live_results = LiveResults()
    box_layout.addWidget(window.live_results)
    box_layout.addWidget(scroll, 1)
    box_layout.addWidget(window.training_panel.status_strip)
    window.dock_training = add_dock(
        window, "Training", "dock_training", training_box, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.help_view = QTextBrowser()
    window.help_view.setObjectName("help_view")
    window.help_view.setOpenExternalLinks(True)
    window.help_view.setHtml(HOW_TO_READ)
    window.dock_help = add_dock(
        window, "How to read the diagram", "dock_help", window.help_view, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.dock_help.hide()
    # Issue 12: Breakpoints and Watches, hidden, tabbed with the training column.
    build_debugger_docks(window, add_dock)
    # Issue 13: the loss landscape, a tab beside the training column; hidden until asked for.
    window.landscape_view = LandscapeView(
        window.adapter,
        window.undo_stack,
        window.training_panel.is_training,
        # The lessons are installed after the docks: asked at click time.
        weights_locked=lambda: window.lessons.locks_weights(),
    )
    window.dock_landscape = add_dock(
        window, "Loss landscape", "landscape_dock", window.landscape_view, Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.tabifyDockWidget(window.dock_training, window.dock_landscape)
    window.dock_landscape.hide()
    # Issue 13: a plain RNN and a GRU beside the LSTM, another tab there; hidden until asked for.
    window.comparison_view = ComparisonView(
        window.adapter,
        window.undo_stack,
        window.stepper,
        window.training_panel.is_training,
        diagram_colors(window.theme),
    )
    window.dock_comparison = add_dock(
        window,
        "Compare cells",
        "comparison_dock",
        scrolling(window.comparison_view, "comparison_scroll"),
        Qt.DockWidgetArea.RightDockWidgetArea,
    )
    window.tabifyDockWidget(window.dock_training, window.dock_comparison)
    window.dock_comparison.hide()


def scrolling(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a vertical scroll area: on a short screen it scrolls, never the window."""
    scroll = QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


def add_dock(window: Any, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A dock named ``name`` holding ``widget``, added to ``window`` in ``area``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    window.addDockWidget(area, dock)
    return dock


def show_how_to_read(window: Any) -> None:
    """The help beside the window, never modal: a floating panel next to
    the diagram it explains (double-click its title to dock it)."""
    show_beside(window, window.dock_help)


def show_beside(window: Any, dock: QDockWidget, width: int = 420, height: int = 640) -> None:
    """``dock`` as a floating panel beside the window (inside its right edge
    when the screen has no room), never modal; shown where it is if it is."""
    if not dock.isVisible():
        dock.setFloating(True)
        frame = window.frameGeometry()
        screen = window.screen().availableGeometry() if window.screen() is not None else frame
        x = (
            frame.right() + 8
            if frame.right() + 8 + width <= screen.right()
            else max(screen.left(), frame.right() - width)
        )
        dock.setGeometry(x, frame.top() + 60, width, min(height, frame.height() - 80))
        dock.show()
    dock.raise_()
    dock.activateWindow()


def size_docks(window: Any) -> None:
    """Default panel sizes for this window size: the training column gets
    about 30% of the width (340-460 px), the trace and plot row about 22%
    of the height (160-240 px); the diagram the rest."""
    width, height = window.width(), window.height()
    column = max(340, min(460, int(width * 0.3)))
    window.resizeDocks([window.dock_training], [column], Qt.Orientation.Horizontal)
    row = max(160, min(240, int(height * 0.23)))
    window.resizeDocks([window.dock_trace], [row], Qt.Orientation.Vertical)
    below = max(0, width - column)
    if not window.tabifiedDockWidgets(window.dock_trace):
        window.resizeDocks(
            [window.dock_trace, window.dock_plot], [int(below * 0.55), int(below * 0.45)], Qt.Orientation.Horizontal
        )
    # Once the column has its height: fold sections until the curves are in sight.
    QTimer.singleShot(0, lambda: _make_room_for_plots(window))


def _make_room_for_plots(window: Any) -> None:
    scroll = window.findChild(QScrollArea, "training_scroll")
    if scroll is not None and window.dock_training.isVisible():
        window.training_panel.make_room_for_plots(scroll.viewport().height())


def reset_layout(window: Any) -> None:
    """The panels where they start, shown, docked and sized for this window."""
    if hasattr(window, "gradients"):  # issue 13's gradient plot: out first, back in below
        window.gradients.leave_layout()
    for dock, area in (
        (window.dock_training, Qt.DockWidgetArea.RightDockWidgetArea),
        (window.dock_trace, Qt.DockWidgetArea.BottomDockWidgetArea),
        (window.dock_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
    ):
        # Out and in again: a tab group left from another size must not linger.
        window.removeDockWidget(dock)
        dock.setFloating(False)
        window.addDockWidget(area, dock)
        dock.show()
    if window.width() < TABBED_BOTTOM_WIDTH:
        window.tabifyDockWidget(window.dock_trace, window.dock_plot)
        window.dock_plot.raise_()
    else:
        window.splitDockWidget(window.dock_trace, window.dock_plot, Qt.Orientation.Horizontal)
    for floating in (window.dock_help, window.dock_preferences, window.dock_shortcuts):
        floating.hide()
    reset_debugger_docks(window)
    # The landscape: back to its tab beside the training column, hidden.
    window.removeDockWidget(window.dock_landscape)
    window.dock_landscape.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.dock_landscape)
    window.tabifyDockWidget(window.dock_training, window.dock_landscape)
    window.dock_landscape.hide()
    window.removeDockWidget(window.dock_comparison)
    window.dock_comparison.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.dock_comparison)
    window.tabifyDockWidget(window.dock_training, window.dock_comparison)
    window.dock_comparison.hide()
    # The gradient plot: a tab beside the over-time plot (issue 13).
    window.gradients.reset_place()
    window.diagram.set_zoom(1.0)
    QTimer.singleShot(0, window.size_docks)
