"""The session's setters refuse a value with its place (FieldError) and keep the old one."""

from __future__ import annotations

import math

import pytest

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.errors import FieldError
from lstm_gui.core.session import Session


def _refusal(call) -> tuple[str, str]:
    with pytest.raises(FieldError) as err:
        call()
    return err.value.where, err.value.reason


def test_memories_are_refused_by_name():
    session = Session()
    assert _refusal(lambda: session.set_memories(math.nan, 0.0)) == ("long", "expected a finite number, got nan")
    assert _refusal(lambda: session.set_memories(0.0, math.inf)) == ("short", "expected a finite number, got inf")
    assert (session.long0, session.short0) == (2.0, 1.0)


def test_an_input_is_refused_by_its_index():
    session = Session()
    assert _refusal(lambda: session.set_inputs([1.0, 2.0, math.inf])) == (
        "inputs[2]",
        "expected a finite number, got inf",
    )
    assert _refusal(lambda: session.set_inputs([True])) == ("inputs[0]", "expected a finite number, got true")
    assert session.inputs == (1.0,)


def test_a_weight_is_refused_by_its_gate_and_role():
    session = Session()
    assert _refusal(lambda: session.set_weight("forget", "bias", math.nan)) == (
        "weights.forget.bias",
        "expected a finite number, got nan",
    )
    bad = NOTEBOOK_PARAMS.with_value("candidate", "w_input", -math.inf)
    assert _refusal(lambda: session.set_params(bad)) == (
        "weights.candidate.w_input",
        "expected a finite number, got -inf",
    )
    assert _refusal(lambda: Session(params=bad)) == ("weights.candidate.w_input", "expected a finite number, got -inf")
    assert session.params == NOTEBOOK_PARAMS


def test_a_refused_value_announces_nothing():
    session = Session()
    seen: list[object] = []
    session.events.memories_changed.connect(seen.append)
    with pytest.raises(FieldError):
        session.set_memories(1.0, math.nan)
    assert seen == []
