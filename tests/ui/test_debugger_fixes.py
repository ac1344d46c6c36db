"""Reviewer's defects in the debugger docks and the target (issues 12, 13):
stale status messages, the fired mark under a selection, duplicates,
true/false watches, huge targets refused in the field."""

from __future__ import annotations

import pytest

from lstm_gui.core.debugging import Breakpoint
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.session import Session
from lstm_gui.ui.debugger.breakpoints_dock import FIRED_SUFFIX
from lstm_gui.ui.widgets.trace_table import COLUMNS

INPUTS = (1.0, 0.5, 0.25, 1.0, 0.0, 2.0)


@pytest.fixture
def window(make_window):
    return make_window(Session(inputs=INPUTS))


def add_typed(entry_list, text: str) -> None:
    entry_list.editor.set_text(text)
    assert entry_list.add_button.isEnabled(), entry_list.editor.error_text()
    entry_list.add_button.click()


def test_the_stopped_message_goes_when_the_step_moves_on(window):
    add_typed(window.breakpoints_panel.steps, "x > 0.9")
    window.set_step(1)
    window.go_to_end()
    assert window.statusBar().currentMessage() == "Stopped at step 4: x > 0.9"
    window.step_back()
    assert window.statusBar().currentMessage() == ""


def test_the_stopped_message_goes_when_the_sequence_changes(make_window):
    window = make_window(load_example("companies"))
    window.session.set_breakpoints((Breakpoint("step == 2"),))
    window.stepper.select_sequence("Company A")
    window.set_step(1)
    window.go_to_end()
    assert window.statusBar().currentMessage().startswith("Stopped at step 2")
    window.stepper.select_sequence("Company B")
    assert window.statusBar().currentMessage() == ""


def test_the_fired_breakpoint_is_marked_in_words_even_when_selected(window):
    steps = window.breakpoints_panel.steps
    add_typed(steps, "x > 0.9")
    steps.table.selectRow(0)
    window.set_step(1)
    window.go_to_end()
    item = steps.table.item(0, 0)
    assert steps.selected_row() == 0
    assert item.text() == f"x > 0.9{FIRED_SUFFIX}" and item.font().bold()
    assert steps.editor.text() == "x > 0.9"  # the editor keeps the condition alone
    window.step_back()
    assert steps.table.item(0, 0).text() == "x > 0.9"


def test_an_exact_duplicate_breakpoint_is_refused_in_the_editor_line(window):
    steps = window.breakpoints_panel.steps
    add_typed(steps, "forget < 0.1")
    count = window.undo_stack.count()
    add_typed(steps, "forget < 0.1")
    assert window.session.breakpoints == (Breakpoint("forget < 0.1"),)
    assert window.undo_stack.count() == count
    assert "already a breakpoint (row 1)" in steps.editor.error_text()
    steps.editor.set_text("forget < 0.2")  # typing checks afresh
    assert steps.editor.error_text() == ""


def test_a_duplicate_preset_is_refused_too(window):
    steps = window.breakpoints_panel.steps
    action = steps.presets_menu.actions()[0]
    action.trigger()
    action.trigger()
    assert len(window.session.breakpoints) == 1
    assert "already a breakpoint" in steps.editor.error_text()


def test_a_condition_watch_reads_true_or_false_and_its_plot_stays_numeric(window):
    panel = window.watch_panel
    add_typed(panel, "x > 0.9")
    add_typed(panel, "x * 2")
    window.set_step(1)
    assert (panel.value_text(0), panel.value_text(1)) == ("true", "2.0000")
    window.set_step(2)
    assert panel.value_text(0) == "false"
    model = window.trace_table.trace_model
    window.session.set_watches(tuple(type(w)(w.expression, True, True) for w in window.session.watches))
    column = len(COLUMNS)
    assert [model.index(r, column).data() for r in range(3)] == ["true", "false", "false"]
    assert model.index(0, column + 1).data() == "2.0000"
    assert window.watch_keeper.columns[0][:3] == [1.0, 0.0, 0.0]


def test_a_huge_target_is_refused_in_the_field_and_a_later_edit_clears_the_message(window):
    window.action_show_gradients.trigger()
    strip = window.input_strip
    count = window.undo_stack.count()
    strip.target_edited.emit(1e300)
    assert window.session.target is None and window.undo_stack.count() == count
    assert "overflow" in strip.target_field.error() and "overflow" in strip.message.text()
    window.statusBar().showMessage("Not changed: target: something earlier", 8000)
    strip.target_edited.emit(2.0)
    assert window.session.target == 2.0
    assert window.statusBar().currentMessage() == ""
