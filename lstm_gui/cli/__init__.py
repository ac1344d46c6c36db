"""Command line: ``lstm-gui [SESSION]`` opens the window; subcommands use the core.

::

    lstm-gui [SESSION | --example NAME]          open the window
    lstm-gui --install-desktop-entry             add it to the Linux application menu
    lstm-gui trace [SESSION | --example NAME] [--weights ...] [--inputs ...]
                   [--long L] [--short S] [--sequence NAME] [--format table|csv|json]
    lstm-gui trace --list-examples
    lstm-gui grad [SESSION | --example NAME] [--cell lstm|rnn|gru] [--target T] ...
    lstm-gui export-torch [SESSION | --example NAME] OUT.pt
    lstm-gui import-torch IN.pt OUT.json [--example NAME | --base SESSION]
    lstm-gui train ...
    lstm-gui animate [SESSION | --example NAME] [--sequence NAME] [--fps N] [--size WxH]
                     [--svg-dir DIR] [OUT.gif]

    lstm-gui landscape [SESSION | --example NAME] --x NAME [--y NAME] [--x-range LO,HI]
                       [--y-range LO,HI] [--grid N] [--format json|csv]
    lstm-gui stages [SESSION | --example NAME] [--weights ...] [--inputs ...] [--step K]

One module per command (:mod:`~lstm_gui.cli.trace`, :mod:`~lstm_gui.cli.train`,
:mod:`~lstm_gui.cli.torch_io`, :mod:`~lstm_gui.cli.animate`, :mod:`~lstm_gui.cli.grad`,
:mod:`~lstm_gui.cli.landscape`, :mod:`~lstm_gui.cli.stages`)
over :mod:`~lstm_gui.cli.common`. Bad input
gives exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from lstm_gui import __version__
from lstm_gui.cli import animate, desktop, grad, landscape, stages, torch_io, trace, train
from lstm_gui.cli.common import (
    DEBUG_ENV,
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    PROG,
    CliError,
    Parser,
    add_session_arguments,
    attach_option_values,
    one_line,
    require_names,
)
from lstm_gui.core.formatting import quote_value, show_path
from lstm_gui.core.resources import list_examples

__all__ = ["CliError", "attach_option_values", "build_command_parser", "main", "parse_args"]

#: Each command: its one-line help and the function that adds its parser.
COMMANDS: dict[str, tuple[str, Callable[[Any], None]]] = {
    "trace": (trace.HELP, trace.add_parser),
    "grad": (grad.HELP, grad.add_parser),
    "export-torch": (torch_io.EXPORT_HELP, torch_io.add_parsers),
    "import-torch": (torch_io.IMPORT_HELP, torch_io.add_parsers),
    "train": (train.HELP, train.add_parser),
    "animate": (animate.HELP, animate.add_parser),
    "landscape": (landscape.HELP, landscape.add_parser),
    "stages": (stages.HELP, stages.add_parser),
}


def build_command_parser(command: str) -> Parser:
    """The parser of one subcommand (``prog`` is ``lstm-gui COMMAND``)."""
    root = Parser(prog=PROG, allow_abbrev=False)
    subparsers = root.add_subparsers(dest="command", parser_class=Parser)
    COMMANDS[command][1](subparsers)
    parser = subparsers.choices[command]
    assert isinstance(parser, Parser)
    parser.allow_abbrev = False
    return parser


def build_window_parser() -> Parser:
    """``lstm-gui [SESSION] [--example NAME]``, with the commands listed in the help."""
    lines = [f"  {name:<14}{help_text}" for name, (help_text, _) in COMMANDS.items()]
    parser = Parser(
        prog=PROG,
        usage=f"{PROG} [-h] [--version] [SESSION | --example NAME]\n       {PROG} COMMAND [ARGS...]\n"
        f"       {PROG} --install-desktop-entry | --uninstall-desktop-entry",
        description="A step-through debugger for one LSTM cell. Without a command, open the "
        "window on a session file, an example, or the 'notebook' example.",
        epilog="commands (see 'lstm-gui COMMAND --help'):\n" + "\n".join(lines),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_session_arguments(parser, overrides=False)
    desktop.add_flags(parser)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line (without the program name); :class:`CliError` if bad."""
    argv = list(argv)
    if argv and argv[0] in COMMANDS:
        parser = build_command_parser(argv[0])
        # A command with two optional positionals (animate's SESSION and OUT.gif)
        # needs them gathered from both sides of the options.
        parse = parser.parse_intermixed_args if getattr(parser, "intermixed", False) else parser.parse_args
        args = parse(attach_option_values(argv[1:], parser.value_options))
        args.command = argv[0]
        return args
    parser = build_window_parser()
    args = parser.parse_args(attach_option_values(argv, parser.value_options))
    args.command = None
    return args


def _run_window(args: argparse.Namespace) -> int:
    if desktop.wanted(args):
        return desktop.run(args)
    require_names(args, session="SESSION", example="--example")
    if args.session and args.example:
        raise CliError("give either a session file or --example, not both")
    if args.session and not os.path.exists(args.session):
        hint = ""
        if not os.path.splitext(args.session)[1]:
            hint = f" (and no command of that name; commands: {', '.join(COMMANDS)})"
        raise CliError(f"{show_path(args.session)}: no such file{hint}")
    if args.example and args.example not in list_examples():
        raise CliError(f"no example named {quote_value(args.example)}; available: {', '.join(list_examples())}")
    # The window imports Qt: only now, so that the commands stay light.
    try:
        from lstm_gui.ui.app import run_app
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
            print(
                f"{PROG}: the window needs {exc.name.split('.')[0]}, which is not installed "
                "(see the README's set-up command)",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        raise
    return run_app(args.session, args.example)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = parse_args(argv)
        except SystemExit as exc:  # --help and --version print and "exit"
            return int(exc.code or 0)
        if args.command is None:
            return _run_window(args)
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(one_line(f"{PROG}: error: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # never a traceback for a person, unless asked for
        if os.environ.get(DEBUG_ENV):
            raise
        if isinstance(exc, ValueError):
            # Values refused by the core (e.g. a session setter): bad input.
            print(one_line(f"{PROG}: error: {exc}"), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(
            one_line(
                f"{PROG}: internal error: {type(exc).__name__}: {exc}", f" (set {DEBUG_ENV}=1 to see the traceback)"
            ),
            file=sys.stderr,
        )
        return EXIT_FAILURE
