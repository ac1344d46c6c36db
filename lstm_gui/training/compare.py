"""Comparison training (issue 13): the LSTM, a plain RNN and a GRU trained
side by side on the same data with the same settings, so their loss curves
can be plotted together.

Every cell gets the same :class:`TrainConfig` (optimizer, learning rate,
momentum, epochs, updates, engine, early stop) and a comparable start from
the config's ``init``:

- ``current``: each cell's current weights (the session's LSTM weights and
  its comparison cells' weights, passed as ``current``);
- ``zeros``: all zeros for every cell;
- ``random``: N(0, 1) weights with biases 0 from ``config.seed`` for every
  cell (:meth:`CellKind.random_params`, the same scheme and seed);
- ``statquest``: StatQuest's start for the LSTM; the others have none, so
  they start as ``random`` from the same seed.

The cells are trained one after the other in the calling thread (each one
is :func:`~lstm_gui.training.cell_training.train_cell`); the window runs
this in a child process (:mod:`lstm_gui.training.compare_child`) and
streams the loss points to its plot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence

from lstm_gui.core.cells import CELL_KINDS, cell_kind
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.training.cell_training import CellTrainResult, cell_start_weights, train_cell
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.run import Progress

#: The cells a comparison trains by default, in the order they are trained and listed.
COMPARED_CELLS: tuple[str, ...] = CELL_KINDS

#: Called with (cell, epoch, loss) while a cell trains: at most every
#: ``interval`` seconds and once at the cell's end (``loss`` after ``epoch`` epochs).
OnEpoch = Callable[[str, int, float], None]


def comparison_start(kind: str, config: TrainConfig, current: Sequence[float] | None = None) -> tuple[float, ...]:
    """The start of cell ``kind`` in a comparison (see the module docstring).

    ``current`` is needed for ``init="current"`` (default: the cell's
    :attr:`~lstm_gui.core.cells.CellKind.default_params`).
    """
    cell = cell_kind(kind)
    if config.init == "statquest" and kind != "lstm":
        return cell.random_params(config.seed)
    return cell_start_weights(kind, config, cell.default_params if current is None else current)


def train_comparison(
    dataset: Sequence[DatasetItem],
    config: TrainConfig,
    cells: Sequence[str] = COMPARED_CELLS,
    on_epoch: OnEpoch | None = None,
    current: Mapping[str, Sequence[float]] | None = None,
    stop_event: threading.Event | None = None,
    interval: float = 1 / 30,
) -> dict[str, CellTrainResult]:
    """Train each of ``cells`` on ``dataset`` with ``config`` from comparable starts.

    Parameters
    ----------
    dataset : the sequences and targets every cell learns.
    config : the one set of training settings for all cells.
    cells : cell kinds (``lstm``, ``rnn``, ``gru``), each at most once.
    on_epoch : gets ``(cell, epoch, loss)`` while each cell trains (see :data:`OnEpoch`).
    current : each cell's current weights, for ``init="current"``.
    stop_event : set it to stop; the cell training then stops within a few
        milliseconds and the cells not started yet are skipped.

    Returns
    -------
    dict
        ``{cell: CellTrainResult}`` in ``cells`` order; each result's
        ``weights`` are the last finite weights reached and ``losses`` the
        loss after each epoch (``losses[0]`` at the start).

    Raises
    ------
    FieldError
        ``dataset`` when it is empty, ``cells`` for an unknown or repeated cell.
    """
    if not dataset:
        raise FieldError("dataset", "needs at least one sequence to train on")
    for kind in cells:
        if kind not in CELL_KINDS:
            raise FieldError("cells", f"unknown cell {kind!r}; expected some of {', '.join(CELL_KINDS)}")
    if len(set(cells)) != len(cells):
        raise FieldError("cells", "each cell at most once")
    current = current or {}
    starts = {kind: comparison_start(kind, config, current.get(kind)) for kind in cells}
    results: dict[str, CellTrainResult] = {}
    for kind in cells:
        if stop_event is not None and stop_event.is_set():
            break
        report = None if on_epoch is None else _reporter(kind, on_epoch)
        results[kind] = train_cell(kind, starts[kind], dataset, config, report, interval, stop_event)
    return results


def _reporter(kind: str, on_epoch: OnEpoch) -> Callable[[Progress], None]:
    def report(progress: Progress) -> None:
        on_epoch(kind, progress.epoch, progress.loss)

    return report
