"""The cell against the reference traces in shared/reference.md."""

import math

import pytest

from lstm_gui.core.cell import NOTEBOOK_PARAMS, run, sigmoid, step

COMPANY_A = [
    (0.00, 0.834795, 0.650219, -0.309507, -0.201247, 0.643365, -0.127755),
    (0.50, 0.889933, 0.766650, -0.030126, -0.202193, 0.483864, -0.096522),
    (0.25, 0.854071, 0.698351, -0.217562, -0.324621, 0.529898, -0.166218),
    (1.00, 0.942741, 0.874084, 0.367589, 0.015270, 0.418719, 0.006393),
]
COMPANY_B = [
    (1.00, 0.962673, 0.906362, 0.551128, 0.499521, 0.598688, 0.276438),
    (0.50, 0.960128, 0.880574, 0.492820, 0.913569, 0.846291, 0.611733),
    (0.25, 0.975378, 0.905164, 0.651295, 1.480604, 0.961650, 0.867005),
    (1.00, 0.996282, 0.982084, 0.951032, 2.409093, 0.985189, 0.969393),
]


def test_notebook_example():
    t = step(NOTEBOOK_PARAMS, 1.0, 2.0, 1.0)
    got = (t.forget, t.input, t.candidate, t.long, t.output, t.short)
    want = (0.997401, 0.986211, 0.966087, 2.947567, 0.991674, 0.986229)
    assert got == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("rows", [COMPANY_A, COMPANY_B], ids=["A", "B"])
def test_company_traces(rows):
    trace = run(NOTEBOOK_PARAMS, [r[0] for r in rows], 0.0, 0.0)
    assert len(trace) == 4
    for k, (t, row) in enumerate(zip(trace, rows), start=1):
        assert t.step == k
        got = (t.x, t.forget, t.input, t.candidate, t.long, t.output, t.short)
        assert got == pytest.approx(row, abs=1e-6)
        assert t.long_remembered == pytest.approx(t.forget * t.long_prev)
        assert t.long_added == pytest.approx(t.input * t.candidate)
        assert t.long_tanh == pytest.approx(math.tanh(t.long))
    # each step starts from the memories the previous one left
    for prev, cur in zip(trace, list(trace)[1:]):
        assert (cur.long_prev, cur.short_prev) == (prev.long, prev.short)


def test_extreme_pre_activations_do_not_overflow():
    assert sigmoid(-1e6) == 0.0 and sigmoid(1e6) == 1.0
    trace = run(NOTEBOOK_PARAMS, [1e300, -1e300, 0.0])
    assert all(math.isfinite(v) for t in trace for v in t.as_dict().values())
