"""Command line: ``lstm-gui [SESSION]`` opens the window; subcommands use the core.

::

    lstm-gui [SESSION | --example NAME]          open the window
    lstm-gui trace [SESSION | --example NAME] [--weights ...] [--inputs ...]
                   [--long L] [--short S] [--sequence NAME] [--format table|csv|json]
    lstm-gui trace --list-examples
    lstm-gui export-torch [SESSION | --example NAME] OUT.pt
    lstm-gui import-torch IN.pt OUT.json [--example NAME | --base SESSION]
    lstm-gui train ...                           (lstm_gui/cli_train.py)

Bad input gives exit status 2 and one line on stderr, never a traceback.

For other command modules (``lstm_gui/cli_train.py``) this module offers:
:func:`add_session_arguments` (the flags that pick and override a session),
:func:`base_session_from_args` (build that session), :class:`CliError`
(raise it for exit status 2), :func:`parse_number_arg` and
:func:`write_stdout`. Options that take a value accept negative numbers
(``--lr -1`` reaches your code and is refused there, not by argparse).
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

from lstm_gui import __version__

if TYPE_CHECKING:  # pragma: no cover
    from lstm_gui.core.session import Session

PROG = "lstm-gui"

#: Environment variable that makes unexpected errors show their traceback.
DEBUG_ENV = "LSTM_GUI_DEBUG"


class CliError(Exception):
    """Bad input from the command line or a file: exit status 2, one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors become :class:`CliError` (one line, exit 2)."""

    def error(self, message: str):  # type: ignore[override]
        raise CliError(f"{message} (see '{self.prog} --help')")


# -- helpers shared with other command modules -------------------------------------


def parse_number_arg(text: str, what: str) -> float:
    """One number from the command line (C locale, finite) or :class:`CliError`."""
    from lstm_gui.core.parsing import NumberError, parse_number

    try:
        return parse_number(text, what)
    except NumberError as exc:
        raise CliError(str(exc)) from None


def _parse_number_list_arg(text: str, what: str) -> list[float]:
    from lstm_gui.core.parsing import NumberError, parse_number_list

    try:
        return parse_number_list(text, what)
    except NumberError as exc:
        raise CliError(str(exc)) from None


def add_session_arguments(parser: argparse.ArgumentParser, overrides: bool = True) -> None:
    """Add the flags that choose a session and (``overrides``) change it.

    ``SESSION`` (positional, optional), ``--example NAME``; with ``overrides``
    also ``--weights``, ``--inputs``, ``--long``, ``--short``. Read them back
    with :func:`base_session_from_args`.
    """
    parser.add_argument("session", nargs="?", metavar="SESSION", help="a session file (.json)")
    parser.add_argument(
        "--example", metavar="NAME", help="start from a shipped example (see 'lstm-gui trace --list-examples')"
    )
    if overrides:
        parser.add_argument(
            "--weights",
            metavar="W1,...,W12",
            help="12 comma-separated numbers: forget w_short, w_input, bias, then input, "
            "candidate, output (the notebook's wlr1, wlr2, blr1, wpr1, ..., bo1)",
        )
        parser.add_argument("--inputs", metavar="X1,X2,...", help="the input sequence, comma-separated")
        parser.add_argument("--long", metavar="NUMBER", help="initial long-term memory (cell state)")
        parser.add_argument("--short", metavar="NUMBER", help="initial short-term memory (hidden state)")


def _load_session_file(path: str) -> "Session":
    from lstm_gui.core.fileformat import SessionFileError, load_session

    try:
        return load_session(path)
    except SessionFileError as exc:
        raise CliError(str(exc)) from None


def _load_example(name: str) -> "Session":
    from lstm_gui.core.fileformat import SessionFileError, load_example

    try:
        return load_example(name)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    except SessionFileError as exc:  # a broken installation
        raise CliError(str(exc)) from None


def base_session_from_args(args: argparse.Namespace) -> "Session":
    """The session the flags describe: a file (``session``), an example
    (``example``) or the ``notebook`` example, then ``--weights``,
    ``--inputs``, ``--long`` and ``--short`` override its values.

    Missing attributes count as not given, so a command may add only some of
    the flags. Raises :class:`CliError` for any bad value or file.
    """
    from lstm_gui.core.cell import CellParams

    path = getattr(args, "session", None)
    example = getattr(args, "example", None)
    if path and example:
        raise CliError("give either a session file or --example, not both")
    session = _load_session_file(path) if path else _load_example(example or "notebook")

    weights = getattr(args, "weights", None)
    if weights is not None:
        values = _parse_number_list_arg(weights, "--weights")
        if len(values) != 12:
            raise CliError(
                f"--weights: expected 12 comma-separated numbers (forget w_short, w_input, bias, "
                f"then input, candidate, output), got {len(values)}"
            )
        session.set_params(CellParams.from_flat(values))
    inputs = getattr(args, "inputs", None)
    if inputs is not None:
        session.set_inputs(_parse_number_list_arg(inputs, "--inputs"))
    long0 = getattr(args, "long", None)
    short0 = getattr(args, "short", None)
    if long0 is not None or short0 is not None:
        session.set_memories(
            session.long0 if long0 is None else parse_number_arg(long0, "--long"),
            session.short0 if short0 is None else parse_number_arg(short0, "--short"),
        )
    return session


def write_stdout(text: str) -> None:
    """Print ``text`` as is (a closed pipe, as in ``| head``, is not an error)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when flushing at exit; point stdout at nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _describe_source(args: argparse.Namespace) -> str:
    if getattr(args, "session", None):
        return f"session file {args.session}"
    return f"example '{getattr(args, 'example', None) or 'notebook'}'"


#: One line per command for ``lstm-gui --help``.
_COMMAND_HELP: dict[str, str] = {
    "trace": "print every value the cell computes, step by step",
    "export-torch": "save the weights as a torch.nn.LSTM(1, 1) state_dict (.pt)",
    "import-torch": "make a session file from a torch.nn.LSTM(1, 1) state_dict (.pt)",
    "train": "train the weights on the session's dataset",
}


# -- trace ---------------------------------------------------------------------------

_FORMATS = ("table", "csv", "json")


def _add_trace_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "trace",
        help=_COMMAND_HELP["trace"],
        description="Run the cell over an input sequence and print, for each time step, the\n"
        "input and every intermediate value. The base session is a session file, an\n"
        "example or (with neither) the 'notebook' example; the flags override its values.",
        epilog="examples:\n"
        "  lstm-gui trace --example notebook\n"
        "  lstm-gui trace --example companies --format csv\n"
        "  lstm-gui trace --weights 2.7,1.63,1.62,2,1.65,0.62,1.41,0.94,-0.32,4.38,-0.19,0.59 \\\n"
        "                 --inputs 1 --long 2 --short 1 --format json\n"
        "  lstm-gui trace --example companies --sequence 'Company A'\n"
        "  lstm-gui trace my_session.json --inputs -1,0.5",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser)
    parser.add_argument(
        "--sequence",
        metavar="NAME",
        help="trace a sequence of the session's dataset instead of its input sequence "
        "(from memories 0, as in training, unless --long/--short are given)",
    )
    parser.add_argument(
        "--format", choices=_FORMATS, default="table", help="table (rounded, default), csv or json (exact numbers)"
    )
    parser.add_argument(
        "--wide", action="store_true", help="table: also show pre-activations and the two parts of the new long-term memory"
    )
    parser.add_argument("--list-examples", action="store_true", help="list the shipped examples and exit")
    parser.set_defaults(handler=_run_trace)


def _run_trace(args: argparse.Namespace) -> int:
    from lstm_gui.core.cell import TRACE_FIELDS
    from lstm_gui.core.formatting import (
        TRACE_TABLE_COLUMNS,
        format_number,
        trace_csv_text,
        trace_json_text,
        trace_table_text,
    )

    if args.list_examples:
        write_stdout(_examples_listing())
        return 0
    session = base_session_from_args(args)
    inputs = session.inputs
    long0, short0 = session.long0, session.short0
    what = "--inputs" if args.inputs is not None else "the session's input sequence"
    if args.sequence is not None:
        if args.inputs is not None:
            raise CliError("give either --inputs or --sequence, not both")
        items = [item for item in session.dataset if item.name == args.sequence]
        if not items:
            names = ", ".join(repr(item.name) for item in session.dataset) or "none"
            raise CliError(f"--sequence: no dataset sequence named {args.sequence!r}; available: {names}")
        inputs = items[0].inputs
        what = f"dataset sequence {args.sequence!r} (target {format_number(items[0].target)})"
        # Dataset sequences start from memories 0 (as in training) unless told otherwise.
        long0 = 0.0 if args.long is None else long0
        short0 = 0.0 if args.short is None else short0
    if not inputs:
        raise CliError("the input sequence is empty: give at least one number with --inputs")
    from lstm_gui.core.cell import run

    trace = run(session.params, inputs, long0, short0)
    if args.format == "json":
        text = trace_json_text(trace)
    elif args.format == "csv":
        text = trace_csv_text(trace)
    else:
        weights_from = "--weights" if args.weights is not None else _describe_source(args)
        header = [
            f"weights: {weights_from}; inputs: {what}, {len(inputs)} step{'s' if len(inputs) != 1 else ''}",
            f"initial memories: long {format_number(long0)}, short {format_number(short0)}",
        ]
        columns = TRACE_FIELDS if args.wide else TRACE_TABLE_COLUMNS
        text = trace_table_text(trace, columns, header)
    write_stdout(text)
    final_long, final_short = trace.final()
    if not (_finite(final_long) and _finite(final_short)):
        print(f"{PROG}: warning: the values overflowed (weights times inputs too large)", file=sys.stderr)
    return 0


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


def _examples_listing() -> str:
    from lstm_gui.core.fileformat import load_example
    from lstm_gui.core.resources import list_examples

    lines = []
    for name in list_examples():
        description = load_example(name).description
        lines.append(f"{name}\t{description}" if description else name)
    return "\n".join(lines) + "\n"


# -- torch ---------------------------------------------------------------------------


def _add_torch_parsers(subparsers) -> None:
    export = subparsers.add_parser(
        "export-torch",
        help=_COMMAND_HELP["export-torch"],
        description="Save the session's weights as the state_dict of torch.nn.LSTM(input_size=1, "
        "hidden_size=1) in float64 (PyTorch's gate order i, f, g, o; each bias goes to bias_ih, "
        "bias_hh is 0).",
    )
    add_session_arguments(export)
    export.add_argument("out", metavar="OUT.pt", help="the file to write")
    export.set_defaults(handler=_run_export_torch)

    imp = subparsers.add_parser(
        "import-torch",
        help=_COMMAND_HELP["import-torch"],
        description="Read the state_dict of torch.nn.LSTM(1, 1) (loaded with weights_only=True) "
        "and write a session with those weights (bias = bias_ih + bias_hh). The rest of the "
        "session (inputs, memories, dataset, training) comes from --base or an example "
        "(default: notebook).",
    )
    imp.add_argument("pt", metavar="IN.pt", help="a file saved with torch.save(lstm.state_dict(), ...)")
    imp.add_argument("out", metavar="OUT.json", help="the session file to write")
    imp.add_argument("--example", metavar="NAME", help="take everything but the weights from this example")
    imp.add_argument("--base", metavar="SESSION", help="take everything but the weights from this session file")
    imp.set_defaults(handler=_run_import_torch)


def _run_export_torch(args: argparse.Namespace) -> int:
    session = base_session_from_args(args)
    from lstm_gui.core.torch_bridge import save_torch

    try:
        save_torch(session.params, args.out)
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {args.out} (torch.nn.LSTM(1, 1) state_dict, float64)", file=sys.stderr)
    return 0


def _run_import_torch(args: argparse.Namespace) -> int:
    from lstm_gui.core.fileformat import save_session
    from lstm_gui.core.torch_bridge import TorchFileError, load_torch

    base = argparse.Namespace(session=args.base, example=args.example)
    session = base_session_from_args(base)
    try:
        params = load_torch(args.pt)
    except TorchFileError as exc:
        raise CliError(str(exc)) from None
    session.set_params(params)
    try:
        save_session(session, args.out)
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {args.out} (weights from {args.pt})", file=sys.stderr)
    return 0


# -- train (plugged in from lstm_gui/cli_train.py) -----------------------------------


def _add_train_parser(subparsers) -> bool:
    """Add ``train`` if the training command module is installed."""
    try:
        from lstm_gui.cli_train import add_train_parser, run_train
    except ModuleNotFoundError as exc:
        if exc.name == "lstm_gui.cli_train":
            return False
        raise
    common = _Parser(add_help=False)
    add_session_arguments(common)
    positional = [
        p
        for p in inspect.signature(add_train_parser).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    parser = add_train_parser(subparsers, common) if len(positional) >= 2 else add_train_parser(subparsers)
    if parser is not None:
        parser.set_defaults(handler=run_train)
    else:
        subparsers.choices["train"].set_defaults(handler=run_train)
    return True


# -- the parsers ------------------------------------------------------------------------

#: Subcommands and the functions that add their parsers.
_COMMANDS: dict[str, Callable[[Any], Any]] = {
    "trace": _add_trace_parser,
    "export-torch": _add_torch_parsers,
    "import-torch": _add_torch_parsers,
    "train": _add_train_parser,
}


def build_command_parser(command: str) -> argparse.ArgumentParser:
    """The parser of one subcommand (``prog`` is ``lstm-gui COMMAND``)."""
    root = _Parser(prog=PROG, allow_abbrev=False)
    subparsers = root.add_subparsers(dest="command", parser_class=_Parser)
    _COMMANDS[command](subparsers)
    if command not in subparsers.choices:
        raise CliError(f"the '{command}' command is not available in this installation")
    parser = subparsers.choices[command]
    parser.allow_abbrev = False
    return parser


def _available_commands() -> list[str]:
    from importlib.util import find_spec

    has_train = find_spec("lstm_gui.cli_train") is not None
    return [name for name in _COMMANDS if name != "train" or has_train]


def build_window_parser() -> argparse.ArgumentParser:
    """``lstm-gui [SESSION] [--example NAME]``, with the commands listed in the help."""
    lines = [f"  {name:<14}{_COMMAND_HELP[name]}" for name in _available_commands()]
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [-h] [--version] [SESSION | --example NAME]\n       {PROG} COMMAND [ARGS...]",
        description="A step-through debugger for one LSTM cell. Without a command, open the "
        "window on a session file, an example, or the 'notebook' example.",
        epilog="commands (see 'lstm-gui COMMAND --help'):\n" + "\n".join(lines),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_session_arguments(parser, overrides=False)
    return parser


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    """Option strings that take exactly one value (``--inputs X``)."""
    options = set()
    for action in parser._actions:
        if action.option_strings and action.nargs is None and not isinstance(
            action, (argparse._StoreConstAction, argparse._StoreTrueAction, argparse._VersionAction, argparse._HelpAction)
        ):
            options.update(action.option_strings)
    return options


def attach_option_values(argv: Sequence[str], value_options: set[str]) -> list[str]:
    """Join each value option with the token after it (``--long -2e-3`` ->
    ``--long=-2e-3``), so that values starting with ``-`` reach the command
    (plain argparse takes ``-1,0.5`` for an unknown option). A following
    ``--option`` is left alone, so a forgotten value is still reported."""
    out: list[str] = []
    tokens = list(argv)
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if token == "--":
            out.extend(tokens[k:])
            break
        if token in value_options and k + 1 < len(tokens) and not tokens[k + 1].startswith("--"):
            out.append(f"{token}={tokens[k + 1]}")
            k += 2
            continue
        out.append(token)
        k += 1
    return out


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line (without the program name); :class:`CliError` if bad."""
    argv = list(argv)
    if argv and argv[0] in _COMMANDS:
        parser = build_command_parser(argv[0])
        args = parser.parse_args(attach_option_values(argv[1:], _value_options(parser)))
        args.command = argv[0]
        return args
    parser = build_window_parser()
    args = parser.parse_args(attach_option_values(argv, _value_options(parser)))
    args.command = None
    return args


def _run_window(args: argparse.Namespace) -> int:
    if args.session and args.example:
        raise CliError("give either a session file or --example, not both")
    if args.session and not os.path.exists(args.session):
        hint = ""
        if not os.path.splitext(args.session)[1]:
            hint = f" (and no command of that name; commands: {', '.join(_available_commands())})"
        raise CliError(f"{args.session}: no such file{hint}")
    if args.example:
        from lstm_gui.core.resources import list_examples

        if args.example not in list_examples():
            raise CliError(f"no example named {args.example!r}; available: {', '.join(list_examples())}")
    # The window module imports Qt; only now, so that the commands stay light.
    try:
        from lstm_gui.ui.app import run_app
    except ModuleNotFoundError as exc:
        if exc.name == "lstm_gui.ui.app":
            print(f"{PROG}: the window is not part of this installation; the commands work "
                  f"(see '{PROG} --help')", file=sys.stderr)
            return 1
        if exc.name and exc.name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
            print(f"{PROG}: the window needs {exc.name.split('.')[0]}, which is not installed "
                  "(see the README's set-up command)", file=sys.stderr)
            return 1
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
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for a person, unless asked for
        if os.environ.get(DEBUG_ENV):
            raise
        from lstm_gui.core.parsing import NumberError

        if isinstance(exc, (NumberError, ValueError)):
            # Values refused by the core (e.g. a session setter): bad input.
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 2
        print(
            f"{PROG}: internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 to see the traceback)",
            file=sys.stderr,
        )
        return 1
