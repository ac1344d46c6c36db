"""``lstm-gui train``: train the cell on a session's dataset without a window.

Plugged into :mod:`lstm_gui.cli` with :func:`add_train_parser` and
:func:`run_train`. The engine, settings and history are the window's
(:mod:`lstm_gui.core.training`). Progress goes to stderr (when it is a
terminal, or with ``--progress``); the result goes to stdout as JSON or as a
table. A diverging run exits with status 3 and writes nothing.

Example (StatQuest's run)::

    lstm-gui train --example companies --init statquest --optimizer adam \\
        --lr 0.001 --epochs 5000 --per-sample --format json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from typing import Any, Callable

from lstm_gui.core.cell import NOTEBOOK_NAMES, PARAM_KEYS
from lstm_gui.core.training import ENGINES, OPTIMIZERS, Progress, TrainConfig

#: Exit status of a run whose loss or weights became NaN or infinite.
EXIT_DIVERGED = 3


class TrainArgumentError(ValueError):
    """A flag's value is unusable (becomes exit 2 with one line)."""



def add_train_parser(subparsers: Any, common: Any = None) -> argparse.ArgumentParser:
    """Add the ``train`` subcommand to an argparse ``subparsers`` object.

    ``common``: the parent parser(s) from cli.py with the shared session
    flags (``SESSION``, ``--example``, ``--weights``, ...); without them this
    adds ``SESSION`` and ``--example`` itself.
    """
    parents = [] if common is None else (list(common) if isinstance(common, (list, tuple)) else [common])
    parser = subparsers.add_parser(
        "train",
        parents=parents,
        help="train the cell on the session's dataset and print the weights reached",
        description=(
            "Train the cell on the dataset of a session (or example) with the window's engine. "
            "Settings default to the session's training settings. Prints progress on stderr and the "
            "result (weights in trace order, outputs, loss) on stdout. Exit status 3 if training diverges."
        ),
    )
    if not parents:
        parser.add_argument("session", nargs="?", default=None, help="session file (default: the example)")
        parser.add_argument("--example", default=None, help="start from a packaged example, e.g. companies")
    parser.add_argument(
        "--init", default=None, metavar="current|statquest|zeros|random:SEED",
        help="start weights: the session's (current), StatQuest's seeded start, zeros, or "
        "random N(0,1) weights with biases 0 from SEED",
    )
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=None)
    parser.add_argument("--lr", default=None, metavar="RATE", help="learning rate (Adam's default 0.001)")
    parser.add_argument("--momentum", default=None, metavar="M", help="SGD momentum (default 0)")
    parser.add_argument("--epochs", default=None, metavar="N", help="epochs to train")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--per-sample", dest="per_sample", action="store_const", const=True, default=None,
                      help="one update per sequence, in dataset order (the default)")
    mode.add_argument("--full-batch", dest="per_sample", action="store_const", const=False,
                      help="one update per epoch on the summed loss")
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="fast (analytic float64, default) or torch (autograd reference)")
    parser.add_argument("--stop-below", dest="stop_below", default=None, metavar="LOSS",
                        help="stop as soon as the summed loss falls below LOSS")
    parser.add_argument("--format", choices=("json", "table"), default="json")
    parser.add_argument("--out", default=None, metavar="FILE",
                        help="save the trained session (weights, settings, history) to FILE")
    parser.add_argument("--new-history", action="store_true",
                        help="start a new training history instead of continuing the session's")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_const", const=True, default=None,
                          help="print progress on stderr (default: only if stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_const", const=False)
    parser.set_defaults(run=run_train, command="train")
    return parser


def _number(text: str | None, what: str) -> float | None:
    if text is None:
        return None
    from lstm_gui.core.parsing import parse_number

    return parse_number(str(text), what)


def config_from_args(args: argparse.Namespace, base: TrainConfig) -> TrainConfig:
    """The session's training settings with the flags given applied."""
    from lstm_gui.core.parsing import parse_int

    changes: dict[str, Any] = {}
    if args.init is not None:
        init = args.init.strip()
        if init.startswith("random:"):
            changes["init"] = "random"
            changes["seed"] = parse_int(init[len("random:"):], "--init random seed")
        elif init in ("current", "statquest", "zeros", "random"):
            changes["init"] = init
        else:
            raise TrainArgumentError(
                f"--init: expected current, statquest, zeros or random:SEED, got {args.init!r}"
            )
    if args.optimizer is not None:
        changes["optimizer"] = args.optimizer
    if args.lr is not None:
        lr = _number(args.lr, "--lr")
        if lr <= 0:
            raise TrainArgumentError(f"--lr: expected a positive learning rate, got {args.lr}")
        changes["lr"] = lr
    if args.momentum is not None:
        momentum = _number(args.momentum, "--momentum")
        if momentum < 0:
            raise TrainArgumentError(f"--momentum: expected 0 or more, got {args.momentum}")
        changes["momentum"] = momentum
    if args.epochs is not None:
        changes["epochs"] = parse_int(str(args.epochs), "--epochs", minimum=0)
    if args.per_sample is not None:
        changes["per_sample"] = args.per_sample
    if args.engine is not None:
        changes["engine"] = args.engine
    if args.stop_below is not None:
        changes["stop_below"] = _number(args.stop_below, "--stop-below")
    try:
        return replace(base, **changes)
    except ValueError as exc:
        raise TrainArgumentError(str(exc)) from None


def _session_from_args(args: argparse.Namespace):
    """The session the command starts from (cli.py's shared flags and helper)."""
    from lstm_gui.cli import base_session_from_args

    return base_session_from_args(args)


def _progress_printer(stream) -> Callable[[Progress], None]:
    last = [0.0]

    def show(progress: Progress) -> None:
        now = time.monotonic()
        if not progress.status and now - last[0] < 0.25:
            return
        last[0] = now
        left = "" if not math.isfinite(progress.seconds_left) else f", {progress.seconds_left:.1f} s left"
        end = "\n" if progress.status else ""
        stream.write(
            f"\repoch {progress.epoch}/{progress.epochs_total}  loss {progress.loss:.6g}  "
            f"{progress.epochs_per_second:,.0f} epochs/s{left}   {end}"
        )
        stream.flush()

    return show


def result_dict(result, config: TrainConfig, dataset, start) -> dict[str, Any]:
    """What ``--format json`` prints."""
    weights = list(result.params.to_flat())
    names = list(NOTEBOOK_NAMES)
    return {
        "status": result.status,
        "message": result.message,
        "weights": weights,
        "weight_keys": [f"{gate}.{role}" for gate, role in PARAM_KEYS],
        "weights_by_notebook_name": dict(zip(names, weights)),
        "outputs": list(result.outputs),
        "targets": [item.target for item in dataset],
        "sequences": [item.name for item in dataset],
        "loss": result.loss,
        "epochs": result.epochs,
        "seconds": result.seconds,
        "epochs_per_second": result.epochs / result.seconds if result.seconds > 0 else None,
        "start_weights": list(start.to_flat()),
        "config": config.to_json_dict(),
    }


def _table(data: dict[str, Any]) -> str:
    lines = [
        f"status: {data['status']} after {data['epochs']} epochs in {data['seconds']:.3f} s"
        f" ({data['config']['optimizer']}, lr {data['config']['lr']:g}, "
        f"{'per sample' if data['config']['per_sample'] else 'full batch'}, {data['config']['engine']} engine)",
        f"loss: {data['loss']:.6f}",
        "",
        f"{'sequence':<20} {'target':>10} {'output':>10}",
    ]
    for name, target, output in zip(data["sequences"], data["targets"], data["outputs"]):
        lines.append(f"{name:<20} {target:>10.4f} {output:>10.4f}")
    lines += ["", f"{'weight':<20} {'notebook':<8} {'value':>10}"]
    for key, (name, value) in zip(data["weight_keys"], data["weights_by_notebook_name"].items()):
        lines.append(f"{key:<20} {name:<8} {value:>10.4f}")
    return "\n".join(lines)


def run_train(args: argparse.Namespace) -> int:
    """Run ``lstm-gui train``; returns the exit status (0, or 3 if diverged).

    Unusable flags or files raise cli.py's ``CliError`` (exit 2, one line).
    """
    from lstm_gui.core.training import TrainingHistory, TrainingRun, start_params

    try:
        session = _session_from_args(args)
        config = config_from_args(args, session.training)
    except ValueError as exc:
        _raise_cli_error(str(exc))
    dataset = session.dataset
    if not dataset:
        _raise_cli_error("the session has no dataset to train on")
    start = start_params(config, session.params)
    history = session.history
    names = [item.name for item in dataset]
    if args.new_history or history is None or history.sequence_count != len(names):
        history = TrainingHistory(names)
    else:
        history = history.copy()
    run = TrainingRun(start, dataset, config, history)
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        result = run.run(_progress_printer(sys.stderr) if show else None, interval=0.1)
    except KeyboardInterrupt:
        print("lstm-gui train: interrupted; nothing written", file=sys.stderr)
        return 130
    if result.status == "diverged":
        print(f"lstm-gui train: {result.message}; nothing written", file=sys.stderr)
        return EXIT_DIVERGED
    data = result_dict(result, config, dataset, start)
    if args.out:
        from lstm_gui.core.fileformat import save_session

        session.set_params(result.params)
        session.set_training(config)
        session.set_history(run.history)
        try:
            save_session(session, args.out)
        except OSError as exc:
            _raise_cli_error(f"--out: cannot write {args.out}: {exc.strerror or exc}")
        data["saved"] = str(args.out)
    from lstm_gui.cli import write_stdout

    if args.format == "json":
        write_stdout(json.dumps(data, indent=2) + "\n")
    else:
        write_stdout(_table(data) + "\n")
    return 0


def _raise_cli_error(message: str):
    from lstm_gui.cli import CliError

    raise CliError(message)
