"""``lstm-gui grad``: the loss of one sequence and its exact gradients through time."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from lstm_gui.cli.cell_args import (
    add_cell_argument,
    add_sequence_argument,
    chosen_inputs,
    header_lines,
    session_and_cell,
)
from lstm_gui.cli.common import PROG, CliError, add_session_arguments, parse_number_arg, write_stdout
from lstm_gui.core.cells import CellKind
from lstm_gui.core.formatting import columns_csv_text, columns_table_text, format_number, format_scientific
from lstm_gui.core.gradients import Gradients, gradients

HELP = "the loss of a sequence and its exact gradients through time"

_FORMATS = ("table", "csv", "json")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "grad",
        help=HELP,
        description="Run the cell over an input sequence, take the loss (short_T - target)^2 of its\n"
        "last short-term memory and backpropagate it through time. JSON gives the loss,\n"
        "weights_grad (one per weight, in the --weights order), short_grad (per step t:\n"
        "d loss / d short after step t) and, for the LSTM, long_grad likewise. The table\n"
        "and CSV give per step t: short_grad (, long_grad), then each weight's gradient\n"
        "accumulated from the last step back to t (step 1's row is the whole gradient).",
        epilog="examples:\n"
        "  lstm-gui grad --example companies --sequence 'Company A'\n"
        "  lstm-gui grad --example notebook --target 0.5 --format json\n"
        "  lstm-gui grad --cell rnn --weights 0.9,1,0 --inputs 1,0,0,0,0 --target 1\n"
        "  lstm-gui grad --cell gru --example companies --sequence 'Company B' --format csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser)
    add_sequence_argument(parser)
    add_cell_argument(parser)
    parser.add_argument(
        "--target",
        metavar="T",
        help="the wanted last short-term memory (default: the --sequence's target; "
        "required for the session's input sequence)",
    )
    parser.add_argument(
        "--format", choices=_FORMATS, default="table", help="table (rounded, default), csv or json (exact numbers)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    session, kind, params = session_and_cell(args)
    chosen = chosen_inputs(args, session, kind)
    if args.target is not None:
        target = parse_number_arg(args.target, "--target")
    elif chosen.target is not None:
        target = chosen.target
    else:
        raise CliError(
            "--target: the session's input sequence has no target; give --target T "
            "or a dataset sequence with --sequence NAME"
        )
    result = gradients(kind.name, params, chosen.inputs, chosen.long0, chosen.short0, target)
    if args.format == "json":
        text = gradients_json_text(gradients_json_data(kind, params, result))
    elif args.format == "csv":
        text = columns_csv_text(_per_step_columns(kind, result))
    else:
        header = [
            *header_lines(args, kind, chosen),
            f"output {format_number(result.output)}, target {format_number(target)}, "
            f"loss (output - target)^2 = {format_scientific(result.loss, 6)}",
            "per step t: d loss / d memory after step t, then each weight's gradient summed from the last "
            "step back to t",
        ]
        texts = [
            (name, [str(int(v)) if name == "step" else format_scientific(v) for v in values])
            for name, values in _per_step_columns(kind, result)
        ]
        text = columns_table_text(texts, header)
    write_stdout(text)
    if not math.isfinite(result.loss) or not all(math.isfinite(v) for v in result.weights_grad):
        print(f"{PROG}: warning: the values overflowed (weights times inputs too large)", file=sys.stderr)
    return 0


def _finite_or_none(values: Any) -> list[float | None]:
    # JSON has no NaN or infinity; they only appear when the weights overflow.
    return [v if math.isfinite(v) else None for v in values]


def gradients_json_data(kind: CellKind, params: tuple[float, ...], result: Gradients) -> dict[str, Any]:
    """What ``grad --format json`` prints (exact numbers; overflowed values are null)."""
    data: dict[str, Any] = {
        "cell": kind.name,
        "weight_names": list(kind.param_names),
        "weights": _finite_or_none(params),
        "target": result.target,
        "output": _finite_or_none([result.output])[0],
        "loss": _finite_or_none([result.loss])[0],
        "weights_grad": _finite_or_none(result.weights_grad),
        "short_grad": _finite_or_none(result.short_grad),
        "short0_grad": _finite_or_none([result.short0_grad])[0],
    }
    if result.long_grad is not None and result.long0_grad is not None:
        data["long_grad"] = _finite_or_none(result.long_grad)
        data["long0_grad"] = _finite_or_none([result.long0_grad])[0]
    return data


def gradients_json_text(data: dict[str, Any]) -> str:
    """One key per line, each value compact (a 100,000-step list stays one line)."""
    encode = json.JSONEncoder(allow_nan=False).encode
    return "{\n" + ",\n".join(f"  {encode(key)}: {encode(value)}" for key, value in data.items()) + "\n}\n"


def _per_step_columns(kind: CellKind, result: Gradients) -> list[tuple[str, Sequence[float]]]:
    """Per step t: the memory gradients, then each weight's gradient summed from the last step back to t."""
    columns: list[tuple[str, Sequence[float]]] = [
        ("step", range(1, result.steps + 1)),
        ("short_grad", result.short_grad),
    ]
    if result.long_grad is not None:
        columns.append(("long_grad", result.long_grad))
    for k, name in enumerate(kind.param_names):
        columns.append((name, result.weights_grad_from[:, k].tolist()))
    return columns
