"""A free target is refused when its loss or gradients would overflow
(1e300 gave ``loss = inf``, 1e308 NaN gradients)."""

from __future__ import annotations

import json
import math
import warnings

import pytest

from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import dumps_session, load_example, loads_session
from lstm_gui.core.gradients import gradients
from lstm_gui.core.limits import MAX_TARGET
from lstm_gui.core.session import Session


@pytest.mark.parametrize("target", [1e300, -1e308, MAX_TARGET * 1.000001])
def test_a_huge_target_is_refused_with_the_reason(target):
    session = Session()
    with pytest.raises(FieldError) as info:
        session.set_target(target)
    assert info.value.where == "target"
    assert "overflow" in info.value.reason and "1e+06" in info.value.reason
    assert session.target is None


def test_the_largest_target_allowed_gives_finite_loss_and_gradients():
    session = load_example("notebook")
    session.set_target(-MAX_TARGET)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow warning either
        result = gradients("lstm", session.params.to_flat(), session.inputs, target=-MAX_TARGET)
    assert math.isfinite(result.loss)
    assert all(math.isfinite(g) for g in result.weights_grad + result.short_grad)


def test_a_file_with_a_huge_target_is_refused_where_it_is():
    data = json.loads(dumps_session(load_example("notebook")))
    data["target"] = 1e300
    with pytest.raises(SessionFileError) as info:
        loads_session(json.dumps(data))
    assert info.value.where == "target"
