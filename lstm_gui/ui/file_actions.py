"""The window's file flows: New, Open, Save, the export dialogs and the
PyTorch import, each asking about unsaved changes and saying what went wrong.

Functions of the window (they do not import it: the window imports this
module). They call ``window.ask_save_changes`` and ``window.show_error``
through the window at call time, so a test that replaces those methods on the
window sees every question and every error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from lstm_gui.ui.commands import params_command

#: kind -> (dialog title, file filter) of the export dialogs.
EXPORT_KINDS = {
    "png": ("Export diagram", "PNG pictures (*.png)"),
    "svg": ("Export diagram", "SVG drawings (*.svg)"),
    "csv": ("Export trace", "CSV files (*.csv)"),
    "pt": ("Export PyTorch state_dict", "PyTorch files (*.pt)"),
}


def about_file(path: str, exc: Exception) -> str:
    """The error for a person: the core's messages already start with the path."""
    text = str(exc)
    return text if text.startswith(str(path)) else f"{path}:\n{text}"


def ask_save_changes(window: Any) -> QMessageBox.StandardButton:
    """Ask Save / Discard / Cancel about the window's unsaved changes."""
    return QMessageBox.question(
        window,
        "Unsaved changes",
        f"Save the changes to {window.document.display_name()} first?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )


def maybe_save(window: Any) -> bool:
    """True if it is fine to drop the current session."""
    if not window.is_modified():
        return True
    answer = window.ask_save_changes()
    if answer == QMessageBox.StandardButton.Save:
        return bool(window.save())
    return bool(answer == QMessageBox.StandardButton.Discard)


def new_session(window: Any) -> None:
    if window.maybe_save():
        window._before_replace()
        window.document.new()
        window.statusBar().showMessage("New session with the notebook's weights", 5000)


def open_dialog(window: Any) -> None:
    if not window.maybe_save():
        return
    path, _ = QFileDialog.getOpenFileName(
        window, "Open session", window.document.folder(), "lstm-gui sessions (*.json);;All files (*)"
    )
    if path:
        window.open_path(path, ask=False)


def open_path(window: Any, path: str, ask: bool = True) -> bool:
    """Open a session file; on any problem say why and keep the current one."""
    if ask and not window.maybe_save():
        return False
    try:
        window._before_replace()
        window.document.open(path)
    except (OSError, ValueError) as exc:
        window.show_error("Could not open the session", about_file(path, exc))
        return False
    window.statusBar().showMessage(f"Opened {path}", 5000)
    return True


def open_example(window: Any, name: str, ask: bool = True) -> bool:
    if ask and not window.maybe_save():
        return False
    try:
        window._before_replace()
        window.document.open_example(name)
    except (KeyError, ValueError) as exc:
        window.show_error("Could not open the example", str(exc))
        return False
    window.statusBar().showMessage(f"Opened the example {name!r}", 5000)
    return True


def save(window: Any) -> bool:
    if not window.document.path:
        return bool(window.save_as_dialog())
    return bool(window.save_to(window.document.path))


def save_as_dialog(window: Any) -> bool:
    folder, stem = window.document.folder(), window.document.display_name().removesuffix(".json")
    suggested = str(Path(folder) / f"{stem}.json")
    path, _ = QFileDialog.getSaveFileName(window, "Save session", suggested, "lstm-gui sessions (*.json)")
    if not path:
        return False
    if not path.endswith(".json"):
        path += ".json"
    return bool(window.save_to(path))


def save_to(window: Any, path: str) -> bool:
    """Write the session atomically; on failure say why and keep it modified."""
    try:
        window.document.save_to(path)
    except Exception as exc:  # any failure keeps the window open and says why
        window.show_error("Could not save the session", f"{path}:\n{exc}")
        return False
    window.statusBar().showMessage(f"Saved {path}", 5000)
    return True


def export_dialog(window: Any, kind: str) -> None:
    """Ask where, then export the diagram (png, svg), the trace (csv) or the weights (pt)."""
    title, filter_ = EXPORT_KINDS[kind]
    stem = window.document.display_name().removesuffix(".json")
    suggested = str(Path(window.document.folder()) / f"{stem}{'-trace' if kind == 'csv' else ''}.{kind}")
    path, _ = QFileDialog.getSaveFileName(window, title, suggested, filter_)
    if not path:
        return
    if not path.lower().endswith("." + kind):
        path += "." + kind
    export = {
        "png": window.export_png,
        "svg": window.export_svg,
        "csv": window.export_trace_csv,
        "pt": window.export_torch,
    }[kind]
    try:
        export(path)
    except Exception as exc:  # any failure is the person's to know about, not a crash
        window.show_error("Export failed", f"{path}:\n{exc}")
        return
    window.statusBar().showMessage(f"Exported {path}", 5000)


def import_torch_dialog(window: Any) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window, "Import PyTorch state_dict", window.document.folder(), "PyTorch files (*.pt *.pth);;All files (*)"
    )
    if path:
        window.import_torch(path)


def import_torch(window: Any, path: str) -> bool:
    """Read weights from an ``nn.LSTM(1, 1)`` state_dict (one undo step)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        from lstm_gui.core.files.torch_bridge import load_torch  # imports torch: only now

        params = load_torch(path)
    except Exception as exc:  # a bad file must never take the window down
        QApplication.restoreOverrideCursor()
        window.show_error("Could not import the weights", about_file(path, exc))
        return False
    QApplication.restoreOverrideCursor()
    window.undo_stack.push(params_command(window.session, params, "Import PyTorch weights"))
    window.statusBar().showMessage(f"Imported weights from {path}", 5000)
    return True
