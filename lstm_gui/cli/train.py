"""``lstm-gui train``: train the cell on a session's dataset without a window.

The engine, settings and history are the window's
(:mod:`lstm_gui.training`). Progress goes to stderr (when it is a
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
from collections.abc import Callable, Sequence
from typing import IO, Any

from lstm_gui.cli.cell_args import add_cell_argument, session_and_cell
from lstm_gui.cli.common import (
    EXIT_DIVERGED,
    EXIT_INTERRUPTED,
    CliError,
    add_session_arguments,
    base_session_from_args,
    check_writable_target,
    require_names,
    write_stdout,
)
from lstm_gui.core.cell import CellParams
from lstm_gui.core.cells import CELLS
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.core.expressions import ExpressionError
from lstm_gui.core.files.io import SessionFileError
from lstm_gui.core.files.session_file import save_session
from lstm_gui.core.formatting import quote_value, show_path
from lstm_gui.core.parsing import NumberError, parse_int, parse_number
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES, PARAM_KEYS
from lstm_gui.training.cell_training import CellTrainResult, cell_start_weights, train_cell
from lstm_gui.training.compare import COMPARED_CELLS, train_comparison
from lstm_gui.training.config import ENGINES, INITS, OPTIMIZERS, TrainConfig, start_params
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import BREAKPOINT, DIVERGED, Progress, TrainingRun, TrainResult

HELP = "train the cell on the session's dataset and print the weights reached"


def add_parser(subparsers: Any) -> None:
    """Add the ``train`` subcommand to an argparse ``subparsers`` object."""
    parser = subparsers.add_parser(
        "train",
        help=HELP,
        description=(
            "Train the cell on the dataset of a session (or example) with the window's engine. "
            "Settings default to the session's training settings. Prints progress on stderr and the "
            "result (weights in trace order, outputs, loss) on stdout. Exit status 3 if training diverges."
        ),
    )
    add_session_arguments(parser)
    add_cell_argument(parser)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="train the LSTM, the plain RNN and the GRU side by side (same settings, comparable starts) "
        "and print each one's final loss and weights",
    )
    parser.add_argument(
        "--init",
        default=None,
        metavar="current|statquest|zeros|random:SEED",
        help="start weights: the session's (current), StatQuest's seeded start, zeros, or "
        "random N(0,1) weights with biases 0 from SEED",
    )
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=None)
    parser.add_argument("--lr", default=None, metavar="RATE", help="learning rate (Adam's default 0.001)")
    parser.add_argument("--momentum", default=None, metavar="M", help="SGD momentum (default 0)")
    parser.add_argument("--epochs", default=None, metavar="N", help="epochs to train")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--per-sample",
        dest="per_sample",
        action="store_const",
        const=True,
        default=None,
        help="one update per sequence, in dataset order (the default)",
    )
    mode.add_argument(
        "--full-batch",
        dest="per_sample",
        action="store_const",
        const=False,
        help="one update per epoch on the summed loss",
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default=None, help="fast (analytic float64, default) or torch (autograd reference)"
    )
    parser.add_argument(
        "--stop-below",
        dest="stop_below",
        default=None,
        metavar="LOSS",
        help="stop as soon as the summed loss falls below LOSS",
    )
    parser.add_argument(
        "--break",
        dest="break_when",
        action="append",
        metavar="COND",
        help="stop at the first epoch k where COND holds, e.g. 'loss < 0.01', "
        "'abs(wo1) > 5', 'abs(loss_ago_100 - loss) < 1e-6' (repeatable: any of them); k counts the "
        "session's training history (a run continuing 100 epochs starts at epoch 100; 0 = the start "
        "weights with --new-history or --cell rnn|gru, whose weight names COND uses); the result is "
        'the weights after k epochs, and JSON adds "stopped_by": COND and "epoch": k',
    )
    parser.add_argument("--format", choices=("json", "table"), default="json")
    parser.add_argument(
        "--out", default=None, metavar="FILE", help="save the trained session (weights, settings, history) to FILE"
    )
    parser.add_argument(
        "--new-history", action="store_true", help="start a new training history instead of continuing the session's"
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_const",
        const=True,
        default=None,
        help="print progress on stderr (default: only if stderr is a terminal)",
    )
    progress.add_argument("--no-progress", dest="progress", action="store_const", const=False)
    parser.set_defaults(handler=run)


#: The flag that sets each :class:`TrainConfig` field (its refusals name the flag).
FLAG_OF_FIELD: dict[str, str] = {
    "optimizer": "--optimizer",
    "lr": "--lr",
    "momentum": "--momentum",
    "epochs": "--epochs",
    "per_sample": "--per-sample",
    "init": "--init",
    "seed": "--init random seed",
    "stop_below": "--stop-below",
    "engine": "--engine",
}


def config_from_args(args: argparse.Namespace, base: TrainConfig) -> TrainConfig:
    """The session's training settings with the flags given applied.

    The flags' text is only parsed here (C locale); the rules are
    :class:`TrainConfig`'s, whose refusal is reported with the flag's name.

    Raises
    ------
    CliError
        E.g. ``--epochs: expected at least 1, got 0``.
    """
    changes: dict[str, Any] = {}
    try:
        if args.init is not None:
            init = args.init.strip()
            if init.startswith("random:"):
                changes["init"] = "random"
                changes["seed"] = parse_int(init[len("random:") :], FLAG_OF_FIELD["seed"])
            elif init in INITS:
                changes["init"] = init
            else:
                choices = ", ".join("random:SEED" if name == "random" else name for name in INITS)
                raise CliError(f"--init: expected one of {choices}, got {quote_value(args.init)}")
        if args.lr is not None:
            changes["lr"] = parse_number(args.lr, "--lr")
        if args.momentum is not None:
            changes["momentum"] = parse_number(args.momentum, "--momentum")
        if args.epochs is not None:
            changes["epochs"] = parse_int(str(args.epochs), "--epochs")
        if args.stop_below is not None:
            changes["stop_below"] = parse_number(args.stop_below, "--stop-below")
    except NumberError as exc:
        raise CliError(str(exc)) from None
    for name in ("optimizer", "per_sample", "engine"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    try:
        return base.replace(**changes)
    except FieldError as exc:
        raise CliError(f"{FLAG_OF_FIELD.get(exc.where, exc.where)}: {exc.reason}") from None


def _progress_printer(stream: IO[str]) -> Callable[[Progress], None]:
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


def result_dict(
    result: TrainResult, config: TrainConfig, dataset: Sequence[DatasetItem], start: CellParams
) -> dict[str, Any]:
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
        *([f"stopped by: {data['stopped_by']} (at epoch {data['epoch']})"] if "stopped_by" in data else []),
        "",
        f"{'sequence':<20} {'target':>10} {'output':>10}",
    ]
    for name, target, output in zip(data["sequences"], data["targets"], data["outputs"]):
        lines.append(f"{name:<20} {target:>10.4f} {output:>10.4f}")
    lines += ["", f"{'weight':<20} {'notebook':<8} {'value':>10}"]
    for key, (name, value) in zip(data["weight_keys"], data["weights_by_notebook_name"].items()):
        lines.append(f"{key:<20} {name:<8} {value:>10.4f}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``lstm-gui train``; returns the exit status (0, or 3 if diverged).

    Unusable flags or files raise cli.py's ``CliError`` (exit 2, one line).
    """
    require_names(args, out="--out")
    if getattr(args, "compare", False):
        return _run_comparison(args)
    if getattr(args, "cell", "lstm") != "lstm":
        return _run_other_cell(args)
    if args.out is not None:
        check_writable_target(args.out, "--out")
    session = base_session_from_args(args)
    config = config_from_args(args, session.training)
    dataset = session.dataset
    if not dataset:
        raise CliError("the session has no dataset to train on")
    start = start_params(config, session.params)
    history = session.history
    names = [item.name for item in dataset]
    if args.new_history or history is None or history.sequence_count != len(names):
        history = TrainingHistory(names)
    else:
        history = history.copy()
    try:
        training_run = TrainingRun(start, dataset, config, history, stop_when=args.break_when)
    except ExpressionError as exc:
        raise CliError(f"--break: {exc.reason}") from None
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        result = training_run.run(_progress_printer(sys.stderr) if show else None, interval=0.1)
    except KeyboardInterrupt:
        print("lstm-gui train: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.status == DIVERGED:
        print(f"lstm-gui train: {result.message}; nothing written", file=sys.stderr)
        return EXIT_DIVERGED
    data = result_dict(result, config, dataset, start)
    if result.status == BREAKPOINT:
        data["stopped_by"] = result.stopped_by
        # The history's epoch, as the condition's ``epoch`` counts it.
        data["epoch"] = training_run.history.last_epoch
    if args.out is not None:
        session.set_params(result.params)
        session.set_training(config)
        session.set_history(training_run.history)
        try:
            save_session(session, args.out)
        except SessionFileError as exc:
            raise CliError(f"--out: {exc}") from None
        except OSError as exc:
            raise CliError(f"--out: cannot write {show_path(args.out)}: {exc.strerror or exc}") from None
        data["saved"] = str(args.out)
    if args.format == "json":
        write_stdout(json.dumps(data, indent=2) + "\n")
    else:
        write_stdout(_table(data) + "\n")
    return 0


def _run_other_cell(args: argparse.Namespace) -> int:
    """``train --cell rnn|gru``: the same engines and settings on a comparison
    cell; its weights are printed (a session keeps only the LSTM's)."""
    session, kind, current = session_and_cell(args)
    if args.out is not None:
        raise CliError(f"--out: a session keeps the LSTM's weights only; the {kind.title}'s are printed instead")
    config = config_from_args(args, session.training)
    dataset = session.dataset
    if not dataset:
        raise CliError("the session has no dataset to train on")
    try:
        start = cell_start_weights(kind.name, config, current)
    except FieldError as exc:
        raise CliError(f"{FLAG_OF_FIELD.get(exc.where, exc.where)}: {exc.reason}") from None
    # The same reporting as the LSTM's run above (kept apart from it so that
    # the LSTM's path is unchanged).
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        result = train_cell(
            kind.name,
            start,
            dataset,
            config,
            _progress_printer(sys.stderr) if show else None,
            0.1,
            stop_when=args.break_when,
        )
    except ExpressionError as exc:
        raise CliError(f"--break: {exc.reason}") from None
    except KeyboardInterrupt:
        print("lstm-gui train: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.status == DIVERGED:
        print(f"lstm-gui train: {result.message}; nothing written", file=sys.stderr)
        return EXIT_DIVERGED
    data = cell_result_dict(result, config, dataset, start)
    if result.status == BREAKPOINT:
        data["stopped_by"] = result.stopped_by
        data["epoch"] = result.epochs  # these runs have no history: epoch 0 is the start
    if args.format == "json":
        write_stdout(json.dumps(data, indent=2) + "\n")
    else:
        write_stdout(_cell_table(data) + "\n")
    return 0


def cell_result_dict(
    result: CellTrainResult, config: TrainConfig, dataset: Sequence[DatasetItem], start: Sequence[float]
) -> dict[str, Any]:
    """What ``train --cell rnn|gru --format json`` prints: like the LSTM's,
    with ``weights`` and ``weight_keys`` in that cell's order."""
    return {
        "cell": result.cell,
        "status": result.status,
        "message": result.message,
        "weights": list(result.weights),
        "weight_keys": list(CELLS[result.cell].param_names),
        "outputs": list(result.outputs),
        "targets": [item.target for item in dataset],
        "sequences": [item.name for item in dataset],
        "loss": result.loss,
        "epochs": result.epochs,
        "seconds": result.seconds,
        "epochs_per_second": result.epochs / result.seconds if result.seconds > 0 else None,
        "start_weights": list(start),
        "config": config.to_json_dict(),
    }


def _cell_table(data: dict[str, Any]) -> str:
    title = CELLS[data["cell"]].title
    lines = _table({**data, "weight_keys": [], "weights_by_notebook_name": {}}).splitlines()[:-2]
    lines[0] = f"cell: {title}; {lines[0]}"
    lines += ["", f"{'weight':<24} {'value':>10}"]
    lines += [f"{key:<24} {value:>10.4f}" for key, value in zip(data["weight_keys"], data["weights"])]
    return "\n".join(lines)


def _run_comparison(args: argparse.Namespace) -> int:
    """``train --compare``: the LSTM, the plain RNN and the GRU trained with
    the same settings from comparable starts (:mod:`lstm_gui.training.compare`);
    prints each cell's result. A cell that diverges is reported with its
    status (a plain RNN's exploding gradients are a result here, not an error)."""
    if getattr(args, "cell", "lstm") != "lstm":
        raise CliError("--compare: trains all three cells; leave out --cell")
    if args.out is not None:
        raise CliError("--compare: the trained weights are printed; leave out --out")
    session = base_session_from_args(args)
    config = config_from_args(args, session.training)
    dataset = session.dataset
    if not dataset:
        raise CliError("the session has no dataset to train on")
    current = {"lstm": session.params.to_flat(), **session.comparison}
    show = args.progress if args.progress is not None else sys.stderr.isatty()

    def report(cell: str, epoch: int, loss: float) -> None:
        print(f"\r{CELLS[cell].title}: epoch {epoch}/{config.epochs} loss {loss:.6g}   ", end="", file=sys.stderr)

    try:
        results = train_comparison(dataset, config, COMPARED_CELLS, report if show else None, current, interval=0.1)
    except FieldError as exc:
        raise CliError(f"{FLAG_OF_FIELD.get(exc.where, exc.where)}: {exc.reason}") from None
    except KeyboardInterrupt:
        print("lstm-gui train: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    if show:
        print(file=sys.stderr)
    data = comparison_result_dict(results, config, dataset)
    if args.format == "json":
        write_stdout(json.dumps(data, indent=2) + "\n")
    else:
        lines = [f"{'cell':<12} {'status':<14} {'epochs':>7} {'loss':>12}"]
        for cell, entry in data["cells"].items():
            lines.append(f"{cell:<12} {entry['status']:<14} {entry['epochs']:>7} {entry['loss']:>12.6g}")
        for cell, entry in data["cells"].items():
            lines += ["", f"{CELLS[cell].title} weights:"]
            lines += [f"  {key:<24} {value:>10.4f}" for key, value in zip(entry["weight_keys"], entry["weights"])]
        write_stdout("\n".join(lines) + "\n")
    return 0


def comparison_result_dict(
    results: dict[str, CellTrainResult], config: TrainConfig, dataset: Sequence[DatasetItem]
) -> dict[str, Any]:
    """What ``train --compare --format json`` prints: the shared settings and
    data, then per cell its status, final loss, epochs, weights (with their
    names, in the cell's order) and start weights."""
    return {
        "config": config.to_json_dict(),
        "sequences": [item.name for item in dataset],
        "targets": [item.target for item in dataset],
        "cells": {
            cell: {
                "status": result.status,
                "message": result.message,
                "loss": result.loss,
                "epochs": result.epochs,
                "outputs": list(result.outputs),
                "weights": list(result.weights),
                "weight_keys": list(CELLS[cell].param_names),
                "start_loss": float(result.losses[0]),
            }
            for cell, result in results.items()
        },
    }
