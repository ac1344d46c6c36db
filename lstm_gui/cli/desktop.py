"""``lstm-gui --install-desktop-entry`` and ``--uninstall-desktop-entry``:
lstm-gui in the Linux application menu (see :mod:`lstm_gui.core.desktop_entry`)."""

from __future__ import annotations

import argparse

from lstm_gui.cli.common import CliError, write_stdout
from lstm_gui.core.desktop_entry import data_home, install_desktop_entry, uninstall_desktop_entry
from lstm_gui.core.formatting import show_path


def add_flags(parser: argparse.ArgumentParser) -> None:
    """The two flags, on the window's parser (they replace opening the window)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add lstm-gui to the application menu (Linux: writes lstm-gui.desktop and its icon "
        "under $XDG_DATA_HOME, default ~/.local/share) and exit",
    )
    group.add_argument(
        "--uninstall-desktop-entry", action="store_true", help="remove what --install-desktop-entry wrote and exit"
    )


def wanted(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "install_desktop_entry", False) or getattr(args, "uninstall_desktop_entry", False))


def run(args: argparse.Namespace) -> int:
    if getattr(args, "session", None) or getattr(args, "example", None):
        raise CliError("--install-desktop-entry and --uninstall-desktop-entry take no session or --example")
    home = data_home()
    try:
        if args.install_desktop_entry:
            paths = install_desktop_entry(home)
            lines = [f"wrote {path}" for path in paths]
        else:
            paths = uninstall_desktop_entry(home)
            lines = [f"removed {path}" for path in paths] or [f"nothing to remove under {home}"]
    except OSError as exc:
        raise CliError(f"cannot write {show_path(exc.filename or home)}: {exc.strerror or exc}") from None
    write_stdout("".join(line + "\n" for line in lines))
    return 0
