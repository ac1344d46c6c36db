"""``lstm-gui landscape``: JSON and CSV, curve and map, refusals as one line and exit 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lstm_gui.cli import main
from lstm_gui.core.files.session_file import load_example, save_session
from lstm_gui.training.evaluate import evaluate_dataset


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _direct(session, **values: float) -> float:
    params = session.params
    for name, value in values.items():
        gate, role = name.split("__")
        params = params.with_value(gate, role, value)
    return evaluate_dataset(params, session.dataset)[0]


def test_a_map_as_json_has_loss_j_i_at_x_i_y_j(capsys):
    code, out, err = run_cli(
        capsys, "landscape", "--example", "companies", "--x", "forget.bias", "--y", "wo1", "--grid", "5"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    session = load_example("companies")
    bias, w_short = session.params.forget.bias, session.params.output.w_short
    assert len(data["x"]) == 5 and len(data["y"]) == 5
    assert data["x"][0] == pytest.approx(bias - 3) and data["x"][-1] == pytest.approx(bias + 3)
    assert data["y"][0] == pytest.approx(w_short - 3) and data["y"][-1] == pytest.approx(w_short + 3)
    for j, i in ((0, 0), (1, 3), (4, 2)):
        expected = _direct(session, forget__bias=data["x"][i], output__w_short=data["y"][j])
        assert data["loss"][j][i] == pytest.approx(expected, rel=1e-12)


def test_without_y_a_curve_with_a_flat_loss_and_y_null(capsys):
    code, out, _ = run_cli(
        capsys, "landscape", "--example", "companies", "--x", "bo1", "--x-range", "-1,2", "--grid", "4"
    )
    assert code == 0
    data = json.loads(out)
    assert data["x"] == [-1.0, 0.0, 1.0, 2.0]
    assert data["y"] is None
    session = load_example("companies")
    assert data["loss"] == pytest.approx([_direct(session, output__bias=x) for x in data["x"]], rel=1e-12)


def test_csv_is_a_long_table(capsys, tmp_path):
    path = tmp_path / "s.json"
    save_session(load_example("companies"), path)
    code, out, _ = run_cli(
        capsys, "landscape", str(path), "--x", "wlr1", "--y", "input.bias", "--x-range", "0,1",
        "--y-range", "-2,2", "--grid", "3", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 9 and list(rows[0]) == ["x", "y", "loss"]
    assert [float(rows[k]["x"]) for k in range(3)] == [0.0, 0.5, 1.0]
    assert [float(rows[k]["y"]) for k in (0, 3, 6)] == [-2.0, 0.0, 2.0]
    code, out, _ = run_cli(capsys, "landscape", str(path), "--x", "wlr1", "--grid", "2", "--format", "csv")
    assert out.splitlines()[0] == "x,loss" and len(out.splitlines()) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--x", "forget.bais"], "--x: unknown weight 'forget.bais'; did you mean 'forget.bias'?"),
        (["--x", "wlr1", "--y", "blr2"], "--y: unknown weight 'blr2'; did you mean"),
        (["--x", "wlr1", "--y", "forget.w_short"], "--y: expected a weight other than x"),
        (["--x", "wlr1", "--x-range", "2,1"], "--x-range: expected the low end below the high end"),
        (["--x", "wlr1", "--x-range", "1"], "--x-range: expected two comma-separated numbers"),
        (["--x", "wlr1", "--x-range", "0,nan"], "--x-range[1]"),
        (["--x", "wlr1", "--grid", "1"], "--grid: expected 2 to 256 points, got 1"),
        (["--x", "wlr1", "--grid", "2.5"], "--grid: expected a whole number"),
        (["--x", "wlr1", "--y-range", "0,1"], "--y-range: give --y too"),
        (["--y", "wlr1"], "--x"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run_cli(capsys, "landscape", "--example", "companies", *argv)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lstm-gui: error: ")
    assert message in lines[0], lines[0]


def test_overflowed_losses_are_null_in_json_and_empty_in_csv(capsys, tmp_path):
    from lstm_gui.core.dataset import DatasetItem

    session = load_example("companies")
    session.set_dataset([DatasetItem("huge", (1.0, 0.5), 1e200)])
    path = tmp_path / "huge.json"
    save_session(session, path)
    argv = ("landscape", str(path), "--x", "wlr1", "--grid", "3")
    code, out, err = run_cli(capsys, *argv)

    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant}")

    assert code == 0 and err == ""
    assert json.loads(out, parse_constant=refuse)["loss"] == [None, None, None]
    code, out, err = run_cli(capsys, *argv, "--format", "csv")
    assert code == 0 and err == ""
    assert [row[1] for row in csv.reader(io.StringIO(out))][1:] == ["", "", ""]


def test_a_range_whose_width_overflows_is_refused_naming_the_flag(capsys):
    code, out, err = run_cli(capsys, "landscape", "--example", "companies", "--x", "wlr1", "--x-range", "-1e308,1e308")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--x-range: expected a range narrower" in err
