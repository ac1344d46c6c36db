"""``lstm-gui trace``: every value the cell computes, step by step."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from typing import Any

from lstm_gui.cli.cell_args import add_cell_argument, chosen_inputs, print_cell_trace
from lstm_gui.cli.common import (
    PROG,
    CliError,
    add_session_arguments,
    base_session_from_args,
    describe_source,
    one_line,
    write_stdout,
)
from lstm_gui.core.cell import TRACE_FIELDS
from lstm_gui.core.cell import run as run_cell
from lstm_gui.core.cells import CELLS
from lstm_gui.core.debugging import compile_trace_expression, first_break, trace_head, watch_column
from lstm_gui.core.expressions import Expression, ExpressionError
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.formatting import (
    TRACE_TABLE_COLUMNS,
    format_number,
    quote_value,
    trace_csv_text,
    trace_json_break_text,
    trace_json_text,
    trace_table_text,
)
from lstm_gui.core.resources import list_examples

HELP = "print every value the cell computes, step by step"

_FORMATS = ("table", "csv", "json")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "trace",
        help=HELP,
        description="Run the cell over an input sequence and print, for each time step, the\n"
        "input and every intermediate value. The base session is a session file, an\n"
        "example or (with neither) the 'notebook' example; the flags override its values.",
        epilog="examples:\n"
        "  lstm-gui trace --example notebook\n"
        "  lstm-gui trace --example companies --format csv\n"
        "  lstm-gui trace --weights 2.7,1.63,1.62,2,1.65,0.62,1.41,0.94,-0.32,4.38,-0.19,0.59 \\\n"
        "                 --inputs 1 --long 2 --short 1 --format json\n"
        "  lstm-gui trace --example companies --sequence 'Company A'\n"
        "  lstm-gui trace my_session.json --inputs -1,0.5\n"
        "  lstm-gui trace --example companies --sequence 'Company A' --break 'long > 0.5'\n"
        "  lstm-gui trace --inputs 0,0.5,1 --watch 'input * candidate' --watch 'forget * long_prev'\n"
        "\n"
        "expressions (--break, --watch): the names of a step as --format json prints them\n"
        "(step, x, long_prev, short_prev, forget, input, candidate, output, long, short, ...),\n"
        "numbers, + - * /, comparisons (0 < x < 1), and, or, not, parentheses and\n"
        "abs min max exp log tanh sigmoid; a math error (log of 0, division by 0) is false\n"
        "as a condition and null (table) or empty (CSV) as a watch.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser)
    add_cell_argument(parser)
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
        "--wide",
        action="store_true",
        help="table: also show pre-activations and the two parts of the new long-term memory",
    )
    parser.add_argument(
        "--break",
        dest="break_when",
        action="append",
        metavar="COND",
        help="stop at the first step where COND holds, over the names of the cell's steps (the JSON "
        "keys; with --cell rnn|gru that cell's columns) (repeatable: any of them); table and CSV end "
        "at that step and stderr says which condition stopped it; JSON becomes "
        '{"steps": [...], "break": {"step": K, "condition": COND} or null}',
    )
    parser.add_argument(
        "--watch",
        action="append",
        metavar="EXPR",
        help="add a column (JSON: a key) named by EXPR with its value at every step (repeatable)",
    )
    parser.add_argument("--list-examples", action="store_true", help="list the shipped examples and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:

    if args.list_examples:
        write_stdout(_examples_listing())
        return 0
    if args.cell != "lstm":
        keys = CELLS[args.cell].trace_keys
        conditions = [_compile(text, "--break", keys) for text in args.break_when or ()]
        return print_cell_trace(args, conditions, _watches(args.watch or (), keys))
    session = base_session_from_args(args)
    chosen = chosen_inputs(args, session, CELLS["lstm"])
    inputs, long0, short0, what = chosen.inputs, chosen.long0, chosen.short0, chosen.what
    conditions = [_compile(text, "--break") for text in args.break_when or ()]
    watched = _watches(args.watch or ())

    trace = run_cell(session.params, inputs, long0, short0)
    stopped: tuple[int, str] | None = None
    if conditions:
        found = first_break(trace, conditions, 1)
        if found is not None:
            stopped = (found[0], conditions[found[1]].text)
            trace = trace_head(trace, found[0])
    watches = {expression.text: watch_column(trace, expression) for expression in watched}
    if args.format == "json":
        text = trace_json_break_text(trace, stopped, watches) if conditions else trace_json_text(trace, watches)
    elif args.format == "csv":
        text = trace_csv_text(trace, watches=watches)
    else:
        weights_from = "--weights" if args.weights is not None else describe_source(args)
        header = [
            f"weights: {weights_from}; inputs: {what}, {len(inputs)} step{'s' if len(inputs) != 1 else ''}",
            f"initial memories: long {format_number(long0)}, short {format_number(short0)}",
        ]
        columns = TRACE_FIELDS if args.wide else TRACE_TABLE_COLUMNS
        text = trace_table_text(trace, columns, header, watches=watches)
    write_stdout(text)
    if conditions and args.format != "json":
        if stopped is not None:
            print(f"{PROG}: stopped at step {stopped[0]}: {one_line(stopped[1])} holds", file=sys.stderr)
        else:
            print(f"{PROG}: no --break condition held; all {len(trace)} steps shown", file=sys.stderr)
    final_long, final_short = trace.final()
    if not (math.isfinite(final_long) and math.isfinite(final_short)):
        print(f"{PROG}: warning: the values overflowed (weights times inputs too large)", file=sys.stderr)
    return 0


def _compile(text: str, flag: str, names: Sequence[str] = TRACE_FIELDS) -> Expression:
    """``text`` as an expression over a step's names (the LSTM's, or another
    cell's trace keys), or a one-line :class:`CliError`."""
    try:
        return compile_trace_expression(text, flag, names)
    except ExpressionError as exc:
        raise CliError(str(exc)) from None


def _watches(texts: Sequence[str], names: Sequence[str] = TRACE_FIELDS) -> list[Expression]:
    """The ``--watch`` expressions: each a new column, named by its text."""
    expressions: list[Expression] = []
    for text in texts:
        if text in names:
            raise CliError(f"--watch: {quote_value(text)} is already a column of the trace; watch an expression")
        if text in [e.text for e in expressions]:
            raise CliError(f"--watch: {quote_value(text)} given twice")
        expressions.append(_compile(text, "--watch", names))
    return expressions


def _examples_listing() -> str:
    lines = []
    for name in list_examples():
        description = load_example(name).description
        lines.append(f"{name}\t{description}" if description else name)
    return "\n".join(lines) + "\n"
