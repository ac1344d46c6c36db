"""The three stages of a time step: what each computes and lights, its
formula with the step's numbers, and the moves between (step, stage)."""

from __future__ import annotations

import math

import pytest

from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS, run
from lstm_gui.core.stages import (
    DIAGRAM_PARTS,
    INPUT_KEYS,
    LAST_STAGE,
    STAGES,
    StepPosition,
    computed_keys,
    next_pos,
    pending_keys,
    prev_pos,
    stage,
    stage_formulas,
    stage_text,
    step_back,
    step_into,
    step_out,
)

P = StepPosition


def test_the_stages_follow_the_video_and_name_real_trace_keys_and_diagram_parts():
    assert [s.title for s in STAGES] == ["forget", "remember something new", "output"]
    assert stage(1).heading == "Stage 1 of 3: forget"
    assert stage(2).keys == ("input_pre", "input", "candidate_pre", "candidate", "long_added", "long")
    assert stage(3).keys == ("long_tanh", "output_pre", "output", "short")
    computed = [key for s in STAGES for key in s.keys]
    # Every trace value is computed by exactly one stage or flows in.
    assert sorted(computed + list(INPUT_KEYS)) == sorted(TRACE_FIELDS)
    for s in STAGES:
        assert set(s.parts) <= set(DIAGRAM_PARTS)
        assert f"heading_{s.number}" in s.parts
    lit_somewhere = {part for s in STAGES for part in s.parts}
    assert lit_somewhere == set(DIAGRAM_PARTS)


@pytest.mark.parametrize("number", [0, 4, -1])
def test_an_unknown_stage_is_refused_with_its_range(number):
    with pytest.raises(ValueError, match="expected 1 to 3"):
        stage(number)


def test_pending_values_shrink_stage_by_stage_until_the_whole_step_knows_all():
    assert pending_keys(0) == ()
    assert computed_keys(0) == TRACE_FIELDS
    assert pending_keys(1) == (
        "input_pre",
        "input",
        "candidate_pre",
        "candidate",
        "output_pre",
        "output",
        "long_added",
        "long",
        "long_tanh",
        "short",
    )
    assert computed_keys(1) == ("step", "x", "long_prev", "short_prev", "forget_pre", "forget", "long_remembered")
    assert pending_keys(2) == ("output_pre", "output", "long_tanh", "short")
    assert pending_keys(3) == ()
    for number in range(4):
        assert set(computed_keys(number)) | set(pending_keys(number)) == set(TRACE_FIELDS)
        assert not set(computed_keys(number)) & set(pending_keys(number))


def test_the_formulas_carry_the_steps_numbers_as_the_diagram_rounds_them():
    step = run(NOTEBOOK_PARAMS, [1.0], 2.0, 1.0)[0]  # the notebook's example
    assert stage_formulas(1, NOTEBOOK_PARAMS, step) == (
        "forget = sigmoid(2.70 x 1.00 + 1.63 x 1.00 + 1.62) = 0.9974",
        "long_remembered = 0.9974 x 2.00 = 1.9948",
    )
    assert stage_formulas(2, NOTEBOOK_PARAMS, step) == (
        "input = sigmoid(2.00 x 1.00 + 1.65 x 1.00 + 0.62) = 0.9862",
        "candidate = tanh(1.41 x 1.00 + 0.94 x 1.00 + (-0.32)) = 0.9661",
        "long_added = 0.9862 x 0.9661 = 0.9528",
        "long = 1.9948 + 0.9528 = 2.9476",
    )
    assert stage_formulas(3, NOTEBOOK_PARAMS, step) == (
        "long_tanh = tanh(2.9476) = 0.9945",
        "output = sigmoid(4.38 x 1.00 + (-0.19) x 1.00 + 0.59) = 0.9917",
        "short = 0.9917 x 0.9945 = 0.9862",
    )
    assert stage_text(1, NOTEBOOK_PARAMS, step).splitlines()[0] == "Stage 1 of 3: forget"


def test_each_formula_is_the_float64_value_the_cell_computed():
    """The right-hand side of every line is the trace value rounded, and the
    left-hand operation on the exact trace values gives it."""
    trace = run(NOTEBOOK_PARAMS, [1.0, 0.5, 0.25, 1.0])
    for step in trace:
        assert math.isclose(step.long_remembered, step.forget * step.long_prev)
        for number in (1, 2, 3):
            for line in stage_formulas(number, NOTEBOOK_PARAMS, step):
                name, _, rest = line.partition(" = ")
                assert name in stage(number).keys
                assert rest.rsplit(" = ", 1)[-1] == f"{getattr(step, name):.4f}".replace("-0.0000", "0.0000")


def test_a_weight_between_two_decimals_shows_four_and_negatives_are_bracketed():
    params = NOTEBOOK_PARAMS.with_value("forget", "w_short", 2.705).with_value("forget", "bias", -1.5)
    step = run(params, [0.125], -0.5, 0.3)[0]
    first, second = stage_formulas(1, params, step)
    assert first.startswith("forget = sigmoid(2.7050 x 0.30 + 1.63 x 0.1250 + (-1.50)) = ")
    assert second.startswith(f"long_remembered = {step.forget:.4f} x (-0.50) = ")


def test_huge_values_are_written_in_exponent_form_not_hundreds_of_digits():
    step = run(NOTEBOOK_PARAMS, [1e300], 1e300, 0.0)[0]
    lines = [line for number in (1, 2, 3) for line in stage_formulas(number, NOTEBOOK_PARAMS, step)]
    assert all(len(line) < 120 for line in lines), lines
    assert lines[0] == "forget = sigmoid(2.70 x 0.00 + 1.63 x 1.0000e+300 + 1.62) = 1.0000"
    assert lines[1] == "long_remembered = 1.0000 x 1.0000e+300 = 1.0000e+300"


# -- moving between positions ------------------------------------------------------------


def test_a_position_is_refused_when_it_cannot_exist():
    with pytest.raises(ValueError, match="step 0"):
        P(0, 1)
    with pytest.raises(ValueError, match="stage"):
        P(1, LAST_STAGE + 1)
    with pytest.raises(ValueError, match="step"):
        P(-1)
    assert not P(2).inside and P(2, 1).inside


def test_step_into_walks_every_stage_of_every_step_then_stops_at_the_end():
    n = 2
    pos, visited = P(0), [P(0)]
    for _ in range(20):
        pos = step_into(pos, n)
        if pos == visited[-1]:
            break
        visited.append(pos)
    assert visited == [P(0), P(1, 1), P(1, 2), P(1, 3), P(1), P(2, 1), P(2, 2), P(2, 3), P(2)]
    assert step_into(P(2), n) == P(2)  # the last step, whole: nothing further
    assert next_pos(P(0), 0) == P(0)  # an empty sequence


def test_prev_pos_undoes_next_pos_everywhere_but_the_edges():
    n = 3
    positions = [P(0)] + [P(s, k) for s in range(1, n + 1) for k in range(LAST_STAGE + 1)]
    for pos in positions:
        after = next_pos(pos, n)
        if after != pos:
            assert prev_pos(after, n) == pos
    assert prev_pos(P(0), n) == P(0)
    assert prev_pos(P(1, 1), n) == P(0)


def test_step_out_shows_the_step_whole_and_step_back_walks_back_through_stages():
    n = 4
    assert step_out(P(2, 1), n) == P(2) == step_out(P(2, 3), n) == step_out(P(2), n)
    assert step_back(P(2, 3), n) == P(2, 2)
    assert step_back(P(2, 2), n) == P(2, 1)
    assert step_back(P(2, 1), n) == P(1)  # leaving the step: the one before, whole
    assert step_back(P(2), n) == P(1)  # a whole step goes back a whole step
    assert step_back(P(0), n) == P(0)


def test_a_position_past_a_shortened_trace_is_the_last_step_whole():
    assert step_out(P(5, 2), 3) == P(3)
    assert step_into(P(5, 2), 3) == P(3)  # clamped to (3, 0), the end
    assert step_back(P(5, 2), 0) == P(0)
