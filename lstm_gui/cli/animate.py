"""``lstm-gui animate``: a GIF (and/or one SVG per step) of stepping through a
sequence, drawn from the window's diagram without opening a window.

Qt (through :mod:`lstm_gui.ui.animation`) is imported only inside :func:`run` (the command-line package stays
Qt-free on import); the platform is ``offscreen`` unless one is set.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from lstm_gui.cli.common import (
    EXIT_FAILURE,
    PROG,
    CliError,
    add_session_arguments,
    base_session_from_args,
    check_writable_target,
    parse_number_arg,
    require_names,
)
from lstm_gui.core.animation import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    MAX_REPLAY_FRAMES,
    animated_sequence,
    check_fps,
    check_pixel_budget,
    frame_count,
    parse_size,
    sample_rows,
)
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import show_path

HELP = "write a GIF (or one SVG per step) of stepping through a sequence"

_THEMES = ("light", "dark")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "animate",
        help=HELP,
        usage=f"{PROG} animate [SESSION | --example NAME] [--sequence NAME] [--fps N] [--size WxH] "
        "[--svg-dir DIR] [--stages | --replay] [OUT.gif]",
        description="Draw the cell at the start and after each input of a sequence, the way the\n"
        "window draws it, and write the pictures as a looping GIF (OUT.gif) and/or as one\n"
        "SVG per step (--svg-dir). No window opens. The session is a file, an example or\n"
        "(with neither) the 'notebook' example. With --stages each step first shows its three\n"
        "stages (forget, remember something new, output), as Step Into does, then the whole step.",
        epilog="examples:\n"
        '  lstm-gui animate --example companies --sequence "Company B" --size 800x450 company_b.gif\n'
        "  lstm-gui animate my_session.json --fps 2 steps.gif\n"
        "  lstm-gui animate --example notebook --svg-dir slides/\n"
        '  lstm-gui animate --example companies --sequence "Company B" --stages --svg-dir slides/',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_session_arguments(parser, overrides=False)
    parser.add_argument("out", nargs="?", metavar="OUT.gif", help="the GIF to write")
    parser.add_argument(
        "--sequence",
        metavar="NAME",
        help="animate this dataset sequence (from memories 0, as in training) instead of the input sequence",
    )
    parser.add_argument(
        "--fps",
        metavar="N",
        help=f"frames (steps) per second, 0.1 to 50 (default {DEFAULT_FPS:g})",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help=f"the GIF's exact size in pixels (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})",
    )
    parser.add_argument("--svg-dir", metavar="DIR", help="also (or only) write step_00.svg, step_01.svg, ... here")
    parser.add_argument(
        "--stages",
        action="store_true",
        help="show each step's three stages before the whole step (4 frames a step); SVG files "
        "step_01_stage_1.svg .. step_01_stage_3.svg, step_01_whole.svg, ...",
    )
    parser.add_argument("--theme", choices=_THEMES, default="light", help="the diagram's colours (default light)")
    parser.add_argument("--sums", action="store_true", help="write each gate's sum above its block (View > Show Sums)")
    parser.add_argument(
        "--replay",
        action="store_true",
        help=f"a training replay instead: the sequence's last step with the weights of up to "
        f"{MAX_REPLAY_FRAMES} epochs of the session's training history",
    )
    parser.set_defaults(handler=run)
    # SESSION and OUT.gif may stand on either side of the options (see cli.parse_args).
    parser.intermixed = True


def _paths(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(session file, OUT.gif): a single positional ending in .gif is the output."""
    session, out = args.session, args.out
    if out is None and session is not None and session.lower().endswith(".gif"):
        session, out = None, session
    if out is None and session is not None and not session.lower().endswith(".json") and not os.path.exists(session):
        session, out = None, session  # e.g. out.png: the output was meant, with the wrong kind
    if out is not None and not out.lower().endswith(".gif"):
        raise CliError(f"OUT.gif: expected a file name ending in .gif, got {show_path(out)}")
    return session, out


def run(args: argparse.Namespace) -> int:
    require_names(args, out="OUT.gif", svg_dir="--svg-dir")
    args.session, out = _paths(args)
    if out is None and args.svg_dir is None:
        raise CliError("nothing to write: give OUT.gif and/or --svg-dir DIR")
    if args.replay and args.stages:
        raise CliError("--stages: a training replay shows whole steps; leave out --stages or --replay")
    try:
        size = parse_size(args.size, "--size") if args.size is not None else DEFAULT_SIZE
        fps = check_fps(parse_number_arg(args.fps, "--fps"), "--fps") if args.fps is not None else DEFAULT_FPS
    except FieldError as exc:
        raise CliError(str(exc)) from None
    if out is not None:
        check_writable_target(out, "OUT.gif")
    if args.svg_dir is not None and os.path.exists(args.svg_dir) and not os.path.isdir(args.svg_dir):
        raise CliError(f"--svg-dir: {show_path(args.svg_dir)} is not a folder")
    session = base_session_from_args(args)
    try:
        sequence = animated_sequence(session, args.sequence, "--sequence", stages=args.stages)
    except FieldError as exc:
        raise CliError(str(exc)) from None
    history = session.history
    if args.replay and (history is None or len(history) < 2):
        raise CliError("--replay: the session has no training history (train it, then save it, first)")
    if out is not None:  # the GIF's frames are held in memory until it is written
        count = (
            len(sample_rows(len(history)))
            if args.replay and history
            else frame_count(len(sequence.inputs), args.stages)
        )
        try:
            check_pixel_budget(count, size, "--size")
        except FieldError as exc:
            raise CliError(str(exc)) from None

    # Qt only now: the rest of the command line never loads it.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from lstm_gui.ui.animation import export_without_window, replay_frames, step_frames
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PIL"):
            print(f"{PROG}: animate needs {exc.name.split('.')[0]}, which is not installed", file=sys.stderr)
            return EXIT_FAILURE
        raise
    try:
        result = export_without_window(
            replay_frames(history, sequence)
            if args.replay and history is not None
            else step_frames(session.params, sequence, stages=args.stages),
            gif_path=out,
            svg_dir=args.svg_dir,
            size=size,
            fps=fps,
            theme=args.theme,
            show_sums=args.sums,
        )
    except OSError as exc:
        where = exc.filename if exc.filename else (out or args.svg_dir)
        raise CliError(f"cannot write {show_path(str(where))}: {exc.strerror or exc}") from None
    width, height = size
    lines = []
    if result.gif_path is not None:
        lines.append(f"wrote {show_path(result.gif_path)}: {result.frame_count} frames, {width}x{height}, {fps:g} fps")
    if result.svg_paths:
        lines.append(f"wrote {len(result.svg_paths)} SVG files to {show_path(str(args.svg_dir))}")
    # As export-torch does: stdout stays free for data, the report goes to stderr.
    print("\n".join(lines), file=sys.stderr)
    return 0
