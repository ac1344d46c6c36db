"""Reading and writing files safely: size-limited reads and atomic writes.

Only regular files are read or replaced: a FIFO, a device or a folder is
refused before it is opened for reading (a FIFO would block forever) and
before anything is written. Saving through a symbolic link replaces the file
the link points at; the link stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import threading
import time

from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import quote_value, show_path
from lstm_gui.core.limits import MAX_FILE_BYTES

__all__ = [
    "MAX_FILE_BYTES",
    "NotARegularFileError",
    "SessionFileError",
    "atomic_write_bytes",
    "atomic_write_text",
    "read_bytes_limited",
    "read_text_limited",
]

#: A temporary file left by a save that was killed is removed by the next
#: save of the same file once it is this old (a save in progress is younger).
STALE_TEMP_SECONDS = 60.0


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
        super().__init__(f"{show_path(source)}: {text}" if source else text)


class NotARegularFileError(OSError):
    """A path that exists but is not a regular file (a FIFO, a device, a folder)."""


def _is_special(mode: int) -> bool:
    return any(test(mode) for test in (stat.S_ISDIR, stat.S_ISFIFO, stat.S_ISCHR, stat.S_ISBLK, stat.S_ISSOCK))


def _kind(mode: int) -> str:
    """What a non-regular file is, for a person."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


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
    """The bytes of a regular file no larger than ``limit`` (see :func:`read_text_limited`).

    Anything else (a FIFO, a device, a folder) is refused before it is opened,
    and again after (opened without blocking, in case the path changed in
    between), so reading never waits for a writer that never comes.
    """
    source = str(path)
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise SessionFileError(f"is a folder, not a {what}", source=source)
        if not stat.S_ISREG(mode):
            raise SessionFileError(f"not a regular file ({_kind(mode)})", source=source)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with open(fd, "rb", closefd=True) as handle:
            info = os.fstat(fd)
            # Refuse what is known not to be a file (some systems report no
            # type or size for special files: those are read up to the limit).
            if _is_special(info.st_mode):
                raise SessionFileError(f"not a regular file ({_kind(info.st_mode)})", source=source)
            if info.st_size > limit:
                raise SessionFileError(_too_large(info.st_size, limit, what), source=source)
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
    except ValueError:  # a NUL character in the path
        raise SessionFileError(f"cannot read the {what}: a NUL character in the name", source=source) from None
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

    A temporary file beside the target is written, flushed to disk and then
    renamed over the target; a failure leaves the old file untouched. The
    target is the file ``path`` points at: saving through a symbolic link
    replaces the linked file and keeps the link. Temporary files of the
    same target left by a killed save (older than :data:`STALE_TEMP_SECONDS`)
    are removed.

    Raises
    ------
    NotARegularFileError
        (an ``OSError``) If the target exists and is not a regular file (a
        FIFO, a device, a folder); nothing is written then.
    OSError
        If the folder is missing or not writable, the disk is full, ...
    """
    target = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(target)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        mode = _default_mode()
    else:
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(
                errno.EEXIST, f"not a regular file ({_kind(info.st_mode)}); choose another name", os.fspath(path)
            )
        mode = info.st_mode & 0o777
    _remove_stale_temp_files(folder, name)
    fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
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


def check_writable_target(path: str | os.PathLike[str], where: str = "") -> None:
    """Refuse, before any work (rendering an animation, training), a file
    :func:`atomic_write_bytes` could not write: one that exists and is not a
    regular file (a folder, a FIFO, a device), or whose folder is missing or
    not writable. :class:`FieldError` ``(where, "cannot write PATH: why")``,
    one line; the command line maps ``where`` to its flag, the window shows
    the reason in its panel. A path that cannot even be looked at is left
    to the write to report."""
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except (OSError, ValueError):
        return
    shown = show_path(os.fspath(path))
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise FieldError(where, f"cannot write {shown}: {kind}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FieldError(where, f"cannot write {shown}: no folder {show_path(folder)}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FieldError(where, f"cannot write {shown}: the folder {show_path(folder)} is not writable")


def _remove_stale_temp_files(folder: str, name: str) -> None:
    """Remove ``.NAME.xxxxxxxx.tmp`` files (tempfile's names for ``name``) that
    a killed save left in ``folder``: regular files only (a link is never
    followed), older than :data:`STALE_TEMP_SECONDS`. Best effort."""
    pattern = re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}" + re.escape(".tmp"))
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_TEMP_SECONDS:
                os.unlink(entry.path)
        except OSError:
            continue


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text.

    Raises
    ------
    SessionFileError
        If the text cannot be encoded (a lone surrogate); nothing is written.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (from JSON's "\\ud800", or pasted)
        raise SessionFileError(
            f"cannot save: the text holds a lone surrogate at character {exc.start} "
            f"({quote_value(text[max(0, exc.start - 10) : exc.start + 10])}); UTF-8 cannot store it",
            source=os.fspath(path),
        ) from None
    atomic_write_bytes(path, data)
