"""Training any of the three cells (LSTM, plain RNN, GRU) on a dataset.

:class:`~lstm_gui.training.run.TrainingRun` trains the session's LSTM with its
history, pause and live weights; the comparison cells of issue 13 have no
place in the session or its history yet, so :func:`train_cell` is the plain
loop: the same engines (``make_engine(..., cell=...)``), optimizers and
settings (:class:`TrainConfig`), the same early stop and divergence rules,
and a per-epoch loss curve to plot the cells' losses together.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_gui.core.cells import cell_kind
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.debugging import TrainingBreak
from lstm_gui.core.errors import FieldError
from lstm_gui.core.formatting import quote_value
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.run import (
    BREAKPOINT,
    DIVERGED,
    FINISHED,
    STOPPED,
    STOPPED_BELOW,
    Progress,
    Status,
    checked_conditions,
    first_training_break,
    make_engine,
)


def cell_start_weights(kind: str, config: TrainConfig, current: Sequence[float]) -> tuple[float, ...]:
    """The weights a run of cell ``kind`` starts from (``config.init``):
    ``current``, zeros, or N(0, 1) weights with biases 0 drawn from
    ``config.seed``; StatQuest's start exists for the LSTM only.

    Raises
    ------
    FieldError
        ``init`` for ``statquest`` with another cell.
    """
    cell = cell_kind(kind)
    if config.init == "current":
        return cell.check_params(current)
    if config.init == "zeros":
        return (0.0,) * cell.param_count
    if config.init == "random":
        # For the LSTM the same draws as training.config.random_params (tested).
        return cell.random_params(config.seed)
    if config.init == "statquest":
        if kind == "lstm":
            return STATQUEST_PARAMS.to_flat()
        raise FieldError(
            "init", f"statquest is StatQuest's LSTM start; the {cell.title} starts from current, zeros or random"
        )
    raise FieldError("init", f"unknown start {quote_value(config.init)}")


@dataclass(frozen=True)
class CellTrainResult:
    """How a run of one cell ended: its last finite weights (in the cell's
    flat order), the loss and outputs there, and the loss after each epoch
    (``losses[0]`` is at the start weights)."""

    cell: str
    status: Status
    weights: tuple[float, ...]
    loss: float
    outputs: tuple[float, ...]
    epochs: int
    message: str
    seconds: float
    losses: np.ndarray
    #: The stop condition (its text, as given) that ended the run at epoch
    #: ``epochs`` (status ``breakpoint``); empty otherwise.
    stopped_by: str = ""


#: Epochs are run in chunks of about this many seconds between checks of the stop event.
CHUNK_SECONDS = 0.004


def train_cell(
    kind: str,
    weights: Sequence[float],
    dataset: Sequence[DatasetItem],
    config: TrainConfig,
    on_progress: Callable[[Progress], None] | None = None,
    interval: float = 1 / 30,
    stop_event: threading.Event | None = None,
    stop_when: str | Sequence[str] | None = None,
) -> CellTrainResult:
    """Train cell ``kind`` from ``weights`` with ``config`` (its ``init`` is
    not applied here: see :func:`cell_start_weights`) in this thread.

    ``on_progress`` gets a :class:`Progress` at most every ``interval``
    seconds and once at the end; setting ``stop_event`` stops after the
    current chunk of a few milliseconds.

    ``stop_when`` are stop conditions as for :class:`~lstm_gui.training.run.TrainingRun`
    (the same :class:`~lstm_gui.core.debugging.TrainingBreak` checks) over
    ``epoch`` (0 = the start weights; these runs have no history), ``loss``,
    ``loss_ago_N``, the cell's weight names (``CellKind.param_names``) and
    ``out_0``...: the run ends at the first epoch where one holds, with that
    epoch's weights (status ``breakpoint``, ``stopped_by`` its text).

    Raises
    ------
    ExpressionError
        A stop condition is not valid over those names.
    """
    cell = cell_kind(kind)
    start = cell.check_params(weights)
    if not dataset:
        raise FieldError("dataset", "needs at least one sequence to train on")
    weight_names = None if kind == "lstm" else cell.param_names
    texts = checked_conditions(stop_when, len(dataset), weight_names)
    breaks = [TrainingBreak(text, len(dataset), weight_names=weight_names) for text in texts]
    stopped_by = ""
    engine = make_engine(start, dataset, config, cell=kind)
    loss, outputs = engine.evaluate()
    last: tuple[float, tuple[float, ...], tuple[float, ...]] = (loss, tuple(outputs), start)
    losses: list[np.ndarray] = [np.array([loss])]
    started = time.perf_counter()
    last_report = started
    done, chunk, total = 0, 1, config.epochs
    status: Status = FINISHED
    message = ""
    if not (math.isfinite(loss) and all(math.isfinite(v) for v in outputs)):
        status, message = DIVERGED, "the loss is not finite at the start weights"
    elif breaks:
        at_start = first_training_break(breaks, 0, [loss], list(outputs), list(start), 1)
        for check in breaks:
            check.advance([loss])
        if at_start is not None:
            stopped_by = texts[at_start[1]]
            status, message = BREAKPOINT, f"stopped at the start weights (epoch 0): {stopped_by} holds"
    while status == FINISHED and done < total:
        if stop_event is not None and stop_event.is_set():
            status, message = STOPPED, f"stopped after {done} epochs"
            break
        n = min(chunk, total - done)
        t0 = time.perf_counter()
        before = engine.snapshot() if breaks else None
        try:
            count, chunk_losses, outs, chunk_weights = engine.run_epochs(n, config.lr, config.stop_below)
        except (OverflowError, ZeroDivisionError, ValueError) as exc:
            count, chunk_losses, outs, chunk_weights, message = 0, [], [], [], f" ({exc})"
        elapsed = time.perf_counter() - t0
        recorded = np.asarray(chunk_weights, dtype=np.float64).reshape(-1, cell.param_count)[:count]
        # A weight may overflow while the loss stays finite: keep the epochs before it.
        weights_finite = np.isfinite(recorded).all(axis=1)
        finite = count if weights_finite.all() else int(np.argmin(weights_finite))
        fired = first_training_break(breaks, done + 1, chunk_losses, outs, chunk_weights, finite) if finite else None
        if fired is not None:
            if fired[0] + 1 < count:
                # The engine went past the epoch: replay the chunk up to it, so
                # the weights (and optimizer state) are that epoch's.
                engine.restore(before)
                count, chunk_losses, outs, chunk_weights = engine.run_epochs(fired[0] + 1, config.lr, config.stop_below)
                recorded = np.asarray(chunk_weights, dtype=np.float64).reshape(-1, cell.param_count)[:count]
            count = finite = n = fired[0] + 1
        for check in breaks:
            check.advance(chunk_losses[:finite])
        if finite:
            rows = np.asarray(outs, dtype=np.float64).reshape(count, -1)
            losses.append(np.asarray(chunk_losses[:finite], dtype=np.float64))
            last = (float(chunk_losses[finite - 1]), tuple(rows[finite - 1].tolist()), tuple(recorded[finite - 1]))
            done += finite
        if fired is not None:
            stopped_by = texts[fired[1]]
            status, message = BREAKPOINT, f"stopped after {done} epochs: {stopped_by} holds"
            break
        if finite < count or (count < n and not (config.stop_below is not None and last[0] < config.stop_below)):
            status = DIVERGED
            message = (
                f"training diverged at epoch {done + 1}: the loss or a weight became NaN or infinite "
                f"(is the learning rate {config.lr:g} too large?); kept the last finite weights, "
                f"from epoch {done}{message}"
            )
            break
        if config.stop_below is not None and finite and last[0] < config.stop_below:
            status, message = STOPPED_BELOW, f"the loss fell below {config.stop_below:g} after {done} epochs"
            break
        if elapsed < CHUNK_SECONDS / 2:
            chunk = min(chunk * 2, 1 << 20)
        elif elapsed > CHUNK_SECONDS * 2 and chunk > 1:
            chunk //= 2
        now = time.perf_counter()
        if on_progress is not None and now - last_report >= interval and done < total:
            rate = done / (now - started)
            on_progress(_progress(done, total, last, rate, (total - done) / rate if rate > 0 else math.inf))
            last_report = now
    seconds = time.perf_counter() - started
    if status == FINISHED:
        message = f"finished {done} epochs"
    if on_progress is not None:
        on_progress(_progress(done, total, last, done / seconds if seconds > 0 else 0.0, 0.0, status, config.lr))
    return CellTrainResult(
        cell=kind,
        status=status,
        weights=tuple(float(v) for v in last[2]),
        loss=last[0],
        outputs=last[1],
        epochs=done,
        message=message,
        seconds=seconds,
        losses=np.concatenate(losses),
        stopped_by=stopped_by,
    )


def _progress(
    done: int,
    total: int,
    last: tuple[float, tuple[float, ...], tuple[float, ...]],
    rate: float,
    left: float,
    status: Status | None = None,
    lr: float = 0.0,
) -> Progress:
    loss, outputs, weights = last
    return Progress(
        epoch=done,
        epochs_total=total,
        loss=loss,
        outputs=outputs,
        weights=weights,
        epochs_per_second=rate,
        seconds_left=left,
        status=status or "",
        lr=lr,
    )
