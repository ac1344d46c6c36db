"""Every refusal on the command line: exit 2, exactly one line, under 300
characters, at most 40 characters of the bad value; nothing hangs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lstm_gui.cli import main
from lstm_gui.core.files.session_file import load_example, save_session, session_to_dict
from lstm_gui.core.limits import MAX_INPUT_STEPS

LONG = "x" * 5000
DIGITS = "9" * 5000


def _setup(tmp_path: Path) -> dict[str, str]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    good = tmp_path / "good.json"
    save_session(load_example("companies"), good)
    huge_int = tmp_path / "huge_int.json"
    data = session_to_dict(load_example("companies"))
    text = json.dumps(data).replace('"lr": 0.001', '"lr": 1' + "0" * 400)
    huge_int.write_text(text)
    long_string = tmp_path / "long_string.json"
    data["name"] = "n" * 10_000_000
    long_string.write_text(json.dumps(data))
    newline = tmp_path / "a\nb.json"
    return {
        "FIFO": str(fifo),
        "FOLDER": str(folder),
        "GOOD": str(good),
        "HUGE_INT": str(huge_int),
        "LONG_STRING": str(long_string),
        "NEWLINE": str(newline),
        "OUT": str(tmp_path / "out.json"),
        "PT": str(tmp_path / "cell.pt"),
    }


CASES = [
    # (argv with placeholders, text the line must contain, the bad value)
    (["trace", "FIFO"], "not a regular file (a FIFO)", None),
    (["train", "FIFO", "--epochs", "1"], "not a regular file (a FIFO)", None),
    (["import-torch", "FIFO", "OUT"], "not a regular file (a FIFO)", None),
    (["import-torch", "PT", "OUT", "--base", "FIFO"], "not a regular file (a FIFO)", None),
    (["train", "GOOD", "--epochs", "1", "--out", "FIFO"], "--out: cannot write", None),
    (["export-torch", "GOOD", "FIFO"], "cannot write", None),
    (["import-torch", "PT", "FIFO"], "cannot write", None),
    (["trace", "FOLDER"], "is a folder", None),
    (["trace", "missing.json"], "missing.json: no such session file", None),
    (["trace", "NEWLINE"], "'", None),
    (["trace", "HUGE_INT"], "training.lr: expected a finite number, got 1000000000000", "1" + "0" * 400),
    (["train", "HUGE_INT", "--epochs", "1"], "training.lr: expected a finite number", "1" + "0" * 400),
    (["trace", "LONG_STRING"], "name: 10000000 characters, more than the limit", "n" * 10_000_000),
    (["trace", LONG], "cannot read the session file", LONG),
    (["trace", "--example", LONG], "no example named", LONG),
    (["trace", "--inputs", LONG], "--inputs[0]: expected a finite number", LONG),
    (["trace", "--sequence", LONG, "--example", "companies"], "--sequence: no dataset sequence named", LONG),
    (["trace", "--format", LONG], "invalid choice", LONG),
    (["train", "--lr", LONG], "--lr: expected a finite number", LONG),
    (["train", "--init", LONG], "--init:", LONG),
    (["train", "--epochs", DIGITS], "--epochs: a whole number with 5000 digits is too large", DIGITS),
    (["train", "--epochs", "1" + "0" * 400], "--epochs: expected at most", "1" + "0" * 400),
    (["train", "--init", "random:" + DIGITS], "--init random seed", DIGITS),
    (["trace", ""], "SESSION: expected a file name, got an empty string", None),
    (["trace", "--example", ""], "--example: expected an example name, got an empty string", None),
    (["train", ""], "SESSION: expected a file name, got an empty string", None),
    (["train", "--epochs", "1", "--out", ""], "--out: expected a file name, got an empty string", None),
    (["import-torch", "PT", "OUT", "--base", ""], "--base: expected a file name, got an empty string", None),
    (["import-torch", "", "OUT"], "IN.pt: expected a file name", None),
    (["export-torch", ""], "OUT.pt: expected a file name", None),
    ([""], "SESSION: expected a file name, got an empty string", None),
    (["trace", "--inputs", ",".join(["1"] * (MAX_INPUT_STEPS + 1))], f"more than the limit of {MAX_INPUT_STEPS}", None),
]


def _main_with_timeout(argv: list[str], seconds: float = 30.0) -> int:
    """``main(argv)`` in a thread: a command that blocks (on a FIFO) fails the
    test instead of hanging the suite."""
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(argv)), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"lstm-gui {' '.join(argv)[:80]} blocked for more than {seconds} s")
    assert result, "main raised instead of returning an exit status"
    return result[0]


def _resolve(argv: list[str], paths: dict[str, str]) -> list[str]:
    return [paths.get(token, token) for token in argv]


@pytest.mark.parametrize(("argv", "expected", "bad_value"), CASES, ids=[" ".join(c[0])[:50] for c in CASES])
def test_every_refusal_is_exit_2_and_one_short_line(tmp_path, capsys, argv, expected, bad_value):
    paths = _setup(tmp_path)
    if "PT" in argv:
        pytest.importorskip("torch")
        from lstm_gui.core.files.torch_bridge import save_torch

        save_torch(load_example("notebook").params, paths["PT"])
    code = _main_with_timeout(_resolve(argv, paths))
    out, err = capsys.readouterr()
    assert code == 2, (err, out[:200])
    lines = err.split("\n")
    assert lines[-1] == "" and len(lines) == 2, repr(err[:500])
    line = lines[0]
    assert line.startswith("lstm-gui: error: "), line
    assert len(line) < 300, line
    assert expected in line, line
    if bad_value is not None:
        assert bad_value[:41] not in line, line
    assert not os.path.exists(paths["OUT"])


def test_a_fifo_given_to_the_command_line_never_hangs(tmp_path):
    """Run as a real process with a timeout: a regression fails instead of hanging."""
    fifo = tmp_path / "session.json"
    os.mkfifo(fifo)
    for command in (["trace", str(fifo)], ["train", str(fifo), "--epochs", "1"]):
        done = subprocess.run(
            [sys.executable, "-m", "lstm_gui", *command],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().endswith("not a regular file (a FIFO)")


def test_train_out_onto_a_fifo_is_refused_before_training(tmp_path, capsys):
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    code = _main_with_timeout(["train", "--example", "companies", "--epochs", "1000000000", "--out", str(fifo)])
    assert code == 2  # refused at once, not after a billion epochs
    assert "not a regular file" in capsys.readouterr().err
