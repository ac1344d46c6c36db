"""Breakpoints and watches over traces, and stop conditions over training records."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams, run
from lstm_gui.core.debugging import (
    BREAKPOINT_PRESETS,
    TRAINING_PRESETS,
    Breakpoint,
    TrainingBreak,
    Watch,
    compile_trace_expression,
    first_break,
    plateau_condition,
    step_env,
    training_env,
    watch_column,
)
from lstm_gui.core.expressions import TRACE_NAMES, ExpressionError, compile_expression, training_names
from lstm_gui.core.formatting import trace_json_data


def test_records_are_plain_frozen_values():
    assert Breakpoint("forget < 0.1") == Breakpoint("forget < 0.1", enabled=True)
    assert Watch("input * candidate").in_table is False
    with pytest.raises(AttributeError):
        Breakpoint("x").enabled = False  # type: ignore[misc]


def test_presets_compile_over_their_names():
    for _, condition in BREAKPOINT_PRESETS:
        assert compile_trace_expression(condition).is_condition
    for _, condition in TRAINING_PRESETS:
        assert compile_expression(condition, training_names(3)).is_condition
    saturates = dict(BREAKPOINT_PRESETS)["a gate saturates"]
    assert {"forget", "input", "output"} == compile_trace_expression(saturates).names_used
    assert dict(BREAKPOINT_PRESETS)["the long-term memory changes sign"] == "long * long_prev < 0"


def test_plateau_condition_reads_the_loss_some_epochs_ago():
    assert plateau_condition(1e-4, 50) == "abs(loss_ago_50 - loss) < 0.0001"
    with pytest.raises(ValueError):
        plateau_condition(0.0, 50)
    with pytest.raises(ValueError):
        plateau_condition(1e-3, 0)


def test_step_env_is_a_json_step():
    trace = run(NOTEBOOK_PARAMS, [0.0, 0.5, 1.0])
    assert step_env(trace, 1) == pytest.approx(trace_json_data(trace)[1])
    assert set(step_env(trace, 0)) == set(TRACE_NAMES)


def test_first_break_starts_at_the_given_step_and_says_which_condition_fired():
    trace = run(NOTEBOOK_PARAMS, [0.0, 0.5, 1.0, 0.25, 1.0])
    by_step = [compile_trace_expression("step == 4"), compile_trace_expression("step >= 2")]
    assert first_break(trace, by_step, 1) == (2, 1)
    assert first_break(trace, by_step, 3) == (3, 1)
    # Both hold at step 4: the first in the list is the one named.
    assert first_break(trace, by_step, 4) == (4, 0)
    assert first_break(trace, [compile_trace_expression("step > 5")], 1) is None
    assert first_break(trace, by_step, 6) is None
    assert first_break(trace, [], 1) is None


def test_a_math_error_never_breaks_and_a_watch_shows_none_there():
    trace = run(NOTEBOOK_PARAMS, [0.0, 1.0, 0.0])
    assert first_break(trace, [compile_trace_expression("1 / x > 0")], 1) == (2, 0)
    assert watch_column(trace, compile_trace_expression("1 / x")) == [None, 1.0, None]
    assert watch_column(trace, compile_trace_expression("x > 0.5")) == [0.0, 1.0, 0.0]


def test_watch_column_equals_the_expression_step_by_step():
    trace = run(NOTEBOOK_PARAMS, [random.Random(4).uniform(-2, 2) for _ in range(50)])
    expression = compile_trace_expression("output * tanh(long)")
    column = watch_column(trace, expression)
    assert column == [expression.evaluate(step_env(trace, k)) for k in range(len(trace))]
    assert column == pytest.approx(trace.column("short"))


CONDITIONS = st.sampled_from(
    [
        "forget < {a}",
        "long > {a} * 2",
        "abs(long - long_prev) > {b}",
        "output > 0.5 + {b} / 4 or output < {b} / 4",
        "input * candidate < -{b} and step > 2",
        "short * short_prev < 0",
        "0.2 < forget < 0.2 + {b} / 5",
        "not (x > {a} - 0.5)",
        "log(long) > {a}",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    templates=st.lists(CONDITIONS, min_size=1, max_size=3),
    a=st.floats(0.0, 1.0),
    b=st.floats(0.0, 1.0),
    start=st.integers(1, 30),
)
def test_random_conditions_break_where_a_direct_computation_finds(seed, templates, a, b, start):
    rng = random.Random(seed)
    params = CellParams.from_flat([rng.uniform(-3, 3) for _ in range(12)])
    inputs = [rng.uniform(-2, 2) for _ in range(rng.randint(1, 60))]
    trace = run(params, inputs, rng.uniform(-1, 1), rng.uniform(-1, 1))
    texts = [template.format(a=repr(a), b=repr(b)) for template in templates]
    conditions = [compile_trace_expression(text) for text in texts]

    def direct(step):
        s = step
        values = {
            "forget < {a}": s.forget < a,
            "long > {a} * 2": s.long > a * 2,
            "abs(long - long_prev) > {b}": abs(s.long - s.long_prev) > b,
            "output > 0.5 + {b} / 4 or output < {b} / 4": s.output > 0.5 + b / 4 or s.output < b / 4,
            "input * candidate < -{b} and step > 2": s.input * s.candidate < -b and s.step > 2,
            "short * short_prev < 0": s.short * s.short_prev < 0,
            "0.2 < forget < 0.2 + {b} / 5": 0.2 < s.forget < 0.2 + b / 5,
            "not (x > {a} - 0.5)": not (s.x > a - 0.5),
            "log(long) > {a}": s.long > 0 and math.log(s.long) > a,
        }
        return [values[template] for template in templates]

    expected = None
    for step in trace[start - 1 :]:
        holding = direct(step)
        if any(holding):
            expected = (step.step, holding.index(True))
            break
    assert first_break(trace, conditions, start) == expected


def test_first_break_scans_a_long_trace_column_by_column():
    trace = run(NOTEBOOK_PARAMS, [0.5] * 100_000)
    assert first_break(trace, [compile_trace_expression("step == 99999 and forget > 0")], 1) == (99_999, 0)
    assert len(watch_column(trace, compile_trace_expression("forget * long_prev"))) == 100_000


def test_training_env_names_every_weight_twice_and_each_output():
    env = training_env(3, 0.25, NOTEBOOK_PARAMS, [0.1, 0.9])
    assert env["epoch"] == 3 and env["loss"] == 0.25
    assert env["wlr1"] == env["forget.w_short"] == NOTEBOOK_PARAMS.forget.w_short
    assert env["bo1"] == env["output.bias"] == NOTEBOOK_PARAMS.output.bias
    assert (env["out_0"], env["out_1"]) == (0.1, 0.9)
    assert set(env) == set(training_names(2))


def records(weights_rows, losses, outputs_rows):
    return (
        list(losses),
        [v for row in outputs_rows for v in row],
        [v for row in weights_rows for v in row],
    )


def test_a_training_break_finds_the_first_epoch_in_a_chunk_of_records():
    flat = list(NOTEBOOK_PARAMS.to_flat())
    weights = [[*flat[:9], w, *flat[10:]] for w in (1.0, 3.0, 6.0, 7.0)]
    losses, outputs, flat_weights = records(weights, [0.5, 0.4, 0.3, 0.2], [[0.1, 0.2]] * 4)
    stop = TrainingBreak("abs(wo1) > 5", 2)
    assert stop.first_hit(11, losses, outputs, flat_weights) == 2
    assert TrainingBreak("epoch == 13", 2).first_hit(11, losses, outputs, flat_weights) == 2
    assert TrainingBreak("out_1 > 0.15 and loss < 0.45", 2).first_hit(0, losses, outputs, flat_weights) == 1
    assert TrainingBreak("output.w_short == 7", 2).first_hit(0, losses, outputs, flat_weights, count=3) is None
    env = training_env(0, 0.5, CellParams.from_flat(weights[0]), [0.1, 0.2])
    assert TrainingBreak("loss > 0.45", 2).holds_at(0, 0.5, [0.1, 0.2], weights[0])
    assert compile_expression("loss > 0.45", training_names(2)).holds(env)


def test_the_plateau_condition_waits_for_enough_epochs_across_chunks():
    stop = TrainingBreak(plateau_condition(0.05, 3), 1)
    flat = list(NOTEBOOK_PARAMS.to_flat())
    # The change over 3 epochs: 0.5, 0.35, 0.16, 0.07, then 0.03 < 0.05 at the eighth loss.
    losses = [1.0, 0.8, 0.6, 0.5, 0.45, 0.44, 0.43, 0.42]
    first, second = losses[:4], losses[4:]
    assert stop.first_hit(0, first, [0.0] * 4, flat * 4) is None
    stop.advance(first)
    assert stop.first_hit(4, second, [0.0] * 4, flat * 4) == 3
    assert stop.first_hit(4, second, [0.0] * 4, flat * 4) == 3  # nothing remembered by looking
    fresh = TrainingBreak(plateau_condition(0.05, 3), 1)
    assert fresh.first_hit(0, [0.5, 0.5, 0.5], [0.0] * 3, flat * 3) is None  # not known before epoch 3


def test_a_bad_training_condition_is_refused_with_its_place():
    with pytest.raises(ExpressionError) as info:
        TrainingBreak("out_2 > 1", 2, where="--break")
    assert str(info.value).startswith("--break: out_2 > 1: unknown name 'out_2'")
