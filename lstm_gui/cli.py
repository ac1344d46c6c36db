"""Command line: ``lstm-gui [SESSION]`` opens the window; subcommands use the core."""

from __future__ import annotations

import sys

from lstm_gui import __version__


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--version":
        print(f"lstm-gui {__version__}")
        return 0
    return 0
