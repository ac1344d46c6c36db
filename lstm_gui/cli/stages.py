"""``lstm-gui stages``: each time step in the video's three stages, with the
formulas and numbers the window's Step Into shows on the diagram."""

from __future__ import annotations

import argparse
from typing import Any

from lstm_gui.cli.cell_args import add_sequence_argument, chosen_inputs
from lstm_gui.cli.common import CliError, add_session_arguments, base_session_from_args, write_stdout
from lstm_gui.core.cell import run as run_cell
from lstm_gui.core.cells import LSTM
from lstm_gui.core.formatting import format_number
from lstm_gui.core.parsing import NumberError, parse_int
from lstm_gui.core.stages import STAGES, stage_formulas

HELP = "write each time step as its three stages, with their formulas"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stages",
        help=HELP,
        description="Run the cell over an input sequence and write each time step the way the\n"
        "video explains it: 1 forget, 2 remember something new, 3 output, each with its\n"
        "formulas and this step's numbers (what the window's Step Into, F11, shows).",
        epilog="examples:\n"
        "  lstm-gui stages --example notebook\n"
        "  lstm-gui stages --example companies --inputs 1,0.5,0.25,1 --long 0 --short 0 --step 2\n"
        "  lstm-gui stages --example companies --sequence 'Company A'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser)
    add_sequence_argument(parser)
    parser.add_argument("--step", metavar="K", help="only time step K (from 1)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    session = base_session_from_args(args)
    chosen = chosen_inputs(args, session, LSTM)
    trace = run_cell(session.params, chosen.inputs, chosen.long0, chosen.short0)
    steps = range(1, len(trace) + 1)
    if args.step is not None:
        try:
            only = parse_int(args.step, "--step")
        except NumberError as exc:
            raise CliError(str(exc)) from None
        if only not in steps:
            raise CliError(f"--step: expected 1 to {len(trace)} (the input sequence's steps), got {only}")
        steps = range(only, only + 1)
    blocks = []
    for number in steps:
        step = trace[number - 1]
        lines = [
            f"step {number}: x = {format_number(step.x)}, long-term {format_number(step.long_prev)},"
            f" short-term {format_number(step.short_prev)}"
        ]
        for shown in STAGES:
            lines.append(f"  {shown.heading}")
            lines += [f"    {formula}" for formula in stage_formulas(shown.number, session.params, step)]
        blocks.append("\n".join(lines))
    write_stdout("\n\n".join(blocks) + "\n")
    return 0
