"""Where the window keeps files of its own (recovery copies, the error log).

``GenericDataLocation/lstm-gui`` (``~/.local/share/lstm-gui`` on Linux, moved
by ``XDG_DATA_HOME``): the same folder however the ``QApplication`` is named,
so a test's window and the person's ``lstm-gui`` agree on it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from lstm_gui.core.error_log import LOG_NAME
from lstm_gui.ui.settings import APPLICATION


def data_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home() / ".local" / "share") / APPLICATION


def log_file() -> Path:
    return data_folder() / LOG_NAME
