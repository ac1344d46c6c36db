"""The Linux desktop entry: lstm-gui in the application menu, with its icon.

``lstm-gui --install-desktop-entry`` writes the shipped template
(``resources/lstm-gui.desktop``) with ``Exec`` pointing at this very
installation, to ``$XDG_DATA_HOME/applications/lstm-gui.desktop``, and the
icon to ``$XDG_DATA_HOME/icons/hicolor/scalable/apps/lstm-gui.svg``
(``XDG_DATA_HOME`` defaults to ``~/.local/share``, as the XDG Base Directory
specification says). Per user, no root needed; menus pick the files up by
themselves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from lstm_gui.core.files.io import atomic_write_bytes, atomic_write_text
from lstm_gui.core.resources import resource

DESKTOP_FILE_NAME = "lstm-gui.desktop"
#: The icon's theme name (``Icon=`` in the entry), also the installed SVG's name.
ICON_NAME = "lstm-gui"
SCRIPT_NAME = "lstm-gui"

#: Characters that make the desktop entry specification require quoting an argument.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (the specification
    ignores a relative one), else ``~/.local/share``."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".local" / "share"


def entry_path(home: Path) -> Path:
    return home / "applications" / DESKTOP_FILE_NAME


def icon_path(home: Path) -> Path:
    return home / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"


def launch_command(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """How a menu starts this installation: the ``lstm-gui`` script that is
    running (``argv0`` resolved), else the one beside the Python running
    (a virtual environment's ``bin/``), else ``python -m lstm_gui``."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = sys.executable if executable is None else executable
    if argv0 and Path(argv0).name == SCRIPT_NAME and Path(argv0).is_file():
        return [str(Path(argv0).resolve())]
    # Not resolved: a venv's python is a link to the system's, the script sits beside the link.
    beside = Path(executable).parent / SCRIPT_NAME
    if beside.is_file():
        return [str(beside.absolute())]
    return [str(Path(executable).absolute()), "-m", "lstm_gui"]


def exec_value(command: list[str]) -> str:
    """``command`` as the value of ``Exec=``: arguments with reserved characters
    in double quotes (``"``, `````, ``$``, ``\\`` escaped inside), ``%`` doubled,
    then every backslash doubled again (the file's string escaping)."""
    words = []
    for word in command:
        word = word.replace("%", "%%")
        if any(c in _RESERVED for c in word):
            word = '"' + "".join("\\" + c if c in '"`$\\' else c for c in word) + '"'
        words.append(word)
    return " ".join(words).replace("\\", "\\\\")


def desktop_entry_text(command: list[str]) -> str:
    """The shipped template with ``Exec`` running ``command`` (plus ``%f``: a file to open)."""
    lines = resource(DESKTOP_FILE_NAME).read_text(encoding="utf-8").splitlines()
    out = [f"Exec={exec_value(command)} %f" if line.startswith("Exec=") else line for line in lines]
    return "\n".join(out) + "\n"


def install_desktop_entry(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the desktop entry and the icon under ``home`` (default
    :func:`data_home`); returns the two paths written. ``OSError`` if one
    cannot be written."""
    home = data_home() if home is None else home
    entry, icon = entry_path(home), icon_path(home)
    for folder in (entry.parent, icon.parent):
        folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(icon, resource("icons", "icon.svg").read_bytes())
    atomic_write_text(entry, desktop_entry_text(launch_command() if command is None else command))
    return [entry, icon]


def uninstall_desktop_entry(home: Path | None = None) -> list[Path]:
    """Remove what :func:`install_desktop_entry` wrote; returns the paths removed."""
    home = data_home() if home is None else home
    removed = []
    for path in (entry_path(home), icon_path(home)):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
