"""``lstm-gui trace``: every value the cell computes, step by step."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from lstm_gui.cli.cell_args import (
    add_cell_argument,
    add_sequence_argument,
    chosen_inputs,
    memories_line,
    session_and_cell,
)
from lstm_gui.cli.common import PROG, add_session_arguments, describe_source, write_stdout
from lstm_gui.core.cell import TRACE_FIELDS
from lstm_gui.core.cells import final_short
from lstm_gui.core.files.session_file import load_example
from lstm_gui.core.formatting import (
    TRACE_TABLE_COLUMNS,
    trace_csv_text,
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
        "  lstm-gui trace --cell gru --weights 1,1,0.5,1,-1,0,1,1.5,0,0 --inputs 1,0,0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser)
    add_sequence_argument(parser)
    add_cell_argument(parser)
    parser.add_argument(
        "--format", choices=_FORMATS, default="table", help="table (rounded, default), csv or json (exact numbers)"
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="table: also show pre-activations and the two parts of the new long-term memory",
    )
    parser.add_argument("--list-examples", action="store_true", help="list the shipped examples and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:

    if args.list_examples:
        write_stdout(_examples_listing())
        return 0
    session, kind, params = session_and_cell(args)
    chosen = chosen_inputs(args, session, kind)
    trace = kind.run(params, chosen.inputs, chosen.long0, chosen.short0)
    # The LSTM keeps its narrow default table; the other cells are narrow enough to show whole.
    columns = (TRACE_FIELDS if args.wide else TRACE_TABLE_COLUMNS) if kind.has_long else kind.trace_keys
    if args.format == "json":
        text = trace_json_text(trace, kind.trace_keys)
    elif args.format == "csv":
        text = trace_csv_text(trace, kind.trace_keys)
    else:
        weights_from = "--weights" if args.weights is not None else describe_source(args)
        if not kind.has_long and args.weights is None:
            weights_from = f"the {kind.title}'s default start"
        cell = "" if kind.has_long else f"cell: {kind.title}; "
        steps = len(chosen.inputs)
        header = [
            f"{cell}weights: {weights_from}; inputs: {chosen.what}, {steps} step{'s' if steps != 1 else ''}",
            memories_line(kind, chosen),
        ]
        text = trace_table_text(trace, columns, header)
    write_stdout(text)
    if not math.isfinite(final_short(trace)) or (kind.has_long and not math.isfinite(trace.column("long")[-1])):
        print(f"{PROG}: warning: the values overflowed (weights times inputs too large)", file=sys.stderr)
    return 0


def _examples_listing() -> str:
    lines = []
    for name in list_examples():
        description = load_example(name).description
        lines.append(f"{name}\t{description}" if description else name)
    return "\n".join(lines) + "\n"
