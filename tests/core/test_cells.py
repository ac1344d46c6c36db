"""The plain RNN and the GRU equal nn.RNN(1, 1) and nn.GRU(1, 1) in float64;
the cell registry names each kind's numbers and trace columns."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from lstm_gui.core.cell import NOTEBOOK_PARAMS  # noqa: E402
from lstm_gui.core.cell import run as run_lstm  # noqa: E402
from lstm_gui.core.cells import CELL_KINDS, CELLS, cell_kind, final_short, run_cell, trace_row  # noqa: E402
from lstm_gui.core.files.torch_bridge import make_gru, make_rnn  # noqa: E402


def _torch_shorts(module, inputs, short0):
    x = torch.tensor(inputs, dtype=torch.float64).reshape(len(inputs), 1, 1)
    h0 = torch.tensor([[[short0]]], dtype=torch.float64)
    with torch.no_grad():
        out, _ = module(x, h0)
    return out.reshape(-1).tolist()


def _assert_close(actual, expected, rel=1e-12):
    for k, (a, e) in enumerate(zip(actual, expected, strict=True)):
        assert math.isclose(a, e, rel_tol=rel, abs_tol=1e-300), f"step {k + 1}: {a!r} vs torch {e!r}"


def _random_case(seed: int, count: int):
    rng = random.Random(seed)
    params = [rng.gauss(0.0, 1.5) for _ in range(count)]
    inputs = [rng.uniform(-2.0, 2.0) for _ in range(rng.randint(1, 60))]
    return params, inputs, rng.uniform(-1.0, 1.0)


@pytest.mark.parametrize("seed", range(15))
def test_the_plain_rnn_equals_nn_rnn_in_float64(seed):
    params, inputs, short0 = _random_case(seed, 3)
    trace = run_cell("rnn", params, inputs, short0=short0)
    _assert_close(trace.column("short"), _torch_shorts(make_rnn(params), inputs, short0))


@pytest.mark.parametrize("seed", range(15))
def test_the_gru_equals_nn_gru_in_float64_with_b_hn_inside_the_reset_product(seed):
    params, inputs, short0 = _random_case(1000 + seed, 10)
    trace = run_cell("gru", params, inputs, short0=short0)
    _assert_close(trace.column("short"), _torch_shorts(make_gru(params), inputs, short0))


def test_moving_the_gru_candidate_bias_between_input_and_short_changes_the_output():
    # b_hn is multiplied by the reset gate, so it is not interchangeable with b_in.
    base = [0.3, 0.5, -1.0, 0.2, 0.1, 0.0, 0.7, 1.1, 0.4, 0.0]
    moved = base[:8] + [0.0, 0.4]
    assert final_short(run_cell("gru", base, [1.0, -0.5])) != final_short(run_cell("gru", moved, [1.0, -0.5]))


def test_the_gru_trace_columns_follow_its_equations():
    params = [0.3, 0.5, -1.0, 0.2, 0.1, 0.0, 0.7, 1.1, 0.4, -0.2]
    trace = run_cell("gru", params, [1.0, -0.5], short0=0.25)
    row = trace_row(trace, cell_kind("gru").trace_keys, 0)
    assert row["step"] == 1 and row["x"] == 1.0 and row["short_prev"] == 0.25
    assert row["reset"] == pytest.approx(1 / (1 + math.exp(-(0.3 * 0.25 + 0.5 - 1.0))))
    assert row["candidate_recurrent"] == pytest.approx(0.7 * 0.25 - 0.2)
    assert row["candidate"] == pytest.approx(math.tanh(1.1 + 0.4 + row["reset"] * row["candidate_recurrent"]))
    assert row["short"] == pytest.approx((1 - row["update"]) * row["candidate"] + row["update"] * 0.25)
    assert trace.column("short_prev")[1] == row["short"]


def test_the_lstm_kind_is_the_existing_cell_in_the_weights_order():
    inputs = [0.0, 0.5, 0.25, 1.0]
    ours = run_cell("lstm", NOTEBOOK_PARAMS.to_flat(), inputs, 0.5, -0.25)
    assert ours.column("short") == run_lstm(NOTEBOOK_PARAMS, inputs, 0.5, -0.25).column("short")
    assert CELLS["lstm"].param_names[:3] == ("forget.w_short", "forget.w_input", "forget.bias")
    assert CELLS["lstm"].trace_keys[0] == "step" and "long" in CELLS["lstm"].trace_keys


def test_the_registry_lists_three_kinds_with_their_counts_and_titles():
    assert CELL_KINDS == ("lstm", "rnn", "gru")
    assert [CELLS[k].param_count for k in CELL_KINDS] == [12, 3, 10]
    assert [CELLS[k].title for k in CELL_KINDS] == ["LSTM", "plain RNN", "GRU"]
    assert [CELLS[k].has_long for k in CELL_KINDS] == [True, False, False]
    assert CELLS["gru"].param_names[-1] == "candidate.bias_short"
    for kind in CELLS.values():
        assert len(kind.default_params) == kind.param_count
        assert kind.trace_keys[0] == "step" and kind.trace_keys[-1] == "short"


def test_a_wrong_number_of_weights_or_an_unknown_cell_is_refused_with_the_expected_order():
    with pytest.raises(ValueError, match=r"plain RNN takes 3 numbers \(w_short, w_input, bias\), got 2"):
        run_cell("rnn", [1.0, 2.0], [1.0])
    with pytest.raises(KeyError, match="expected one of lstm, rnn, gru"):
        cell_kind("transformer")


def test_random_params_draw_weights_and_leave_biases_zero():
    params = CELLS["gru"].random_params(3)
    assert params == CELLS["gru"].random_params(3)
    assert [params[k] for k in (2, 5, 8, 9)] == [0.0] * 4
    assert all(params[k] != 0.0 for k in (0, 1, 3, 4, 6, 7))


def test_column_writers_print_any_cells_trace_as_table_csv_and_json():
    from lstm_gui.core.formatting import columns_csv_text, columns_json_text, columns_table_text, format_scientific

    trace = run_cell("rnn", (0.5, 1.0, 0.0), [1.0, 0.0])
    columns = [(key, trace.column(key)) for key in CELLS["rnn"].trace_keys]
    csv_lines = columns_csv_text(columns).splitlines()
    assert csv_lines[0] == "step,x,short_prev,short_pre,short"
    assert csv_lines[1] == f"1,1.0,0.0,1.0,{math.tanh(1.0)!r}"
    assert columns_json_text(columns).splitlines()[1] == (
        f'  {{"step": 1, "x": 1.0, "short_prev": 0.0, "short_pre": 1.0, "short": {math.tanh(1.0)!r}}},'
    )
    table = columns_table_text([("step", ["1", "10"]), ("grad", ["-1.0e-20", "2.0e+00"])], ["a header"])
    assert table.splitlines() == ["# a header", "step      grad", "   1  -1.0e-20", "  10   2.0e+00"]
    assert format_scientific(-0.0) == "0.000e+00" and format_scientific(float("nan")) == "nan"
    assert columns_json_text([("step", [1]), ("x", [float("inf")])]) == '[\n  {"step": 1, "x": null}\n]\n'
