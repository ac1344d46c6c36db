"""The loss landscape dock: computes and shows a map, a click sets the weights
(one undo step), its choices are undo steps and are saved with the session."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from lstm_gui.core.files.session_file import load_example, load_session, save_session
from lstm_gui.core.landscape import LandscapeChoice, landscape_curve, landscape_map
from lstm_gui.training.history import TrainingHistory

SMALL = LandscapeChoice(x="forget.bias", y="output.w_short", grid=12)


def _companies(choice: LandscapeChoice = SMALL):
    session = load_example("companies")
    session.set_landscape(choice)
    return session


def _show_landscape(qtbot, window):
    view = window.landscape_view
    assert not window.dock_landscape.isVisible()  # hidden until asked for
    with qtbot.waitSignal(view.computed, timeout=10_000):
        window.action_view_landscape.trigger()
    assert window.dock_landscape.isVisible()
    return view


def _wait_computed(qtbot, view):
    qtbot.waitUntil(lambda: not view.is_computing(), timeout=10_000)


def test_the_dock_computes_and_shows_the_map_of_the_session(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    xs, ys, loss = view.shown
    assert len(xs) == len(ys) == 12
    session = window.session
    assert xs[0] == pytest.approx(session.params.forget.bias - 3)
    assert ys[-1] == pytest.approx(session.params.output.w_short + 3)
    assert loss.tolist() == landscape_map(session.params, session.dataset, "forget.bias", xs, "output.w_short", ys)
    assert view.image.image is not None and view.image.image.shape == (12, 12)
    assert view.image.isVisible() and not view.curve.isVisible()
    assert view.message.text().startswith("12x12: loss ")
    assert "lowest at forget.bias = " in view.message.text()
    # The current point is marked (a star at the session's two weights).
    marker_x, marker_y = view.current_marker.getData()
    assert (marker_x[0], marker_y[0]) == (session.params.forget.bias, session.params.output.w_short)


def test_clicking_a_point_sets_those_weights_as_one_undo_step(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    xs, ys, _ = view.shown
    before_params, before_choice = window.session.params, window.session.landscape
    steps = window.undo_stack.count()
    # A real click on the plot, at the grid point (3, 8).
    scene_point = view.plot_item.getViewBox().mapViewToScene(QPointF(xs[3], ys[8]))
    widget_point = view.plot_widget.mapFromScene(scene_point)
    qtbot.mouseClick(
        view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(widget_point.x(), widget_point.y())
    )
    qtbot.waitUntil(lambda: window.undo_stack.count() == steps + 1, timeout=5_000)
    params = window.session.params
    assert params.forget.bias == xs[3] and params.output.w_short == ys[8]
    assert (
        params.with_value("forget", "bias", before_params.forget.bias).with_value(
            "output", "w_short", before_params.output.w_short
        )
        == before_params
    )  # nothing else moved
    assert window.undo_stack.undoText() == "Set weights from the loss landscape"
    # The ranges were following the weights: they are pinned, so the picture stays put.
    assert window.session.landscape.x_range == (xs[0], xs[-1])
    _wait_computed(qtbot, view)
    assert view.shown[0] == xs and view.shown[1] == ys
    # The range field shows the pinned range rounded; leaving it unchanged is no edit.
    view.x_range_edit.editingFinished.emit()
    assert window.undo_stack.count() == steps + 1
    assert window.weight_field("forget", "bias").text() != ""  # the diagram shows the new weights
    window.undo_stack.undo()
    assert window.session.params == before_params and window.session.landscape == before_choice
    assert window.undo_stack.count() == steps + 1 and window.undo_stack.index() == steps


def test_a_click_outside_the_map_or_while_training_changes_nothing(qtbot, make_window, monkeypatch):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    xs, ys, _ = view.shown
    steps = window.undo_stack.count()
    assert not view.set_point(xs[-1] + 10, 0.0)
    assert window.undo_stack.count() == steps
    monkeypatch.setattr(view, "_is_training", lambda: True)
    assert not view.set_point(xs[1], ys[1])
    assert window.undo_stack.count() == steps
    assert view.message.text().startswith("Training is running")


def test_choosing_no_y_weight_draws_a_curve_and_is_an_undo_step(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    steps = window.undo_stack.count()
    view.y_box.setCurrentIndex(view.y_box.findData(None))
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.y_box.activated.emit(view.y_box.currentIndex())
    assert window.undo_stack.count() == steps + 1
    assert window.undo_stack.undoText() == "Change loss landscape"
    assert window.session.landscape.y is None
    xs, ys, loss = view.shown
    assert ys is None and view.curve.isVisible() and not view.image.isVisible()
    session = window.session
    assert loss.tolist() == landscape_curve(session.params, session.dataset, "forget.bias", xs)
    # A click on a curve sets x only.
    assert view.set_point(xs[2])
    assert window.session.params.forget.bias == xs[2]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.session.landscape == SMALL
    assert view.y_box.currentData() == "output.w_short"


def test_a_typed_range_is_an_undo_step_and_a_bad_one_is_refused_in_the_dock(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    steps = window.undo_stack.count()
    view.x_range_edit.setText("-1, 2")
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.x_range_edit.editingFinished.emit()
    assert window.session.landscape.x_range == (-1.0, 2.0)
    assert view.shown[0][0] == -1.0 and view.shown[0][-1] == 2.0
    assert window.undo_stack.count() == steps + 1
    view.x_range_edit.setText("3, 1")
    view.x_range_edit.editingFinished.emit()
    assert "x range: expected the low end below the high end" in view.message.text()
    assert view.x_range_edit.text() == "-1, 2"  # the field shows the session's range again
    assert window.undo_stack.count() == steps + 1
    view.grid_box.setValue(9)
    assert window.session.landscape.grid == 9 and window.undo_stack.count() == steps + 2
    window.undo_stack.undo()
    assert view.grid_box.value() == 12
    window.undo_stack.undo()
    assert window.session.landscape.x_range is None and view.x_range_edit.text() == ""


def test_choosing_the_y_weight_as_x_swaps_the_axes(qtbot, make_window):
    window = make_window(_companies())
    view = window.landscape_view
    view.x_box.setCurrentIndex(view.x_box.findData("output.w_short"))
    view.x_box.activated.emit(view.x_box.currentIndex())
    assert (window.session.landscape.x, window.session.landscape.y) == ("output.w_short", "forget.bias")


def test_the_training_path_is_drawn_from_the_history(qtbot, make_window):
    session = _companies()
    history = TrainingHistory(("Company A", "Company B"))
    weights = np.tile(np.asarray(session.params.to_flat()), (3, 1))
    weights[:, 2] = [0.0, 0.5, 1.0]  # forget.bias
    weights[:, 9] = [1.0, 2.0, 3.0]  # output.w_short
    history.extend([1, 2, 3], [0.3, 0.2, 0.1], np.zeros((3, 2)), weights)
    session.set_history(history)
    window = make_window(session)
    view = _show_landscape(qtbot, window)
    path_x, path_y = view.path.getData()
    assert path_x.tolist() == [0.0, 0.5, 1.0] and path_y.tolist() == [1.0, 2.0, 3.0]
    start_x, start_y = view.path_start.getData()
    assert (start_x[0], start_y[0]) == (0.0, 1.0)


def test_the_choices_are_saved_and_opened_with_the_session(qtbot, make_window, tmp_path):
    choice = LandscapeChoice(x="wo1", y=None, x_range=(0.0, 6.0), grid=20)
    path = tmp_path / "landscape.json"
    save_session(_companies(choice), path)
    assert load_session(path).landscape == choice
    window = make_window()
    window.open_path(str(path), ask=False)
    view = window.landscape_view
    assert view.x_box.currentData() == "output.w_short"
    assert view.y_box.currentData() is None
    assert view.x_range_edit.text() == "0, 6"
    assert view.grid_box.value() == 20
    assert not window.is_modified()  # opening is not an undo step
    window.save_to(str(tmp_path / "again.json"))
    assert load_session(tmp_path / "again.json").landscape == choice


def test_a_weight_edit_recomputes_the_landscape(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    with qtbot.waitSignal(view.computed, timeout=10_000):
        window.session.set_weight("candidate", "bias", 0.75)
    xs, ys, loss = view.shown
    session = window.session
    assert loss.tolist() == landscape_map(session.params, session.dataset, "forget.bias", xs, "output.w_short", ys)


def test_a_huge_weight_still_gets_a_landscape_not_a_crash(qtbot, make_window):
    session = _companies()
    session.set_landscape(LandscapeChoice(x="forget.bias", y="output.w_short", grid=12))
    session.set_weight("forget", "bias", 1e17)  # +-3 around it would be one float64: the core widens it
    window = make_window(session)
    window.action_view_landscape.trigger()
    view = window.landscape_view
    qtbot.waitUntil(lambda: not view.is_computing() and view.shown is not None, timeout=10_000)
    assert window.errors == []
    xs, ys, loss = view.shown
    assert xs[0] < 1e17 < xs[-1] and np.isfinite(loss).all()
    assert view.set_point(1e17, window.session.params.output.w_short)


def test_a_range_too_wide_for_float64_is_refused_in_the_dock(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    steps = window.undo_stack.count()
    view.x_range_edit.setText("-1e308, 1e308")
    view.x_range_edit.editingFinished.emit()
    assert "x range: expected a range narrower than" in view.message.text()
    assert window.session.landscape.x_range is None and window.undo_stack.count() == steps
    assert window.errors == []
    assert np.isfinite(view.image.image).all()


def test_overflowed_losses_are_masked_not_passed_to_the_plot(qtbot, make_window):
    window = make_window(_companies())
    view = _show_landscape(qtbot, window)
    xs, ys, loss = view.shown
    spoiled = loss.copy()
    spoiled[0, 0], spoiled[1, 1] = np.inf, np.nan
    view._draw(xs, ys, spoiled, final=True)
    assert np.isfinite(view.image.image).all()
    assert window.errors == []
    view._draw(xs, None, spoiled[0], final=True)
    assert view.message.text().startswith(f"{len(xs)} points: loss ")
    assert "nan" not in view.message.text() and "inf" not in view.message.text()
