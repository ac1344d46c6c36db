"""Training through the real main window: the weight fields on the diagram
follow the run, are read-only meanwhile, show the trained weights after, and
"Undo training" brings back the old ones; closing while training ends the
training process."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from training_fakes import process_alive

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.formatting import format_number
from lstm_gui.core.session import Session
from lstm_gui.ui import MainWindow

RUN_TIMEOUT_MS = 30_000


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session())
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.training_panel.shutdown()
    win.undo_stack.setClean()


def test_training_from_the_window_changes_the_weights_shown(window, qtbot):
    panel = window.training_panel
    field = window.weight_field("forget", "bias")
    assert field.text() == "1.62"
    panel.init_box.setCurrentIndex(panel.init_box.findData("statquest"))
    panel.epochs_edit.setText("100000000")
    panel.epochs_edit.editingFinished.emit()
    seen = []
    panel.trainer.progressed.connect(seen.append)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 3 and window.current_params() != NOTEBOOK_PARAMS, timeout=RUN_TIMEOUT_MS)
    assert field.isReadOnly()  # no hand edits while the weights move
    assert window.session.params == NOTEBOOK_PARAMS  # the session (and a Save) keep the old ones
    panel.action_stop.trigger()
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    trained = window.session.params
    assert trained != NOTEBOOK_PARAMS
    assert not field.isReadOnly()
    assert field.text() != "1.62"
    assert field.value() == pytest.approx(trained.forget.bias, abs=0.01)
    assert window.isWindowModified()
    assert window.undo_stack.undoText() == "Training"
    window.undo_stack.undo()
    assert window.session.params == NOTEBOOK_PARAMS
    assert field.text() == "1.62"


def test_statquest_run_in_the_window_shows_company_b_near_one(window, qtbot):
    panel = window.training_panel
    panel.init_box.setCurrentIndex(panel.init_box.findData("statquest"))
    panel.epochs_edit.setText("5000")
    panel.epochs_edit.editingFinished.emit()
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS):
        panel.action_train.trigger()
    assert panel.status_label.text().startswith("Done: finished 5000 epochs, loss ")
    assert window.statusBar().currentMessage().startswith("Training done after 5000 epochs")
    # The notebook's weights are this run's result, rounded to 2 decimals.
    assert window.weight_field("output", "w_short").text() == "4.3848"
    assert window.session.params.to_flat() == pytest.approx(NOTEBOOK_PARAMS.to_flat(), abs=0.006)
    assert format_number(window.session.history.outputs[-1][1]) == "0.9693"


def test_closing_the_window_while_training_ends_the_training_process(window, qtbot):
    panel = window.training_panel
    panel.epochs_edit.setText("100000000")
    panel.epochs_edit.editingFinished.emit()
    seen = []
    panel.trainer.progressed.connect(seen.append)
    panel.action_train.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=RUN_TIMEOUT_MS)
    pid = panel.trainer.pid()
    assert pid is not None and process_alive(pid)
    window.close()
    assert not panel.is_training()
    assert panel.trainer.pid() is None
    assert not process_alive(pid)  # stopped and reaped, not left behind


def test_training_plot_follows_the_theme(window, qtbot):
    """Switching to the dark theme repaints the training plots dark, and back."""
    plot = window.training_panel.findChild(object, "train_plot")
    view = plot.views[0]

    def background_lightness() -> int:
        return view.backgroundBrush().color().lightness()

    window._apply_theme("dark", save=False)
    qtbot.waitUntil(lambda: background_lightness() < 100)
    window._apply_theme("light", save=False)
    qtbot.waitUntil(lambda: background_lightness() > 200)


def test_raising_the_training_tab_gives_it_room(window, qtbot):
    """Tabbed under the diagram, the training panel gets half the height while
    shown, and the diagram gets its room back with the plot tab."""
    window.dock_training.raise_()
    qtbot.waitUntil(lambda: window.dock_training.height() >= 0.4 * window.height())
    window.dock_plot.raise_()
    qtbot.waitUntil(lambda: window.dock_plot.height() <= 0.35 * window.height())


def test_undo_waits_while_training_and_train_again_continues_from_edits(window, qtbot):
    """During a run Undo/Redo are off (they would change weights under it);
    after a run from StatQuest's start, an edited weight is where the next
    Train starts, not StatQuest's start again."""
    panel = window.training_panel
    panel.init_box.setCurrentIndex(panel.init_box.findData("statquest"))
    panel.epochs_edit.setText("100000000")
    panel.epochs_edit.editingFinished.emit()
    field = window.weight_field("forget", "bias")
    field.setFocus()  # edit through the field: one undo step
    field.setText("2.5")
    field.editingFinished.emit()
    assert window.action_undo.isEnabled()
    panel.action_train.trigger()
    qtbot.waitUntil(panel.is_training, timeout=RUN_TIMEOUT_MS)
    assert not window.action_undo.isEnabled()
    panel.lr_edit.setText("0.002")  # an undo step pushed during the run
    panel.lr_edit.editingFinished.emit()
    assert window.undo_stack.undoText() == "Change learning rate"
    assert not window.action_undo.isEnabled() and not window.action_redo.isEnabled()
    panel.action_stop.trigger()
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=RUN_TIMEOUT_MS)
    assert window.action_undo.isEnabled()
    assert panel.init_box.currentData() == "current"
    assert window.session.training.init == "current"
    # Edit a weight by hand, train a few epochs: the run starts from the edit.
    window.session.set_weight("output", "bias", 0.25)
    panel.epochs_edit.setText("1")
    panel.epochs_edit.editingFinished.emit()
    panel.lr_edit.setText("1e-12")
    panel.lr_edit.editingFinished.emit()
    with qtbot.waitSignal(panel.trainer.finished, timeout=RUN_TIMEOUT_MS):
        panel.action_train.trigger()
    assert window.session.params.output.bias == pytest.approx(0.25, abs=1e-9)


def test_progress_and_status_stay_in_sight_in_the_docked_panel(window, qtbot):
    """The panel scrolls in a small dock; its progress bar and status do not."""
    panel = window.training_panel
    window.dock_training.raise_()
    qtbot.waitUntil(lambda: not panel.progress_bar.visibleRegion().isEmpty())
    assert not panel.status_label.visibleRegion().isEmpty()
    assert panel.status_strip.parent() is not panel  # pinned outside the scroll area


def test_a_training_setting_edit_marks_the_window_modified_and_undo_clears_it(window, qtbot):
    panel = window.training_panel
    assert not window.isWindowModified()
    panel.epochs_edit.setText("123")
    panel.epochs_edit.editingFinished.emit()
    assert window.session.training.epochs == 123
    assert window.isWindowModified() and not window.undo_stack.isClean()
    window.action_undo.trigger()
    assert window.session.training.epochs == 5000 and not window.isWindowModified()
