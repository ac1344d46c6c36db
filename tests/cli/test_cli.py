"""The command line: trace in three formats, torch files, errors as one line + exit 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import types

import pytest

from lstm_gui import __version__
from lstm_gui.cli import attach_option_values, main
from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS
from lstm_gui.core.files.session_file import load_example, load_session, save_session, session_to_dict
from lstm_gui.core.session import Session

NOTEBOOK_WEIGHTS = "2.7,1.63,1.62,2,1.65,0.62,1.41,0.94,-0.32,4.38,-0.19,0.59"
COMPANY_B_SHORT = [0.276438, 0.611733, 0.867005, 0.969393]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(capsys, *argv: str, message: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lstm-gui: error: ")
    assert "Traceback" not in err
    assert message in lines[0], lines[0]
    return lines[0]


# -- trace -------------------------------------------------------------------------


def test_trace_notebook_table(capsys):
    code, out, err = run_cli(capsys, "trace", "--example", "notebook")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "# weights: example 'notebook'; inputs: the session's input sequence, 1 step"
    assert lines[1] == "# initial memories: long 2.0000, short 1.0000"
    assert lines[2].split() == [
        "step",
        "x",
        "long_prev",
        "short_prev",
        "forget",
        "input",
        "candidate",
        "output",
        "long",
        "short",
    ]
    assert lines[3].split() == [
        "1",
        "1.0000",
        "2.0000",
        "1.0000",
        "0.9974",
        "0.9862",
        "0.9661",
        "0.9917",
        "2.9476",
        "0.9862",
    ]
    # columns are aligned: every row as long as the header
    assert len({len(line) for line in lines[2:]}) == 1


def test_trace_with_no_base_is_the_notebook(capsys):
    assert run_cli(capsys, "trace")[1] == run_cli(capsys, "trace", "--example", "notebook")[1]


def test_trace_wide_table_has_every_field(capsys):
    code, out, _ = run_cli(capsys, "trace", "--example", "companies", "--wide")
    assert out.splitlines()[2].split() == list(TRACE_FIELDS)
    assert len(out.splitlines()) == 3 + 4


def test_trace_companies_csv(capsys):
    code, out, _ = run_cli(capsys, "trace", "--example", "companies", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4
    assert list(rows[0]) == list(TRACE_FIELDS)
    assert [float(r["short"]) for r in rows] == pytest.approx(COMPANY_B_SHORT, abs=1e-6)
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4]


def test_trace_json_from_flags(capsys):
    code, out, _ = run_cli(
        capsys,
        "trace",
        "--weights",
        NOTEBOOK_WEIGHTS,
        "--inputs",
        "1",
        "--long",
        "2",
        "--short",
        "1",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and isinstance(data, list) and len(data) == 1
    step = data[0]
    assert set(TRACE_FIELDS) <= set(step)
    assert step["step"] == 1 and (step["x"], step["long_prev"], step["short_prev"]) == (1.0, 2.0, 1.0)
    got = [step[k] for k in ("forget", "input", "candidate", "output", "long", "short")]
    assert got == pytest.approx([0.997401, 0.986211, 0.966087, 0.991674, 2.947567, 0.986229], abs=1e-6)


def test_json_memories_chain_from_step_to_step(capsys):
    data = json.loads(run_cli(capsys, "trace", "--example", "companies", "--format", "json")[1])
    for prev, cur in zip(data, data[1:]):
        assert (cur["long_prev"], cur["short_prev"]) == (prev["long"], prev["short"])
    assert [s["step"] for s in data] == [1, 2, 3, 4]


def test_flags_override_a_session_file(capsys, tmp_path):
    path = tmp_path / "s.json"
    save_session(load_example("companies"), path)
    data = json.loads(run_cli(capsys, "trace", str(path), "--inputs", "0.5", "--format", "json")[1])
    assert len(data) == 1 and data[0]["x"] == 0.5 and data[0]["long_prev"] == 0.0
    code, out, _ = run_cli(capsys, "trace", str(path))
    assert out.splitlines()[0].startswith(f"# weights: session file {path}")


def test_negative_numbers_as_people_type_them(capsys):
    code, out, err = run_cli(
        capsys, "trace", "--inputs", "-1,0.5", "--long", "-2e-3", "--short", " -0.5 ", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert [s["x"] for s in data] == [-1.0, 0.5]
    assert (data[0]["long_prev"], data[0]["short_prev"]) == (-0.002, -0.5)
    code, out, err = run_cli(capsys, "trace", "--weights", "-" + NOTEBOOK_WEIGHTS, "--format=json", "--inputs=-3")
    assert code == 0, err and json.loads(out)[0]["x"] == -3.0


def test_trace_a_dataset_sequence(capsys):
    data = json.loads(run_cli(capsys, "trace", "--sequence", "Company A", "--format", "json")[1])
    assert [s["x"] for s in data] == [0.0, 0.5, 0.25, 1.0]
    assert (data[0]["long_prev"], data[0]["short_prev"]) == (0.0, 0.0)  # notebook's memories not used
    assert data[-1]["short"] == pytest.approx(0.006393, abs=1e-6)
    assert_refused(
        capsys, "trace", "--sequence", "C", message="no dataset sequence named 'C'; available: 'Company A', 'Company B'"
    )
    assert_refused(capsys, "trace", "--sequence", "Company A", "--inputs", "1", message="either --inputs or --sequence")


def test_list_examples(capsys):
    code, out, _ = run_cli(capsys, "trace", "--list-examples")
    names = [line.split("\t")[0] for line in out.splitlines()]
    assert code == 0 and {"notebook", "companies"} <= set(names)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--weights", ",".join(["1"] * 11)], "expected 12 comma-separated numbers"),
        (["--weights", ",".join(["1"] * 13)], "got 13"),
        (["--inputs", "1,nan"], "--inputs[1]: expected a finite number, got 'nan'"),
        (["--long", "inf"], "--long: expected a finite number, got 'inf'"),
        (["--short", "1e999"], "--short: '1e999' is too large"),
        (["--inputs", ""], "--inputs: expected at least one number"),
        (["--inputs", " , "], "--inputs[0]"),
        (["--inputs", "1_0"], "got '1_0'"),
        (["--long", "1,5"], "--long: expected a finite number, got '1,5'"),
        (["--inputs"], "expected one argument"),
        (["--format", "xml"], "invalid choice: 'xml'"),
        (["--example", "nope"], "no example named 'nope'"),
        (["--colour", "red"], "unrecognized arguments: --colour"),
        (["a.json", "b.json"], "unrecognized arguments"),
    ],
)
def test_bad_flags(capsys, argv, message):
    assert_refused(capsys, "trace", *argv, message=message)


def test_bad_files(capsys, tmp_path):
    assert_refused(capsys, "trace", str(tmp_path / "missing.json"), message="missing.json: no such session file")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": 1, ')
    assert_refused(capsys, "trace", str(broken), message="broken.json: not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"name": "not a session"}')
    assert_refused(capsys, "trace", str(other), message="not an lstm-gui session")
    bad_value = tmp_path / "bad.json"
    data = session_to_dict(load_example("notebook"))
    data["weights"]["forget"]["bias"] = "abc"
    bad_value.write_text(json.dumps(data))
    assert_refused(
        capsys, "trace", str(bad_value), message="bad.json: weights.forget.bias: expected a finite number, got 'abc'"
    )
    empty = tmp_path / "empty.json"
    save_session(Session(inputs=()), empty)
    assert_refused(capsys, "trace", str(empty), message="the input sequence is empty")
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1000 * 1000)
    assert_refused(capsys, "trace", str(huge), message="too large")
    assert_refused(capsys, "trace", str(tmp_path), message="is a folder")
    assert_refused(capsys, "trace", str(empty), "--example", "notebook", message="either a session file or --example")


# -- torch -------------------------------------------------------------------------


def test_export_and_import_torch(capsys, tmp_path):
    pytest.importorskip("torch")
    pt = tmp_path / "cell.pt"
    code, out, err = run_cli(
        capsys, "export-torch", "--example", "companies", "--weights", "-" + NOTEBOOK_WEIGHTS, str(pt)
    )
    assert code == 0 and pt.is_file() and "wrote" in err
    out_json = tmp_path / "back.json"
    code, _, err = run_cli(capsys, "import-torch", str(pt), str(out_json), "--example", "companies")
    assert code == 0, err
    session = load_session(out_json)
    assert session.params.forget.w_short == -2.7
    assert session.params.to_flat()[1:] == NOTEBOOK_PARAMS.to_flat()[1:]
    assert session.inputs == load_example("companies").inputs
    # a session file as the source
    code, _, _ = run_cli(capsys, "export-torch", str(out_json), str(tmp_path / "again.pt"))
    assert code == 0 and (tmp_path / "again.pt").read_bytes()
    assert_refused(capsys, "import-torch", str(out_json), str(tmp_path / "x.json"), message="not a torch file")
    assert_refused(
        capsys, "import-torch", str(tmp_path / "none.pt"), str(tmp_path / "x.json"), message="no such torch file"
    )
    assert not (tmp_path / "x.json").exists()
    assert_refused(
        capsys, "export-torch", "--example", "notebook", str(tmp_path / "no" / "x.pt"), message="cannot write"
    )


# -- the window, help, version, argv handling --------------------------------------------


def test_window_is_launched_lazily_with_the_chosen_session(capsys, monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("lstm_gui.ui.app")
    fake.run_app = lambda session_path, example: calls.append((session_path, example)) or 0
    monkeypatch.setitem(sys.modules, "lstm_gui.ui.app", fake)
    path = tmp_path / "s.json"
    save_session(load_example("notebook"), path)
    assert main([]) == 0
    assert main([str(path)]) == 0
    assert main(["--example", "companies"]) == 0
    assert calls == [(None, None), (str(path), None), (None, "companies")]
    assert_refused(capsys, "--example", "nope", message="no example named 'nope'")
    assert_refused(capsys, "tracee", message="tracee: no such file (and no command of that name")
    assert len(calls) == 3


def test_help_and_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.strip() == f"lstm-gui {__version__}"
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "trace" in out and "export-torch" in out and "SESSION" in out
    code, out, _ = run_cli(capsys, "trace", "--help")
    assert code == 0 and "--weights" in out and "--list-examples" in out


def test_attach_option_values():
    options = {"--inputs", "--long"}
    assert attach_option_values(["--inputs", "-1,2", "--long", "-2e-3", "x"], options) == [
        "--inputs=-1,2",
        "--long=-2e-3",
        "x",
    ]
    assert attach_option_values(["--inputs", "--long", "1"], options) == ["--inputs", "--long=1"]
    assert attach_option_values(["--", "--inputs", "-1"], options) == ["--", "--inputs", "-1"]


def test_python_dash_m_in_a_subprocess(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lstm_gui",
            "trace",
            "--example",
            "companies",
            "--format",
            "json",
            "--inputs",
            "-1, 0.5",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [s["x"] for s in json.loads(result.stdout)] == [-1.0, 0.5]
    bad = subprocess.run(
        [sys.executable, "-m", "lstm_gui", "trace", "--weights", "1,2,3"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "12 comma-separated numbers" in bad.stderr


def test_closed_pipe_is_not_an_error(tmp_path):
    """``lstm-gui trace ... | head -1`` must not print a BrokenPipeError."""
    script = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'lstm_gui', 'trace', '--inputs', ','.join(['0.5'] * 20000)],"
        " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close(); err = p.stderr.read(); p.wait()\n"
        "sys.stdout.write(err.decode())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert "Traceback" not in result.stdout and "BrokenPipe" not in result.stdout


def test_without_pyside6_the_window_says_what_is_missing(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "lstm_gui.ui.app", None)
    monkeypatch.setitem(sys.modules, "PySide6", None)

    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'PySide6'", name="PySide6")

    import builtins

    real_import = builtins.__import__
    monkeypatch.setattr(
        builtins,
        "__import__",
        lambda name, *a, **k: missing() if name == "lstm_gui.ui.app" else real_import(name, *a, **k),
    )
    code, out, err = run_cli(capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "the window needs PySide6" in err and "Traceback" not in err
