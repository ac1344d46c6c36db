"""Issue 13 in the window: the target, View > Show Gradients, Nudge and the
gradient-through-time dock, put together on the main window.

:func:`install` builds the pieces and wires them (the window calls it once,
after its docks and before its menus); :class:`GradientFeature` keeps them.
The maths is in :mod:`lstm_gui.core.gradients` and
:mod:`lstm_gui.training.nudge`; the drawing in
:mod:`lstm_gui.ui.diagram.gradients` and :mod:`lstm_gui.ui.widgets.gradient_plot`;
the cache per step in :mod:`lstm_gui.ui.gradient_model`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction

from lstm_gui.core.errors import FieldError
from lstm_gui.core.gradients import dataset_gradients
from lstm_gui.core.session import Session
from lstm_gui.training.nudge import nudge
from lstm_gui.ui.commands import params_command, target_command
from lstm_gui.ui.diagram.gradients import GradientOverlay, format_gradient
from lstm_gui.ui.gradient_model import SequenceGradients
from lstm_gui.ui.theme import DiagramColors, diagram_colors
from lstm_gui.ui.widgets.gradient_plot import GradientPlot
from lstm_gui.ui.window_actions import make_action
from lstm_gui.ui.window_docks import add_dock

NUDGE_KEYS = "Ctrl+Shift+N"


class GradientFeature(QObject):
    """The target field, the overlay, the dock and the two actions of one window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._closing = False
        self.model = SequenceGradients(window.adapter, window.stepper, self)
        self.overlay = GradientOverlay(window.scene)
        self.plot = GradientPlot(colors=diagram_colors(window.theme))
        self.dock = add_dock(
            window, "Gradient through time", "gradient_plot_dock", self.plot, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.reset_place()
        self.dock.hide()
        self.dock.toggleViewAction().setObjectName("action_view_gradient_plot")
        self.dock.toggleViewAction().setText("&Gradient Through Time")
        self.dock.toggleViewAction().setToolTip(
            "Show or hide the plot of |d loss / d memory| per step (log scale) for the sequence stepped"
        )
        self.action_show_gradients: QAction = make_action(
            window,
            "Show &Gradients",
            "action_show_gradients",
            self.set_shown,
            None,
            "Backpropagation through time on the diagram: the loss, d loss / d memory on the memory lines and"
            " each weight's gradient from the last step back to this one (step back from the end to walk it)",
        )
        self.action_show_gradients.setCheckable(True)
        self.action_nudge: QAction = make_action(
            window,
            "&Nudge",
            "action_nudge",
            self.nudge,
            NUDGE_KEYS,
            "One update of the training panel's optimizer and learning rate on the dataset's summed loss,"
            " from a fresh optimizer state (for Adam, its first step); one undo step",
        )
        self._connect()

    def _connect(self) -> None:
        window = self.window
        self.model.changed.connect(self._on_gradients_changed)
        window.stepper.step_changed.connect(self._on_step_changed)
        window.stepper.sequence_changed.connect(self._show_target)
        window.adapter.target_changed.connect(self._show_target)
        window.adapter.dataset_changed.connect(self._show_target)
        window.input_strip.target_edited.connect(self._on_target_edited)
        self.plot.step_clicked.connect(window.stepper.set_step)
        self.dock.visibilityChanged.connect(self._update_needed)
        window.training_panel.running_changed.connect(lambda running: self.action_nudge.setEnabled(not running))
        window.closed.connect(self._on_window_closed)
        self._show_target()

    def leave_layout(self) -> None:
        """Take the dock out before Reset Layout moves the others (taken out
        afterwards, Qt leaves the old tab group's bar behind)."""
        self._shown_before_reset = self.dock.isVisible()
        self.window.removeDockWidget(self.dock)

    def reset_place(self) -> None:
        """The dock's default place: a tab beside the over-time plot (View > Reset Layout)."""
        window = self.window
        shown = getattr(self, "_shown_before_reset", self.dock.isVisible())
        self._shown_before_reset = False
        if window.dockWidgetArea(self.dock) != Qt.DockWidgetArea.NoDockWidgetArea:
            window.removeDockWidget(self.dock)
        self.dock.setFloating(False)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.dock_plot, self.dock)
        self.dock.setVisible(shown)
        (self.dock if shown else window.dock_plot).raise_()

    @Slot()
    def _on_window_closed(self) -> None:
        # Docks report hiding while the window's items are being deleted.
        self._closing = True
        self.model.set_needed(False)

    # -- showing ------------------------------------------------------------------
    def set_shown(self, shown: bool) -> None:
        """View > Show Gradients (remembered between runs)."""
        shown = bool(shown)
        if self.action_show_gradients.isChecked() != shown:
            self.action_show_gradients.setChecked(shown)
        self.overlay.set_visible(shown)
        self.window.settings.setValue("show_gradients", shown)
        self._update_needed()

    @Slot()
    def _update_needed(self, *_: object) -> None:
        if self._closing:
            return
        needed = self.action_show_gradients.isChecked() or self.dock.isVisible()
        self.model.set_needed(needed)
        self.window.input_strip.set_target_visible(needed)
        if needed:
            self._on_gradients_changed()

    @Slot()
    def _on_gradients_changed(self) -> None:
        if not self.model.is_needed():
            return
        step = self.window.stepper.step
        self.overlay.show(self.model.at_step(step))
        self.plot.set_gradients(self.model.gradients())
        self.plot.show_step(step)

    @Slot(int)
    def _on_step_changed(self, step: int) -> None:
        if self.model.is_needed():
            self.overlay.show(self.model.at_step(step))
            self.plot.show_step(step)

    @Slot()
    def _show_target(self, *_: object) -> None:
        _inputs, _long0, _short0, free = self.window.stepper.sequence()
        self.window.input_strip.set_target(self.model.target(), free)

    def apply_colors(self, colors: DiagramColors) -> None:
        self.overlay.apply_colors(colors)
        self.plot.apply_colors(colors)

    # -- edits ----------------------------------------------------------------------
    @Slot(float)
    def _on_target_edited(self, target: float) -> None:
        """Push the typed target, or refuse it in the field (the core's rule:
        a target whose loss would overflow) without an undo step."""
        window = self.window
        field = window.input_strip.target_field
        try:
            Session.check_target(target)
        except FieldError as exc:
            field._set_error(f"{exc.where}: {exc.reason}")  # red field + the strip's message
            return
        window.undo_stack.push(target_command(window.session, target))
        clear_refusal(window)

    @Slot(int)
    def on_undo_index_changed(self, _index: int) -> None:
        if not self._closing:
            clear_refusal(self.window)

    @Slot()
    def nudge(self) -> None:
        """Train > Nudge: one optimizer update of the session's weights, one undo step."""
        window = self.window
        session = window.session
        if window.lessons.locks_weights():  # Train > Nudge is disabled then; a direct call refuses too
            window.statusBar().showMessage("Locked by the lesson: leave the lesson to nudge the weights", 8000)
            return
        if not session.dataset:
            window.statusBar().showMessage("Nudge needs a dataset to compute the loss on", 8000)
            return
        config = session.training
        before, _ = dataset_gradients("lstm", session.params.to_flat(), session.dataset)
        params = nudge(session.params, session.dataset, config)
        after, _ = dataset_gradients("lstm", params.to_flat(), session.dataset)
        text = f"Nudge ({config.optimizer}, lr {config.lr:g})"
        window.undo_stack.push(params_command(session, params, text))
        window.statusBar().showMessage(
            f"{text}: dataset loss {format_gradient(before)} \u2192 {format_gradient(after)}", 8000
        )


#: How the window's status bar starts a refused edit's reason (``EditRecorder.on_refused``).
REFUSED_PREFIX = "Not changed: "


def clear_refusal(window: Any) -> None:
    """Take a refused edit's reason off the status bar and the input strip
    (after a later edit succeeded, it no longer describes the window)."""
    bar = window.statusBar()
    if bar.currentMessage().startswith(REFUSED_PREFIX):
        bar.clearMessage()
    strip = window.input_strip
    if not any(f.error() for f in (strip.long_field, strip.short_field, strip.target_field)):
        strip.message.setText("")


def install(window: Any) -> GradientFeature:
    """Build the feature on ``window`` (``window.gradients``, ``window.action_show_gradients``,
    ``window.action_nudge``, ``window.dock_gradient_plot``)."""
    feature = GradientFeature(window)
    window.gradients = feature
    window.action_show_gradients = feature.action_show_gradients
    window.action_nudge = feature.action_nudge
    window.dock_gradient_plot = feature.dock
    # Any successful edit (an undo step pushed) clears a stale refusal; a
    # slot of the feature, so the connection ends with the window.
    window.undo_stack.indexChanged.connect(feature.on_undo_index_changed)
    return feature
