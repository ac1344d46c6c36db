"""``lstm-gui export-torch`` and ``import-torch``: the cell as ``torch.nn.LSTM(1, 1)``.

torch is imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lstm_gui.cli.common import (
    CliError,
    add_session_arguments,
    base_session_from_args,
    check_writable_target,
    require_names,
)
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import save_session
from lstm_gui.core.formatting import show_path

EXPORT_HELP = "save the weights as a torch.nn.LSTM(1, 1) state_dict (.pt)"
IMPORT_HELP = "make a session file from a torch.nn.LSTM(1, 1) state_dict (.pt)"


def add_parsers(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export-torch",
        help=EXPORT_HELP,
        description="Save the session's weights as the state_dict of torch.nn.LSTM(input_size=1, "
        "hidden_size=1) in float64 (PyTorch's gate order i, f, g, o; each bias goes to bias_ih, "
        "bias_hh is 0).",
    )
    add_session_arguments(export)
    export.add_argument("out", metavar="OUT.pt", help="the file to write")
    export.set_defaults(handler=run_export)

    imp = subparsers.add_parser(
        "import-torch",
        help=IMPORT_HELP,
        description="Read the state_dict of torch.nn.LSTM(1, 1) (loaded with weights_only=True) "
        "and write a session with those weights (bias = bias_ih + bias_hh). The rest of the "
        "session (inputs, memories, dataset, training) comes from --base or an example "
        "(default: notebook).",
    )
    imp.add_argument("pt", metavar="IN.pt", help="a file saved with torch.save(lstm.state_dict(), ...)")
    imp.add_argument("out", metavar="OUT.json", help="the session file to write")
    imp.add_argument("--example", metavar="NAME", help="take everything but the weights from this example")
    imp.add_argument("--base", metavar="SESSION", help="take everything but the weights from this session file")
    imp.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    require_names(args, out="OUT.pt")
    check_writable_target(args.out, "OUT.pt")
    session = base_session_from_args(args)
    from lstm_gui.core.files.torch_bridge import save_torch  # imports torch: only now

    try:
        save_torch(session.params, args.out)
    except OSError as exc:
        raise CliError(f"{show_path(args.out)}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {show_path(args.out)} (torch.nn.LSTM(1, 1) state_dict, float64)", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from lstm_gui.core.files.torch_bridge import TorchFileError, load_torch  # imports torch: only now

    require_names(args, pt="IN.pt", out="OUT.json", base="--base", example="--example")
    check_writable_target(args.out, "OUT.json")
    base = argparse.Namespace(session=args.base, example=args.example)
    session = base_session_from_args(base)
    try:
        params = load_torch(args.pt)
    except TorchFileError as exc:
        raise CliError(str(exc)) from None
    session.set_params(params)
    try:
        save_session(session, args.out)
    except SessionFileError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{show_path(args.out)}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {show_path(args.out)} (weights from {show_path(args.pt)})", file=sys.stderr)
    return 0
