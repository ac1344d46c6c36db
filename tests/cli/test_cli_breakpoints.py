"""``--break`` and ``--watch`` on the command line (trace and train)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lstm_gui.cli import main
from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS
from lstm_gui.core.cell import run as run_cell
from lstm_gui.core.formatting import TRACE_TABLE_COLUMNS

INPUTS = "0,0.5,1,-1,0.25,1"
TRACE = run_cell(NOTEBOOK_PARAMS, [0, 0.5, 1, -1, 0.25, 1], 2.0, 1.0)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def trace(capsys, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "trace", "--inputs", INPUTS, *argv)


def refused(capsys, *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == "", (argv, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lstm-gui: error: "), err
    assert "Traceback" not in err and len(lines[0]) < 300
    return lines[0]


def first_step_where(predicate) -> int:
    return next(step.step for step in TRACE if predicate(step))


# -- trace --break --------------------------------------------------------------


def test_trace_table_ends_at_the_break_step_and_stderr_names_the_condition(capsys):
    expected = first_step_where(lambda s: s.x < 0)
    code, out, err = trace(capsys, "--break", "x < 0")
    assert code == 0
    rows = [line for line in out.splitlines() if not line.startswith("#")]
    assert rows[0].split() == list(TRACE_TABLE_COLUMNS)
    assert [int(row.split()[0]) for row in rows[1:]] == list(range(1, expected + 1))
    assert err == f"lstm-gui: stopped at step {expected}: x < 0 holds\n"


def test_trace_csv_ends_at_the_break_step(capsys):
    code, out, err = trace(capsys, "--break", "abs(long - long_prev) < 0.7 and step > 1", "--format", "csv")
    expected = first_step_where(lambda s: abs(s.long - s.long_prev) < 0.7 and s.step > 1)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [int(r["step"]) for r in rows] == list(range(1, expected + 1))
    assert float(rows[-1]["long"]) == TRACE[expected - 1].long
    assert "stopped at step" in err


def test_trace_json_with_break_is_an_object_with_the_steps_and_the_break(capsys):
    code, out, err = trace(capsys, "--break", "step == 3", "--format", "json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert data["break"] == {"step": 3, "condition": "step == 3"}
    assert [s["step"] for s in data["steps"]] == [1, 2, 3]
    assert data["steps"][2] == TRACE[2].as_dict()


def test_trace_json_break_that_never_holds_is_null_with_all_steps(capsys):
    code, out, _ = trace(capsys, "--break", "forget > 2", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["break"] is None and len(data["steps"]) == len(TRACE)


def test_without_break_json_stays_a_list(capsys):
    _, out, _ = trace(capsys, "--format", "json", "--watch", "x * 2")
    assert isinstance(json.loads(out), list)


def test_several_breaks_stop_at_the_first_that_holds(capsys):
    _, out, _ = trace(capsys, "--break", "step == 5", "--break", "x == 1", "--format", "json")
    assert json.loads(out)["break"] == {"step": 3, "condition": "x == 1"}


def test_a_break_table_that_never_holds_says_so_and_shows_all_steps(capsys):
    code, out, err = trace(capsys, "--break", "x > 5")
    assert code == 0 and len([ln for ln in out.splitlines() if not ln.startswith("#")]) == len(TRACE) + 1
    assert "no --break condition held" in err


# -- trace --watch ----------------------------------------------------------------


def test_watches_are_json_keys_named_by_their_text_with_null_for_a_math_error(capsys):
    _, out, _ = trace(capsys, "--watch", "input * candidate", "--watch", "log(x)", "--format", "json")
    steps = json.loads(out)
    assert list(steps[0])[-2:] == ["input * candidate", "log(x)"]
    assert [s["input * candidate"] for s in steps] == [s.long_added for s in TRACE]
    assert steps[0]["log(x)"] is None and steps[3]["log(x)"] is None
    assert steps[1]["log(x)"] == pytest.approx(-0.6931471805599453)


def test_watches_in_csv_are_columns_with_an_empty_field_for_a_math_error(capsys):
    _, out, _ = trace(capsys, "--watch", "min(x, 0.5)", "--watch", "1 / x", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*TRACE_FIELDS, "min(x, 0.5)", "1 / x"]
    assert [r["1 / x"] for r in rows][:3] == ["", "2.0", "1.0"]
    assert rows[2]["min(x, 0.5)"] == "0.5"


def test_watches_in_the_table_are_columns_with_null_for_a_math_error(capsys):
    _, out, _ = trace(capsys, "--watch", "output * tanh(long)", "--watch", "1/x")
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    assert lines[0].endswith("  output * tanh(long)      1/x")  # 1/x is as wide as -1.0000
    assert lines[1].split()[-1] == "null" and lines[2].split()[-1] == "2.0000"


def test_watches_and_break_together(capsys):
    _, out, _ = trace(capsys, "--watch", "forget * long_prev", "--break", "step == 2", "--format", "json")
    data = json.loads(out)
    assert [s["forget * long_prev"] for s in data["steps"]] == [s.long_remembered for s in TRACE[:2]]


@pytest.mark.parametrize("name", ["long", "step", "forget_pre"])
def test_a_watch_that_is_already_a_column_is_refused(capsys, name):
    line = refused(capsys, "trace", "--inputs", INPUTS, "--watch", name)
    assert f"--watch: '{name}' is already a column" in line


def test_the_same_watch_twice_is_refused(capsys):
    assert "given twice" in refused(capsys, "trace", "--inputs", INPUTS, "--watch", "x*2", "--watch", "x*2")


@pytest.mark.parametrize(
    ("flag", "text", "message"),
    [
        ("--break", "forget >> 1", "--break: forget >> 1: unexpected '>' at column 9"),
        ("--break", "forgt < 0.1", "unknown name 'forgt' (did you mean 'forget'?) at column 1"),
        ("--watch", "x ** 2", "--watch: x ** 2: '**' is not supported"),
        ("--break", "", "--break: '': empty expression"),
        ("--break", "__import__('os').system('echo hacked')", "text in quotes is not supported"),
        ("--break", "x" * 10_000, "more than the limit of 500"),
        ("--watch", "(" * 200 + "x" + ")" * 200, "levels deep"),
    ],
)
def test_a_bad_expression_exits_2_with_one_line_naming_the_position(capsys, flag, text, message):
    line = refused(capsys, "trace", "--inputs", INPUTS, flag, text)
    assert message in line
    assert text[:41] not in line or len(text) <= 40


def test_a_negative_looking_expression_reaches_the_command(capsys):
    code, out, _ = trace(capsys, "--break", "-x < -0.9", "--format", "json")
    assert code == 0 and json.loads(out)["break"]["step"] == 3


# -- train --break ----------------------------------------------------------------

TRAIN = ("train", "--example", "companies", "--init", "statquest", "--no-progress")


def test_train_break_at_epoch_0_gives_the_start_weights(capsys):
    code, out, _ = run_cli(capsys, *TRAIN, "--epochs", "100", "--break", "epoch == 0")
    data = json.loads(out)
    _, plain_out, _ = run_cli(capsys, *TRAIN, "--epochs", "1")
    assert code == 0
    assert (data["status"], data["stopped_by"], data["epoch"], data["epochs"]) == ("breakpoint", "epoch == 0", 0, 0)
    assert data["weights"] == json.loads(plain_out)["start_weights"]


def test_train_break_at_a_later_epoch_equals_a_plain_run_of_that_many_epochs(capsys):
    code, out, _ = run_cli(capsys, *TRAIN, "--epochs", "5000", "--break", "loss < 0.2", "--break", "abs(wo1) > 50")
    data = json.loads(out)
    k = data["epoch"]
    assert code == 0 and data["stopped_by"] == "loss < 0.2" and 0 < k < 5000
    assert data["loss"] < 0.2
    _, plain_out, _ = run_cli(capsys, *TRAIN, "--epochs", str(k))
    plain = json.loads(plain_out)
    assert (data["weights"], data["outputs"], data["loss"]) == (plain["weights"], plain["outputs"], plain["loss"])
    _, before_out, _ = run_cli(capsys, *TRAIN, "--epochs", str(k - 1))
    assert json.loads(before_out)["loss"] >= 0.2


def test_train_without_a_hit_has_no_stopped_by(capsys):
    _, out, _ = run_cli(capsys, *TRAIN, "--epochs", "20", "--break", "loss < 0")
    data = json.loads(out)
    assert data["status"] == "finished" and "stopped_by" not in data and "epoch" not in data


def test_train_table_names_the_condition(capsys):
    _, out, _ = run_cli(capsys, *TRAIN, "--epochs", "50", "--break", "epoch == 7", "--format", "table")
    assert "stopped by: epoch == 7 (at epoch 7)" in out


def test_train_bad_break_exits_2_with_one_line(capsys):
    line = refused(capsys, *TRAIN, "--break", "out_2 > 1")
    assert "--break: out_2 > 1: unknown name 'out_2' (did you mean 'out_1'?) at column 1" in line
    assert "unexpected end at column 7" in refused(capsys, *TRAIN, "--break", "loss <")


# -- trace --cell rnn|gru --break / --watch -------------------------------------


def cell_trace(capsys, cell: str, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "trace", "--cell", cell, "--example", "companies", "--sequence", "Company A", *argv)


@pytest.mark.parametrize(("cell", "condition"), [("rnn", "short_pre > 0.6"), ("gru", "reset > 0.75")])
def test_trace_of_another_cell_stops_at_a_break_over_its_own_keys(capsys, cell, condition):
    from lstm_gui.core.cells import CELLS

    kind = CELLS[cell]
    trace = kind.run(kind.default_params, (0.0, 0.5, 0.25, 1.0), 0.0, 0.0)
    column = condition.split()[0]
    expected = next(k for k, v in enumerate(trace.column(column), 1) if v > float(condition.split()[-1]))
    code, out, err = cell_trace(capsys, cell, "--break", condition, "--watch", "short * 2", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["break"] == {"step": expected, "condition": condition}
    assert [step["step"] for step in data["steps"]] == list(range(1, expected + 1))
    assert list(data["steps"][0]) == [*kind.trace_keys, "short * 2"]
    assert all(step["short * 2"] == 2 * step["short"] for step in data["steps"])
    code, out, err = cell_trace(capsys, cell, "--break", condition, "--format", "csv")
    assert code == 0 and len(out.splitlines()) == expected + 1
    assert err == f"lstm-gui: stopped at step {expected}: {condition} holds\n"
    code, out, err = cell_trace(capsys, cell, "--break", "short > 5", "--format", "json")
    assert json.loads(out)["break"] is None and len(json.loads(out)["steps"]) == 4


def test_trace_of_another_cell_refuses_lstm_names_and_watching_a_column(capsys):
    for argv, message in [
        (("--cell", "gru", "--watch", "update"), "--watch: 'update' is already a column of the trace"),
        (("--cell", "rnn", "--break", "forget > 0"), "--break: forget > 0: unknown name 'forget'"),
        (("--cell", "gru", "--break", "x >"), "--break: x >: "),
    ]:
        code, out, err = run_cli(capsys, "trace", "--example", "companies", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_a_watch_with_a_math_error_is_null_in_json_and_empty_in_csv_for_another_cell(capsys):
    _, out, _ = cell_trace(capsys, "rnn", "--watch", "x / 0", "--format", "json")
    assert [step["x / 0"] for step in json.loads(out)] == [None] * 4
    _, out, _ = cell_trace(capsys, "rnn", "--watch", "x / 0", "--format", "csv")
    assert [row[-1] for row in csv.reader(io.StringIO(out))] == ["x / 0", "", "", "", ""]
    _, out, _ = cell_trace(capsys, "rnn", "--watch", "x / 0")
    assert out.splitlines()[-1].split()[-1] == "null"
