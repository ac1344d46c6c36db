"""Where the window keeps its settings (geometry, docks, recent files, theme,
preferences).

``LSTM_GUI_SETTINGS_DIR`` redirects them to an INI file in that folder, so
tests and scripts never touch a person's real settings.
"""

from __future__ import annotations

import os
from dataclasses import asdict, fields
from pathlib import Path

from PySide6.QtCore import QSettings

from lstm_gui.core.preferences import Preferences, preferences_from_stored
from lstm_gui.ui.theme import DEFAULT_THEME_CHOICE, THEME_CHOICES

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


#: The theme a person chose in View > Theme ("system", "light" or "dark").
THEME_KEY = "theme"
#: Preferences live under this group, one key per field of Preferences.
PREFERENCES_GROUP = "preferences"


def theme_choice(settings: QSettings) -> str:
    """The stored theme choice; "system" when none (or an unknown one) is stored."""
    value = str(settings.value(THEME_KEY, DEFAULT_THEME_CHOICE))
    return value if value in THEME_CHOICES else DEFAULT_THEME_CHOICE


def load_preferences(settings: QSettings) -> Preferences:
    """The stored preferences; defaults for what is missing or refused
    (the rules are :mod:`lstm_gui.core.preferences`')."""
    settings.beginGroup(PREFERENCES_GROUP)
    try:
        stored = {f.name: settings.value(f.name) for f in fields(Preferences) if settings.contains(f.name)}
    finally:
        settings.endGroup()
    return preferences_from_stored(stored)


def save_preferences(settings: QSettings, preferences: Preferences) -> None:
    """Store ``preferences`` (each field under the ``preferences/`` group)."""
    settings.beginGroup(PREFERENCES_GROUP)
    try:
        for name, value in asdict(preferences).items():
            settings.setValue(name, value)
    finally:
        settings.endGroup()
