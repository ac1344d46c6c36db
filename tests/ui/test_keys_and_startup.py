"""Keyboard stepping that leaves typing alone, start-up from the command
line, and a guard against the PySide6 signal regression."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from lstm_gui.core.session import Session
from lstm_gui.ui import MainWindow
from lstm_gui.ui.app import build_window


def _window(qtbot) -> MainWindow:
    win = MainWindow(Session(inputs=(1.0, 0.5, 0.25)))
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.errors = []
    win.show_error = lambda title, text: win.errors.append(text)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    # Window shortcuts only fire in the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=20000)
    return win


def test_arrow_keys_step_but_not_while_typing_in_a_field(qtbot):
    win = _window(qtbot)
    win.diagram.setFocus()
    assert win.step == 1  # opens at step 1: every value shows a number
    qtbot.keyClick(win.diagram, Qt.Key.Key_Right)
    assert win.step == 2
    qtbot.keyClick(win.diagram, Qt.Key.Key_Left)
    qtbot.keyClick(win.diagram, Qt.Key.Key_Left)
    assert win.step == 0
    qtbot.keyClick(win.diagram, Qt.Key.Key_Right)
    assert win.step == 1
    qtbot.keyClick(win.diagram, Qt.Key.Key_End)
    assert win.step == 3
    qtbot.keyClick(win.diagram, Qt.Key.Key_Home)
    assert win.step == 0

    field = win.input_strip.long_field
    field.setFocus()
    field.setText("12")
    field.setCursorPosition(2)
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_Right, Qt.Key.Key_End):
        qtbot.keyClick(field, key)
    qtbot.keyClick(field, Qt.Key.Key_Space)
    assert win.step == 0  # the keys moved the cursor, not the stepper
    assert field.text() == "12 "
    # The same for a weight field inside the diagram.
    weight = win.weight_field("forget", "bias")
    win.diagram.setFocus()
    win.scene.setFocusItem(weight.graphicsProxyWidget())
    weight.setCursorPosition(4)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_Left)
    assert win.step == 0
    assert weight.cursorPosition() == 3
    win.undo_stack.setClean()


def test_a_bad_file_at_start_up_says_why_and_opens_the_default(qtbot, tmp_path, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, title, text: errors.append(text))
    bad = tmp_path / "nonsense.json"
    bad.write_text("not json at all", encoding="utf-8")
    win = build_window(str(bad), None)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert "nonsense.json" in errors[0]
    assert win.session.params == Session().params
    assert win.path is None


def test_example_at_start_up(qtbot):
    win = build_window(None, "companies")
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: [i.name for i in win.session.dataset] == ["Company A", "Company B"], timeout=20000)
    assert not win.isWindowModified()


def test_ui_package_import_stays_light():
    # The window module (and torch) load only when MainWindow is asked for.
    code = "import sys, lstm_gui.ui; print('torch' in sys.modules, 'lstm_gui.ui.main_window' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_building_the_window_does_not_import_torch():
    import subprocess

    code = (
        "import os, sys, tempfile; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "os.environ['LSTM_GUI_SETTINGS_DIR']=tempfile.mkdtemp();"
        "from lstm_gui.ui.app import make_app; app=make_app();"
        "from lstm_gui.ui import MainWindow; w=MainWindow(); w.show(); app.processEvents();"
        "print('torch' in sys.modules); w.close()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


class _Emitter(QObject):
    changed = Signal(int)


def test_200k_qt_calls_and_signal_emissions_survive(qtbot):
    """PySide6 6.12.0 aborted with a refcount error under heavy signal use;
    this keeps the <6.12 pin honest if it is ever lifted."""
    label = QLabel()
    emitter = _Emitter()
    seen = []
    emitter.changed.connect(lambda v: seen.append(v) if v % 1000 == 0 else None)
    for k in range(100_000):
        label.setText(str(k))
        emitter.changed.emit(k)
    assert label.text() == "99999"
    assert len(seen) == 100
    QApplication.processEvents()
