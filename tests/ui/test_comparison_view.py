"""The comparison dock (issue 13): a plain RNN and a GRU on the LSTM's inputs
at the window's step, their weights as undo steps, and the three cells
trained side by side with the result applied as one undo step."""

from __future__ import annotations

import json

import pytest

from lstm_gui.core.cell import CellParams
from lstm_gui.core.cells import CELLS, run_cell, trace_row
from lstm_gui.core.formatting import format_number
from lstm_gui.core.session import default_comparison
from lstm_gui.ui.commands import inputs_command
from lstm_gui.ui.widgets.cell_sketch import BLANK, SKETCH_GATES


@pytest.fixture
def window(make_window):
    win = make_window()
    win.open_example("companies", ask=False)
    win.action_view_comparison.trigger()
    yield win
    # Leave nothing behind for the next test: no child process, no shown
    # docks or tooltips (a full run crashed later in a tooltip test without this).
    win.comparison_view.shutdown()
    from PySide6.QtWidgets import QApplication, QToolTip

    QToolTip.hideText()
    win.dock_comparison.hide()
    QApplication.processEvents()


def expected_row(win, kind, step):
    inputs, long0, short0, _free = win.stepper.sequence()
    trace = run_cell(kind, win.session.comparison_weights(kind), inputs, long0, short0)
    return trace_row(trace, CELLS[kind].trace_keys, step - 1)


def assert_sketches_show_the_core_trace(win):
    view = win.comparison_view
    for kind, sketch in view.sketches.items():
        row = expected_row(win, kind, win.stepper.step)
        for gate in SKETCH_GATES[kind]:
            assert sketch.value_text(gate.column) == format_number(row[gate.column]), (kind, gate.column)
        assert sketch.memory_text() == tuple(format_number(row[key]) for key in ("short_prev", "x", "short"))


def test_view_compare_cells_is_hidden_until_asked_for_and_then_a_tab_beside_training(make_window):
    win = make_window()
    assert not win.dock_comparison.isVisible()
    assert win.action_view_comparison.text() == "&Compare Cells"
    win.action_view_comparison.trigger()
    assert win.dock_comparison.isVisible()
    assert win.comparison_view in win.dock_comparison.findChildren(type(win.comparison_view))


def test_the_sketches_show_the_cores_values_at_the_windows_step_of_the_stepped_sequence(window):
    window.select_sequence("Company B")
    for step in (1, 2, 4):
        window.set_step(step)
        assert_sketches_show_the_core_trace(window)
    caption = window.comparison_view.caption.text()
    assert "Company B" in caption and "step 4 of 4" in caption
    window.set_step(0)
    assert window.comparison_view.sketches["gru"].value_text("update") == BLANK


def test_the_free_inputs_start_from_the_initial_short_term_memory(window):
    window.select_sequence("free")
    window.set_step(1)
    row = expected_row(window, "rnn", 1)
    assert row["short_prev"] == window.session.short0
    assert_sketches_show_the_core_trace(window)


def test_editing_an_rnn_weight_updates_the_values_at_once_and_is_one_undo_step(window):
    window.set_step(2)
    sketch = window.comparison_view.sketches["rnn"]
    field = sketch.fields[1]  # w_input
    count = window.undo_stack.count()
    field.setText("2.5")
    assert field.commit()
    assert window.session.comparison_weights("rnn") == (0.9, 2.5, 0.0)
    assert_sketches_show_the_core_trace(window)
    assert window.undo_stack.count() == count + 1
    assert window.undo_stack.undoText() == "Set plain RNN w_input to 2.5"
    assert window.is_modified()
    window.undo_stack.undo()
    assert window.session.comparison_weights("rnn") == CELLS["rnn"].default_params
    assert field.value() == 1.0
    assert_sketches_show_the_core_trace(window)


def test_a_drag_on_a_gru_weight_is_one_undo_step(window):
    field = window.comparison_view.sketches["gru"].fields[9]  # candidate.bias_short
    count = window.undo_stack.count()
    field.begin_scrub()
    for _ in range(5):
        field.scrub_move(10)
    field.end_scrub()
    assert window.session.comparison_weights("gru")[9] == pytest.approx(0.5)
    assert window.undo_stack.count() == count + 1
    assert_sketches_show_the_core_trace(window)
    window.undo_stack.undo()
    assert window.session.comparison_weights("gru") == CELLS["gru"].default_params


def test_a_refused_weight_says_why_and_changes_nothing(window):
    field = window.comparison_view.sketches["gru"].fields[0]
    field.setText("abc")
    assert not field.commit()
    assert window.session.comparison == default_comparison()
    assert window.comparison_view.error_label.text().startswith("GRU reset.w_short:")


def test_new_inputs_update_the_sketches_at_once(window):
    window.select_sequence("free")
    window.set_step(1)
    window.undo_stack.push(inputs_command(window.session, (-1.0, 0.25)))
    assert_sketches_show_the_core_trace(window)
    assert window.comparison_view.sketches["rnn"].memory_text()[1] == "-1.0000"


def test_a_saved_session_brings_back_the_comparison_weights(window, tmp_path):
    window.comparison_view.sketches["rnn"].fields[0].setText("0.25")
    window.comparison_view.sketches["rnn"].fields[0].commit()
    path = tmp_path / "compare.json"
    assert window.save_to(str(path))
    assert json.loads(path.read_text())["comparison"]["rnn"] == [0.25, 1.0, 0.0]
    window.open_example("companies", ask=False)
    assert window.comparison_view.sketches["rnn"].fields[0].value() == 0.9
    assert window.open_path(str(path), ask=False)
    assert window.comparison_view.sketches["rnn"].fields[0].value() == 0.25
    assert_sketches_show_the_core_trace(window)


def test_train_all_three_plots_three_losses_and_applying_is_one_undo_step(window, qtbot):
    view = window.comparison_view
    window.session.set_training(window.session.training.replace(epochs=60, init="random", seed=2, lr=0.05))
    before_params, before_comparison = window.session.params, window.session.comparison
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        view.train_button.click()
    assert list(view.results) == ["lstm", "rnn", "gru"]
    for kind, curve in view.curves.items():
        xs, ys = curve.getOriginalDataset()  # getData gives log10 on a log plot
        assert len(xs) == 61 and list(ys) == pytest.approx(list(view.results[kind].losses))
    assert view.status.text().startswith("Final loss: LSTM ")
    assert view.train_button.text() == "Train all three"
    count = window.undo_stack.count()
    # While the training column trains, its result would replace the applied weights.
    view._is_training = lambda: True
    view.apply_button.click()
    assert window.undo_stack.count() == count and "stop it first" in view.status.text()
    view._is_training = lambda: False
    view.apply_button.click()
    assert window.undo_stack.count() == count + 1
    assert window.undo_stack.undoText() == "Apply comparison training"
    assert window.session.params == CellParams.from_flat(view.results["lstm"].weights)
    assert window.session.comparison == {kind: view.results[kind].weights for kind in ("rnn", "gru")}
    assert_sketches_show_the_core_trace(window)
    assert not view.apply_button.isEnabled()
    window.undo_stack.undo()
    assert window.session.params == before_params and window.session.comparison == before_comparison


def test_stop_ends_a_long_comparison_run_and_closing_joins_the_worker(window, qtbot):
    view = window.comparison_view
    window.session.set_training(window.session.training.replace(epochs=1_000_000, init="zeros"))
    view.train_button.click()
    assert view.runner.is_running() and view.train_button.text() == "Stop"
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        view.train_button.click()
    assert not view.runner.is_running()
    assert "not trained" in view.status.text() or "stopped" in view.status.text()
    view.train_button.click()
    window.close()
    assert not view.runner.is_running()


def test_a_long_sequence_shows_the_right_values_far_past_the_first_computed_steps(window):
    window.undo_stack.push(inputs_command(window.session, [((k * 37) % 11) / 5 - 1 for k in range(5000)]))
    window.select_sequence("free")
    for step in (3, 2600, 5000):
        window.set_step(step)
        assert_sketches_show_the_core_trace(window)
    assert "step 5000 of 5000" in window.comparison_view.caption.text()


def test_the_gradient_plot_draws_the_rnn_and_gru_curves_while_the_comparison_is_shown(window):
    import numpy as np

    from lstm_gui.core.gradients import gradients
    from lstm_gui.ui.widgets.gradient_plot import memory_gradients

    window.select_sequence("Company B")
    window.dock_gradient_plot.toggleViewAction().trigger()
    plot = window.gradients.plot
    assert window.dock_gradient_plot.isVisible() and {"rnn", "gru"} <= set(plot.curves)
    inputs, _long0, _short0, _free = window.stepper.sequence()
    for kind in ("rnn", "gru"):
        expected = gradients(kind, window.session.comparison_weights(kind), inputs, 0.0, 0.0, 1.0)
        assert np.allclose(plot.values(kind), memory_gradients(expected)[1], rtol=0, atol=0)
    window.comparison_view.sketches["rnn"].fields[0].setText("0.1")
    window.comparison_view.sketches["rnn"].fields[0].commit()
    expected = gradients("rnn", (0.1, 1.0, 0.0), inputs, 0.0, 0.0, 1.0)
    assert np.array_equal(plot.values("rnn"), memory_gradients(expected)[1])
    window.dock_comparison.hide()
    assert "rnn" not in plot.curves and "gru" not in plot.curves
