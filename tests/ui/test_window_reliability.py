"""Nothing a person makes is lost (issue 11, the window's half): a failed
Save keeps the window open and says why; unsaved changes survive a kill and
are offered back as one undo step; Ctrl+C keeps them; an error nobody caught
is shown in the window and logged, and the window keeps working."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from lstm_gui.core.files.session_file import load_example, save_session, session_to_dict
from lstm_gui.core.recovery import orphaned_recoveries, write_recovery
from lstm_gui.core.session import Session
from lstm_gui.ui import MainWindow, document
from lstm_gui.ui.app_data import data_folder, log_file
from lstm_gui.ui.commands import weight_command
from lstm_gui.ui.error_report import install_error_hooks
from lstm_gui.ui.recovery import RESTORE_TEXT

WAIT_MS = 10_000


def _window(qtbot, answer=QMessageBox.StandardButton.Discard) -> MainWindow:
    win = MainWindow(Session())
    win.ask_save_changes = lambda: answer
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _recovery_files() -> list[Path]:
    return sorted(data_folder().glob("recovery-*.json"))


# -- 1. a failed Save never loses the edit -------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
        RuntimeError("the disk said no"),
    ],
)
def test_close_with_save_that_fails_keeps_the_window_open_and_says_why(qtbot, tmp_path, monkeypatch, error):
    win = _window(qtbot, QMessageBox.StandardButton.Save)
    path = tmp_path / "kept.json"
    save_session(win.session, path)
    win.document._set_path(str(path))
    win.undo_stack.push(weight_command(win.session, "forget", "bias", -2.5))

    def failing_save(session, target):
        raise error

    monkeypatch.setattr(document, "save_session", failing_save)
    assert not win.close()
    assert win.isVisible()
    assert win.is_modified()
    assert win.session.params.forget.bias == -2.5
    bar = win.error_bar
    assert bar.isVisible()
    assert "Could not save the session" in bar.text() and str(path) in bar.text()
    assert str(error) in bar.text()
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.close()


def test_show_error_is_a_bar_inside_the_window_not_a_dialog(qtbot):
    win = _window(qtbot)
    win.show_error("Could not open the session", "x.json: no such file")
    assert win.error_bar.isVisible()
    assert QMessageBox not in {type(w) for w in win.findChildren(QWidget) if w.isVisible()}
    assert "x.json: no such file" in win.error_bar.text()
    win.error_bar.findChild(QPushButton, "error_dismiss").click()
    assert not win.error_bar.isVisible()


# -- 2. crash recovery ---------------------------------------------------------------------


def test_unsaved_changes_are_copied_within_seconds_and_removed_by_a_clean_close(qtbot):
    win = _window(qtbot)
    assert _recovery_files() == []
    win.undo_stack.push(weight_command(win.session, "input", "bias", 0.75))
    assert win.recovery.timer.isActive() and win.recovery.timer.interval() <= 5000
    qtbot.waitUntil(lambda: win.recovery.file.exists(), timeout=WAIT_MS)
    win.undo_stack.undo()  # back to the saved state: nothing to keep
    qtbot.waitUntil(lambda: not win.recovery.file.exists(), timeout=WAIT_MS)
    win.undo_stack.redo()
    win.recovery.autosave()
    assert win.recovery.file.exists()
    assert win.close()  # the person chose Discard: a clean exit
    assert _recovery_files() == []


def test_a_clean_exit_leaves_nothing_to_offer(qtbot):
    win = _window(qtbot)
    win.undo_stack.push(weight_command(win.session, "input", "bias", 0.75))
    win.recovery.autosave()
    win.close()
    again = _window(qtbot)
    assert not again.findChild(QWidget, "recovery_bar").isVisible()
    assert again.recovery.offered is None


def test_copies_left_by_a_dead_process_are_offered_and_restored_as_one_undo_step(qtbot, tmp_path):
    saved = tmp_path / "companies.json"
    save_session(load_example("companies"), saved)
    edited = load_example("companies")
    edited.set_weight("output", "w_input", 9.5)
    edited.set_inputs((0.0, 0.5, 0.25))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    write_recovery(data_folder() / f"recovery-{pid}-0.json", edited, str(saved), pid=pid)

    win = _window(qtbot)
    bar = win.findChild(QWidget, "recovery_bar")
    assert bar.isVisible()
    assert str(saved) in win.recovery.bar.label.text()
    win.findChild(QPushButton, "recovery_restore").click()
    assert session_to_dict(win.session) == session_to_dict(edited)
    assert win.path == str(saved)
    assert win.is_modified() and win.isWindowModified()
    assert win.undo_stack.count() == 1
    assert win.undo_stack.undoText() == RESTORE_TEXT
    assert not bar.isVisible()
    assert orphaned_recoveries(data_folder()) == []  # the old copy is gone...
    assert win.recovery.file.exists()  # ...after this window keeps its own
    win.undo_stack.undo()
    assert session_to_dict(win.session) == session_to_dict(load_example("companies"))
    assert not win.is_modified()


def test_discarding_the_offer_deletes_the_copy(qtbot):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    write_recovery(data_folder() / f"recovery-{pid}-0.json", load_example("notebook"), None, pid=pid)
    win = _window(qtbot)
    assert win.recovery.bar.isVisible()
    win.findChild(QPushButton, "recovery_discard").click()
    assert not win.recovery.bar.isVisible()
    assert orphaned_recoveries(data_folder()) == []
    assert not win.is_modified()


def test_ctrl_c_closes_without_asking_and_keeps_the_changes(qtbot):
    win = _window(qtbot)
    asked = []
    win.ask_save_changes = lambda: asked.append(1) or QMessageBox.StandardButton.Cancel
    win.undo_stack.push(weight_command(win.session, "candidate", "bias", 0.125))
    with qtbot.waitSignal(win.closed, timeout=WAIT_MS):
        win.recovery.quit_keeping_changes()  # what the SIGINT handler calls
    assert asked == []
    assert not win.isVisible()
    assert win.recovery.file.exists()


def _start_until_ready(script: str) -> subprocess.Popen[str]:
    """Run ``script`` in a new Python (this test's data and settings folders,
    offscreen) until it prints ``ready``: its edit is in its recovery file."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        ready = bool(selector.select(timeout=120))
    line = child.stdout.readline() if ready else ""
    if not line.startswith("ready"):
        child.kill()
        _out, err = child.communicate(timeout=60)
        pytest.fail(f"the child never said ready: {line!r}\n{err}")
    return child


_KILLED_CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from lstm_gui.ui.app import build_window, make_app
    from lstm_gui.ui.commands import weight_command

    app = make_app()
    window = build_window(example="companies")
    window.show()

    def edit():
        window.recovery.timer.setInterval(100)
        window.undo_stack.push(weight_command(window.session, "forget", "w_input", -4.25))
        poll.start(50)

    def check():
        if window.recovery.file.exists():
            poll.stop()
            print("ready", window.recovery.file, flush=True)

    poll = QTimer()
    poll.timeout.connect(check)
    QTimer.singleShot(200, edit)
    sys.exit(app.exec())
    """
)


def test_a_killed_window_offers_its_unsaved_edit_at_the_next_start(qtbot, tmp_path):
    child = _start_until_ready(_KILLED_CHILD)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert len(orphaned_recoveries(data_folder())) == 1

    win = _window(qtbot)
    assert win.findChild(QWidget, "recovery_bar").isVisible()
    win.findChild(QPushButton, "recovery_restore").click()
    assert win.session.params.forget.w_input == -4.25
    assert win.is_modified()
    assert win.undo_stack.count() == 1
    win.undo_stack.undo()
    assert win.session.params == load_example("companies").params


# -- 3. no silent deaths -------------------------------------------------------------------


@pytest.fixture
def error_hooks(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_error_hooks()


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_shown_logged_and_the_window_keeps_working(qtbot, error_hooks):
    win = _window(qtbot)

    def broken_slot():
        raise ZeroDivisionError("the slot divided by zero")

    timer = QTimer(win)
    timer.setSingleShot(True)
    timer.timeout.connect(broken_slot)
    timer.start(0)
    qtbot.waitUntil(win.error_bar.isVisible, timeout=WAIT_MS)
    assert "ZeroDivisionError: the slot divided by zero" in win.error_bar.text()
    assert str(log_file()) in win.error_bar.text()
    details = win.error_bar.findChild(QWidget, "error_details")
    assert not details.isVisible()
    win.error_bar.details_toggle.click()
    assert details.isVisible()
    assert "broken_slot" in details.toPlainText() and "Traceback" in details.toPlainText()
    log = log_file().read_text(encoding="utf-8")
    assert "Traceback" in log and "the slot divided by zero" in log
    # Still working: an edit goes through and is shown.
    win.undo_stack.push(weight_command(win.session, "forget", "bias", 3.0))
    assert win.weight_field("forget", "bias").text() == "3.00"
    win.close()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_another_thread_reaches_the_window(qtbot, error_hooks):
    win = _window(qtbot)

    def worker():
        raise KeyError("lost in a thread")

    thread = threading.Thread(target=worker, name="helper")
    thread.start()
    thread.join()
    qtbot.waitUntil(win.error_bar.isVisible, timeout=WAIT_MS)
    assert "lost in a thread" in win.error_bar.text()
    assert "in thread helper" in log_file().read_text(encoding="utf-8")
    win.close()


_INTERRUPTED_CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from lstm_gui.ui import app
    from lstm_gui.ui.commands import weight_command

    made = app.build_window

    def build_window(*args, **kwargs):
        window = made(*args, **kwargs)

        def edit():
            window.recovery.timer.setInterval(100)
            window.undo_stack.push(weight_command(window.session, "input", "w_short", 1.5))
            poll.start(50)

        def check():
            if window.recovery.file.exists():
                poll.stop()
                print("ready", flush=True)

        poll = QTimer(window)
        poll.timeout.connect(check)
        QTimer.singleShot(200, edit)
        return window

    app.build_window = build_window
    code = app.run_app(example="companies")
    print("exited", code, flush=True)
    sys.exit(code)
    """
)


def test_ctrl_c_in_the_terminal_quits_and_the_edit_is_offered_next_time(qtbot):
    child = _start_until_ready(_INTERRUPTED_CHILD)
    try:
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
    assert child.returncode == 0, err
    assert "exited 0" in out
    assert "Traceback" not in err
    win = _window(qtbot)
    assert win.recovery.bar.isVisible()
    win.recovery.restore()
    assert win.session.params.input.w_short == 1.5
    assert win.undo_stack.count() == 1 and win.is_modified()


def _dead_pid() -> int:
    return int(
        subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    )


def test_changes_to_a_file_that_is_gone_come_back_with_its_path(qtbot, tmp_path):
    gone = tmp_path / "deleted.json"
    edited = load_example("notebook")
    edited.set_memories(0.5, -0.5)
    pid = _dead_pid()
    write_recovery(data_folder() / f"recovery-{pid}-0.json", edited, str(gone), pid=pid)
    win = _window(qtbot)
    assert win.recovery.restore()
    assert (win.session.long0, win.session.short0) == (0.5, -0.5)
    assert win.path == str(gone)
    assert win.is_modified() and win.undo_stack.count() == 1


def test_an_unreadable_copy_is_set_aside_with_a_message(qtbot):
    pid = _dead_pid()
    broken = data_folder() / f"recovery-{pid}-0.json"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{ not a recovery file", encoding="utf-8")
    win = _window(qtbot)
    assert not win.recovery.bar.isVisible()
    assert win.error_bar.isVisible() and "could not be read" in win.error_bar.text()
    assert not broken.exists() and broken.with_suffix(".unreadable").exists()


def test_a_copy_that_cannot_be_written_is_reported_once_and_the_edit_stays(qtbot, monkeypatch, tmp_path):
    win = _window(qtbot)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(win.recovery, "file", blocker / "recovery.json")
    shown = []
    win.show_error = lambda title, text: shown.append(title)
    win.undo_stack.push(weight_command(win.session, "output", "bias", 0.5))
    win.recovery.autosave()
    win.recovery.autosave()
    assert shown == ["Could not keep a recovery copy"]
    assert win.session.params.output.bias == 0.5 and win.is_modified()


# -- 32-bit limits (issue 11 #5) ----------------------------------------------------


def test_a_seed_beyond_32_bits_is_refused_at_open_and_the_window_keeps_its_session(make_window, tmp_path):
    import json

    window = make_window()
    data = session_to_dict(load_example("companies"))
    data["training"]["seed"] = 3_000_000_000
    path = tmp_path / "big_seed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = session_to_dict(window.session)
    assert not window.open_path(str(path), ask=False)
    assert window.errors and "training.seed: expected at most 2147483647, got 3000000000" in window.errors[-1]
    assert session_to_dict(window.session) == before
    assert window.training_panel.seed_box.maximum() == 2**31 - 1


def test_typing_three_billion_epochs_and_pressing_train_says_why_and_trains_nothing(make_window, qtbot):
    window = make_window()
    assert window.open_example("companies", ask=False)
    panel = window.training_panel
    panel.epochs_edit.setText("3000000000")
    panel.epochs_edit.editingFinished.emit()
    panel.action_train.trigger()
    assert not panel.is_training()
    shown = panel.settings_error.text() + " " + panel.epochs_edit.toolTip() + " " + panel.message_label.text()
    assert "expected at most 1000000000, got 3000000000" in shown
    assert window.session.training.epochs == 5000 and window.undo_stack.count() == 0
