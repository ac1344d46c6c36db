"""The cell equals torch.nn.LSTM(1, 1) in float64; state_dict conversion both ways."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from lstm_gui.core.cell import NOTEBOOK_PARAMS, CellParams, run  # noqa: E402
from lstm_gui.core.files.torch_bridge import (  # noqa: E402
    TorchFileError,
    load_torch,
    make_lstm,
    params_from_state_dict,
    params_to_state_dict,
    save_torch,
)

weight = st.floats(-6, 6, allow_nan=False)
value = st.floats(-4, 4, allow_nan=False)


def _torch_trace(params: CellParams, inputs, long0: float, short0: float):
    lstm = make_lstm(params)
    x = torch.tensor(inputs, dtype=torch.float64).reshape(len(inputs), 1, 1)
    h = torch.tensor([[[short0]]], dtype=torch.float64)
    c = torch.tensor([[[long0]]], dtype=torch.float64)
    shorts, longs = [], []
    with torch.no_grad():
        # One call per step: nn.LSTM only returns the cell state of the last step.
        for k in range(len(inputs)):
            _, (h, c) = lstm(x[k : k + 1], (h, c))
            shorts.append(float(h))
            longs.append(float(c))
    return longs, shorts


def _close(a: float, b: float) -> bool:
    # 1e-12 relative; the absolute floor covers values that cancel to ~0, where
    # torch's different summation order leaves rounding of ~1e-16.
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(weight, min_size=12, max_size=12),
    st.lists(value, min_size=1, max_size=12),
    value,
    value,
)
def test_cell_equals_nn_lstm_at_every_step(weights, inputs, long0, short0):
    params = CellParams.from_flat(weights)
    trace = run(params, inputs, long0, short0)
    longs, shorts = _torch_trace(params, inputs, long0, short0)
    for k, step in enumerate(trace):
        assert _close(step.long, longs[k]), (k, step.long, longs[k])
        assert _close(step.short, shorts[k]), (k, step.short, shorts[k])


def test_reference_example_through_torch():
    longs, shorts = _torch_trace(NOTEBOOK_PARAMS, [1.0], 2.0, 1.0)
    assert (longs[0], shorts[0]) == pytest.approx((2.947567, 0.986229), abs=1e-6)


def test_state_dict_layout_is_pytorchs_i_f_g_o():
    sd = params_to_state_dict(NOTEBOOK_PARAMS)
    assert set(sd) == set(torch.nn.LSTM(1, 1).state_dict())
    assert sd["weight_ih_l0"].dtype == torch.float64
    # rows: input, forget, candidate (g), output
    assert sd["weight_hh_l0"].flatten().tolist() == [2.0, 2.7, 1.41, 4.38]
    assert sd["weight_ih_l0"].flatten().tolist() == [1.65, 1.63, 0.94, -0.19]
    assert sd["bias_ih_l0"].tolist() == [0.62, 1.62, -0.32, 0.59]
    assert sd["bias_hh_l0"].tolist() == [0.0] * 4
    assert params_to_state_dict(NOTEBOOK_PARAMS, torch.float32)["bias_ih_l0"].dtype == torch.float32


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=12, max_size=12))
def test_cell_to_torch_to_cell_is_exact(weights):
    params = CellParams.from_flat(weights)
    assert params_from_state_dict(params_to_state_dict(params)).to_flat() == params.to_flat()


def test_torch_to_cell_to_torch_keeps_the_bias_sums():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(1, 1).double()
    sd = lstm.state_dict()
    again = params_to_state_dict(params_from_state_dict(sd))
    assert torch.equal(again["weight_ih_l0"], sd["weight_ih_l0"])
    assert torch.equal(again["weight_hh_l0"], sd["weight_hh_l0"])
    assert torch.equal(again["bias_ih_l0"] + again["bias_hh_l0"], sd["bias_ih_l0"] + sd["bias_hh_l0"])
    # ... and the LSTM computes the same thing
    x = torch.linspace(-1, 1, 7, dtype=torch.float64).reshape(7, 1, 1)
    other = torch.nn.LSTM(1, 1).double()
    other.load_state_dict(again)
    with torch.no_grad():
        assert torch.allclose(lstm(x)[0], other(x)[0], rtol=1e-12, atol=0)


def test_prefixed_keys_and_missing_biases():
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, 1, bias=False)

    sd = Model().state_dict()
    params = params_from_state_dict(sd)
    assert [params.get(g, "bias") for g in ("forget", "input", "candidate", "output")] == [0.0] * 4
    assert params.forget.w_input == pytest.approx(float(sd["lstm.weight_ih_l0"][1, 0]))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: torch.nn.LSTM(1, 2).state_dict(), r"weight_ih_l0: expected shape \(4, 1\).*got \(8, 1\)"),
        (lambda: torch.nn.LSTM(1, 1, num_layers=2).state_dict(), "unexpected .*l1"),
        (lambda: torch.nn.LSTM(1, 1, bidirectional=True).state_dict(), "unexpected .*reverse"),
        (lambda: {"weight": torch.zeros(3)}, "missing weight_ih_l0"),
        (lambda: [1, 2], "expected a state_dict"),
        (
            lambda: {**params_to_state_dict(NOTEBOOK_PARAMS), "bias_hh_l0": torch.tensor([0, float("nan"), 0, 0])},
            r"bias_hh_l0\[1\]: expected a finite number",
        ),
        (
            lambda: {**params_to_state_dict(NOTEBOOK_PARAMS), "weight_ih_l0": torch.ones(4, 1, dtype=torch.int64)},
            "floating-point",
        ),
    ],
)
def test_state_dicts_that_are_not_an_lstm_1_1(make, message):
    with pytest.raises(TorchFileError, match=message):
        params_from_state_dict(make())


def test_pt_files_round_trip_and_load_in_pytorch(tmp_path):
    path = tmp_path / "cell.pt"
    save_torch(NOTEBOOK_PARAMS, path)
    assert load_torch(path) == NOTEBOOK_PARAMS
    lstm = torch.nn.LSTM(1, 1).double()
    lstm.load_state_dict(torch.load(path, weights_only=True))
    with torch.no_grad():
        _, (h, c) = lstm(
            torch.ones(1, 1, 1, dtype=torch.float64),
            (torch.ones(1, 1, 1, dtype=torch.float64), 2 * torch.ones(1, 1, 1, dtype=torch.float64)),
        )
    assert (float(c), float(h)) == pytest.approx((2.947567, 0.986229), abs=1e-6)


def test_bad_pt_files(tmp_path):
    with pytest.raises(TorchFileError, match="no such torch file"):
        load_torch(tmp_path / "missing.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_text("hello")
    with pytest.raises(TorchFileError, match="not a torch file"):
        load_torch(garbage)
    model = tmp_path / "model.pt"
    torch.save(torch.nn.LSTM(1, 1), model)  # a whole module: needs pickled code
    with pytest.raises(TorchFileError, match="holds Python objects"):
        load_torch(model)
