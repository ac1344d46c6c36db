"""What every command shares: errors and exit codes, the parser, the flags that
pick a session, number arguments and writing to stdout.

Options that take a value accept negative numbers (``--lr -1`` reaches the
command and is refused there, not by argparse): :func:`attach_option_values`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from lstm_gui.core.cell import CellParams
from lstm_gui.core.errors import FieldError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.io import check_writable_target as io_check_writable_target
from lstm_gui.core.files.session_file import load_example, load_session
from lstm_gui.core.formatting import quote_value, show_path
from lstm_gui.core.limits import MAX_INPUT_STEPS
from lstm_gui.core.parsing import NumberError, parse_number, parse_number_list
from lstm_gui.core.session import Session

PROG = "lstm-gui"

#: Environment variable that makes unexpected errors show their traceback.
DEBUG_ENV = "LSTM_GUI_DEBUG"

#: Exit statuses.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """Bad input from the command line or a file: exit status 2, one line on stderr."""


class Parser(argparse.ArgumentParser):
    """argparse, but its errors become :class:`CliError` (one line, exit 2), and
    it remembers which options take one value (see :func:`attach_option_values`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.value_options: set[str] = set()

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        # nargs None: a plain option with exactly one value (flags have nargs 0).
        if action.option_strings and action.nargs is None:
            self.value_options.update(action.option_strings)
        return action

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


def parse_number_arg(text: str, what: str) -> float:
    """One number from the command line (C locale, finite) or :class:`CliError`."""

    try:
        return parse_number(text, what)
    except NumberError as exc:
        raise CliError(str(exc)) from None


def parse_number_list_arg(text: str, what: str, limit: int = MAX_INPUT_STEPS) -> list[float]:
    """Comma-separated numbers from the command line, at most ``limit``."""
    try:
        return parse_number_list(text, what, limit=limit)
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


def load_session_file(path: str) -> Session:
    try:
        return load_session(path)
    except SessionFileError as exc:
        raise CliError(str(exc)) from None


def load_example_session(name: str) -> Session:
    try:
        return load_example(name)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    except SessionFileError as exc:  # a broken installation
        raise CliError(str(exc)) from None


def base_session_from_args(args: argparse.Namespace) -> Session:
    """The session the flags describe: a file (``session``), an example
    (``example``) or the ``notebook`` example, then ``--weights``,
    ``--inputs``, ``--long`` and ``--short`` override its values.

    Missing attributes count as not given, so a command may add only some of
    the flags. Raises :class:`CliError` for any bad value or file.
    """

    require_names(args, session="SESSION", example="--example")
    path = getattr(args, "session", None)
    example = getattr(args, "example", None)
    if path and example:
        raise CliError("give either a session file or --example, not both")
    session = load_session_file(path) if path else load_example_session(example or "notebook")

    weights = getattr(args, "weights", None)
    if weights is not None:
        values = parse_number_list_arg(weights, "--weights", limit=1000)
        if len(values) != 12:
            raise CliError(
                f"--weights: expected 12 comma-separated numbers (forget w_short, w_input, bias, "
                f"then input, candidate, output), got {len(values)}"
            )
        session.set_params(CellParams.from_flat(values))
    inputs = getattr(args, "inputs", None)
    if inputs is not None:
        session.set_inputs(parse_number_list_arg(inputs, "--inputs"))
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


#: Longest error line printed (the text is cut with "…").
MAX_MESSAGE_CHARS = 299
_LONG_WORD = re.compile(r"\S{101,}")


def one_line(message: str, suffix: str = "") -> str:
    """``message`` as one short line: control characters escaped (a newline
    in a path becomes ``\\n``), any run of more than 100 characters without
    a space cut to its first 40 (values are normally quoted short already),
    and the whole cut to :data:`MAX_MESSAGE_CHARS` with ``suffix`` kept."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    text = _LONG_WORD.sub(lambda m: m.group(0)[:40] + "…", text)
    room = MAX_MESSAGE_CHARS - len(suffix)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + suffix


def require_names(args: argparse.Namespace, **flags: str) -> None:
    """Refuse an empty string given for a file or example name (``SESSION ""``
    would otherwise silently mean "no file"): ``flags`` maps each attribute
    to the name the person typed (``session="SESSION"``, ``out="--out"``)."""
    for attribute, flag in flags.items():
        value = getattr(args, attribute, None)
        if value is not None and not value.strip():
            what = "an example name" if flag == "--example" else "a file name"
            got = "an empty string" if not value else f"only spaces ({quote_value(value)})"
            raise CliError(f"{flag}: expected {what}, got {got}")


def check_writable_target(path: str, flag: str) -> None:
    """Refuse, before any work, an output path that cannot be written (not a
    regular file, or a missing or read-only folder): the rule is
    :func:`lstm_gui.core.files.io.check_writable_target`'s, the window's too."""
    try:
        io_check_writable_target(path, flag)
    except FieldError as exc:
        raise CliError(str(exc)) from None


def describe_source(args: argparse.Namespace) -> str:
    if getattr(args, "session", None):
        return f"session file {show_path(args.session)}"
    return f"example '{getattr(args, 'example', None) or 'notebook'}'"


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
