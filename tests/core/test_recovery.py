"""Recovery files and the error log, without Qt: a session written with its
header comes back value for value; only a dead process's file is offered; a
broken file is refused with a reason; the log stays under its size."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lstm_gui.core.error_log import append_to_log
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import load_example, session_to_dict
from lstm_gui.core.recovery import (
    clear_recovery,
    orphaned_recoveries,
    process_running,
    read_recovery,
    recovery_file,
    write_recovery,
)


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_a_recovery_file_brings_back_the_session_and_where_it_was_saved(tmp_path):
    session = load_example("companies")
    session.set_weight("forget", "bias", -1.25)
    file = recovery_file(tmp_path)
    write_recovery(file, session, "/somewhere/companies.json")
    recovery = read_recovery(file)
    assert session_to_dict(recovery.session) == session_to_dict(session)
    assert recovery.original_path == "/somewhere/companies.json"
    assert recovery.saved_at and recovery.pid > 0
    clear_recovery(file)
    assert not file.exists()
    clear_recovery(file)  # twice is fine


def test_an_unsaved_session_has_no_original_path(tmp_path):
    file = recovery_file(tmp_path / "new-folder")
    write_recovery(file, load_example("notebook"), None)
    assert read_recovery(file).original_path is None


def test_only_files_of_processes_that_ended_are_offered(tmp_path):
    mine = recovery_file(tmp_path)
    dead_pid = _dead_pid()
    dead = recovery_file(tmp_path, dead_pid)
    write_recovery(mine, load_example("notebook"), None)
    write_recovery(dead, load_example("notebook"), None, pid=dead_pid)
    assert process_running(dead_pid) is False
    assert orphaned_recoveries(tmp_path) == [dead]
    assert orphaned_recoveries(tmp_path / "missing") == []


@pytest.mark.parametrize(
    "text",
    ["", "not json\n{}", json.dumps({"format": "something else"}) + "\n{}", '{"format": "lstm-gui-recovery-1"}\n[1]'],
)
def test_a_broken_recovery_file_is_refused_with_a_reason(tmp_path, text):
    file = tmp_path / "recovery-1-0.json"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        read_recovery(file)
    assert str(file) in str(caught.value)


def test_the_error_log_is_rotated_before_it_passes_its_size(tmp_path):
    log = tmp_path / "logs" / "lstm-gui.log"
    for i in range(200):
        append_to_log(log, f"Traceback number {i}\n" + "x" * 200, max_bytes=4096)
    assert log.stat().st_size <= 4096
    assert log.with_name("lstm-gui.log.1").stat().st_size <= 4096
    assert "Traceback number 199" in log.read_text(encoding="utf-8")
