"""The Linux desktop entry: written under XDG_DATA_HOME with the icon, valid,
starting this installation; removed again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_gui.cli import main
from lstm_gui.core.desktop_entry import (
    data_home,
    desktop_entry_text,
    exec_value,
    install_desktop_entry,
    launch_command,
    uninstall_desktop_entry,
)
from lstm_gui.core.resources import resource


def _keys(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_xdg_data_home_is_honoured_and_defaults_to_local_share():
    assert data_home({"XDG_DATA_HOME": "/x/data", "HOME": "/home/a"}) == Path("/x/data")
    assert data_home({"HOME": "/home/a"}) == Path("/home/a/.local/share")
    # The specification says a relative value is to be ignored.
    assert data_home({"XDG_DATA_HOME": "rel", "HOME": "/home/a"}) == Path("/home/a/.local/share")


def test_install_writes_the_entry_and_the_icon_and_prints_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    entry = tmp_path / "applications" / "lstm-gui.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "lstm-gui.svg"
    out = capsys.readouterr().out
    assert out == f"wrote {entry}\nwrote {icon}\n"
    assert icon.read_bytes() == resource("icons", "icon.svg").read_bytes()
    keys = _keys(entry.read_text())
    assert keys["Type"] == "Application" and keys["Name"] == "lstm-gui" and keys["Icon"] == "lstm-gui"
    assert keys["Exec"].endswith(" %f")
    assert Path(keys["Exec"].split()[0]).is_absolute()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout


def test_the_shipped_template_is_valid():
    if not shutil.which("desktop-file-validate"):
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    template = resource("lstm-gui.desktop")
    check = subprocess.run(["desktop-file-validate", str(template)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout


def test_uninstall_removes_what_install_wrote(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    written = install_desktop_entry(tmp_path)
    assert main(["--uninstall-desktop-entry"]) == 0
    assert not any(path.exists() for path in written)
    assert capsys.readouterr().out.count("removed ") == 2
    assert uninstall_desktop_entry(tmp_path) == []


def test_exec_starts_the_running_script_else_the_one_beside_python_else_python_m(tmp_path):
    script = tmp_path / "bin" / "lstm-gui"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    python = tmp_path / "bin" / "python"
    assert launch_command(str(script), "/usr/bin/python3") == [str(script.resolve())]
    assert launch_command("/somewhere/lstm_gui/__main__.py", str(python)) == [str(script)]
    assert launch_command("/somewhere/lstm_gui/__main__.py", "/nowhere/python3") == [
        "/nowhere/python3",
        "-m",
        "lstm_gui",
    ]


def test_a_path_with_spaces_or_special_characters_is_quoted_as_the_specification_says():
    assert exec_value(["/opt/lstm gui/bin/lstm-gui"]) == '"/opt/lstm gui/bin/lstm-gui"'
    # Inside quotes $ and \ are escaped with a backslash; the file doubles every backslash again.
    assert exec_value(["/a$b\\c"]) == '"/a\\\\$b\\\\\\\\c"'
    assert exec_value(["/a%b"]) == "/a%%b"
    text = desktop_entry_text([sys.executable, "-m", "lstm_gui"])
    assert _keys(text)["Exec"] == f"{exec_value([sys.executable])} -m lstm_gui %f"


def test_the_flags_take_no_session(capsys):
    assert main(["--install-desktop-entry", "--example", "companies"]) == 2
    assert "take no session" in capsys.readouterr().err
