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

from lstm_gui.core.errors import FieldError, finite_number
from lstm_gui.core.files.io import atomic_write_text
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES


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

    def copy(self) -> TrainingHistory:
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

    def extend(
        self,
        epochs: npt.ArrayLike,
        loss: npt.ArrayLike,
        outputs: npt.ArrayLike,
        weights: npt.ArrayLike,
        run_start: bool = False,
    ) -> None:
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
        for k, name in enumerate(names):
            if not isinstance(name, str):
                raise FieldError(f"sequence_names[{k}]", f"expected a string, got {name!r}")
        epochs_raw = _json_list(data["epochs"], "epochs")
        n = len(epochs_raw)
        epochs: list[int] = []
        for k, e in enumerate(epochs_raw):
            if isinstance(e, bool) or not isinstance(e, int) or e < 0:
                raise FieldError(f"epochs[{k}]", f"expected a whole number >= 0, got {e!r}")
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
        run_starts = _json_list(data.get("run_starts", [0] if n else []), "run_starts")
        for k, r in enumerate(run_starts):
            if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < n:
                raise FieldError(f"run_starts[{k}]", f"expected a row index below {n}, got {r!r}")
        decimated = data.get("decimated", False)
        if not isinstance(decimated, bool):
            raise FieldError("decimated", f"expected true or false, got {decimated!r}")
        history = cls(names, capacity=max(1, n))
        if n:
            history.extend(epochs, loss, rows["outputs"], rows["weights"])
        history.run_starts = sorted(set(run_starts))
        history.decimated = decimated
        return history


_REQUIRED_FIELDS: tuple[str, ...] = ("sequence_names", "epochs", "loss", "outputs", "weights")
_OPTIONAL_FIELDS: tuple[str, ...] = ("run_starts", "decimated")


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
