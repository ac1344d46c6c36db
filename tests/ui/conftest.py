"""UI test fixtures: settings in a temporary folder, windows that never ask."""

from __future__ import annotations

import pytest

from lstm_gui.ui.settings import SETTINGS_DIR_ENV


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory, monkeypatch):
    """Every UI test gets its own QSettings file, never the person's."""
    monkeypatch.setenv(SETTINGS_DIR_ENV, str(tmp_path_factory.mktemp("settings")))
    # Recovery copies and the error log go to the app-data folder: a private one too.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
