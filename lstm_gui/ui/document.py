"""The document: the window's one session, its undo stack, its file and recent files.

One :class:`~lstm_gui.core.session.Session` object lives as long as the
window; New, Open and the examples copy another session into it
(:meth:`Session.update_from`), so every widget stays bound to the same
object. Modified means exactly "the undo stack is not clean". Opening
something is not an undo step: it clears the undo history.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtGui import QUndoStack

from lstm_gui.core.files.session_file import load_example, load_session, save_session
from lstm_gui.core.session import Session
from lstm_gui.ui.adapter import SessionAdapter
from lstm_gui.ui.settings import add_recent_file, recent_files, remove_recent_file


class Document(QObject):
    """The session being edited, where it is saved, and whether it changed.

    Signals
    -------
    modified_changed(bool) : the undo stack became clean or not clean.
    replaced : New, Open or an example put other contents in the session.
    path_changed : the file the session is saved to changed.
    recent_changed : the list of recent files changed.
    """

    modified_changed = Signal(bool)
    replaced = Signal()
    path_changed = Signal()
    recent_changed = Signal()

    def __init__(
        self,
        settings: QSettings,
        session: Session | None = None,
        parent: QObject | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session = session if session is not None else Session()
        self.adapter = SessionAdapter(self.session, self)
        self.undo_stack = QUndoStack(self)
        # A bound slot, not a lambda: Qt drops the connection when the document
        # goes, so a stack destroyed after it (window closed unsaved) emits into nothing.
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._path: str | None = str(path) if path else None

    @Slot(bool)
    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    @property
    def path(self) -> str | None:
        return self._path

    def _set_path(self, path: str | os.PathLike[str] | None) -> None:
        self._path = str(path) if path else None
        self.path_changed.emit()

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def display_name(self) -> str:
        if self._path:
            return Path(self._path).name
        return self.session.name or "untitled"

    def folder(self) -> str:
        """Where file dialogs start: beside the file, or the last folder used."""
        if self._path:
            return str(Path(self._path).parent)
        return str(self.settings.value("last_folder", str(Path.home())))

    # -- replacing the contents ----------------------------------------------------
    def replace(self, session: Session, path: str | os.PathLike[str] | None) -> None:
        """Show ``session``'s contents (the undo history is cleared; not modified)."""
        self.session.update_from(session)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._set_path(path)
        self.replaced.emit()

    def set_up(self, session: Session) -> None:
        """Show ``session``'s contents as a lesson's chapter sets them up: like
        Open, not an undo step (the undo history is cleared), but the file
        stays the same and changes not yet saved stay unsaved."""
        modified = self.is_modified()
        self.session.update_from(session)
        self.undo_stack.clear()
        if modified:
            self.undo_stack.resetClean()

    def new(self) -> None:
        self.replace(Session(), None)

    def open(self, path: str) -> None:
        """Load ``path``; raises the loader's error (the current contents stay)."""
        try:
            session = load_session(path)
        except Exception:
            if not Path(path).exists():
                remove_recent_file(self.settings, str(Path(path).resolve()))
                self.recent_changed.emit()
            raise
        self.replace(session, path)
        self.add_recent(path)

    def open_example(self, name: str) -> None:
        """Load a shipped example; ``KeyError`` if there is none."""
        self.replace(load_example(name), None)

    def save_to(self, path: str) -> None:
        """Write the session atomically; raises ``OSError`` (or the format's error)
        and then stays modified."""
        save_session(self.session, path)
        self._set_path(path)
        self.undo_stack.setClean()
        self.add_recent(path)
        self.settings.setValue("last_folder", str(Path(path).resolve().parent))

    # -- recent files ----------------------------------------------------------------
    def recent_files(self) -> list[str]:
        return recent_files(self.settings)

    def add_recent(self, path: str) -> None:
        add_recent_file(self.settings, path)
        self.recent_changed.emit()

    def clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])
        self.recent_changed.emit()
