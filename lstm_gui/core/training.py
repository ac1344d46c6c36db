"""Training the cell on a dataset: settings, start weights, history and runs.

CONTRACT (written before the implementation; the names below are used by the
window, the training panel and the command line -- keep them, extend freely):

- :class:`TrainConfig` frozen settings, saved in the session file.
- :func:`start_params` picks the start weights for a config.
- :class:`TrainingHistory` loss, outputs and weights per epoch (numpy arrays,
  appendable), saved with the session.
- :class:`TrainingRun` drives one run with either engine, reports progress
  through a callback at most ~30 times a second and once at the end, honours
  ``pause_event`` / ``stop_event`` (``threading.Event``) and ``set_lr`` at once.

Dataset sequences always start from memories long = short = 0 (as in the
video); loss = sum over sequences of (final short - target)^2.

Engines: ``fast`` (:mod:`lstm_gui.core.fast_engine`, analytic backpropagation
through time in float64, the default) and ``torch`` (autograd +
``torch.optim`` in float64, the reference; torch is imported only when it is
chosen). Both give the same updates to rounding.

Everything needed to start a run (:class:`CellParams`, the dataset, the
config, the history) is plain picklable data, and so is a
:class:`TrainingRun` itself (its events and lock are recreated on
unpickling), so a run can also be driven in another process.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from lstm_gui.core.cell import CellParams

if TYPE_CHECKING:  # pragma: no cover
    from lstm_gui.core.session import DatasetItem

OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "rmsprop", "adagrad")
INITS: tuple[str, ...] = ("current", "statquest", "zeros", "random")
ENGINES: tuple[str, ...] = ("fast", "torch")
STATUSES: tuple[str, ...] = ("finished", "stopped", "stopped_below", "diverged")

#: StatQuest's start: ``torch.manual_seed(42)`` then 8 draws of
#: ``torch.normal(mean=torch.tensor(0.0), std=torch.tensor(1.0))`` (float32)
#: for wlr1, wlr2, wpr1, wpr2, wp1, wp2, wo1, wo2; biases 0. The exact float32
#: values, so that torch need not be imported to make them (tested against
#: torch in tests/core/test_training.py).
STATQUEST_DRAWS: tuple[float, ...] = (
    0.33669036626815796,
    0.12880940735340118,
    0.23446236550807953,
    0.23033303022384644,
    -1.1228563785552979,
    -0.18632829189300537,
    2.2082014083862305,
    -0.637997031211853,
)


def _weights_with_zero_biases(draws: Sequence[float]) -> CellParams:
    """8 weights (w_short, w_input per gate, in gate order) and 4 zero biases."""
    flat: list[float] = []
    for k in range(4):
        flat += [draws[2 * k], draws[2 * k + 1], 0.0]
    return CellParams.from_flat(flat)


STATQUEST_PARAMS: CellParams = _weights_with_zero_biases(STATQUEST_DRAWS)


def _check_finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How to train. ``per_sample``: one update per sequence (in dataset
    order), else one update per epoch on the summed loss.

    ``seed`` is used by ``init="random"``. ``momentum`` is SGD's (torch's
    dampening 0, no Nesterov); the other optimizers use torch's defaults.
    Invalid values raise ``ValueError`` with the field's name.
    """

    optimizer: str = "adam"
    lr: float = 0.001
    momentum: float = 0.0
    epochs: int = 5000
    per_sample: bool = True
    init: str = "current"
    seed: int = 0
    stop_below: float | None = None
    engine: str = "fast"

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.init not in INITS:
            raise ValueError(f"init: expected one of {', '.join(INITS)}, got {self.init!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {self.engine!r}")
        lr = _check_finite(self.lr, "lr")
        if lr <= 0:
            raise ValueError(f"lr: expected a positive learning rate, got {self.lr!r}")
        momentum = _check_finite(self.momentum, "momentum")
        if momentum < 0:
            raise ValueError(f"momentum: expected 0 or more, got {self.momentum!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 0:
            raise ValueError(f"epochs: expected a whole number of epochs >= 0, got {self.epochs!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed: expected a whole number, got {self.seed!r}")
        if not isinstance(self.per_sample, bool):
            raise ValueError(f"per_sample: expected true or false, got {self.per_sample!r}")
        object.__setattr__(self, "lr", lr)
        object.__setattr__(self, "momentum", momentum)
        if self.stop_below is not None:
            object.__setattr__(self, "stop_below", _check_finite(self.stop_below, "stop_below"))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "optimizer": self.optimizer,
            "lr": self.lr,
            "momentum": self.momentum,
            "epochs": self.epochs,
            "per_sample": self.per_sample,
            "init": self.init,
            "seed": self.seed,
            "stop_below": self.stop_below,
            "engine": self.engine,
        }

    @classmethod
    def from_json_dict(cls, data: Any, where: str = "training") -> "TrainConfig":
        """Validate and build; ``ValueError`` says which field is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
        try:
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where}.{exc}") from None


def random_params(seed: int) -> CellParams:
    """``init="random"``: the 8 weights drawn from the standard normal N(0, 1)
    with Python's ``random.Random(seed).gauss`` in the notebook's order
    (wlr1, wlr2, wpr1, wpr2, wp1, wp2, wo1, wo2), the 4 biases 0 (like
    StatQuest's start, but reproducible without torch)."""
    rng = random.Random(seed)
    return _weights_with_zero_biases([rng.gauss(0.0, 1.0) for _ in range(8)])


def start_params(config: TrainConfig, current: CellParams) -> CellParams:
    """The weights a run starts from (``config.init``)."""
    if config.init == "current":
        return current
    if config.init == "statquest":
        return STATQUEST_PARAMS
    if config.init == "zeros":
        return CellParams.zeros()
    if config.init == "random":
        return random_params(config.seed)
    raise ValueError(f"init: expected one of {', '.join(INITS)}, got {config.init!r}")


# -- history -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HistoryChunk:
    """New history rows (copies), handed from the training loop to a view.

    ``run_start`` is true when the first row starts a new run (epoch 0 of the
    run: the start weights).
    """

    epochs: np.ndarray  # int64 (k,)
    loss: np.ndarray  # (k,)
    outputs: np.ndarray  # (k, sequences)
    weights: np.ndarray  # (k, 12)
    run_start: bool = False


class TrainingHistory:
    """Per-epoch records of one or more runs (epoch 0 = the start weights).

    Rows hold the cumulative epoch number, the summed loss, each sequence's
    output and the 12 weights after that epoch. A retrain appends a new run
    (its first row repeats the epoch number of the previous run's last row,
    with the possibly edited start weights); ``run_starts`` lists the row
    where each run begins. The arrays grow by doubling; the properties return
    views of the filled rows, so a reader on another thread keeps a valid
    (if slightly old) view while rows are appended.

    Saving keeps every row up to :attr:`MAX_SAVED_ROWS` and otherwise an even
    selection of rows (always each run's first and last rows), so a
    million-epoch history still saves to a few megabytes.
    """

    MAX_SAVED_ROWS = 10_000
    #: Saved numbers at most (rows x columns), for datasets with many sequences.
    MAX_SAVED_NUMBERS = 250_000

    def __init__(self, sequence_names: Sequence[str] = (), capacity: int = 256) -> None:
        self.sequence_names: tuple[str, ...] = tuple(sequence_names)
        n = len(self.sequence_names)
        capacity = max(1, capacity)
        self._epochs = np.zeros(capacity, dtype=np.int64)
        self._loss = np.zeros(capacity)
        self._outputs = np.zeros((capacity, n))
        self._weights = np.zeros((capacity, 12))
        self._size = 0
        self.run_starts: list[int] = []
        #: True if rows were thinned out when saved (loaded from such a file).
        self.decimated = False

    # -- reading
    def __len__(self) -> int:
        return self._size

    @property
    def sequence_count(self) -> int:
        return len(self.sequence_names)

    @property
    def epochs(self) -> np.ndarray:
        return self._epochs[: self._size]

    @property
    def loss(self) -> np.ndarray:
        return self._loss[: self._size]

    @property
    def outputs(self) -> np.ndarray:
        return self._outputs[: self._size]

    @property
    def weights(self) -> np.ndarray:
        return self._weights[: self._size]

    @property
    def last_epoch(self) -> int:
        return int(self._epochs[self._size - 1]) if self._size else 0

    def copy(self) -> "TrainingHistory":
        other = TrainingHistory(self.sequence_names, capacity=max(1, self._size))
        other.extend(self.epochs, self.loss, self.outputs, self.weights)
        other.run_starts = list(self.run_starts)
        other.decimated = self.decimated
        return other

    # -- writing
    def _reserve(self, extra: int) -> None:
        need = self._size + extra
        capacity = len(self._loss)
        if need <= capacity:
            return
        while capacity < need:
            capacity *= 2
        for name in ("_epochs", "_loss", "_outputs", "_weights"):
            old = getattr(self, name)
            new = np.zeros((capacity,) + old.shape[1:], dtype=old.dtype)
            new[: self._size] = old[: self._size]
            setattr(self, name, new)

    def extend(self, epochs, loss, outputs, weights, run_start: bool = False) -> None:
        """Append rows (array-likes of equal length)."""
        epochs = np.asarray(epochs, dtype=np.int64).reshape(-1)
        k = len(epochs)
        loss = np.asarray(loss, dtype=np.float64).reshape(k)
        outputs = np.asarray(outputs, dtype=np.float64).reshape(k, self.sequence_count)
        weights = np.asarray(weights, dtype=np.float64).reshape(k, 12)
        if run_start and k:
            self.run_starts.append(self._size)
        self._reserve(k)
        s, e = self._size, self._size + k
        self._epochs[s:e] = epochs
        self._loss[s:e] = loss
        self._outputs[s:e] = outputs
        self._weights[s:e] = weights
        self._size = e

    def append_chunk(self, chunk: HistoryChunk) -> None:
        self.extend(chunk.epochs, chunk.loss, chunk.outputs, chunk.weights, chunk.run_start)

    def chunk(self, start: int, stop: int | None = None) -> HistoryChunk:
        """Copies of rows ``start:stop``."""
        stop = self._size if stop is None else stop
        return HistoryChunk(
            self.epochs[start:stop].copy(),
            self.loss[start:stop].copy(),
            self.outputs[start:stop].copy(),
            self.weights[start:stop].copy(),
            run_start=start in self.run_starts,
        )

    def truncate(self, size: int) -> None:
        """Drop rows from ``size`` on."""
        self._size = max(0, min(size, self._size))
        self.run_starts = [r for r in self.run_starts if r < self._size]

    # -- saving
    def saved_rows(self) -> np.ndarray:
        """Indices of the rows that :meth:`to_json_dict` keeps."""
        n = self._size
        width = 2 + self.sequence_count + 12
        limit = max(2, min(self.MAX_SAVED_ROWS, self.MAX_SAVED_NUMBERS // width))
        if n <= limit:
            return np.arange(n)
        keep = np.unique(
            np.concatenate(
                (
                    np.linspace(0, n - 1, max(2, limit - 2 * len(self.run_starts))).round().astype(np.int64),
                    np.asarray(self.run_starts, dtype=np.int64),
                    # ... and the last row of each run.
                    np.asarray([r - 1 for r in self.run_starts if r > 0], dtype=np.int64),
                    [n - 1],
                )
            )
        )
        return keep

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON data: rows as lists; long histories evenly thinned out."""
        rows = self.saved_rows()
        decimated = self.decimated or len(rows) < self._size
        row_of = {int(r): k for k, r in enumerate(rows)}
        return {
            "sequence_names": list(self.sequence_names),
            "epochs": self.epochs[rows].tolist(),
            "loss": self.loss[rows].tolist(),
            "outputs": self.outputs[rows].tolist(),
            "weights": self.weights[rows].tolist(),
            "run_starts": [row_of[r] for r in self.run_starts if r in row_of],
            "decimated": decimated,
        }

    @classmethod
    def from_json_dict(cls, data: Any, where: str = "history") -> "TrainingHistory":
        """Validate and build; ``ValueError`` with a path such as
        ``history.loss[3]: expected a finite number``."""

        def need_list(value: Any, path: str) -> list:
            if not isinstance(value, list):
                raise ValueError(f"{path}: expected a list, got {type(value).__name__}")
            return value

        def number(value: Any, path: str) -> float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{path}: expected a finite number, got {value!r}")
            return float(value)

        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
        for key in ("sequence_names", "epochs", "loss", "outputs", "weights"):
            if key not in data:
                raise ValueError(f"{where}: missing field {key!r}")
        unknown = sorted(set(data) - {"sequence_names", "epochs", "loss", "outputs", "weights", "run_starts", "decimated"})
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
        names = need_list(data["sequence_names"], f"{where}.sequence_names")
        for k, name in enumerate(names):
            if not isinstance(name, str):
                raise ValueError(f"{where}.sequence_names[{k}]: expected a string, got {name!r}")
        epochs_raw = need_list(data["epochs"], f"{where}.epochs")
        n = len(epochs_raw)
        epochs = []
        for k, e in enumerate(epochs_raw):
            if isinstance(e, bool) or not isinstance(e, int) or e < 0:
                raise ValueError(f"{where}.epochs[{k}]: expected a whole number >= 0, got {e!r}")
            if k and e < epochs[-1]:
                raise ValueError(f"{where}.epochs[{k}]: epochs must not decrease ({e} after {epochs[-1]})")
            epochs.append(e)
        columns: dict[str, Any] = {}
        for key in ("loss", "outputs", "weights"):
            values = need_list(data[key], f"{where}.{key}")
            if len(values) != n:
                raise ValueError(f"{where}.{key}: expected {n} rows like epochs, got {len(values)}")
            columns[key] = values
        loss = [number(v, f"{where}.loss[{k}]") for k, v in enumerate(columns["loss"])]
        width = {"outputs": len(names), "weights": 12}
        rows: dict[str, list[list[float]]] = {}
        for key in ("outputs", "weights"):
            rows[key] = []
            for k, row in enumerate(columns[key]):
                row = need_list(row, f"{where}.{key}[{k}]")
                if len(row) != width[key]:
                    raise ValueError(f"{where}.{key}[{k}]: expected {width[key]} numbers, got {len(row)}")
                rows[key].append([number(v, f"{where}.{key}[{k}][{j}]") for j, v in enumerate(row)])
        run_starts = need_list(data.get("run_starts", [0] if n else []), f"{where}.run_starts")
        for k, r in enumerate(run_starts):
            if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < n:
                raise ValueError(f"{where}.run_starts[{k}]: expected a row index below {n}, got {r!r}")
        decimated = data.get("decimated", False)
        if not isinstance(decimated, bool):
            raise ValueError(f"{where}.decimated: expected true or false, got {decimated!r}")
        history = cls(names, capacity=max(1, n))
        if n:
            history.extend(epochs, loss, rows["outputs"], rows["weights"])
        history.run_starts = sorted(set(run_starts))
        history.decimated = decimated
        return history


# -- runs ----------------------------------------------------------------------

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
    #: Set on the last report of a run: "finished", "stopped", ...
    status: str = ""
    lr: float = 0.0


@dataclass(frozen=True, slots=True)
class TrainResult:
    status: str  # "finished" | "stopped" | "stopped_below" | "diverged"
    params: "CellParams"  # last finite weights
    loss: float
    outputs: tuple[float, ...]
    epochs: int
    message: str = ""
    seconds: float = 0.0


def dataset_sequences(dataset: Sequence["DatasetItem"]) -> list[tuple[tuple[float, ...], float]]:
    """(inputs, target) pairs of a dataset, as the engines take them."""
    return [(tuple(item.inputs), float(item.target)) for item in dataset]


def make_engine(
    weights: Sequence[float],
    dataset: Sequence["DatasetItem"],
    config: TrainConfig,
):
    """A fresh engine (fresh optimizer state) for ``config.engine``."""
    sequences = dataset_sequences(dataset)
    if config.engine == "torch":
        from lstm_gui.core.torch_engine import TorchEngine  # torch only when chosen

        cls = TorchEngine
    else:
        from lstm_gui.core.fast_engine import FastEngine

        cls = FastEngine
    return cls(weights, sequences, config.optimizer, config.per_sample, config.momentum)


class TrainingRun:
    """One training run: ``run()`` trains in the calling thread until done.

    Parameters
    ----------
    params : start weights (use :func:`start_params` for ``config.init``).
    dataset : the sequences and targets (at least one).
    config : optimizer, learning rate, epochs, mode, engine, early stop.
    history : a history to continue (a retrain appends a new run to it);
        ``None`` starts a new one. Available as ``self.history``.

    Control from other threads: ``pause_event`` (set = paused; the optimizer
    state is kept), ``stop_event`` (set = stop after the current chunk of a
    few milliseconds), :meth:`set_lr` (applied from the next update; exactly
    at the next update when called from the progress callback). A run is
    picklable before it starts (events and the lock are recreated).
    """

    #: Epochs are run in chunks of about this many seconds between checks of
    #: the events, the learning rate and the clock.
    CHUNK_SECONDS = 0.004

    def __init__(
        self,
        params: CellParams,
        dataset: Sequence["DatasetItem"],
        config: TrainConfig,
        history: TrainingHistory | None = None,
    ) -> None:
        if not dataset:
            raise ValueError("dataset: needs at least one sequence to train on")
        self.params = params
        self.dataset = tuple(dataset)
        self.config = config
        names = tuple(item.name for item in self.dataset)
        if history is not None and history.sequence_count != len(names):
            raise ValueError(
                f"history: it has {history.sequence_count} sequence(s) but the dataset has "
                f"{len(names)}; start a new history"
            )
        self.history = history if history is not None else TrainingHistory(names)
        self._lr = config.lr
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
        """Change the learning rate from the next update on (thread-safe)."""
        lr = _check_finite(lr, "learning rate")
        if lr <= 0:
            raise ValueError(f"learning rate: expected a positive number, got {lr!r}")
        with self._lock:
            self._lr = lr

    def stop(self) -> None:
        self.stop_event.set()

    def run(
        self, on_progress: Callable[[Progress], None] | None = None, interval: float = 1 / 30
    ) -> TrainResult:
        """Train; call ``on_progress`` at most every ``interval`` seconds and
        always once at the end (with ``status`` set). Returns the result; the
        history has one row per epoch (epoch 0 of the run = start weights)."""
        config = self.config
        history = self.history
        engine = make_engine(self.params.to_flat(), self.dataset, config)
        start_loss, start_outputs = engine.evaluate()
        first_epoch = history.last_epoch if len(history) else 0
        rows_reported = len(history)
        if not (math.isfinite(start_loss) and all(math.isfinite(v) for v in start_outputs)):
            return self._finish(
                "diverged", self.params, start_loss, start_outputs, 0, 0.0, on_progress, rows_reported,
                "the loss is not finite at the start weights",
            )
        history.extend([first_epoch], [start_loss], [start_outputs], [self.params.to_flat()], run_start=True)

        total = config.epochs
        done = 0
        status = "finished"
        message = ""
        chunk = 1
        started = time.perf_counter()
        paused_seconds = 0.0
        last_report = started
        stop_below = config.stop_below
        last_row = (start_loss, tuple(start_outputs), self.params.to_flat())
        while done < total:
            if self.stop_event.is_set():
                status, message = "stopped", f"stopped after {done} epochs"
                break
            if self.pause_event.is_set():
                pause_began = time.perf_counter()
                if on_progress is not None:
                    on_progress(self._progress(done, total, last_row, 0.0, 0.0, history, rows_reported, paused=True))
                    rows_reported = len(history)
                while self.pause_event.is_set() and not self.stop_event.is_set():
                    self.stop_event.wait(0.02)
                paused_seconds += time.perf_counter() - pause_began
                continue
            with self._lock:
                lr = self._lr
            n = min(chunk, total - done)
            t0 = time.perf_counter()
            try:
                count, losses, outs, weights = engine.run_epochs(n, lr, stop_below)
            except (OverflowError, ZeroDivisionError, ValueError) as exc:
                # Arithmetic blew up inside the chunk: like a non-finite loss.
                count, losses, outs, weights = 0, [], [], []
                message = str(exc)
                n = -1
            elapsed = time.perf_counter() - t0
            if count:
                k = len(history)
                history.extend(
                    np.arange(first_epoch + done + 1, first_epoch + done + count + 1),
                    losses,
                    outs,
                    weights,
                )
                bad = ~np.isfinite(history.weights[k:]).all(axis=1)
                if bad.any():
                    # A weight overflowed while the loss stayed finite.
                    count = int(np.argmax(bad))
                    history.truncate(k + count)
                    n = -1
                done += count
                if len(history) > k:
                    last = len(history) - 1
                    last_row = (
                        float(history.loss[last]),
                        tuple(history.outputs[last].tolist()),
                        tuple(history.weights[last].tolist()),
                    )
            # The engine returns early for both reasons; a chunk may also end
            # exactly on the epoch that fell below the threshold.
            if n != -1 and stop_below is not None and count and losses[count - 1] < stop_below:
                status = "stopped_below"
                message = f"the loss fell below {stop_below:g} after {done} epochs"
                break
            if count < n or n == -1:
                status = "diverged"
                message = (
                    f"training diverged at epoch {done + 1}: the loss or a weight became "
                    f"NaN or infinite (is the learning rate {lr:g} too large?); kept the "
                    f"last finite weights, from epoch {done}"
                    + (f" ({message})" if message else "")
                )
                break
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
                rows_reported = len(history)
                last_report = time.perf_counter()
        if status == "finished" and done < total:
            status = "stopped"
        seconds = time.perf_counter() - started - paused_seconds
        loss, outputs, weights = last_row
        return self._finish(
            status, CellParams.from_flat(weights), loss, outputs, done, seconds, on_progress, rows_reported, message
        )

    def _progress(self, done, total, last_row, rate, left, history, rows_reported, paused=False, status="", lr=None):
        loss, outputs, weights = last_row
        return Progress(
            epoch=done,
            epochs_total=total,
            loss=loss,
            outputs=tuple(outputs),
            weights=tuple(weights),
            epochs_per_second=rate,
            seconds_left=left,
            new_rows=history.chunk(rows_reported) if len(history) > rows_reported else None,
            paused=paused,
            status=status,
            lr=self._lr if lr is None else lr,
        )

    def _finish(self, status, params, loss, outputs, done, seconds, on_progress, rows_reported, message=""):
        if status == "finished" and not message:
            message = f"finished {done} epochs"
        if on_progress is not None:
            rate = done / seconds if seconds > 0 else 0.0
            on_progress(
                self._progress(
                    done, self.config.epochs, (loss, outputs, params.to_flat()), rate, 0.0,
                    self.history, rows_reported, status=status,
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
        )


def train(
    params: CellParams,
    dataset: Sequence["DatasetItem"],
    config: TrainConfig,
    history: TrainingHistory | None = None,
) -> tuple[TrainResult, TrainingHistory]:
    """Run a whole training run in this thread (no progress); the result and
    the history."""
    run = TrainingRun(params, dataset, config, history)
    return run.run(), run.history
