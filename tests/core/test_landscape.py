"""The loss landscape: every point is the dataset loss computed directly."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams
from lstm_gui.core.dataset import COMPANIES, DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.landscape import (
    WEIGHT_NAMES,
    LandscapeChoice,
    LandscapeJob,
    grid_axis,
    landscape_curve,
    landscape_map,
    path_points,
    weight_index,
    weight_name,
)
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES, PARAM_KEYS
from lstm_gui.training.evaluate import evaluate_dataset


def _random_dataset(rng: random.Random, count: int) -> tuple[DatasetItem, ...]:
    return tuple(
        DatasetItem(f"s{k}", tuple(rng.uniform(-2, 2) for _ in range(rng.randint(1, 12))), rng.uniform(-1, 1))
        for k in range(count)
    )


def _direct_loss(params: CellParams, dataset, changes: dict[str, float]) -> float:
    for name, value in changes.items():
        gate, role = name.split(".")
        params = params.with_value(gate, role, value)
    return evaluate_dataset(params, dataset)[0]


@pytest.mark.parametrize("seed", range(6))
def test_every_map_point_equals_the_loss_computed_directly(seed):
    rng = random.Random(seed)
    params = CellParams.from_flat([rng.uniform(-3, 3) for _ in range(12)])
    dataset = _random_dataset(rng, rng.choice([1, 3, 30]))  # 30: evaluate's numpy path
    x_name, y_name = rng.sample(WEIGHT_NAMES, 2)
    xs = grid_axis(-4, 4, 7)
    ys = grid_axis(-1.5, 2.5, 5)
    loss = landscape_map(params, dataset, x_name, xs, y_name, ys)
    assert len(loss) == len(ys) and all(len(row) == len(xs) for row in loss)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            assert loss[j][i] == pytest.approx(
                _direct_loss(params, dataset, {x_name: x, y_name: y}), rel=1e-12, abs=1e-15
            )


def test_every_curve_point_equals_the_loss_computed_directly_with_a_notebook_name():
    params, dataset = NOTEBOOK_PARAMS, COMPANIES
    xs = grid_axis(-1, 5, 13)
    curve = landscape_curve(params, dataset, "wo1", xs)
    assert len(curve) == 13
    for x, value in zip(xs, curve):
        assert value == pytest.approx(_direct_loss(params, dataset, {"output.w_short": x}), rel=1e-12)


def test_a_map_of_many_points_is_cut_into_chunks_and_still_exact():
    # 256 x 50 steps: more points than one chunk holds.
    rng = random.Random(7)
    dataset = tuple(DatasetItem(f"s{k}", tuple(rng.uniform(-1, 1) for _ in range(50)), 0.5) for k in range(256))
    xs, ys = grid_axis(-3, 3, 40), grid_axis(-2, 2, 3)
    loss = landscape_map(NOTEBOOK_PARAMS, dataset, "candidate.bias", xs, "input.w_input", ys)
    for j, i in ((0, 0), (1, 17), (2, 39)):
        direct = _direct_loss(NOTEBOOK_PARAMS, dataset, {"candidate.bias": xs[i], "input.w_input": ys[j]})
        assert loss[j][i] == pytest.approx(direct, rel=1e-12)


def test_an_empty_dataset_has_zero_loss_everywhere():
    assert landscape_curve(NOTEBOOK_PARAMS, (), "forget.bias", [0.0, 1.0]) == [0.0, 0.0]


def test_names_resolve_gate_role_and_notebook_names_to_the_flat_order():
    for k, (gate, role) in enumerate(PARAM_KEYS):
        assert weight_index(f"{gate}.{role}") == k
    for name, key in NOTEBOOK_NAMES.items():
        assert weight_index(name) == PARAM_KEYS.index(key)
    assert weight_name("blr1") == "forget.bias"
    assert weight_name(" bo1 ") == "output.bias"


def test_an_unknown_name_is_refused_with_a_suggestion():
    with pytest.raises(FieldError) as caught:
        weight_index("forget.bais", "x")
    assert caught.value.where == "x"
    assert "unknown weight 'forget.bais'" in caught.value.reason
    assert "did you mean 'forget.bias'?" in caught.value.reason
    with pytest.raises(FieldError, match="expected gate.role"):
        weight_index("zzzzzz", "y")


def test_grid_axis_has_n_evenly_spaced_points_with_both_ends_exact():
    axis = grid_axis(-0.3, 0.7, 11)
    assert len(axis) == 11
    assert axis[0] == -0.3 and axis[-1] == 0.7
    assert np.allclose(np.diff(axis), 0.1)
    assert grid_axis(0, 1, 2) == [0.0, 1.0]


@pytest.mark.parametrize(
    ("lo", "hi", "n", "message"),
    [
        (1, 1, 5, "low end below the high end"),
        (2, 1, 5, "low end below the high end"),
        (0, math.inf, 5, "finite number"),
        (0, 1, 1, "expected 2 to 256 points"),
        (0, 1, 257, "expected 2 to 256 points"),
        (0, 1, 2.5, "whole number"),
    ],
)
def test_bad_ranges_and_grids_are_refused(lo, hi, n, message):
    with pytest.raises(FieldError, match=message):
        grid_axis(lo, hi, n)


def test_the_default_range_is_the_current_value_plus_minus_3():
    choice = LandscapeChoice(x="wlr1", y="forget.bias", grid=7)
    xs, ys = choice.axes(NOTEBOOK_PARAMS)
    assert xs[0] == pytest.approx(2.7 - 3) and xs[-1] == pytest.approx(2.7 + 3)
    assert ys is not None and ys[0] == pytest.approx(1.62 - 3) and ys[-1] == pytest.approx(1.62 + 3)
    assert LandscapeChoice(x="wlr1", y=None, x_range=(0, 1), grid=3).axes(NOTEBOOK_PARAMS) == ([0.0, 0.5, 1.0], None)


def test_a_choice_refuses_the_same_weight_twice_and_bad_ranges():
    with pytest.raises(FieldError) as caught:
        LandscapeChoice(x="blr1", y="forget.bias")
    assert caught.value.where == "y"
    with pytest.raises(FieldError) as caught:
        LandscapeChoice(x_range=(1.0, 0.0))
    assert caught.value.where == "x_range"


def test_the_job_fills_in_coarse_to_fine_and_ends_with_the_exact_map():
    choice = LandscapeChoice(x="forget.bias", y="output.w_short", grid=20)
    job = LandscapeJob(NOTEBOOK_PARAMS, COMPANIES, choice)
    assert job.levels == [8, 16, 20]
    assert job.current() is None
    sizes = []
    steps = 0
    while not job.step(37):
        steps += 1
        current = job.current()
        if current is not None and (not sizes or sizes[-1] != len(current[0])):
            sizes.append(len(current[0]))
    assert steps > 10  # really in slices
    assert sizes == [8, 16]
    xs, ys, loss = job.current()
    assert job.done and job.progress == 1.0 and job.level == 20
    expected_xs, expected_ys = choice.axes(NOTEBOOK_PARAMS)
    assert xs == expected_xs and ys == expected_ys
    assert loss.tolist() == landscape_map(NOTEBOOK_PARAMS, COMPANIES, "forget.bias", xs, "output.w_short", ys)


def test_a_curve_job_gives_a_flat_loss():
    job = LandscapeJob(NOTEBOOK_PARAMS, COMPANIES, LandscapeChoice(x="bo1", y=None, grid=9))
    while not job.step(1000):
        pass
    xs, ys, loss = job.current()
    assert ys is None and loss.shape == (9,)
    assert loss.tolist() == landscape_curve(NOTEBOOK_PARAMS, COMPANIES, "bo1", xs)


def test_the_training_path_is_the_chosen_columns_of_the_weights():
    rows = np.arange(24, dtype=float).reshape(2, 12)
    xs, ys = path_points(rows, LandscapeChoice(x="wlr2", y="bo1"))
    assert xs.tolist() == [1.0, 13.0] and ys is not None and ys.tolist() == [11.0, 23.0]


@pytest.mark.parametrize("value", [1e16, 1e17, -3e20, 1e300, 1.7976931348623157e308, -1.7976931348623157e308])
def test_the_default_range_around_a_huge_weight_never_collapses(value):
    params = NOTEBOOK_PARAMS.with_value("forget", "bias", value)
    choice = LandscapeChoice(x="forget.bias", y="wlr1", grid=9)
    xs, ys = choice.axes(params)  # once a FieldError inside the window's timer slot
    assert len(set(xs)) == 9 and all(math.isfinite(v) for v in xs)
    assert xs[0] <= value <= xs[-1]
    job = LandscapeJob(params, COMPANIES, choice)
    while not job.step(10_000):
        pass
    assert job.current() is not None


def test_an_overflowing_range_is_refused_and_overflowed_losses_are_inf_without_warnings():
    import warnings

    with pytest.raises(FieldError, match="narrower"):
        LandscapeChoice(x="wlr1", y=None, x_range=(-1e308, 1e308))
    huge = (DatasetItem("huge", (1.0, 0.5), 1e200),)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curve = landscape_curve(NOTEBOOK_PARAMS, huge, "wlr1", [-1e307, 0.0, 1e307])
    assert curve == [math.inf] * 3
