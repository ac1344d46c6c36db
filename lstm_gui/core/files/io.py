"""Reading and writing files safely: size-limited reads and atomic writes."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

#: Largest session (or dataset) file read, in bytes. A session with a long
#: training history saves to a few MB (the history is thinned out when saved).
MAX_FILE_BYTES = 20 * 1024 * 1024


class SessionFileError(ValueError):
    """A session file (or text) could not be read; ``str()`` is for a person.

    ``where`` is the place inside the data (``weights.forget.bias``), empty
    for problems with the file as a whole; ``source`` is the file name or a
    description such as ``example 'notebook'``.
    """

    def __init__(self, message: str, where: str = "", source: str = "") -> None:
        self.where = where
        self.source = source
        self.reason = message
        text = f"{where}: {message}" if where else message
        super().__init__(f"{source}: {text}" if source else text)


def read_text_limited(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, what: str = "file") -> str:
    """The UTF-8 text of a file no larger than ``limit`` bytes.

    A larger file is refused without being read whole (size from ``fstat``,
    then at most ``limit + 1`` bytes, for files whose size the system does not
    know in advance).

    Raises
    ------
    SessionFileError
        Missing, unreadable, too large or not UTF-8 text.
    """
    data = read_bytes_limited(path, limit, what)
    try:
        # utf-8-sig: a BOM written by some Windows editors is not an error.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SessionFileError(f"not a text file (not UTF-8 at byte {exc.start})", source=str(path)) from None


def read_bytes_limited(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """The bytes of a file no larger than ``limit`` (see :func:`read_text_limited`)."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise SessionFileError(_too_large(size, limit, what), source=source)
            data = handle.read(limit + 1)
    except SessionFileError:
        raise
    except FileNotFoundError:
        raise SessionFileError(f"no such {what}", source=source) from None
    except IsADirectoryError:
        raise SessionFileError(f"is a folder, not a {what}", source=source) from None
    except PermissionError:
        raise SessionFileError(f"cannot read the {what}: permission denied", source=source) from None
    except OSError as exc:
        raise SessionFileError(f"cannot read the {what}: {exc.strerror or exc}", source=source) from None
    if len(data) > limit:
        raise SessionFileError(_too_large(len(data), limit, what, at_least=True), source=source)
    return data


def _too_large(size: int, limit: int, what: str, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"{what} too large ({more}{size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB)"


_umask_lock = threading.Lock()


def _default_mode() -> int:
    # tempfile creates files readable by the owner only; a saved session should
    # get the usual permissions (0666 minus the umask), as a plain open() would.
    with _umask_lock:
        umask = os.umask(0)
        os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` so that ``path`` holds either the old or the new content.

    A temporary file in the same folder is written, flushed to disk and then
    renamed over ``path``; a failure leaves the old file untouched.

    Raises
    ------
    OSError
        If the folder is missing or not writable, the disk is full, ...
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = os.stat(target).st_mode & 0o777
    except OSError:
        mode = _default_mode()
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    # Make the rename itself durable; not possible everywhere (e.g. Windows).
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))
