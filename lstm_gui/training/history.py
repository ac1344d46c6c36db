"""The training history: loss, outputs and weights per epoch, appendable and saved thinned."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lstm_gui.core.errors import FieldError, check_count, finite_number, text_value
from lstm_gui.core.files.io import atomic_write_text
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.limits import MAX_HISTORY_NUMBERS, MAX_HISTORY_ROWS, MAX_SEQUENCES
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES

#: Largest epoch number a history holds (a 64-bit integer).
MAX_EPOCH_NUMBER = 2**63 - 1


@dataclass(frozen=True, slots=True)
class HistoryChunk:
    """New history rows (copies), handed from the training loop to a view.

    ``run_start`` is true when the first row starts a new run (epoch 0 of the
    run: the start weights). ``loss_min``/``loss_max`` (``None``: equal to
    ``loss``) are the lowest and highest loss of the epochs each row stands
    for, in a thinned history.
    """

    epochs: np.ndarray  # int64 (k,)
    loss: np.ndarray  # (k,)
    outputs: np.ndarray  # (k, sequences)
    weights: np.ndarray  # (k, 12)
    run_start: bool = False
    loss_min: np.ndarray | None = None  # (k,)
    loss_max: np.ndarray | None = None  # (k,)


class TrainingHistory:
    """Per-epoch records of one or more runs (epoch 0 = the start weights).

    Rows hold the cumulative epoch number, the summed loss, each sequence's
    output and the 12 weights after that epoch. A retrain appends a new run
    (its first row repeats the epoch number of the previous run's last row,
    with the possibly edited start weights); ``run_starts`` lists the row
    where each run begins. The arrays grow by doubling; the properties return
    views of the filled rows, so a reader on another thread keeps a valid
    (if slightly old) view while rows are appended.

    Bounded memory: the first :attr:`FULL_ROWS` rows (every epoch up to
    10,000 of a first run) are kept as they are. Beyond them, once the
    history holds :attr:`MAX_ROWS` rows (fewer for datasets of hundreds of
    sequences, see :attr:`MAX_MEMORY_NUMBERS`), the later part is thinned
    evenly: every other row is dropped and from then on each kept row stands
    for twice as many epochs (the stride doubles). A kept row holds the
    values of the *last* epoch it stands for, so the newest epoch is always
    a row; each run's first and last rows are always kept; and
    :attr:`loss_min` / :attr:`loss_max` hold the exact lowest and highest
    loss over the epochs each row stands for (a spike in a million epochs is
    never lost from the envelope). Appending stays amortised O(1) per epoch.
    :attr:`decimated` is true once rows were dropped (in memory or when
    saved). :meth:`nearest_row` finds the kept row closest to an epoch.

    Saving keeps every row up to :attr:`MAX_SAVED_ROWS` and otherwise an even
    selection of rows (always each run's first and last rows, and the loss
    envelope of the rows left out), so a million-epoch history still saves
    to a few megabytes.
    """

    #: Rows kept exactly from the start (epochs 0 to 10,000 of a first run).
    FULL_ROWS = 10_001
    #: Most rows in memory; beyond, the rows after :attr:`FULL_ROWS` are thinned.
    MAX_ROWS = MAX_HISTORY_ROWS
    #: Most numbers in memory (rows x (2 + sequences + 12)): fewer rows for
    #: datasets of hundreds of sequences (about 200 MB of float64).
    MAX_MEMORY_NUMBERS = 25_000_000
    MAX_SAVED_ROWS = 10_000
    #: Saved numbers at most (rows x columns), for datasets with many sequences.
    MAX_SAVED_NUMBERS = 250_000

    def __init__(self, sequence_names: Sequence[str] = (), capacity: int = 256) -> None:
        self.sequence_names: tuple[str, ...] = tuple(sequence_names)
        n = len(self.sequence_names)
        self._row_cap = max(256, min(self.MAX_ROWS, self.MAX_MEMORY_NUMBERS // (2 + n + 12)))
        self._full_rows = min(self.FULL_ROWS, self._row_cap // 4)
        capacity = max(1, min(capacity, self._row_cap))
        self._epochs = np.zeros(capacity, dtype=np.int64)
        self._loss = np.zeros(capacity)
        self._loss_min = np.zeros(capacity)
        self._loss_max = np.zeros(capacity)
        self._outputs = np.zeros((capacity, n))
        self._weights = np.zeros((capacity, 12))
        self._size = 0
        #: Epochs each thinned row stands for, and how many the last row holds
        #: so far (it takes in new epochs until it holds ``_stride``).
        self._stride = 1
        #: Counts the times rows were merged or dropped (a reader that caches
        #: rows by position starts again when it changes).
        self.revision = 0
        self._fill = 0
        self.run_starts: list[int] = []
        #: True if rows were thinned out (in memory, or when saved and loaded).
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
    def loss_min(self) -> np.ndarray:
        """The lowest loss of the epochs each row stands for (``loss`` where not thinned)."""
        return self._loss_min[: self._size]

    @property
    def loss_max(self) -> np.ndarray:
        """The highest loss of the epochs each row stands for (``loss`` where not thinned)."""
        return self._loss_max[: self._size]

    @property
    def outputs(self) -> np.ndarray:
        return self._outputs[: self._size]

    @property
    def weights(self) -> np.ndarray:
        return self._weights[: self._size]

    @property
    def last_epoch(self) -> int:
        return int(self._epochs[self._size - 1]) if self._size else 0

    def nearest_row(self, epoch: float) -> int:
        """The index of the kept row whose epoch is closest to ``epoch``. Of
        rows with equal epochs the last: where a run was continued from
        edited weights (a retrain, or a pause with edits), the epoch shows the
        weights the training went on from. Raises ``IndexError`` if empty."""
        if not self._size:
            raise IndexError("the history is empty")
        epochs = self.epochs
        right = int(np.searchsorted(epochs, epoch, side="right"))
        if right == 0:
            return 0
        if right >= self._size:
            return self._size - 1
        before, after = right - 1, right
        # Python floats of ints: no overflow near the int64 limits.
        return after if float(epochs[after]) - epoch < epoch - float(epochs[before]) else before

    def copy(self) -> TrainingHistory:
        other = TrainingHistory(self.sequence_names, capacity=max(1, self._size))
        other._row_cap = self._row_cap
        other._reserve(self._size)
        for name in _COLUMNS:
            getattr(other, name)[: self._size] = getattr(self, name)[: self._size]
        other._size = self._size
        other._stride, other._fill = self._stride, self._fill
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
        capacity = max(need, min(capacity, self._row_cap))
        for name in _COLUMNS:
            old = getattr(self, name)
            new = np.zeros((capacity,) + old.shape[1:], dtype=old.dtype)
            new[: self._size] = old[: self._size]
            setattr(self, name, new)

    def _append_rows(self, rows: tuple[np.ndarray, ...]) -> None:
        k = len(rows[0])
        self._reserve(k)
        s, e = self._size, self._size + k
        for name, values in zip(_COLUMNS, rows):
            getattr(self, name)[s:e] = values
        self._size = e

    def extend(
        self,
        epochs: npt.ArrayLike,
        loss: npt.ArrayLike,
        outputs: npt.ArrayLike,
        weights: npt.ArrayLike,
        run_start: bool = False,
        loss_min: npt.ArrayLike | None = None,
        loss_max: npt.ArrayLike | None = None,
    ) -> None:
        """Append rows (array-likes of equal length), one per epoch, thinning
        older rows when the history is full (see the class docstring).
        ``loss_min``/``loss_max``: the loss envelope of rows that already
        stand for several epochs (default: ``loss``)."""
        epochs = np.asarray(epochs, dtype=np.int64).reshape(-1)
        k = len(epochs)
        loss = np.asarray(loss, dtype=np.float64).reshape(k)
        low = loss if loss_min is None else np.asarray(loss_min, dtype=np.float64).reshape(k)
        high = loss if loss_max is None else np.asarray(loss_max, dtype=np.float64).reshape(k)
        outputs = np.asarray(outputs, dtype=np.float64).reshape(k, self.sequence_count)
        weights = np.asarray(weights, dtype=np.float64).reshape(k, 12)
        columns = (epochs, loss, low, high, outputs, weights)
        pos = 0
        while pos < k:
            if self._size >= self._row_cap:
                self._thin()
            size, stride = self._size, self._stride
            if run_start and pos == 0:
                # A run's first row stands for itself only.
                self.run_starts.append(size)
                self._append_rows(tuple(column[:1] for column in columns))
                self._fill = stride if size >= self._full_rows else 0
                pos = 1
                continue
            if size < self._full_rows:
                take = min(k - pos, self._full_rows - size)
                self._append_rows(tuple(column[pos : pos + take] for column in columns))
                pos += take
                continue
            if 0 < self._fill < stride and size > self._full_rows:
                # The last row takes in epochs until it stands for `stride` of them.
                take = min(k - pos, stride - self._fill)
                last, stop = size - 1, pos + take
                self._epochs[last] = epochs[stop - 1]
                self._loss[last] = loss[stop - 1]
                self._loss_min[last] = min(self._loss_min[last], low[pos:stop].min())
                self._loss_max[last] = max(self._loss_max[last], high[pos:stop].max())
                self._outputs[last] = outputs[stop - 1]
                self._weights[last] = weights[stop - 1]
                self._fill += take
                pos = stop
                continue
            # New rows of `stride` epochs each, as many as fit.
            groups = min(self._row_cap - size, -(-(k - pos) // stride))
            take = min(k - pos, groups * stride)
            starts = np.arange(pos, pos + take, stride)
            ends = np.minimum(starts + stride, pos + take) - 1
            offsets = starts - pos
            self._append_rows(
                (
                    epochs[ends],
                    loss[ends],
                    np.minimum.reduceat(low[pos : pos + take], offsets),
                    np.maximum.reduceat(high[pos : pos + take], offsets),
                    outputs[ends],
                    weights[ends],
                )
            )
            self._fill = int(ends[-1] - starts[-1] + 1)
            pos += take

    def _thin(self) -> None:
        """Drop every other row after the first :attr:`FULL_ROWS` (merging
        each dropped row's loss envelope into the next kept row), keeping
        each run's first row and, before it, the previous run's last row.
        New arrays, so views handed out earlier stay valid."""
        full, size = self._full_rows, self._size
        starts = set(self.run_starts)
        keep: list[int] = []
        partner: list[int] = []  # the dropped row merged into each kept row, or -1
        pending = -1
        for row in range(full, size):
            if row in starts:
                if pending >= 0:
                    keep.append(pending)
                    partner.append(-1)
                    pending = -1
                keep.append(row)
                partner.append(-1)
            elif pending < 0:
                pending = row
            else:
                keep.append(row)
                partner.append(pending)
                pending = -1
        if pending >= 0:
            keep.append(pending)
            partner.append(-1)
        if len(keep) == size - full:
            # Nothing to merge (only run boundaries): grow instead.
            self._row_cap += self._row_cap // 2
            return
        kept = np.asarray(keep, dtype=np.int64)
        merged = np.asarray(partner, dtype=np.int64)
        has_partner = merged >= 0
        capacity = len(self._loss)
        for name in _COLUMNS:
            old = getattr(self, name)
            new = np.zeros_like(old, shape=(capacity,) + old.shape[1:])
            new[:full] = old[:full]
            values = old[kept]
            if name == "_loss_min":
                values[has_partner] = np.minimum(values[has_partner], old[merged[has_partner]])
            elif name == "_loss_max":
                values[has_partner] = np.maximum(values[has_partner], old[merged[has_partner]])
            new[full : full + len(kept)] = values
            setattr(self, name, new)
        index_of = {int(row): full + k for k, row in enumerate(keep)}
        self.run_starts = [r if r < full else index_of[r] for r in self.run_starts]
        self._size = full + len(kept)
        self._stride *= 2
        self._fill = self._stride  # the next epoch starts a new row
        self.decimated = True
        self.revision += 1

    def append_chunk(self, chunk: HistoryChunk) -> None:
        self.extend(
            chunk.epochs, chunk.loss, chunk.outputs, chunk.weights, chunk.run_start, chunk.loss_min, chunk.loss_max
        )

    def chunk(self, start: int, stop: int | None = None) -> HistoryChunk:
        """Copies of rows ``start:stop``."""
        stop = self._size if stop is None else stop
        return HistoryChunk(
            self.epochs[start:stop].copy(),
            self.loss[start:stop].copy(),
            self.outputs[start:stop].copy(),
            self.weights[start:stop].copy(),
            run_start=start in self.run_starts,
            loss_min=self.loss_min[start:stop].copy(),
            loss_max=self.loss_max[start:stop].copy(),
        )

    def truncate(self, size: int) -> None:
        """Drop rows from ``size`` on."""
        self._size = max(0, min(size, self._size))
        self._fill = self._stride
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
        """Plain JSON data: rows as lists; long histories evenly thinned out.

        ``loss_min``/``loss_max`` (only when rows were thinned) give each
        saved row's lowest and highest loss over the epochs it stands for.
        """
        rows = self.saved_rows()
        decimated = self.decimated or len(rows) < self._size
        row_of = {int(r): k for k, r in enumerate(rows)}
        data: dict[str, Any] = {
            "sequence_names": list(self.sequence_names),
            "epochs": self.epochs[rows].tolist(),
            "loss": self.loss[rows].tolist(),
            "outputs": self.outputs[rows].tolist(),
            "weights": self.weights[rows].tolist(),
            "run_starts": [row_of[r] for r in self.run_starts if r in row_of],
            "decimated": decimated,
        }
        if decimated and len(rows):
            # Each saved row stands for the rows since the previous saved one.
            offsets = np.concatenate(([0], rows[:-1] + 1))
            data["loss_min"] = np.minimum.reduceat(self.loss_min, offsets).tolist()
            data["loss_max"] = np.maximum.reduceat(self.loss_max, offsets).tolist()
        return data

    @classmethod
    def from_json_dict(cls, data: object, where: str = "history") -> TrainingHistory:
        """Validate plain JSON data (see :meth:`to_json_dict`) and build.

        Raises
        ------
        FieldError
            ``where`` is the place under the prefix ``where``
            (``history.loss[3]``), e.g. ``expected a finite number, got nan``.
        """
        try:
            return cls._from_json_dict(data)
        except FieldError as exc:
            raise exc.within(where) from None

    @classmethod
    def _from_json_dict(cls, data: object) -> TrainingHistory:
        if not isinstance(data, dict):
            raise FieldError("", f"expected an object, got {type(data).__name__}")
        for key in _REQUIRED_FIELDS:
            if key not in data:
                raise FieldError("", f"missing field {key!r}")
        unknown = sorted(str(key) for key in set(data) - set(_REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS))
        if unknown:
            raise FieldError("", f"unknown field(s) {', '.join(unknown)}")
        names = _json_list(data["sequence_names"], "sequence_names")
        check_count(len(names), MAX_SEQUENCES, "sequence_names", "names")
        for k, name in enumerate(names):
            text_value(name, f"sequence_names[{k}]")
        epochs_raw = _json_list(data["epochs"], "epochs")
        n = len(epochs_raw)
        # The sizes first, before any number is converted.
        check_count(n, MAX_HISTORY_ROWS, "epochs", "rows")
        if n * (2 + len(names) + 12) > MAX_HISTORY_NUMBERS:
            raise FieldError(
                "", f"{n} rows of {2 + len(names) + 12} numbers, more than the limit of {MAX_HISTORY_NUMBERS} numbers"
            )
        epochs: list[int] = []
        for k, e in enumerate(epochs_raw):
            if isinstance(e, bool) or not isinstance(e, int) or not 0 <= e <= MAX_EPOCH_NUMBER:
                raise FieldError(
                    f"epochs[{k}]", f"expected a whole number from 0 to {MAX_EPOCH_NUMBER}, got {quote_value(e)}"
                )
            if k and e < epochs[-1]:
                raise FieldError(f"epochs[{k}]", f"epochs must not decrease ({e} after {epochs[-1]})")
            epochs.append(e)
        columns: dict[str, list[Any]] = {}
        for key in ("loss", "outputs", "weights"):
            values = _json_list(data[key], key)
            if len(values) != n:
                raise FieldError(key, f"expected {n} rows like epochs, got {len(values)}")
            columns[key] = values
        loss = [finite_number(v, f"loss[{k}]") for k, v in enumerate(columns["loss"])]
        width = {"outputs": len(names), "weights": 12}
        rows: dict[str, list[list[float]]] = {}
        for key in ("outputs", "weights"):
            rows[key] = []
            for k, raw_row in enumerate(columns[key]):
                row = _json_list(raw_row, f"{key}[{k}]")
                if len(row) != width[key]:
                    raise FieldError(f"{key}[{k}]", f"expected {width[key]} numbers, got {len(row)}")
                rows[key].append([finite_number(v, f"{key}[{k}][{j}]") for j, v in enumerate(row)])
        envelope: dict[str, list[float] | None] = {"loss_min": None, "loss_max": None}
        for key in envelope:
            if key in data:
                values = _json_list(data[key], key)
                if len(values) != n:
                    raise FieldError(key, f"expected {n} rows like epochs, got {len(values)}")
                envelope[key] = [finite_number(v, f"{key}[{k}]") for k, v in enumerate(values)]
        low, high = envelope["loss_min"], envelope["loss_max"]
        for k in range(n):
            if low is not None and low[k] > loss[k]:
                raise FieldError(f"loss_min[{k}]", f"expected at most the loss {loss[k]!r}, got {low[k]!r}")
            if high is not None and high[k] < loss[k]:
                raise FieldError(f"loss_max[{k}]", f"expected at least the loss {loss[k]!r}, got {high[k]!r}")
        run_starts = _json_list(data.get("run_starts", [0] if n else []), "run_starts")
        check_count(len(run_starts), max(n, 1), "run_starts", "rows")
        for k, r in enumerate(run_starts):
            if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < n:
                raise FieldError(f"run_starts[{k}]", f"expected a row index below {n}, got {quote_value(r)}")
        decimated = data.get("decimated", False)
        if not isinstance(decimated, bool):
            raise FieldError("decimated", f"expected true or false, got {quote_value(decimated)}")
        history = cls(names, capacity=max(1, n))
        if n:
            history.extend(epochs, loss, rows["outputs"], rows["weights"], loss_min=low, loss_max=high)
        history.run_starts = sorted(set(run_starts))
        history.decimated = decimated
        return history


_COLUMNS: tuple[str, ...] = ("_epochs", "_loss", "_loss_min", "_loss_max", "_outputs", "_weights")
_REQUIRED_FIELDS: tuple[str, ...] = ("sequence_names", "epochs", "loss", "outputs", "weights")
_OPTIONAL_FIELDS: tuple[str, ...] = ("run_starts", "decimated", "loss_min", "loss_max")


def _json_list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(where, f"expected a list, got {type(value).__name__}")
    return value


# -- CSV export ----------------------------------------------------------------------


def history_csv_header(sequence_names: Sequence[str]) -> list[str]:
    """The CSV columns: ``epoch``, ``loss``, ``out_<k> <name>`` per sequence,
    then the 12 weights by their notebook names (``wlr1`` ... ``bo1``)."""
    outputs = [f"out_{k} {name}" for k, name in enumerate(sequence_names)]
    return ["epoch", "loss", *outputs, *NOTEBOOK_NAMES]


def history_csv_text(history: TrainingHistory) -> str:
    """Every row of ``history`` as CSV text with a header row.

    Numbers at full precision (``repr``: they read back as the same float64);
    names with commas or quotes are quoted by the :mod:`csv` module.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(history_csv_header(history.sequence_names))
    # tolist(): Python ints and floats, whose repr is exact (and much faster
    # than formatting numpy scalars one by one).
    numbers = np.column_stack([history.loss, history.outputs, history.weights]).tolist()
    for epoch, row in zip(history.epochs.tolist(), numbers):
        writer.writerow([str(epoch), *map(repr, row)])
    return out.getvalue()


def write_history_csv(history: TrainingHistory, path: str | os.PathLike[str]) -> None:
    """Write :func:`history_csv_text` to ``path`` atomically (``OSError`` if it
    cannot be written; the old file is kept then)."""
    atomic_write_text(path, history_csv_text(history))
