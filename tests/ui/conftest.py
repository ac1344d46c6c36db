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
    # No tour offer on a first start (a fresh settings folder is one); tests/ui/test_lesson_panel.py asks for it.
    monkeypatch.setenv("LSTM_GUI_NO_TOUR", "1")


@pytest.fixture
def make_window(qtbot):
    """Shown main windows that answer "Discard" and collect what ``show_error``
    would say in ``window.errors``; their runs are stopped at the end."""
    from PySide6.QtWidgets import QMessageBox

    from lstm_gui.ui import MainWindow

    made = []

    def make(session=None):
        win = MainWindow(session)
        win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        win.errors = []
        win.show_error = lambda title, text: win.errors.append(text)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.training_panel.shutdown()
        win.undo_stack.setClean()
