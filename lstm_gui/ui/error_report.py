"""No silent deaths: an exception nobody caught (in a slot, a timer, a
thread) is written to the error log and shown in the window's error bar, and
the window keeps running.

:func:`install_error_hooks` replaces ``sys.excepthook`` and
``threading.excepthook``; they hand the report to :func:`error_reporter`,
whose signal reaches every :class:`ErrorBar` on the GUI thread (a queued
connection when the error happened on another thread).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from lstm_gui.core.error_log import append_to_log
from lstm_gui.ui.app_data import log_file


class ErrorReporter(QObject):
    """Carries reports to the windows.

    Signals
    -------
    reported(str, str, str) : title, one-line text, details (the traceback).
    """

    reported = Signal(str, str, str)


_reporter: ErrorReporter | None = None


def error_reporter() -> ErrorReporter:
    """The one reporter (created on first use, in the calling thread: the GUI's)."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter()
    return _reporter


def log_error(details: str) -> str:
    """Append ``details`` to the error log; returns where (or why it could not)."""
    target = log_file()
    try:
        append_to_log(target, details)
    except OSError as exc:
        return f"the error log could not be written ({exc})"
    return f"details are in {target}"


def report_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str = ""
) -> None:
    """Log an uncaught exception, print it to stderr and show it in the window."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    if where:
        details = f"{where}\n{details}"
    logged = log_error(details)
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no terminal (pythonw): the log has it
        sys.stderr.write(details)
    summary = f"{exc_type.__name__}: {exc}" if str(exc) else exc_type.__name__
    text = f"{summary}. The window keeps working; what you did last may not have finished ({logged})."
    error_reporter().reported.emit("Something went wrong", text, details)


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_exception(exc_type, exc, tb)


def _threading_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    exc = args.exc_value if args.exc_value is not None else args.exc_type()
    name = args.thread.name if args.thread is not None else "a thread"
    report_exception(args.exc_type, exc, args.exc_traceback, where=f"in thread {name}")


def install_error_hooks() -> ErrorReporter:
    """Route uncaught exceptions (GUI thread and other threads) to the reporter."""
    reporter = error_reporter()
    sys.excepthook = _excepthook
    threading.excepthook = _threading_excepthook
    return reporter
