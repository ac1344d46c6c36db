"""Crash recovery in the window: the open session is copied to a recovery
file a moment after each change, the copy is removed when the window closes
normally, and after a crash or a kill the next window offers it back.

The copy is written :data:`AUTOSAVE_MS` after the last change (a single-shot
timer restarted by every undo-stack change), only while the session is
modified; when the undo stack becomes clean again (saved, or undone back to
the file) the copy is removed. Ctrl+C in the terminal writes the copy at once
and closes without asking, so the changes are offered at the next start.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow, QStatusBar

from lstm_gui.core.recovery import Recovery, clear_recovery, orphaned_recoveries, read_recovery, write_recovery
from lstm_gui.core.session import Session
from lstm_gui.ui.app_data import data_folder
from lstm_gui.ui.bars import RecoveryBar, place_bar
from lstm_gui.ui.commands import SetValueCommand
from lstm_gui.ui.document import Document

#: Delay between the last change and the recovery copy: well inside the
#: promised 5 s, long enough that typing does not write on every key.
AUTOSAVE_MS = 2000
RESTORE_TEXT = "Restore unsaved changes"

_window_numbers = itertools.count()


def _copy(session: Session) -> Session:
    copy = Session()
    copy.update_from(session)
    return copy


def _remove(file: Path) -> None:
    # Closing and restoring must never fail because a copy cannot be deleted
    # (a read-only folder): at worst it is offered once more.
    with contextlib.suppress(OSError):
        clear_recovery(file)


def _local_time(iso: str) -> str:
    """``saved_at`` as a person reads it: local time to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso or "at an unknown time"


class RecoveryHost(Protocol):
    """What the keeper uses of the main window (a Protocol: the window imports
    this module, not the other way round)."""

    document: Document
    undo_stack: QUndoStack

    def show_error(self, title: str, text: str) -> None: ...
    def maybe_save(self) -> bool: ...
    def _before_replace(self) -> None: ...
    def close(self) -> bool: ...
    def statusBar(self) -> QStatusBar: ...


class RecoveryKeeper(QObject):
    """Keeps ``window``'s unsaved changes in a recovery file and offers the
    ones a crashed lstm-gui left behind in a :class:`RecoveryBar`."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window: RecoveryHost = cast(RecoveryHost, window)
        self.document = self.window.document
        self.folder = data_folder()
        self.file = self.folder / f"recovery-{os.getpid()}-{next(_window_numbers)}.json"
        #: Set by :meth:`quit_keeping_changes`: the close keeps the copy.
        self.interrupted = False
        self._write_failed = False
        self.timer = QTimer(self)
        self.timer.setObjectName("recovery_timer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        stack = self.document.undo_stack
        stack.indexChanged.connect(self._on_changed)
        stack.cleanChanged.connect(self._on_changed)
        self.bar = RecoveryBar(window)
        place_bar(window, self.bar)
        self.bar.restore_clicked.connect(self.restore)
        self.bar.discard_clicked.connect(self.discard_offer)
        self.offered: Recovery | None = None
        self.offer()

    # -- keeping a copy ------------------------------------------------------------
    @Slot()
    def _on_changed(self, *_: object) -> None:
        self.timer.start()

    @Slot()
    def autosave(self) -> None:
        """Write the copy now if the session is modified, else remove it."""
        self.timer.stop()
        if not self.document.is_modified():
            _remove(self.file)
            return
        try:
            write_recovery(self.file, self.document.session, self.document.path)
        except Exception as exc:  # a full disk must not cost the edit itself
            if not self._write_failed:
                self.window.show_error("Could not keep a recovery copy", f"{self.file}:\n{exc}")
            self._write_failed = True
            return
        self._write_failed = False

    def closed(self) -> None:
        """The window closed: the copy goes, unless Ctrl+C asked to keep it."""
        self.timer.stop()
        if self.interrupted:
            self.autosave()
        else:
            _remove(self.file)

    @Slot()
    def quit_keeping_changes(self) -> None:
        """Ctrl+C: keep the unsaved changes for the next start and close without asking."""
        self.interrupted = True
        self.autosave()
        self.window.close()

    # -- offering what a crash left ------------------------------------------------------
    def offer(self) -> bool:
        """Offer the newest copy left by an lstm-gui that is no longer running."""
        self.offered = None
        for file in orphaned_recoveries(self.folder):
            try:
                recovery = read_recovery(file)
            except Exception as exc:  # keep the file (renamed) for a person to look at
                with contextlib.suppress(OSError):
                    file.replace(file.with_suffix(".unreadable"))
                self.window.show_error("A recovery copy could not be read", str(exc))
                continue
            self.offered = recovery
            where = recovery.original_path or "an unsaved session"
            self.bar.offer(
                f"lstm-gui ended without closing ({_local_time(recovery.saved_at)}) "
                f"with unsaved changes to {where}. Restore them?"
            )
            return True
        self.bar.hide()
        return False

    @Slot()
    def discard_offer(self) -> None:
        if self.offered is not None:
            _remove(self.offered.file)
        self.offer()

    @Slot()
    def restore(self) -> bool:
        """Bring the offered changes back as one undo step over the file they
        were made to (or a new session); the window is then modified."""
        recovery = self.offered
        if recovery is None:
            return False
        window = self.window
        if not window.maybe_save():
            return False
        window._before_replace()
        base_opened = False
        if recovery.original_path:
            try:
                self.document.open(recovery.original_path)
                base_opened = True
            except Exception:  # the file is gone or broken: the changes are still worth having
                base_opened = False
        if not base_opened:
            self.document.new()
            self.document._set_path(recovery.original_path)
        session = self.document.session
        window.undo_stack.push(SetValueCommand(RESTORE_TEXT, session.update_from, _copy(session), recovery.session))
        self.autosave()  # the changes are safe in this window's own copy before the old one goes
        _remove(recovery.file)
        self.offer()
        window.statusBar().showMessage("Restored the unsaved changes (Undo goes back to the saved file)", 8000)
        return True


def install_interrupt_handler(keeper: RecoveryKeeper) -> QTimer | None:
    """Ctrl+C in the terminal calls :meth:`RecoveryKeeper.quit_keeping_changes`.

    Python runs a signal handler only between bytecodes, and the Qt event loop
    is C++: a timer gives Python a turn four times a second."""
    if threading.current_thread() is not threading.main_thread():
        return None
    signal.signal(signal.SIGINT, lambda *_: keeper.quit_keeping_changes())
    wake = QTimer(keeper)
    wake.setObjectName("interrupt_wake")
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return wake
