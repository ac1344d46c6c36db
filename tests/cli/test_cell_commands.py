"""``lstm-gui grad``, ``trace --cell`` and ``train --cell``: the three cells from the command line."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from lstm_gui.cli import main
from lstm_gui.core.cells import CELLS
from lstm_gui.core.gradients import gradients

COMPANY_A = (0.0, 0.5, 0.25, 1.0)
RNN_WEIGHTS = "0.9,1,0"
GRU_WEIGHTS = "0.3,0.5,-1,0.2,0.1,0,0.7,1.1,0.4,-0.2"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(capsys, *argv: str, message: str) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == "", (argv, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lstm-gui: error: "), err
    assert message in lines[0], lines[0]


def test_grad_json_of_a_dataset_sequence_uses_its_target_and_gives_the_lstm_long_grad(capsys):
    code, out, err = run_cli(capsys, "grad", "--example", "companies", "--sequence", "Company A", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    expected = gradients("lstm", CELLS["lstm"].default_params, COMPANY_A, target=0.0)
    assert data["cell"] == "lstm" and data["target"] == 0.0
    assert data["loss"] == expected.loss == pytest.approx(0.006393**2, rel=1e-3)
    assert data["weights_grad"] == list(expected.weights_grad)
    assert data["short_grad"] == list(expected.short_grad)
    assert data["long_grad"] == list(expected.long_grad or ())
    assert len(data["weights_grad"]) == 12 and len(data["short_grad"]) == 4
    assert data["weight_names"][0] == "forget.w_short"


@pytest.mark.parametrize(("cell", "weights"), [("rnn", RNN_WEIGHTS), ("gru", GRU_WEIGHTS)])
def test_grad_json_of_the_rnn_and_gru_has_their_weights_and_no_long_grad(capsys, cell, weights):
    code, out, _ = run_cli(
        capsys,
        "grad",
        "--cell",
        cell,
        "--weights",
        weights,
        "--inputs",
        "1,-0.5,0.25",
        "--short",
        "0",
        "--target",
        "-1",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    params = [float(v) for v in weights.split(",")]
    expected = gradients(cell, params, [1.0, -0.5, 0.25], target=-1.0)
    assert data["cell"] == cell and "long_grad" not in data
    assert data["weights_grad"] == list(expected.weights_grad)
    assert data["short_grad"] == list(expected.short_grad)
    assert data["weight_names"] == list(CELLS[cell].param_names)


def test_grad_csv_rows_are_each_steps_memory_gradients_and_the_weights_summed_back_to_it(capsys):
    code, out, _ = run_cli(capsys, "grad", "--example", "companies", "--sequence", "Company A", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = gradients("lstm", CELLS["lstm"].default_params, COMPANY_A, target=0.0)
    assert list(rows[0])[:3] == ["step", "short_grad", "long_grad"]
    assert [float(row["short_grad"]) for row in rows] == list(expected.short_grad)
    # Step 1 sums every step: the whole gradient; the last row only the last step.
    names = CELLS["lstm"].param_names
    assert tuple(float(rows[0][name]) for name in names) == expected.weights_grad
    assert tuple(float(rows[-1][name]) for name in names) == expected.weights_grad_upto(4)


def test_grad_table_shows_the_loss_and_tiny_gradients_in_exponent_form(capsys):
    code, out, _ = run_cli(capsys, "grad", "--cell", "rnn", "--weights", "0.3,1,0", "--inputs", "1" + ",0" * 30)
    assert code == 2  # no target for the session's input sequence
    code, out, err = run_cli(
        capsys, "grad", "--cell", "rnn", "--weights", "0.3,1,0", "--inputs", "1" + ",0" * 30, "--target", "1"
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("# cell: plain RNN; weights: --weights; inputs: --inputs, 31 steps")
    assert "loss (output - target)^2 = " in lines[2]
    assert lines[4].split() == ["step", "short_grad", "w_short", "w_input", "bias"]
    first_short_grad = float(lines[5].split()[1])
    assert first_short_grad != 0.0 and abs(first_short_grad) < 1e-12  # vanished, yet readable


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grad", "--example", "notebook"], "--target: the session's input sequence has no target"),
        (["grad", "--cell", "rnn", "--long", "1", "--target", "0"], "--long: the plain RNN has no long-term memory"),
        (["grad", "--cell", "gru", "--weights", "1,2,3", "--target", "0"], "the GRU takes 10 comma-separated numbers"),
        (["grad", "--target", "nan"], "--target"),
        (["grad", "--cell", "lstm2", "--target", "0"], "invalid choice"),
        (["trace", "--cell", "gru", "--long", "0.5"], "--long: the GRU has no long-term memory"),
        (["trace", "--cell", "rnn", "--weights", "1,2,3,4"], "the plain RNN takes 3 comma-separated numbers"),
    ],
)
def test_bad_grad_and_cell_flags_are_one_line_and_exit_2(capsys, argv, message):
    assert_refused(capsys, *argv, message=message)


def test_trace_cell_gru_prints_each_gate_and_the_memories(capsys):
    code, out, err = run_cli(capsys, "trace", "--cell", "gru", "--weights", GRU_WEIGHTS, "--inputs", "1,0")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("# cell: GRU; weights: --weights")
    assert lines[1] == "# initial memory: short 1.0000 (the GRU has no long-term memory)"
    assert lines[2].split() == list(CELLS["gru"].trace_keys)
    assert len(lines) == 5


def test_trace_cell_rnn_json_has_step_x_short_prev_and_short(capsys):
    code, out, _ = run_cli(
        capsys,
        "trace",
        "--cell",
        "rnn",
        "--weights",
        RNN_WEIGHTS,
        "--inputs",
        "1,0.5",
        "--short",
        "0",
        "--format",
        "json",
    )
    assert code == 0
    steps = json.loads(out)
    assert [set(step) for step in steps] == [set(CELLS["rnn"].trace_keys)] * 2
    assert steps[0]["short"] == math.tanh(1.0)
    assert steps[1]["short_prev"] == steps[0]["short"]
    assert steps[1]["short"] == math.tanh(0.9 * math.tanh(1.0) + 0.5)


def test_grad_is_listed_in_the_command_help(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "grad" in out
    code, out, _ = run_cli(capsys, "grad", "--help")
    assert code == 0 and "--cell" in out and "--target" in out


@pytest.mark.parametrize(("cell", "engine"), [("rnn", "fast"), ("gru", "fast"), ("gru", "torch")])
def test_train_cell_returns_the_weights_in_that_cells_order(capsys, cell, engine):
    argv = ["train", "--example", "companies", "--cell", cell, "--lr", "0.05", "--epochs", "40", "--engine", engine]
    code, out, err = run_cli(capsys, *argv, "--no-progress")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["cell"] == cell and data["status"] == "finished" and data["epochs"] == 40
    assert data["weight_keys"] == list(CELLS[cell].param_names)
    assert len(data["weights"]) == CELLS[cell].param_count
    assert data["start_weights"] == list(CELLS[cell].default_params)
    assert data["sequences"] == ["Company A", "Company B"] and len(data["outputs"]) == 2


def test_train_cell_engines_agree_from_the_same_random_start(capsys):
    results = []
    for engine in ("fast", "torch"):
        argv = ["train", "--example", "companies", "--cell", "gru", "--init", "random:5", "--epochs", "20"]
        code, out, _ = run_cli(capsys, *argv, "--lr", "0.05", "--engine", engine, "--no-progress")
        assert code == 0
        results.append(json.loads(out))
    fast, reference = results
    assert fast["start_weights"] == reference["start_weights"] == list(CELLS["gru"].random_params(5))
    for a, b in zip(fast["weights"], reference["weights"]):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_train_cell_table_names_the_cell_and_its_weights(capsys):
    argv = ["train", "--example", "companies", "--cell", "rnn", "--weights", "0.5,1,0", "--epochs", "5"]
    code, out, _ = run_cli(capsys, *argv, "--format", "table", "--no-progress")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("cell: plain RNN; status: finished after 5 epochs")
    assert [line.split()[0] for line in lines[-3:]] == ["w_short", "w_input", "bias"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cell", "rnn", "--init", "statquest"], "--init: statquest is StatQuest's LSTM start; the plain RNN starts"),
        (["--cell", "gru", "--out", "trained.json"], "--out: a session keeps the LSTM's weights only"),
        (["--cell", "rnn", "--weights", "1,2"], "the plain RNN takes 3 comma-separated numbers"),
    ],
)
def test_bad_train_cell_flags_are_refused(capsys, argv, message):
    assert_refused(capsys, "train", "--example", "companies", *argv, message=message)


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("cell", ["lstm", "rnn", "gru"])
def test_grad_with_a_huge_target_warns_once_writes_null_and_a_compact_header(capsys, cell):
    import warnings

    argv = ("grad", "--cell", cell, "--example", "companies", "--sequence", "Company A", "--target", "1e308")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning fails the test
        code, out, err = run_cli(capsys, *argv, "--format", "json")
        assert code == 0 and err.count("\n") == 1 and "warning" in err
        data = _strict_json(out)
        assert data["loss"] is None and data["target"] == 1e308
        code, out, _ = run_cli(capsys, *argv)
    assert code == 0 and "target 1.0000e+308" in out and "0" * 20 not in out
