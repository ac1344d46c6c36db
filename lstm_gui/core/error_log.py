"""The error log: tracebacks of unexpected errors, appended to a file whose
size is capped (the full file is renamed to ``<name>.1`` and a new one begun)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

LOG_NAME = "lstm-gui.log"
#: Largest log file before it is rotated; one older file is kept.
MAX_LOG_BYTES = 1024 * 1024


def append_to_log(file: str | os.PathLike[str], text: str, max_bytes: int = MAX_LOG_BYTES) -> None:
    """Append ``text`` with a time stamp to ``file`` (folder created); when the
    file would grow past ``max_bytes`` it becomes ``<file>.1`` first.
    Raises ``OSError``."""
    path = Path(file)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    entry = f"--- {stamp} pid {os.getpid()}\n{text.rstrip()}\n"
    data = entry.encode("utf-8", errors="backslashreplace")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if size and size + len(data) > max_bytes:
        os.replace(path, path.with_name(path.name + ".1"))
    with open(path, "ab") as stream:
        stream.write(data[-max_bytes:] if len(data) > max_bytes else data)
