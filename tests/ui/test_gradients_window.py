"""Issue 13 in the window: Show Gradients, stepping back through the backward
pass, Nudge and its undo, the target, the gradient plot."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.gradients import gradients
from lstm_gui.core.vocabulary import GATES, ROLES
from lstm_gui.training.nudge import nudge
from lstm_gui.ui.diagram.gradients import format_gradient, weight_note_text
from lstm_gui.ui.gradient_model import step_gradients

WEIGHT_KEYS = [(gate, role) for gate in GATES for role in ROLES]


@pytest.fixture
def window(make_window):
    win = make_window(load_example("companies"))
    win.stepper.select_sequence("Company B")
    return win


def core_gradients(win):
    inputs, long0, short0, _free = win.stepper.sequence()
    return gradients("lstm", win.session.params.to_flat(), inputs, long0, short0, win.gradients.model.target())


def test_show_gradients_is_off_until_asked_and_computes_nothing(window):
    assert not window.action_show_gradients.isChecked()
    assert not window.input_strip.target_field.isVisible()  # the target only matters for the gradients
    assert window.gradients.overlay.weight_text("forget", "bias") == ""
    assert window.gradients.model.computed == 0


def test_the_overlay_shows_the_cores_numbers_at_the_last_step(window):
    window.action_show_gradients.trigger()
    window.stepper.go_to_end()
    grads = core_gradients(window)
    overlay = window.gradients.overlay
    assert grads.target == 1.0  # Company B's target
    shown = step_gradients(grads, grads.steps)
    for k, (gate, role) in enumerate(WEIGHT_KEYS):
        assert overlay.weight_text(gate, role) == weight_note_text(shown.weights[k])
    assert overlay.memory_text("long_after").endswith(format_gradient(grads.long_grad[-1]))
    assert overlay.memory_text("short_after").endswith(format_gradient(grads.short_grad[-1]))
    assert format_gradient(grads.loss) in overlay.loss_text()


def test_stepping_back_walks_the_backward_pass_from_the_cache(window):
    window.action_show_gradients.trigger()
    window.stepper.go_to_end()
    grads = core_gradients(window)
    overlay = window.gradients.overlay
    computed = window.gradients.model.computed
    seen = []
    for step in range(grads.steps, -1, -1):
        window.set_step(step)
        at = max(step, 1)
        assert overlay.weight_text("output", "w_short") == weight_note_text(grads.weights_grad_upto(at)[9])
        long_now = grads.long_grad[step - 1] if step else grads.long0_grad
        assert overlay.memory_text("long_after").endswith(format_gradient(long_now))
        seen.append(overlay.weight_text("forget", "w_input"))
    # Step 1 (and step 0) show the whole gradient; the last step only its own part.
    assert seen[-1] == weight_note_text(grads.weights_grad[1])
    assert len(set(seen)) > 1
    assert window.gradients.model.computed == computed  # stepping recomputes nothing


def test_a_weight_edit_recomputes_the_shown_gradients(window):
    window.action_show_gradients.trigger()
    window.stepper.go_to_end()
    before = window.gradients.overlay.weight_text("forget", "bias")
    window.scene.weight_committed.emit("forget", "bias", 0.0)
    after = window.gradients.overlay.weight_text("forget", "bias")
    assert after != before
    assert after == weight_note_text(core_gradients(window).weights_grad_upto(4)[2])


def test_show_gradients_is_remembered(make_window):
    first = make_window(load_example("companies"))
    first.action_show_gradients.trigger()
    second = make_window(load_example("companies"))
    assert second.action_show_gradients.isChecked()
    assert second.gradients.overlay.is_visible()


def test_nudge_is_one_undo_step_with_the_cores_weights(window):
    session = window.session
    start = session.params
    expected = nudge(start, session.dataset, session.training)
    assert not window.document.is_modified()
    window.action_nudge.trigger()
    assert session.params == expected
    assert window.undo_stack.count() == 1 and window.document.is_modified()
    assert "Nudge" in window.undo_stack.undoText()
    window.undo_stack.undo()
    assert session.params == start
    assert not window.document.is_modified()
    window.undo_stack.redo()
    assert session.params == expected


def test_nudge_is_in_the_training_menu_with_a_tooltip(window):
    assert window.action_nudge.toolTip().startswith("One update")
    menus = [action.menu() for action in window.menuBar().actions() if action.menu() is not None]
    training = next(menu for menu in menus if menu.objectName() == "menu_training")
    assert window.action_nudge in training.actions()


def test_the_free_inputs_target_is_edited_as_one_undo_step(window):
    window.stepper.select_sequence("free")
    window.action_show_gradients.trigger()
    field = window.input_strip.target_field
    assert field.isVisible() and field.isEnabled()
    window.input_strip.target_edited.emit(0.5)
    assert window.session.target == 0.5
    assert window.gradients.model.target() == 0.5
    assert "0.5" in window.gradients.overlay.loss_text()
    assert window.undo_stack.undoText() == "Set the target to 0.5"
    window.undo_stack.undo()
    assert window.session.target is None
    assert field.value() == 0.0


def test_a_dataset_sequence_shows_its_own_target_greyed(window):
    field = window.input_strip.target_field
    assert field.value() == 1.0 and not field.isEnabled()
    window.stepper.select_sequence("Company A")
    assert field.value() == 0.0


def test_the_plot_shows_the_cores_curves_and_marks_the_step(window, qtbot):
    window.dock_gradient_plot.show()
    qtbot.waitUntil(window.dock_gradient_plot.isVisible)
    window.set_step(2)
    grads = core_gradients(window)
    plot = window.gradients.plot
    np.testing.assert_array_equal(plot.values("long"), [grads.long0_grad, *grads.long_grad])
    np.testing.assert_array_equal(plot.values("short"), [grads.short0_grad, *grads.short_grad])
    assert sorted(plot.marker_points()) == sorted([(2.0, abs(grads.long_grad[1])), (2.0, abs(grads.short_grad[1]))])
    assert window.dock_gradient_plot.objectName() == "gradient_plot_dock"


def test_the_plot_takes_another_cells_curve_by_name(window, qtbot):
    window.dock_gradient_plot.show()
    qtbot.waitUntil(window.dock_gradient_plot.isVisible)
    rnn = gradients("rnn", (0.5, 1.0, 0.0), (1.0, 0.5, 0.25, 1.0), 0.0, 0.0, 1.0)
    plot = window.gradients.plot
    plot.set_cell_curve("rnn", rnn)
    np.testing.assert_array_equal(plot.values("rnn"), [rnn.short0_grad, *rnn.short_grad])
    plot.set_cell_curve("rnn", None)
    assert "rnn" not in plot.curves


def test_the_long_memory_example_opens_with_its_figures(make_window):
    win = make_window()
    win.open_example("long-memory", ask=False)
    assert len(win.session.inputs) == 50
    assert "seeds" in win.session.description


def test_reset_layout_keeps_the_gradient_plot_beside_the_over_time_plot(window, qtbot):
    window.dock_gradient_plot.show()
    qtbot.waitUntil(window.dock_gradient_plot.isVisible)
    window.reset_layout()
    assert window.dock_gradient_plot in window.tabifiedDockWidgets(window.dock_plot)
    assert window.dock_gradient_plot.isVisible() and not window.dock_gradient_plot.isFloating()
    assert window.gradients.plot.values("short").size == 5  # steps 0..4 of Company B
