"""Where the window keeps its settings (geometry, docks, recent files, theme).

``LSTM_GUI_SETTINGS_DIR`` redirects them to an INI file in that folder, so
tests and scripts never touch a person's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "lstm-gui"
APPLICATION = "lstm-gui"
SETTINGS_DIR_ENV = "LSTM_GUI_SETTINGS_DIR"
MAX_RECENT = 8


def app_settings() -> QSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "lstm-gui.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # QSettings gives a bare string for one item
        return [value] if value else []
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if v]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [p for p in recent_files(settings) if p != path]
    files.insert(0, path)
    del files[MAX_RECENT:]
    settings.setValue("recent_files", files)
    return files


def remove_recent_file(settings: QSettings, path: str) -> list[str]:
    files = [p for p in recent_files(settings) if p != path]
    settings.setValue("recent_files", files)
    return files
