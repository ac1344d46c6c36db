"""``lstm-gui landscape``: the dataset's loss over one weight (a curve) or two (a map)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from typing import Any

from lstm_gui.cli.common import CliError, add_session_arguments, base_session_from_args, write_stdout
from lstm_gui.core.errors import FieldError
from lstm_gui.core.landscape import DEFAULT_GRID, LandscapeChoice, landscape_curve, landscape_map
from lstm_gui.core.parsing import NumberError, parse_int, parse_number_list

HELP = "the dataset's loss over one weight (a curve) or two (a map)"

_FORMATS = ("json", "csv")

#: Where a refusal of the core names a place, the flag a person typed.
_FLAGS = {"x": "--x", "y": "--y", "x_range": "--x-range", "y_range": "--y-range", "grid": "--grid"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "landscape",
        help=HELP,
        description="The dataset's summed loss (each sequence from memories 0, as in training) over\n"
        "a grid of values of one weight (a curve) or two (a map), the other weights as in the\n"
        "session. Weights are named gate.role (forget.bias, output.w_short) or by the\n"
        "notebook's names (wlr1 ... bo1). Default range: the current value +- 3.\n\n"
        'JSON: {"x": [...], "y": [...], "loss": [[...], ...]} with loss[j][i] at x[i], y[j];\n'
        'without --y a curve: {"x": [...], "y": null, "loss": [...]}.\n'
        "CSV: one row per point, columns x,y,loss (a curve: x,loss).",
        epilog="examples:\n"
        "  lstm-gui landscape --example companies --x forget.bias --y output.w_short\n"
        "  lstm-gui landscape --example companies --x wo1 --x-range 0,6 --grid 25 --format csv\n"
        "  lstm-gui landscape my_session.json --x blr1 --y bo1 --x-range -2,4 --y-range -1,3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser, overrides=False)
    parser.add_argument("--x", required=True, metavar="NAME", help="the weight along x (forget.bias or blr1)")
    parser.add_argument("--y", metavar="NAME", help="the weight along y (without it: a curve over x)")
    parser.add_argument("--x-range", metavar="LO,HI", help="x from LO to HI (default: the current value +- 3)")
    parser.add_argument("--y-range", metavar="LO,HI", help="y from LO to HI (default: the current value +- 3)")
    parser.add_argument(
        "--grid", metavar="N", help=f"N evenly spaced points per axis, both ends included (default {DEFAULT_GRID})"
    )
    parser.add_argument("--format", choices=_FORMATS, default="json", help="json (default) or csv")
    parser.set_defaults(handler=run)


def _range(text: str | None, flag: str) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        values = parse_number_list(text, flag, limit=2)
    except NumberError as exc:
        raise CliError(str(exc)) from None
    if len(values) != 2:
        raise CliError(f"{flag}: expected two comma-separated numbers LO,HI, got {len(values)}")
    return values[0], values[1]


def _grid(text: str | None) -> int:
    if text is None:
        return DEFAULT_GRID
    try:
        return parse_int(text, "--grid")
    except NumberError as exc:
        raise CliError(str(exc)) from None


def choice_from_args(args: argparse.Namespace) -> LandscapeChoice:
    """The flags as a :class:`LandscapeChoice`; its refusals name the flag."""
    if args.y is None and args.y_range is not None:
        raise CliError("--y-range: give --y too (without --y the landscape is a curve over x)")
    try:
        return LandscapeChoice(
            x=args.x,
            y=args.y,
            x_range=_range(args.x_range, "--x-range"),
            y_range=_range(args.y_range, "--y-range"),
            grid=_grid(args.grid),
        )
    except FieldError as exc:
        raise CliError(f"{_FLAGS.get(exc.where, exc.where)}: {exc.reason}") from None


def run(args: argparse.Namespace) -> int:
    session = base_session_from_args(args)
    choice = choice_from_args(args)
    xs, ys = choice.axes(session.params)
    if ys is None or choice.y is None:
        curve = landscape_curve(session.params, session.dataset, choice.x, xs)
        if args.format == "json":
            text = _json({"x": xs, "y": None, "loss": [_finite(v) for v in curve]})
        else:
            text = _csv(["x", "loss"], ([x, loss] for x, loss in zip(xs, curve)))
    else:
        loss = landscape_map(session.params, session.dataset, choice.x, xs, choice.y, ys)
        if args.format == "json":
            text = _json({"x": xs, "y": ys, "loss": [[_finite(v) for v in row] for row in loss]})
        else:
            text = _csv(["x", "y", "loss"], ([x, y, loss[j][i]] for j, y in enumerate(ys) for i, x in enumerate(xs)))
    write_stdout(text)
    return 0


def _finite(value: float) -> float | None:
    """An overflowed loss (inf, or nan from inf - inf) is ``None``: JSON has
    no Infinity or NaN, and a plot skips a missing point."""
    return value if math.isfinite(value) else None


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, allow_nan=False) + "\n"


def _csv(header: list[str], rows: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        # An overflowed loss is an empty field, as a null in JSON.
        writer.writerow([repr(float(v)) if math.isfinite(v) else "" for v in row])
    return out.getvalue()
