"""Runs :func:`lstm_gui.training.compare.train_comparison` off the event loop.

A plain worker thread trains the three cells; it never touches a widget. It
appends ``(cell, epoch, loss)`` points to a locked list and, at the end,
leaves the results (or the error text). A timer on the event loop takes
those copies ~30 times a second and emits them as signals, so the plot
updates at a steady rate and every slot runs in the GUI thread. The fast
engine trains in chunks of a few milliseconds in numpy, so the event loop
keeps getting the GIL (the companies example's three 5000-epoch runs take
about half a second in all). Stop is a :class:`threading.Event` the
training checks between chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from lstm_gui.core.dataset import DatasetItem
from lstm_gui.training.cell_training import CellTrainResult
from lstm_gui.training.compare import COMPARED_CELLS, train_comparison
from lstm_gui.training.config import TrainConfig

#: How often the GUI takes the worker's points (ms): about 30 updates a second.
POLL_MS = 33


class ComparisonRunner(QObject):
    """One comparison training at a time, in a worker thread.

    Signals
    -------
    points(list) : new ``(cell, epoch, loss)`` points, oldest first.
    finished(dict) : ``{cell: CellTrainResult}`` of a run that ended (a
        stopped run's cells so far).
    failed(str) : the run raised; the reason for the person.
    running_changed(bool)
    """

    points = Signal(list)
    finished = Signal(dict)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[tuple[str, int, float]] = []
        self._outcome: dict[str, CellTrainResult] | str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_poll)

    def is_running(self) -> bool:
        return self._thread is not None

    def start(
        self,
        dataset: Sequence[DatasetItem],
        config: TrainConfig,
        current: Mapping[str, Sequence[float]],
        cells: Sequence[str] = COMPARED_CELLS,
    ) -> None:
        """Train ``cells`` on copies of ``dataset`` with ``config`` (see
        :func:`train_comparison`); does nothing while a run is going."""
        if self._thread is not None:
            return
        dataset, cells = tuple(dataset), tuple(cells)
        current = {kind: tuple(values) for kind, values in current.items()}
        self._stop = threading.Event()
        self._pending = []
        self._outcome = None
        self._thread = threading.Thread(
            target=self._work, args=(dataset, config, cells, current, self._stop), name="comparison", daemon=True
        )
        self._thread.start()
        self._timer.start()
        self.running_changed.emit(True)

    def _work(
        self,
        dataset: tuple[DatasetItem, ...],
        config: TrainConfig,
        cells: tuple[str, ...],
        current: dict[str, tuple[float, ...]],
        stop: threading.Event,
    ) -> None:
        def on_epoch(cell: str, epoch: int, loss: float) -> None:
            with self._lock:
                self._pending.append((cell, epoch, loss))

        outcome: dict[str, CellTrainResult] | str
        try:
            outcome = train_comparison(dataset, config, cells, on_epoch, current, stop)
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
        with self._lock:
            self._outcome = outcome

    @Slot()
    def _on_poll(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            outcome = self._outcome
        if pending:
            self.points.emit(pending)
        if outcome is None:
            return
        self._end()
        if isinstance(outcome, str):
            self.failed.emit(outcome)
        else:
            self.finished.emit(outcome)

    def _end(self) -> None:
        self._timer.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.running_changed.emit(False)

    def stop(self) -> None:
        """Ask the run to stop; its cells so far arrive through ``finished``."""
        self._stop.set()

    def shutdown(self) -> None:
        """Stop and join the worker (the window closes); nothing is emitted."""
        self._stop.set()
        self._timer.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
