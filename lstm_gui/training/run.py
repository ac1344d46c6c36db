"""Training the cell on a dataset: one run, its progress and its result.

A :class:`TrainingRun` trains start weights (:func:`~lstm_gui.training.config.start_params`)
on a dataset with a :class:`~lstm_gui.training.config.TrainConfig`, appends one
row per epoch to a :class:`~lstm_gui.training.history.TrainingHistory`,
reports :class:`Progress` through a callback at most every ``interval``
seconds and once at the end, honours ``pause_event`` / ``stop_event``
(``threading.Event``) and :meth:`TrainingRun.set_lr` at once, and returns a
:class:`TrainResult`.

Dataset sequences always start from memories long = short = 0 (as in the
video); loss = sum over sequences of (final short - target)^2.

Engines: ``fast`` (:mod:`lstm_gui.training.engines.fast`, analytic
backpropagation through time in float64, the default) and ``torch``
(autograd + ``torch.optim`` in float64, the reference; torch is imported only
when it is chosen). Both give the same updates to rounding.

Everything needed to start a run (:class:`CellParams`, the dataset, the
config, the history) is plain picklable data, and so is a
:class:`TrainingRun` itself (its events and lock are recreated on
unpickling), so a run can also be driven in another process.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol

import numpy as np

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.debugging import TrainingBreak
from lstm_gui.core.errors import FieldError
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.engines.fast import FastEngine
from lstm_gui.training.history import HistoryChunk, TrainingHistory

#: How a run ended: all epochs done, stopped by a person, the loss fell below
#: ``stop_below``, the loss or a weight stopped being finite, or a stop
#: condition (``stop_when``) held.
Status = Literal["finished", "stopped", "stopped_below", "diverged", "breakpoint"]
FINISHED: Final = "finished"
STOPPED: Final = "stopped"
STOPPED_BELOW: Final = "stopped_below"
DIVERGED: Final = "diverged"
BREAKPOINT: Final = "breakpoint"


@dataclass(frozen=True, slots=True)
class Progress:
    """A copy of plain data handed from the training loop to whoever shows it."""

    epoch: int  # epochs completed in this run
    epochs_total: int
    loss: float
    outputs: tuple[float, ...]  # final short-term memory per dataset sequence
    weights: tuple[float, ...]  # 12, PARAM_KEYS order
    epochs_per_second: float
    seconds_left: float
    #: History rows added since the previous progress report (copies).
    new_rows: HistoryChunk | None = None
    paused: bool = False
    #: Set on the last report of a run (how it ended); empty before.
    status: Status | Literal[""] = ""
    lr: float = 0.0
    #: The stop condition that holds at ``epoch`` (a pause at a breakpoint,
    #: or the end of a run stopped by one); empty otherwise.
    stopped_by: str = ""


@dataclass(frozen=True, slots=True)
class TrainResult:
    """How a run ended and where it got to."""

    status: Status
    params: CellParams  # last finite weights
    loss: float
    outputs: tuple[float, ...]
    epochs: int
    message: str = ""
    seconds: float = 0.0
    #: The stop condition (its text, as given) that ended the run at
    #: ``epochs``; empty unless ``status`` is ``"breakpoint"``.
    stopped_by: str = ""


#: One record per epoch: (loss, outputs, weights) after it.
Record = tuple[float, Sequence[float], Sequence[float]]


class Engine(Protocol):
    """What a training engine offers (:class:`FastEngine`, ``TorchEngine``):
    built with (weights, sequences, optimizer, per_sample, momentum)."""

    def evaluate(self) -> tuple[float, list[float]]:
        """(summed loss, outputs) at the current weights."""
        ...

    def run_epochs(
        self, epochs: int, lr: float, stop_below: float | None = None
    ) -> tuple[int, list[float], list[float], list[float]]:
        """(epochs done, losses, outputs flattened, weights flattened)."""
        ...

    def set_weights(self, values: Sequence[float]) -> None:
        """Replace the 12 weights, keeping the optimizer's state."""
        ...

    def snapshot(self) -> object:
        """Everything training changes (weights, optimizer state), copied."""
        ...

    def restore(self, state: object) -> None:
        """Go back to a snapshot; the same epochs then give the same numbers."""
        ...


def dataset_sequences(dataset: Sequence[DatasetItem]) -> list[tuple[tuple[float, ...], float]]:
    """(inputs, target) pairs of a dataset, as the engines take them."""
    return [(tuple(item.inputs), float(item.target)) for item in dataset]


def make_engine(
    weights: Sequence[float], dataset: Sequence[DatasetItem], config: TrainConfig, cell: str = "lstm"
) -> Engine:
    """A fresh engine (fresh optimizer state) for ``config.engine``, training
    ``cell``'s weights (:data:`lstm_gui.core.cells.CELL_KINDS`)."""
    sequences = dataset_sequences(dataset)
    if config.engine == "torch":
        # imports torch: only now (seconds), and only when the reference engine is chosen.
        from lstm_gui.training.engines.torch_reference import TorchEngine

        return TorchEngine(weights, sequences, config.optimizer, config.per_sample, config.momentum, cell)
    return FastEngine(weights, sequences, config.optimizer, config.per_sample, config.momentum, cell)


class TrainingRun:
    """One training run: ``run()`` trains in the calling thread until done.

    Parameters
    ----------
    params : start weights (use :func:`start_params` for ``config.init``).
    dataset : the sequences and targets (at least one).
    config : optimizer, learning rate, epochs, mode, engine, early stop.
    history : a history to continue (a retrain appends a new run to it);
        ``None`` starts a new one. Available as ``self.history``.
    stop_when : stop conditions (text, or a list of texts: enabled
        breakpoints), in the language of :mod:`lstm_gui.core.expressions`
        over :func:`~lstm_gui.core.expressions.training_names`. They are
        checked on the start weights (``epoch`` 0) and after every epoch
        (``epoch`` counts this run's epochs); the run ends with status
        ``"breakpoint"`` at the first epoch where one holds, its weights,
        loss and outputs those after that epoch, ``stopped_by`` its text.
        Not part of :class:`TrainConfig` (not a saved training setting);
        texts, so the run stays picklable, compiled when it starts.
    pause_at_break : instead of ending there, pause (``pause_event`` set;
        the paused progress report names the condition in ``stopped_by``);
        resuming continues from that epoch with the optimizer's state of
        that epoch, and the conditions are checked again from the next.

    Control from other threads: ``pause_event`` (set = paused; the optimizer
    state is kept), ``stop_event`` (set = stop after the current chunk of a
    few milliseconds), :meth:`set_lr` (applied from the next update; exactly
    at the next update when called from the progress callback),
    :meth:`set_max_rate` (a speed limit in epochs per second, for watching;
    ``None`` = as fast as possible) and :meth:`set_params` (weights edited
    during a pause, used from the next chunk on with the optimizer's state
    kept). A run is picklable before it starts (events and the lock are
    recreated).
    """

    #: Epochs are run in chunks of about this many seconds between checks of
    #: the events, the learning rate and the clock.
    CHUNK_SECONDS = 0.004
    #: With a speed limit, the longest wait between chunks (s): pause, stop
    #: and a new limit act within this.
    THROTTLE_SECONDS = 0.05

    def __init__(
        self,
        params: CellParams,
        dataset: Sequence[DatasetItem],
        config: TrainConfig,
        history: TrainingHistory | None = None,
        stop_when: str | Sequence[str] | None = None,
        pause_at_break: bool = False,
    ) -> None:
        if not dataset:
            raise FieldError("dataset", "needs at least one sequence to train on")
        self.stop_when = checked_conditions(stop_when, len(dataset))
        self.pause_at_break = pause_at_break
        self.params = params
        self.dataset = tuple(dataset)
        self.config = config
        names = tuple(item.name for item in self.dataset)
        if history is not None and history.sequence_count != len(names):
            raise FieldError(
                "history",
                f"it has {history.sequence_count} sequence(s) but the dataset has {len(names)}; start a new history",
            )
        self.history = history if history is not None else TrainingHistory(names)
        self._lr = config.lr
        self._max_rate: float | None = None
        self._pending_params: CellParams | None = None
        self._pending_stop_when: tuple[str, ...] | None = None
        self._fired = ""  # the stop condition the current pause is at
        self._init_sync()

    def _init_sync(self) -> None:
        self.pause_event = threading.Event()
        self.stop_event = threading.Event()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in ("pause_event", "stop_event", "_lock"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_sync()

    @property
    def lr(self) -> float:
        return self._lr

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next update on (thread-safe).

        Raises
        ------
        FieldError
            ``lr`` refused by :class:`TrainConfig`'s rule.
        """
        lr = self.config.replace(lr=lr).lr
        with self._lock:
            self._lr = lr

    @property
    def max_rate(self) -> float | None:
        return self._max_rate

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        """Train at most this many epochs per second (``None``: as fast as
        possible), from the next chunk on (thread-safe). The run waits on
        ``stop_event`` between chunks, so pause and stop stay immediate."""
        if epochs_per_second is not None and not (math.isfinite(epochs_per_second) and epochs_per_second > 0):
            raise FieldError("speed", f"expected a positive number of epochs per second, got {epochs_per_second!r}")
        with self._lock:
            self._max_rate = None if epochs_per_second is None else float(epochs_per_second)

    def set_params(self, params: CellParams) -> None:
        """Continue from ``params`` (e.g. weights edited while paused) at the
        next chunk, keeping the optimizer's state (thread-safe). The history
        gets a row at the same epoch with the new weights, starting a new
        run segment, like a retrain."""
        with self._lock:
            self._pending_params = params

    def set_stop_when(self, stop_when: str | Sequence[str] | None) -> None:
        """Replace the stop conditions from the next chunk on (thread-safe),
        e.g. breakpoints edited during a run. New conditions know no earlier
        losses: ``loss_ago_N`` is unknown for their first N epochs.

        Raises
        ------
        ExpressionError
            A condition is not valid (checked here, in the caller's thread).
        """
        texts = checked_conditions(stop_when, len(self.dataset))
        with self._lock:
            self._pending_stop_when = texts

    def stop(self) -> None:
        self.stop_event.set()

    def run(self, on_progress: Callable[[Progress], None] | None = None, interval: float = 1 / 30) -> TrainResult:
        """Train; call ``on_progress`` at most every ``interval`` seconds and
        always once at the end (with ``status`` set). Returns the result; the
        history has one row per epoch (epoch 0 of the run = start weights)."""
        config = self.config
        history = self.history
        engine = make_engine(self.params.to_flat(), self.dataset, config)
        start_loss, start_outputs = engine.evaluate()
        first_epoch = history.last_epoch if len(history) else 0
        # The rows each report hands over: kept aside, since the history may
        # thin its rows (their indices change) while the run goes on.
        rows_reported = _Outbox(history.sequence_names, enabled=on_progress is not None)
        if not (math.isfinite(start_loss) and all(math.isfinite(v) for v in start_outputs)):
            return self._finish(
                DIVERGED,
                self.params,
                start_loss,
                start_outputs,
                0,
                0.0,
                on_progress,
                rows_reported,
                "the loss is not finite at the start weights",
            )
        start_row = ([first_epoch], [start_loss], [start_outputs], [self.params.to_flat()])
        history.extend(*start_row, run_start=True)
        rows_reported.extend(*start_row, run_start=True)
        breaks = [TrainingBreak(text, len(self.dataset)) for text in self.stop_when]
        if breaks:
            # ``epoch`` is the history's epoch (the weights after that many
            # epochs), so a run continuing a history counts on from its end.
            at_start = first_training_break(
                breaks, first_epoch, [start_loss], list(start_outputs), list(self.params.to_flat()), 1
            )
            for check in breaks:
                check.advance([start_loss])
            if at_start is not None:
                if not self.pause_at_break:
                    return self._finish(
                        BREAKPOINT,
                        self.params,
                        start_loss,
                        start_outputs,
                        0,
                        0.0,
                        on_progress,
                        rows_reported,
                        f"stopped at the start weights (epoch {first_epoch}): {self.stop_when[at_start[1]]} holds",
                        stopped_by=self.stop_when[at_start[1]],
                    )
                self._fired = self.stop_when[at_start[1]]
                self.pause_event.set()

        total = config.epochs
        done = 0
        status: Status = FINISHED
        message = ""
        chunk = 1
        started = time.perf_counter()
        paused_seconds = 0.0
        last_report = started
        stop_below = config.stop_below
        last_row: Record = (start_loss, tuple(start_outputs), self.params.to_flat())
        # Speed limit: epochs done and the clock when the current limit began.
        throttle: tuple[float | None, int, float] = (None, 0, started)
        while done < total:
            if self.stop_event.is_set():
                status, message = STOPPED, f"stopped after {done} epochs"
                break
            if self.pause_event.is_set():
                pause_began = time.perf_counter()
                if on_progress is not None:
                    on_progress(self._progress(done, total, last_row, 0.0, 0.0, history, rows_reported, paused=True))
                while self.pause_event.is_set() and not self.stop_event.is_set():
                    self.stop_event.wait(0.02)
                self._fired = ""
                paused_seconds += time.perf_counter() - pause_began
                throttle = (None, done, time.perf_counter())  # the limit counts from the resume
                continue
            with self._lock:
                lr = self._lr
                max_rate = self._max_rate
                new_params, self._pending_params = self._pending_params, None
                new_stop_when, self._pending_stop_when = self._pending_stop_when, None
            if new_stop_when is not None:
                self.stop_when = new_stop_when
                breaks = [TrainingBreak(text, len(self.dataset)) for text in new_stop_when]
            if new_params is not None:
                last_row = self._apply_params(
                    engine, new_params, first_epoch + done, (history, rows_reported), last_row
                )
            n = min(chunk, total - done)
            if max_rate != throttle[0]:
                throttle = (max_rate, done, time.perf_counter())
            if max_rate is not None:
                # Chunks of at most THROTTLE_SECONDS' worth of epochs.
                n = min(n, max(1, int(max_rate * self.THROTTLE_SECONDS)))
            t0 = time.perf_counter()
            before = engine.snapshot() if breaks else None
            try:
                count, losses, outs, weights = engine.run_epochs(n, lr, stop_below)
            except (OverflowError, ZeroDivisionError, ValueError) as exc:
                # Arithmetic blew up inside the chunk: like a non-finite loss.
                count, losses, outs, weights = 0, [], [], []
                message = str(exc)
                n = -1
            elapsed = time.perf_counter() - t0
            fired: tuple[int, int] | None = None
            if count:
                recorded = np.asarray(weights, dtype=np.float64).reshape(-1, 12)[:count]
                bad = ~np.isfinite(recorded).all(axis=1)
                if bad.any():
                    # A weight overflowed while the loss stayed finite: keep the epochs before.
                    count = int(np.argmax(bad))
                    n = -1
                fired = (
                    first_training_break(breaks, first_epoch + done + 1, losses, outs, weights, count)
                    if breaks and count
                    else None
                )
                if fired is not None:
                    if fired[0] + 1 < count:
                        # The engine went past the epoch: replay the chunk up to it,
                        # so its weights and optimizer state are that epoch's.
                        assert before is not None
                        engine.restore(before)
                        count, losses, outs, weights = engine.run_epochs(fired[0] + 1, lr, stop_below)
                        recorded = np.asarray(weights, dtype=np.float64).reshape(-1, 12)[:count]
                    count = fired[0] + 1
                    n = count
                    for check in breaks:
                        check.advance(losses[:count])
                elif breaks:
                    for check in breaks:
                        check.advance(losses[:count])
                if count:
                    rows = (
                        np.arange(first_epoch + done + 1, first_epoch + done + count + 1),
                        np.asarray(losses, dtype=np.float64)[:count],
                        np.asarray(outs, dtype=np.float64).reshape(len(recorded), -1)[:count],
                        recorded[:count],
                    )
                    history.extend(*rows)
                    rows_reported.extend(*rows)
                    last_row = (
                        float(rows[1][-1]),
                        tuple(rows[2][-1].tolist()),
                        tuple(rows[3][-1].tolist()),
                    )
                done += count
            if fired is not None:
                if not self.pause_at_break or done >= total:
                    status = BREAKPOINT
                    self._fired = self.stop_when[fired[1]]
                    message = f"stopped after {done} epochs: {self._fired} holds"
                    break
                self._fired = self.stop_when[fired[1]]
                self.pause_event.set()
                continue
            # The engine returns early for both reasons; a chunk may also end
            # exactly on the epoch that fell below the threshold.
            if n != -1 and stop_below is not None and count and losses[count - 1] < stop_below:
                status = STOPPED_BELOW
                message = f"the loss fell below {stop_below:g} after {done} epochs"
                break
            if count < n or n == -1:
                status = DIVERGED
                message = (
                    f"training diverged at epoch {done + 1}: the loss or a weight became "
                    f"NaN or infinite (is the learning rate {lr:g} too large?); kept the "
                    f"last finite weights, from epoch {done}" + (f" ({message})" if message else "")
                )
                break
            if max_rate is not None:
                self._wait_for_rate(throttle, done)
            # Aim for chunks of CHUNK_SECONDS so the events are checked often.
            if elapsed < self.CHUNK_SECONDS / 2:
                chunk = min(chunk * 2, 1 << 20)
            elif elapsed > self.CHUNK_SECONDS * 2 and chunk > 1:
                chunk //= 2
            now = time.perf_counter()
            if on_progress is not None and now - last_report >= interval and done < total:
                running = now - started - paused_seconds
                rate = done / running if running > 0 else 0.0
                left = (total - done) / rate if rate > 0 else math.inf
                on_progress(self._progress(done, total, last_row, rate, left, history, rows_reported, lr=lr))
                last_report = time.perf_counter()
        if status == FINISHED and done < total:
            status = STOPPED
        seconds = time.perf_counter() - started - paused_seconds
        final_loss, final_outputs, final_weights = last_row
        return self._finish(
            status,
            CellParams.from_flat(final_weights),
            final_loss,
            final_outputs,
            done,
            seconds,
            on_progress,
            rows_reported,
            message,
            stopped_by=self._fired if status == BREAKPOINT else "",
        )

    def _wait_for_rate(self, throttle: tuple[float | None, int, float], done: int) -> None:
        """Wait (on ``stop_event``, so stop is immediate) until ``done``
        epochs are due at the limit; a pause or a new limit ends the wait."""
        rate, done_then, since = throttle
        if rate is None:
            return
        due = since + (done - done_then) / rate
        while not self.stop_event.is_set() and not self.pause_event.is_set():
            left = due - time.perf_counter()
            with self._lock:
                changed = self._max_rate != rate
            if left <= 0 or changed:
                return
            self.stop_event.wait(min(left, self.THROTTLE_SECONDS))

    @staticmethod
    def _apply_params(
        engine: Engine,
        params: CellParams,
        epoch: int,
        records: tuple[TrainingHistory, _Outbox],
        last_row: Record,
    ) -> Record:
        """The engine continues from ``params``; the history (and the rows for
        the next progress report) record them at ``epoch`` as the start of a
        new segment."""
        weights = params.to_flat()
        if tuple(last_row[2]) == weights:
            return last_row
        engine.set_weights(weights)
        loss, outputs = engine.evaluate()
        for record in records:
            record.extend([epoch], [loss], [outputs], [weights], run_start=True)
        return (loss, tuple(outputs), weights)

    def _progress(
        self,
        done: int,
        total: int,
        last_row: Record,
        rate: float,
        left: float,
        history: TrainingHistory,
        rows_reported: _Outbox,
        paused: bool = False,
        status: Status | Literal[""] = "",
        lr: float | None = None,
    ) -> Progress:
        loss, outputs, weights = last_row
        return Progress(
            epoch=done,
            epochs_total=total,
            loss=loss,
            outputs=tuple(outputs),
            weights=tuple(weights),
            epochs_per_second=rate,
            seconds_left=left,
            new_rows=rows_reported.take(),
            paused=paused,
            status=status,
            lr=self._lr if lr is None else lr,
            stopped_by=self._fired,
        )

    def _finish(
        self,
        status: Status,
        params: CellParams,
        loss: float,
        outputs: Sequence[float],
        done: int,
        seconds: float,
        on_progress: Callable[[Progress], None] | None,
        rows_reported: _Outbox,
        message: str = "",
        stopped_by: str = "",
    ) -> TrainResult:
        self._fired = stopped_by
        if status == FINISHED and not message:
            message = f"finished {done} epochs"
        if on_progress is not None:
            rate = done / seconds if seconds > 0 else 0.0
            on_progress(
                self._progress(
                    done,
                    self.config.epochs,
                    (loss, outputs, params.to_flat()),
                    rate,
                    0.0,
                    self.history,
                    rows_reported,
                    status=status,
                )
            )
        return TrainResult(
            status=status,
            params=params,
            loss=float(loss),
            outputs=tuple(float(v) for v in outputs),
            epochs=done,
            message=message,
            seconds=seconds,
            stopped_by=stopped_by,
        )


def checked_conditions(
    stop_when: str | Sequence[str] | None, dataset_size: int, weight_names: Sequence[str] | None = None
) -> tuple[str, ...]:
    """``stop_when`` as a tuple of texts, each checked (ExpressionError if bad)
    over the LSTM's names, or over another cell's ``weight_names``."""
    texts = () if stop_when is None else (stop_when,) if isinstance(stop_when, str) else tuple(stop_when)
    for text in texts:
        TrainingBreak(text, dataset_size, weight_names=weight_names)
    return texts


def first_training_break(
    breaks: Sequence[TrainingBreak],
    first_epoch: int,
    losses: Sequence[float],
    outputs: Sequence[float],
    weights: Sequence[float],
    count: int,
) -> tuple[int, int] | None:
    """(row, index of the condition) of the first of ``count`` epoch records
    where a condition holds (the first condition in the list on a tie), or
    ``None``. Each later condition is scanned only up to the best row yet."""
    best: tuple[int, int] | None = None
    for number, check in enumerate(breaks):
        rows = count if best is None else best[0]
        if rows <= 0:
            break
        row = check.first_hit(first_epoch, losses, outputs, weights, rows)
        if row is not None:
            best = (row, number)
    return best


class _Outbox:
    """The history rows recorded since the last progress report (bounded:
    a :class:`TrainingHistory` of their own, thinned if reports are rare)."""

    def __init__(self, sequence_names: Sequence[str], enabled: bool) -> None:
        self._names = tuple(sequence_names)
        self._enabled = enabled
        self._rows = TrainingHistory(self._names)

    def extend(self, epochs: Any, loss: Any, outputs: Any, weights: Any, run_start: bool = False) -> None:
        if self._enabled:
            self._rows.extend(epochs, loss, outputs, weights, run_start=run_start)

    def take(self) -> HistoryChunk | None:
        """The rows since the last call (``None`` if there are none)."""
        if not len(self._rows):
            return None
        chunk = self._rows.chunk(0)
        self._rows = TrainingHistory(self._names)
        return chunk


def train(
    params: CellParams,
    dataset: Sequence[DatasetItem],
    config: TrainConfig,
    history: TrainingHistory | None = None,
) -> tuple[TrainResult, TrainingHistory]:
    """Run a whole training run in this thread (no progress); the result and
    the history."""
    run = TrainingRun(params, dataset, config, history)
    return run.run(), run.history
