"""Before Qt starts: ldd's 'not found' lines become the names of the missing
libraries and the apt-get line that installs them."""

from __future__ import annotations

import subprocess
import sys

from lstm_gui.ui import system_check
from lstm_gui.ui.system_check import (
    missing_libraries,
    missing_message,
    missing_system_libraries_message,
    xcb_will_be_used,
)

# ldd on a machine that lacks two of Qt's xcb libraries (what Qt reports as
# "xcb-cursor0 is needed").
FAKE_LDD = """/venv/PySide6/Qt/plugins/platforms/libqxcb.so:
\tlinux-vdso.so.1 (0x00007ffd5a1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0e1a000000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e19c00000)
/venv/PySide6/Qt/lib/libQt6XcbQpa.so.6:
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0e19b00000)
"""


def test_not_found_lines_name_the_missing_libraries_once():
    assert missing_libraries(FAKE_LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert missing_libraries("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


def test_the_message_names_the_libraries_and_the_apt_get_line():
    message = missing_message(missing_libraries(FAKE_LDD))
    assert "libxcb-icccm.so.4 libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in message
    assert "xcb-cursor0" not in message


def test_a_library_without_a_known_package_is_still_named():
    message = missing_message(["libxcb-cursor.so.0", "libweird.so.3"])
    assert "sudo apt-get install libxcb-cursor0" in message
    assert "libweird.so.3" in message


def test_only_an_x11_start_on_linux_is_checked():
    assert xcb_will_be_used({"DISPLAY": ":0"}, "linux")
    assert xcb_will_be_used({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not xcb_will_be_used({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not xcb_will_be_used({}, "linux")
    assert not xcb_will_be_used({"DISPLAY": ":0"}, "darwin")
    assert not xcb_will_be_used(
        {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux"
    )


def test_run_app_prints_the_message_and_exits_1_before_qt_starts(monkeypatch, capsys):
    from lstm_gui.ui import app

    monkeypatch.setattr(system_check, "run_ldd", lambda files: FAKE_LDD)
    monkeypatch.setattr(system_check, "xcb_will_be_used", lambda environ: True)
    assert missing_system_libraries_message() is not None
    made = []
    monkeypatch.setattr(app, "make_app", lambda *a: made.append(1))
    assert app.run_app() == 1
    assert made == []  # no QApplication was created
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in capsys.readouterr().err


def test_nothing_is_said_when_ldd_finds_everything_or_is_missing(monkeypatch):
    monkeypatch.setattr(system_check, "xcb_will_be_used", lambda environ: True)
    monkeypatch.setattr(system_check.shutil, "which", lambda name: None)
    assert missing_system_libraries_message() is None


def test_dev_sh_asks_this_module_for_the_packages():
    result = subprocess.run(
        [sys.executable, "-m", "lstm_gui.ui.system_check", "--packages"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    packages = result.stdout.split()
    # Offscreen tests run without the xcb libraries too: whatever is printed is a package name.
    assert all(p in {package for _, package in system_check.LIBRARY_PACKAGES} or p.startswith("?") for p in packages)
