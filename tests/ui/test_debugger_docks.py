"""The Breakpoints and Watch docks: Run and Go to end stop at a breakpoint and
say which, watches in the dock, the trace table and the plot, conditions
checked as they are typed, every change an undo step, saved with the session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from lstm_gui.core.debugging import Breakpoint, Watch
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.session import Session
from lstm_gui.ui.widgets.trace_table import COLUMNS

INPUTS = (1.0, 0.5, 0.25, 1.0, 0.0, 2.0)


@pytest.fixture
def window(make_window):
    return make_window(Session(inputs=INPUTS))


def add_typed(entry_list, text: str) -> None:
    entry_list.editor.set_text(text)
    assert entry_list.add_button.isEnabled(), entry_list.editor.error_text()
    entry_list.add_button.click()


def test_the_docks_start_hidden_and_the_view_menu_shows_them(window, qtbot):
    assert window.findChild(type(window.dock_breakpoints), "breakpoints_dock") is window.dock_breakpoints
    assert window.findChild(type(window.dock_watches), "watch_dock") is window.dock_watches
    assert not window.dock_breakpoints.isVisible() and not window.dock_watches.isVisible()
    window.action_view_breakpoints.trigger()
    qtbot.waitUntil(window.dock_breakpoints.isVisible)
    window.action_view_watches.trigger()
    qtbot.waitUntil(window.dock_watches.isVisible)
    assert window.action_view_breakpoints.shortcut().toString() == "Ctrl+Shift+B"


def test_run_stops_at_the_first_breakpoint_that_holds_and_says_which(window, qtbot):
    steps = window.breakpoints_panel.steps
    add_typed(steps, "step == 5")
    add_typed(steps, "x == 0.25 and step > 1")
    window.set_speed(30.0)
    window.set_step(1)
    window.toggle_run()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=5000)
    assert window.step == 3
    assert window.statusBar().currentMessage() == "Stopped at step 3: x == 0.25 and step > 1"
    assert steps.fired == 1
    assert steps.table.item(1, 0).font().bold()
    # Run again: from the step after, on to the next breakpoint.
    window.toggle_run()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=5000)
    assert window.step == 5
    assert window.statusBar().currentMessage() == "Stopped at step 5: step == 5"
    assert steps.fired == 0
    window.step_back()
    assert steps.fired is None  # the highlight goes when the step moves on


def test_go_to_end_stops_at_a_breakpoint_and_a_disabled_one_is_skipped(window):
    steps = window.breakpoints_panel.steps
    add_typed(steps, "x > 0.9")  # steps 1, 4, 6
    window.set_step(1)
    window.go_to_end()
    assert window.step == 4
    assert window.statusBar().currentMessage() == "Stopped at step 4: x > 0.9"
    steps.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)  # disable it
    assert window.session.breakpoints == (Breakpoint("x > 0.9", enabled=False),)
    window.go_to_end()
    assert window.step == len(INPUTS)


def test_a_bad_condition_shows_the_reason_and_position_and_changes_nothing(window):
    steps = window.breakpoints_panel.steps
    steps.editor.set_text("forget >> 1")
    assert steps.editor.error_text() == "unexpected '>' at column 9"
    assert steps.editor.error_label.isVisible() if window.dock_breakpoints.isVisible() else True
    assert not steps.add_button.isEnabled()
    steps.editor.line.returnPressed.emit()
    steps.add_typed()
    assert window.session.breakpoints == ()
    assert not window.is_modified()
    steps.editor.set_text("forgt < 0.1")
    assert "did you mean 'forget'" in steps.editor.error_text()
    steps.editor.set_text("forget < 0.1")
    assert steps.editor.error_text() == "" and steps.add_button.isEnabled()


def test_add_change_enable_remove_are_undo_steps_that_mark_the_window_modified(window):
    steps = window.breakpoints_panel.steps
    assert not window.is_modified()
    add_typed(steps, "forget < 0.1")
    assert window.is_modified()
    assert window.undo_stack.undoText() == "Add breakpoint forget < 0.1"
    steps.table.selectRow(0)
    steps.editor.set_text("forget < 0.2")
    steps.change_button.click()
    assert window.session.breakpoints == (Breakpoint("forget < 0.2"),)
    steps.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert window.undo_stack.undoText() == "Disable breakpoint forget < 0.2"
    steps.table.selectRow(0)
    steps.remove_button.click()
    assert window.session.breakpoints == ()
    history = [(), (Breakpoint("forget < 0.2", False),), (Breakpoint("forget < 0.2"),), (Breakpoint("forget < 0.1"),)]
    for expected in history[1:]:
        window.undo_stack.undo()
        assert window.session.breakpoints == expected
        assert steps.table.rowCount() == 1 and steps.table.item(0, 0).text() == expected[0].condition
    window.undo_stack.undo()
    assert window.session.breakpoints == () and steps.table.rowCount() == 0
    assert not window.is_modified()
    for expected in reversed(history):
        window.undo_stack.redo()
        assert window.session.breakpoints == expected
    assert window.is_modified()


def test_a_preset_adds_its_condition(window):
    steps = window.breakpoints_panel.steps
    labels = [action.text() for action in steps.presets_menu.actions()]
    assert "a gate saturates" in labels and "the long-term memory changes sign" in labels
    steps.presets_menu.actions()[labels.index("a gate saturates")].trigger()
    assert len(window.session.breakpoints) == 1
    assert window.undo_stack.undoText() == "Add breakpoint a gate saturates"


def test_watches_show_their_value_at_the_current_step_and_follow_the_step(window):
    panel = window.watch_panel
    add_typed(panel, "input * candidate")
    add_typed(panel, "log(x - 1)")  # log(0) at step 1: no value
    window.set_step(2)
    step = window.trace[1]
    assert panel.value_text(0) == f"{step.input * step.candidate:.4f}"
    assert panel.value_text(1) == "—"
    assert "math error" in panel.table.item(1, 1).toolTip()
    window.set_step(6)
    assert panel.value_text(1) == "0.0000"
    window.set_step(0)
    assert panel.value_text(0) == "—"


def test_a_watch_follows_a_weight_edit_at_once(window):
    panel = window.watch_panel
    add_typed(panel, "forget")
    window.set_step(1)
    before = panel.value_text(0)
    window.session.set_weight("forget", "bias", -5.0)
    assert panel.value_text(0) == f"{window.trace[0].forget:.4f}" != before


def test_watches_as_trace_table_columns_and_plot_curves(window):
    panel = window.watch_panel
    add_typed(panel, "input * candidate")
    model = window.trace_table.trace_model
    assert model.columnCount() == len(COLUMNS)
    assert window.plot.watch_curves == {}
    panel.table.item(0, 2).setCheckState(Qt.CheckState.Checked)  # table
    assert model.columnCount() == len(COLUMNS) + 1
    assert model.headerData(len(COLUMNS), Qt.Orientation.Horizontal) == "input *\ncandidate"
    third = window.trace[2]
    assert model.data(model.index(2, len(COLUMNS))) == f"{third.input * third.candidate:.4f}"
    panel.table.item(0, 3).setCheckState(Qt.CheckState.Checked)  # plot
    curve = window.plot.watch_curves["input * candidate"]
    xs, ys = curve.getData()
    assert list(xs) == [1, 2, 3, 4, 5, 6]
    assert ys[2] == pytest.approx(third.input * third.candidate)
    assert window.undo_stack.undoText() == "Show watch input * candidate in the plot"
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert model.columnCount() == len(COLUMNS) and window.plot.watch_curves == {}


def test_breakpoints_and_watches_are_saved_and_opened_with_the_session(window, make_window, tmp_path):
    add_typed(window.breakpoints_panel.steps, "forget < 0.1")
    add_typed(window.breakpoints_panel.training, "loss < 0.01")
    add_typed(window.watch_panel, "forget * long_prev")
    path = str(tmp_path / "debug.json")
    assert window.save_to(path)
    assert not window.is_modified()
    other = make_window()
    assert other.open_path(path, ask=False)
    assert other.session.breakpoints == (Breakpoint("forget < 0.1"),)
    assert other.session.training_breakpoints == (Breakpoint("loss < 0.01"),)
    assert other.session.watches == (Watch("forget * long_prev"),)
    assert other.breakpoints_panel.steps.table.item(0, 0).text() == "forget < 0.1"
    assert other.watch_panel.table.rowCount() == 1
    assert not other.is_modified()


def test_a_breakpoint_added_while_running_stops_the_run_at_once(window, qtbot):
    window.set_speed(30.0)
    window.set_step(0)
    window.session.set_breakpoints([Breakpoint("step == 1")])
    window.toggle_run()  # from step 0: step 1 is checked too
    qtbot.waitUntil(lambda: not window.is_running(), timeout=5000)
    assert window.step == 1
    window.session.set_breakpoints([])
    window.set_speed(0.5)
    window.toggle_run()
    assert window.is_running()
    window.session.set_breakpoints([Breakpoint("step >= 2")])
    window.set_speed(30.0)
    qtbot.waitUntil(lambda: not window.is_running(), timeout=5000)
    assert window.step == 2
    assert window.statusBar().currentMessage() == "Stopped at step 2: step >= 2"


def test_the_plateau_preset_and_loss_ago_are_training_conditions(window):
    window.session.set_dataset(load_example("companies").dataset)
    panel = window.breakpoints_panel
    panel.plateau_change.setValue(0.001)
    panel.plateau_epochs.setValue(50)
    panel.plateau_add.click()
    assert window.session.training_breakpoints == (Breakpoint("abs(loss_ago_50 - loss) < 0.001"),)
    training = panel.training
    training.editor.set_text("loss_ago_10 - loss < 1e-4 and out_1 > 0.9")
    assert training.editor.error_text() == "" and training.add_button.isEnabled()
    training.editor.set_text("out_2 > 0.5")  # two sequences: out_0 and out_1
    assert "unknown name 'out_2'" in training.editor.error_text()


def test_delete_in_the_list_removes_the_selected_watch(window, qtbot):
    panel = window.watch_panel
    add_typed(panel, "x * 2")
    window.action_view_watches.trigger()
    qtbot.waitUntil(window.dock_watches.isVisible)
    panel.table.selectRow(0)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert window.session.watches == ()
    assert window.undo_stack.undoText() == "Remove watch x * 2"


def test_run_through_stages_stops_at_a_breakpoint_once_the_step_is_whole(window, qtbot):
    window.session.set_breakpoints([Breakpoint("step == 2")])
    window.set_step(1)
    window.action_run_stages.trigger()
    window.set_speed(30.0)
    window.toggle_run()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=5000)
    assert window.stepper.position().step == 2 and window.stepper.position().stage == 0
    assert window.statusBar().currentMessage() == "Stopped at step 2: step == 2"
    window.set_step(2)
    window.stepper.step_into()  # inside step 3: Go to end may stop at step 3 itself
    window.session.set_breakpoints([Breakpoint("step == 3")])
    window.go_to_end()
    assert window.step == 3
