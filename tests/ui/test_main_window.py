"""The main window as a person uses it: weights typed into the diagram,
stepping, undo, files and exports (offscreen)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QMessageBox

from lstm_gui.core.cell import NOTEBOOK_PARAMS, run
from lstm_gui.core.formatting import format_number
from lstm_gui.core.session import Session
from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.ui import MainWindow
from lstm_gui.ui.commands import memories_command, weight_command


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session())
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.errors = []
    win.show_error = lambda title, text: win.errors.append(text)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.setClean()


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    field.setText("")
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_every_weight_has_a_named_field_with_words(window):
    for gate in GATES:
        for role in ROLES:
            field = window.find_widget(f"weight_{gate}_{role}")
            assert isinstance(field, QLineEdit)
            assert field.accessibleName() and "_" not in field.accessibleName()
            assert field.value() == NOTEBOOK_PARAMS.get(gate, role)
    assert window.weight_field("forget", "w_short").text() == "2.70"


def test_the_window_opens_at_step_one_with_every_value_shown(window):
    assert window.step == 1
    assert [window.value_label(g).text() for g in GATES] == ["0.9974", "0.9862", "0.9661", "0.9917"]
    window.reset()  # Home: step 0, before the first input
    assert window.step == 0
    assert window.value_label("forget").text() in ("", "\u2014")  # no value yet at step 0
    assert window.value_label("long").text() == "2.0000"  # the initial memories
    window.findChild(type(window.action_step_forward), "action_step_forward").trigger()
    assert [window.value_label(g).text() for g in GATES] == ["0.9974", "0.9862", "0.9661", "0.9917"]
    assert window.find_widget("value_long").text() == "2.9476"
    assert window.find_widget("value_short").text() == "0.9862"
    assert window.value_label("long_prev").text() == "2.0000"  # before the step, still visible
    assert "sigmoid(2.70 x 1.000 + 1.63 x 1.000 + 1.62) = 0.9974" in window.scene.blocks["forget"].toolTip()


def test_typing_a_weight_updates_every_value_to_the_cores(window, qtbot):
    window.step_forward()
    type_into(qtbot, window.weight_field("forget", "bias"), "-3")
    assert window.session.params.forget.bias == -3.0
    expected = run(window.session.params, [1.0], 2.0, 1.0)[0]
    for gate in GATES:
        assert window.value_label(gate).text() == format_number(getattr(expected, gate))
    assert window.value_label("long").text() == format_number(expected.long)
    assert window.value_label("short").text() == format_number(expected.short)
    assert window.undo_stack.count() == 1
    assert window.isWindowModified()
    assert window.windowTitle().endswith("[*] - lstm-gui")


def test_four_steps_through_company_b_show_short_term_0_9694(window):
    window.select_sequence("Company B")
    for _ in range(4):
        window.action_step_forward.trigger()
    assert window.find_widget("value_short").text() == "0.9694"
    assert window.step_label.text() == "step 4 of 4"
    assert window.status_step.text() == "step 4 of 4"
    # Dataset sequences start from memories 0, shown read-only.
    assert window.input_strip.long_field.isReadOnly()
    assert window.input_strip.long_field.value() == 0.0
    assert "memories 0" in window.input_strip.long_field.toolTip() and not window.input_strip.long_field.isEnabled()


@pytest.mark.parametrize("text", ["abc", "1,5", "nan", "inf", "1e999", "1_0", ""])
def test_a_refused_value_says_why_at_the_field_and_changes_nothing(window, qtbot, text):
    window.step_forward()
    before = window.session.params
    shown = window.value_label("forget").text()
    field = window.weight_field("forget", "w_input")
    type_into(qtbot, field, text)
    assert window.session.params == before
    assert window.undo_stack.count() == 0
    assert window.value_label("forget").text() == shown
    reason = window.scene.bubble_text("forget", "w_input")
    assert "forget gate weight on the input" in reason
    assert field.error() == reason and field.property("invalid") is True
    assert "Not changed" in window.statusBar().currentMessage()
    # A good value afterwards clears the message.
    type_into(qtbot, field, "1.5")
    assert window.scene.bubble_text("forget", "w_input") == ""
    assert window.session.params.forget.w_input == 1.5


def test_undo_and_redo_restore_the_weight_and_the_values(window, qtbot):
    window.step_forward()
    type_into(qtbot, window.weight_field("output", "w_short"), "0.5")
    assert window.value_label("output").text() != "0.9917"
    window.action_undo.trigger()
    assert window.session.params == NOTEBOOK_PARAMS
    assert window.weight_field("output", "w_short").text() == "4.38"
    assert window.value_label("output").text() == "0.9917"
    assert not window.isWindowModified()
    window.action_redo.trigger()
    assert window.session.params.output.w_short == 0.5
    assert window.weight_field("output", "w_short").text() == "0.50"


def test_enter_on_an_unchanged_field_never_rounds_the_weight(window, qtbot):
    window.session.set_weight("forget", "w_short", 2.70434)
    window.undo_stack.setClean()
    field = window.weight_field("forget", "w_short")
    assert field.text() == "2.7043"  # rounded for display
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.session.params.forget.w_short == 2.70434
    assert window.undo_stack.count() == 0
    field.setFocus()
    field.focusInEvent(
        __import__("PySide6.QtGui", fromlist=["QFocusEvent"]).QFocusEvent(
            __import__("PySide6.QtCore", fromlist=["QEvent"]).QEvent.Type.FocusIn
        )
    )
    assert field.text() == "2.70434"  # the full value while editing
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.session.params.forget.w_short == 2.70434
    assert window.undo_stack.count() == 0


def test_stepping_does_not_mark_the_file_modified(window):
    window.select_sequence("Company A")
    window.step_forward()
    window.go_to_end()
    window.step_back()
    window.reset()
    assert not window.isWindowModified()
    assert window.undo_stack.count() == 0


def test_table_and_plot_follow_the_step_and_a_click_jumps(window, qtbot):
    window.select_sequence("Company B")
    window.set_step(3)
    model = window.trace_table.trace_model
    assert model.rowCount() == 4
    assert model.data(model.index(2, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert window.plot.cursor_step() == 3
    assert window.step_slider.value() == 3
    rect = window.trace_table.visualRect(model.index(0, 2))
    qtbot.mouseClick(window.trace_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.step == 1
    assert window.plot.cursor_step() == 1
    assert window.value_label("short").text() == "0.2764"


def test_copy_trace_rows_gives_full_precision_text(window):
    window.select_sequence("Company B")
    text = window.trace_table.copy_selection()
    lines = text.splitlines()
    assert lines[0].startswith("step\tx\tlong_prev")
    assert len(lines) == 5
    assert lines[4].split("\t")[-1].startswith("0.96939")


def test_inputs_and_memories_are_editable_with_undo(window):
    window.input_strip.input_added.emit()
    assert window.session.inputs == (1.0, 1.0)
    window.input_strip.model.setData(window.input_strip.model.index(0, 1), "0.5")
    assert window.session.inputs == (1.0, 0.5)
    assert not window.input_strip.model.setData(window.input_strip.model.index(0, 1), "half")
    assert "input 2" in window.input_strip.message.text()
    window.input_strip.long_field.setText("0")
    window.input_strip.long_field.commit()
    assert window.session.long0 == 0.0
    window.go_to_end()
    assert window.step_label.text() == "step 2 of 2"
    for _ in range(3):
        window.undo_stack.undo()
    assert (window.session.inputs, window.session.long0) == ((1.0,), 2.0)


def test_a_broken_file_keeps_the_current_session(window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "lstm-gui session", "weights": [1, 2', encoding="utf-8")
    session = window.session
    window.session.set_weight("input", "bias", 0.25)
    assert not window.open_path(str(bad), ask=False)
    assert window.session is session
    assert window.session.params.input.bias == 0.25
    assert window.errors and "broken.json" in window.errors[-1]
    # the path once (not repeated by the window) and the reason after it
    assert window.errors[-1].count("broken.json") == 1
    assert "JSON" in window.errors[-1].split("broken.json", 1)[1]


def test_save_and_open_round_trip_with_title_and_recent_files(window, qtbot, tmp_path):
    path = tmp_path / "mine.json"
    type_into(qtbot, window.weight_field("candidate", "bias"), "0.125")
    assert window.save_to(str(path))
    assert not window.isWindowModified()
    assert window.windowTitle() == "mine.json[*] - lstm-gui"
    assert json.loads(path.read_text(encoding="utf-8"))
    with qtbot.waitSignal(window.session_replaced):
        window.new_session()
    assert window.session.params == NOTEBOOK_PARAMS
    assert window.open_path(str(path))
    assert window.session.params.candidate.bias == 0.125
    assert (
        window.weight_field("candidate", "bias").text() == "0.125"
        or window.weight_field("candidate", "bias").text() == "0.1250"
    )
    assert [a.text() for a in window.recent_menu.actions()][0] == "mine.json"


def test_opening_copies_into_the_one_session_and_clears_the_undo_history(window):
    session = window.session
    window.undo_stack.push(weight_command(session, "forget", "bias", 7.0))
    assert window.open_example("companies")
    # One session object for the window's life: the example's contents are copied in.
    assert window.session is session and window.training_panel.session is session
    assert session.inputs == (1.0, 0.5, 0.25, 1.0) and session.long0 == 0.0
    assert window.weight_field("forget", "bias").value() == 1.62
    assert window.undo_stack.count() == 0 and not window.isWindowModified()
    session.set_weight("forget", "bias", 9.0)  # widgets follow the one object
    assert window.weight_field("forget", "bias").value() == 9.0


def test_closing_with_unsaved_changes_asks(window, qtbot):
    asked = []
    window.undo_stack.push(memories_command(window.session, 0.5, 0.5))

    def cancel():
        asked.append(True)
        return QMessageBox.StandardButton.Cancel

    window.ask_save_changes = cancel
    assert not window.close()
    assert asked and window.isVisible()
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    assert window.close()


def test_preview_params_show_without_editing(window):
    window.step_forward()
    other = NOTEBOOK_PARAMS.with_value("forget", "bias", -5.0)
    window.set_preview_params(other)
    assert window.weight_field("forget", "bias").isReadOnly()
    assert window.weight_field("forget", "bias").text() == "-5.00"
    assert window.value_label("forget").text() == format_number(run(other, [1.0], 2.0, 1.0)[0].forget)
    assert window.session.params == NOTEBOOK_PARAMS
    window.set_preview_params(None)
    assert not window.weight_field("forget", "bias").isReadOnly()
    assert window.value_label("forget").text() == "0.9974"


def test_exports_write_png_svg_and_csv(window, tmp_path):
    window.step_forward()
    png, svg, csv = tmp_path / "d.png", tmp_path / "d.svg", tmp_path / "t.csv"
    window.export_png(str(png))
    image = QImage(str(png))
    assert image.width() == 2 * int(window.scene.sceneRect().width())
    window.export_svg(str(svg))
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "0.9974" in text
    window.export_trace_csv(str(csv))
    assert csv.read_text(encoding="utf-8").splitlines()[0].startswith("step,x,long_prev")


def test_run_steps_by_itself_and_stops_at_the_end(window, qtbot):
    window.select_sequence("Company A")
    window.set_speed(30)
    window.action_run.trigger()
    assert window.is_running()
    qtbot.waitUntil(lambda: window.step == 4 and not window.is_running(), timeout=20000)
    assert not window.isWindowModified()


def test_theme_switch_keeps_values_and_is_remembered(window):
    window.step_forward()
    window.theme_actions["dark"].trigger()
    assert window.theme == "dark"
    assert window.value_label("forget").text() == "0.9974"
    assert window.settings.value("theme") == "dark"
    window.theme_actions["light"].trigger()


def test_ctrl_z_in_a_field_right_after_enter_undoes_the_edit(window, qtbot):
    """Focus stays in the field after Enter; Ctrl+Z there must still undo the
    model change (the line edit has no text edit of its own left to undo)."""
    field = window.weight_field("forget", "bias")
    field.setFocus()
    type_into(qtbot, field, "0.5")
    assert window.session.params.forget.bias == 0.5
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.params.forget.bias == 1.62
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.params.forget.bias == 0.5


@pytest.mark.parametrize("width", [1440, 1024])
def test_over_time_legend_never_covers_the_curves_and_its_steps_are_whole(window, qtbot, width):
    """The legend has a row of its own, so it covers no curve at any width;
    the step axis has ticks at whole steps only (no 0.5)."""
    window.resize(width, 700)
    window.select_sequence("Company B")
    window.set_step(4)
    qtbot.waitUntil(lambda: window.plot.width() > 100)
    item = window.plot.getPlotItem()
    view_rect = item.getViewBox().sceneBoundingRect()
    legend_rect = window.plot.legend.sceneBoundingRect()
    assert not legend_rect.intersects(view_rect.adjusted(1, 1, -1, -1))  # above or beside, never over the curves
    assert {label.text for _sample, label in window.plot.legend.items} >= {"forget", "long-term", "short-term"}
    axis = item.getAxis("bottom")
    values = [v for _spacing, ticks in axis.tickValues(0, 4, 400) for v in ticks]
    assert values and all(float(v).is_integer() for v in values)
    assert axis.tickStrings([1.0, 2.0], 1.0, 1.0) == ["1", "2"]


def test_a_weight_edit_redraws_values_but_not_the_input_strip(window, qtbot, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(window.input_strip, "set_sequence", lambda *a: calls.append("set_sequence"))
    monkeypatch.setattr(window.input_strip, "set_sources", lambda *a: calls.append("set_sources"))
    window.set_step(1)
    before = window.value_label("forget").text()
    type_into(qtbot, window.weight_field("forget", "bias"), "-3")
    assert window.value_label("forget").text() != before
    assert window.trace_table.trace_model.index(0, 4).data() is not None
    assert calls == []  # the sequence did not change: the strip is left alone


def test_modified_is_exactly_the_undo_stack_not_clean(window, qtbot):
    panel = window.training_panel
    assert not window.isWindowModified()
    panel.add_sequence()
    assert window.isWindowModified() and not window.undo_stack.isClean()
    window.undo_stack.undo()
    assert window.undo_stack.isClean()
    assert not window.isWindowModified()
    assert window.ask_save_changes is not None and window.maybe_save()  # nothing to ask
    window.undo_stack.redo()
    assert window.isWindowModified()


def test_after_a_theme_switch_the_memory_fields_use_the_new_theme(window, qtbot):
    field = window.input_strip.long_field
    window._apply_theme("dark", save=False)
    qtbot.waitUntil(lambda: field.palette().color(field.backgroundRole()).lightness() < 80, timeout=20000)
    window._apply_theme("light", save=False)
    qtbot.waitUntil(lambda: field.palette().color(field.backgroundRole()).lightness() > 200, timeout=20000)


def test_memory_fields_are_disabled_while_a_dataset_sequence_is_stepped(window):
    window.open_example("companies", ask=False)
    assert window.input_strip.long_field.isEnabled()
    window.select_sequence("Company A")
    assert not window.input_strip.long_field.isEnabled()
    assert not window.input_strip.short_field.isEnabled()
    assert window.input_strip.long_field.text() == "0.00"
    window.select_sequence("free")
    assert window.input_strip.long_field.isEnabled()
