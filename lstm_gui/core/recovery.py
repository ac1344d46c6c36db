"""Crash recovery: the unsaved session kept in a folder until the window
closes cleanly, and offered again after a crash or a kill.

A recovery file is one JSON header line (``original_path``, ``saved_at``,
``pid``) followed by the session file's own text (:func:`dumps_session`),
so it is read back by the one session loader. Each process (and each
window in it) writes its own file, ``recovery-<pid>-<n>.json``; a file
whose process is no longer running is what is left after a crash.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lstm_gui.core.files.io import MAX_FILE_BYTES, SessionFileError, atomic_write_text, read_text_limited
from lstm_gui.core.files.session_file import dumps_session, loads_session
from lstm_gui.core.session import Session

RECOVERY_PREFIX = "recovery-"
RECOVERY_SUFFIX = ".json"
#: The header's ``format``: a file of another version is not offered.
RECOVERY_FORMAT = "lstm-gui-recovery-1"


@dataclass(frozen=True, slots=True)
class Recovery:
    """A recovered session: what it was, where it was saved, and when."""

    session: Session
    original_path: str | None
    saved_at: str
    pid: int
    file: Path


def recovery_file(folder: str | os.PathLike[str], pid: int | None = None, number: int = 0) -> Path:
    """The recovery file of process ``pid`` (this one by default), window ``number``."""
    pid = os.getpid() if pid is None else pid
    return Path(folder) / f"{RECOVERY_PREFIX}{pid}-{number}{RECOVERY_SUFFIX}"


def write_recovery(
    file: str | os.PathLike[str], session: Session, original_path: str | None, pid: int | None = None
) -> None:
    """Write ``session`` (and where it was saved) atomically to ``file``;
    creates the folder. Raises ``OSError`` or :class:`SessionFileError`."""
    header = {
        "format": RECOVERY_FORMAT,
        "original_path": original_path,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pid": os.getpid() if pid is None else pid,
    }
    body = dumps_session(session)
    Path(file).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(file, json.dumps(header, ensure_ascii=True) + "\n" + body)


def read_recovery(file: str | os.PathLike[str]) -> Recovery:
    """Read a recovery file. Raises :class:`SessionFileError` (a broken or
    foreign file, the message names it) or ``OSError``."""
    text = read_text_limited(file, MAX_FILE_BYTES, "recovery file")
    head, _newline, body = text.partition("\n")
    try:
        header = json.loads(head)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != RECOVERY_FORMAT:
        raise SessionFileError("not an lstm-gui recovery file", source=str(file))
    original = header.get("original_path")
    pid = header.get("pid")
    return Recovery(
        session=loads_session(body, str(file)),
        original_path=original if isinstance(original, str) and original else None,
        saved_at=str(header.get("saved_at", "")),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else 0,
        file=Path(file),
    )


def clear_recovery(file: str | os.PathLike[str]) -> None:
    """Remove a recovery file (nothing happens if there is none)."""
    with contextlib.suppress(FileNotFoundError):
        Path(file).unlink()


def process_running(pid: int) -> bool:
    """Whether process ``pid`` is running (``False`` if it cannot be told)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate it on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has that number
        return True
    except OSError:
        return False
    return True


def _pid_of(file: Path) -> int:
    stem = file.name[len(RECOVERY_PREFIX) : -len(RECOVERY_SUFFIX)]
    try:
        return int(stem.split("-")[0])
    except ValueError:
        return 0


def orphaned_recoveries(folder: str | os.PathLike[str]) -> list[Path]:
    """Recovery files left by processes that are no longer running, newest first."""
    root = Path(folder)
    if not root.is_dir():
        return []
    found = [
        file
        for file in root.glob(f"{RECOVERY_PREFIX}*{RECOVERY_SUFFIX}")
        if file.is_file() and not process_running(_pid_of(file))
    ]

    def modified(file: Path) -> float:
        try:
            return file.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=modified, reverse=True)
