"""The flags ``trace``, ``grad`` and ``train`` share to pick a cell and a
sequence, and ``trace --cell rnn|gru``.

``--cell lstm|rnn|gru`` chooses the cell (:data:`lstm_gui.core.cells.CELLS`);
``--weights`` then takes that cell's numbers in its order, and ``--long`` is
only for the LSTM (the other two have no long-term memory). ``--sequence
NAME`` picks a sequence of the session's dataset (from memories 0, as in
training) instead of the session's input sequence.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lstm_gui.cli.common import (
    PROG,
    CliError,
    base_session_from_args,
    describe_source,
    one_line,
    parse_number_list_arg,
    write_stdout,
)
from lstm_gui.core.cells import CELL_KINDS, CELLS, CellKind, CellTrace, final_short
from lstm_gui.core.debugging import first_break, watch_column
from lstm_gui.core.expressions import Expression
from lstm_gui.core.formatting import (
    MISSING_CELL,
    columns_csv_text,
    columns_json_break_text,
    columns_json_text,
    columns_table_text,
    format_cell,
    format_number,
    quote_value,
)
from lstm_gui.core.session import Session


def add_cell_argument(parser: Any) -> None:
    """``--cell lstm|rnn|gru`` (default lstm), with each cell's ``--weights`` order in its help."""
    orders = "; ".join(f"{kind.name}: {kind.param_count} ({kind.weights_order})" for kind in CELLS.values())
    parser.add_argument(
        "--cell",
        choices=CELL_KINDS,
        default="lstm",
        help=f"which cell (default lstm); --weights then takes that cell's numbers: {orders}. "
        "--long is only for the LSTM",
    )


def add_sequence_argument(parser: Any) -> None:
    parser.add_argument(
        "--sequence",
        metavar="NAME",
        help="use a sequence of the session's dataset instead of its input sequence "
        "(from memories 0, as in training, unless --long/--short are given)",
    )


def session_and_cell(args: argparse.Namespace) -> tuple[Session, CellKind, tuple[float, ...]]:
    """The session the flags describe, the chosen cell and its weights.

    For the LSTM the weights are the session's (after ``--weights``); for the
    other cells, ``--weights`` with that cell's count, else its default
    start. Raises :class:`CliError` for a wrong count or ``--long`` with a
    cell that has no long-term memory.
    """
    kind = CELLS[getattr(args, "cell", None) or "lstm"]
    if kind.has_long:
        session = base_session_from_args(args)
        return session, kind, session.params.to_flat()
    if getattr(args, "long", None) is not None:
        raise CliError(f"--long: the {kind.title} has no long-term memory; only --cell lstm takes --long")
    # The session's own weights are the LSTM's; this cell's come from --weights.
    session = base_session_from_args(argparse.Namespace(**{**vars(args), "weights": None}))
    weights = getattr(args, "weights", None)
    if weights is None:
        return session, kind, kind.default_params
    values = parse_number_list_arg(weights, "--weights", limit=1000)
    if len(values) != kind.param_count:
        raise CliError(
            f"--weights: the {kind.title} takes {kind.param_count} comma-separated numbers "
            f"({kind.weights_order}), got {len(values)}"
        )
    return session, kind, tuple(values)


@dataclass(frozen=True, slots=True)
class ChosenInputs:
    """The inputs to run, the memories to start from, how to name them, and
    the dataset sequence's target (``None`` for the session's input sequence)."""

    inputs: tuple[float, ...]
    long0: float
    short0: float
    what: str
    target: float | None


def chosen_inputs(args: argparse.Namespace, session: Session, kind: CellKind) -> ChosenInputs:
    """The session's input sequence, or the dataset sequence ``--sequence`` names."""
    inputs = tuple(session.inputs)
    long0 = session.long0 if kind.has_long else 0.0
    short0 = session.short0
    what = "--inputs" if args.inputs is not None else "the session's input sequence"
    target: float | None = None
    if args.sequence is not None:
        if args.inputs is not None:
            raise CliError("give either --inputs or --sequence, not both")
        items = [item for item in session.dataset if item.name == args.sequence]
        if not items:
            names = ", ".join(quote_value(item.name) for item in session.dataset[:5]) or "none"
            more = f" and {len(session.dataset) - 5} more" if len(session.dataset) > 5 else ""
            raise CliError(
                f"--sequence: no dataset sequence named {quote_value(args.sequence)}; available: {names}{more}"
            )
        inputs = tuple(items[0].inputs)
        target = items[0].target
        what = f"dataset sequence {quote_value(args.sequence)} (target {format_number(target)})"
        # Dataset sequences start from memories 0 (as in training) unless told otherwise.
        long0 = 0.0 if args.long is None else long0
        short0 = 0.0 if args.short is None else short0
    if not inputs:
        raise CliError("the input sequence is empty: give at least one number with --inputs")
    return ChosenInputs(inputs, long0, short0, what, target)


def memories_line(kind: CellKind, chosen: ChosenInputs) -> str:
    """The table header's line about the initial memories."""
    if kind.has_long:
        return f"initial memories: long {format_number(chosen.long0)}, short {format_number(chosen.short0)}"
    return f"initial memory: short {format_number(chosen.short0)} (the {kind.title} has no long-term memory)"


def header_lines(args: argparse.Namespace, kind: CellKind, chosen: ChosenInputs) -> list[str]:
    """The table's first lines: the cell, where its weights and inputs come from, the memories."""
    weights_from = "--weights" if args.weights is not None else describe_source(args)
    if not kind.has_long and args.weights is None:
        weights_from = f"the {kind.title}'s default start"
    steps = len(chosen.inputs)
    return [
        f"cell: {kind.title}; weights: {weights_from}; inputs: {chosen.what}, {steps} step{'s' if steps != 1 else ''}",
        memories_line(kind, chosen),
    ]


def trace_columns(trace: CellTrace, keys: Sequence[str]) -> list[tuple[str, Sequence[float]]]:
    """A cell's trace as (name, values) columns (``step`` counts from 1)."""
    return [(key, trace.column(key)) for key in keys]


def print_cell_trace(
    args: argparse.Namespace, conditions: Sequence[Expression] = (), watched: Sequence[Expression] = ()
) -> int:
    """``trace --cell rnn|gru``: every column of that cell's trace, step by
    step; ``--break`` conditions and ``--watch`` expressions (compiled over
    the cell's trace keys) as for the LSTM: the trace ends at the first step
    where a condition holds, each watch adds a column."""
    session, kind, params = session_and_cell(args)
    chosen = chosen_inputs(args, session, kind)
    trace = kind.run(params, chosen.inputs, chosen.long0, chosen.short0)
    steps = len(trace)
    stopped: tuple[int, str] | None = None
    if conditions:
        found = first_break(trace, conditions, 1)
        if found is not None:
            stopped = (found[0], conditions[found[1]].text)
            steps = found[0]
    columns: list[tuple[str, Sequence[float | None]]] = [
        (name, values[:steps]) for name, values in trace_columns(trace, kind.trace_keys)
    ]
    columns += [(expression.text, watch_column(trace, expression)[:steps]) for expression in watched]
    if args.format == "json":
        text = columns_json_break_text(columns, stopped) if conditions else columns_json_text(columns)
    elif args.format == "csv":
        text = columns_csv_text(columns)
    else:
        texts = [(name, [_cell_text(name, v) for v in values]) for name, values in columns]
        text = columns_table_text(texts, header_lines(args, kind, chosen))
    write_stdout(text)
    if conditions and args.format != "json":
        if stopped is not None:
            print(f"{PROG}: stopped at step {stopped[0]}: {one_line(stopped[1])} holds", file=sys.stderr)
        else:
            print(f"{PROG}: no --break condition held; all {steps} steps shown", file=sys.stderr)
    if not math.isfinite(final_short(trace)):
        print(f"{PROG}: warning: the values overflowed (weights times inputs too large)", file=sys.stderr)
    return 0


def _cell_text(name: str, value: float | None) -> str:
    if value is None:
        return MISSING_CELL
    return str(int(value)) if name == "step" else format_cell(value)
