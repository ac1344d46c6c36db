"""One lesson screen: the diagram and the training panel side by side, the
diagram readable at 1440x900, 1280x720 and 1024x700."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QScrollArea, QWidget

from lstm_gui.core.session import Session
from lstm_gui.core.vocabulary import PARAM_KEYS
from lstm_gui.ui import MainWindow

#: window size -> (weight text px on screen, field height px on screen), from issue 10.
READABLE = {
    (1440, 900): (11.0, 18.0),
    (1280, 720): (10.0, 16.0),
    (1024, 700): (8.0, 13.0),
}


def _window(qtbot, width: int, height: int) -> MainWindow:
    window = MainWindow(Session())
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(window)
    window.open_example("companies", ask=False)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.reset_layout()
    qtbot.waitUntil(lambda: window.dock_training.width() >= 300, timeout=20000)
    _settle(qtbot, window)
    return window


def _settle(qtbot, window: MainWindow) -> None:
    """Wait until the layout stops moving (docks are sized a turn after a reset)."""
    seen: list[tuple[int, int, float]] = []

    def steady() -> bool:
        seen.append((window.diagram.width(), window.dock_training.width(), window.diagram.transform().m11()))
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    qtbot.waitUntil(steady, timeout=20000)


def _on_screen(widget: QWidget, window: MainWindow) -> QRect:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return QRect(top_left, widget.size())


@pytest.mark.parametrize(("width", "height"), list(READABLE))
def test_diagram_and_training_panel_are_readable_together(qtbot, width, height):
    window = _window(qtbot, width, height)
    text_px, field_px = READABLE[(width, height)]
    scale = window.diagram.transform().m11()
    for gate, role in PARAM_KEYS:
        field = window.weight_field(gate, role)
        assert field.font().pixelSize() * scale >= text_px, (gate, role, field.font().pixelSize(), scale)
        assert field.height() * scale >= field_px, (gate, role, field.height(), scale)
    # The training panel and its plot are on the same screen, beside the diagram.
    panel_dock = window.dock_training
    assert panel_dock.isVisible() and not panel_dock.isFloating()
    assert window.dockWidgetArea(panel_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    plot = window.training_panel.findChild(QWidget, "train_plot")
    assert plot is not None and plot.isVisible()
    window_rect = window.rect()
    assert window_rect.contains(_on_screen(panel_dock, window))
    assert _on_screen(window.diagram, window).right() <= _on_screen(panel_dock, window).left()
    # ... and its curves are in sight: at least 200 px of the plot inside the
    # column's scroll area, without scrolling.
    scroll = window.findChild(QScrollArea, "training_scroll")
    viewport = scroll.viewport()
    plot_top = plot.mapTo(viewport, plot.rect().topLeft()).y()
    shown = min(viewport.height(), plot_top + plot.height()) - max(0, plot_top)
    assert shown >= 200, (shown, plot_top, viewport.height())
    # The panel never scrolls sideways.
    assert scroll.horizontalScrollBar().maximum() == 0
    # Train, Pause and Stop are on a main toolbar (the panel's own actions), in reach.
    toolbar = window.training_toolbar
    panel = window.training_panel
    assert {panel.action_train, panel.action_pause, panel.action_stop} <= set(toolbar.actions())
    for action in (panel.action_train, panel.action_pause, panel.action_stop):
        button = toolbar.widgetForAction(action)
        assert button is not None and button.isVisible(), action.objectName()
    window.undo_stack.setClean()


def test_view_training_shows_and_hides_the_column_and_reset_layout_brings_it_back(qtbot):
    window = _window(qtbot, 1440, 900)
    action = window.action_view_training
    assert action.objectName() == "action_view_training" and action.isCheckable() and action.isChecked()
    diagram_width = window.diagram.width()
    action.trigger()
    qtbot.waitUntil(lambda: not window.dock_training.isVisible())
    qtbot.waitUntil(lambda: window.diagram.width() > diagram_width)
    assert not action.isChecked()
    window.dock_trace.close()
    window.action_reset_layout.trigger()
    qtbot.waitUntil(lambda: window.dock_training.isVisible() and window.dock_trace.isVisible())
    assert action.isChecked()
    window.undo_stack.setClean()


def test_the_training_menu_holds_train_pause_and_stop_with_shortcuts(qtbot):
    window = _window(qtbot, 1280, 720)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Training")
    panel = window.training_panel
    assert [a for a in menu.actions() if not a.isSeparator()][:3] == [
        panel.action_train,
        panel.action_pause,
        panel.action_stop,
    ]
    assert panel.action_train.shortcut().toString() == "Ctrl+T"
    window.undo_stack.setClean()


def test_help_opens_beside_the_window_without_blocking_it_and_covers_training(qtbot):
    window = _window(qtbot, 1280, 720)
    window.show_how_to_read()
    qtbot.waitUntil(window.dock_help.isVisible)
    assert QApplicationModal() is None
    text = window.help_view.toPlainText()
    assert "Training" in text and "Train" in text and "loss" in text
    window.step_forward()  # the window still works while the help is open
    assert window.step == 2
    window.undo_stack.setClean()


def QApplicationModal() -> QWidget | None:
    from PySide6.QtWidgets import QApplication

    return QApplication.activeModalWidget()


def test_show_sums_and_names_from_the_view_menu_are_remembered(qtbot):
    window = _window(qtbot, 1440, 900)
    window.action_show_sums.trigger()
    window.action_show_names.trigger()
    assert window.scene.show_sums() and window.scene.show_names()
    assert window.scene.sum_text("forget").endswith("\u2192 0.9627")  # the free inputs (1, ...) at step 1
    settings = window.settings
    window.undo_stack.setClean()
    window.close()
    again = MainWindow(Session())
    qtbot.addWidget(again)
    assert again.settings.fileName() == settings.fileName()
    assert again.action_show_sums.isChecked() and again.scene.show_sums()
    assert again.action_show_names.isChecked() and again.scene.show_names()


def test_a_weight_edit_updates_the_live_loss_and_outputs_at_once_with_the_previous_values(qtbot):
    from lstm_gui.training.evaluate import evaluate_dataset
    from lstm_gui.ui.commands import weight_command

    window = _window(qtbot, 1280, 720)
    live_loss = window.findChild(QWidget, "live_loss")
    outputs = window.findChild(QWidget, "live_outputs")
    assert live_loss.isVisible() and outputs.isVisible()
    loss_before, outs_before = evaluate_dataset(window.session.params, window.session.dataset)
    assert live_loss.text().split()[1] == f"{loss_before:.4f}"
    window.undo_stack.push(weight_command(window.session, "output", "bias", 0.25))
    loss, outs = evaluate_dataset(window.session.params, window.session.dataset)
    # Same event, no waiting: the labels already show the new values and the old ones.
    assert live_loss.text().split()[1] == f"{loss:.4f}" and f"was {loss_before:.4f}" in live_loss.text()
    texts = " ".join(label.text() for label in outputs.findChildren(QLabel))
    assert "Company A" in texts and f"{outs[0]:.4f}" in texts and f"was {outs_before[0]:.4f}" in texts
    window.undo_stack.setClean()


def test_the_epoch_slider_keeps_the_arrow_keys_while_it_has_focus(qtbot):
    window = _window(qtbot, 1440, 900)
    panel = window.training_panel
    panel.epochs_edit.setText("50")
    panel.epochs_edit.editingFinished.emit()
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: not panel.is_training() and window.session.history is not None, timeout=20000)
    slider = window.findChild(QWidget, "history_epoch")
    window.activateWindow()
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    slider.setValue(10)
    step = window.step
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() > 10 and window.step == step  # the slider moved, not the stepper
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert slider.value() == 0 and window.step == step
    window.undo_stack.setClean()


def test_a_first_start_fits_the_screen(qtbot):
    window = MainWindow(Session())
    qtbot.addWidget(window)
    available = window.screen().availableGeometry().size()
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.fitting_size(available * 2) == available


def test_an_epoch_preview_is_named_on_the_diagram_and_in_the_live_results_and_then_left(qtbot):
    window = _window(qtbot, 1440, 900)
    panel = window.training_panel
    panel.epochs_edit.setText("50")
    panel.epochs_edit.editingFinished.emit()
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: not panel.is_training() and window.session.history is not None, timeout=20000)
    banner = window.findChild(QLabel, "live_preview")
    panel.preview_epoch(20)
    assert banner.isVisibleTo(window) and "epoch 20" in banner.text()
    assert window.scene.preview_banner.text() == "Preview of epoch 20 (read-only)"
    panel.back_to_current()
    assert not banner.isVisibleTo(window) and window.scene.preview_banner.text() == ""
    window.undo_stack.setClean()
