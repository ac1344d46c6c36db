"""Runs :func:`lstm_gui.training.compare.train_comparison` without stalling the window.

In a separate process (``python -m lstm_gui.training.compare_child``)
driven by a ``QProcess``, like the training column's
:class:`~lstm_gui.ui.training.trainers.ProcessTrainer`: a worker thread in
the window gave event-loop gaps of 30-140 ms (the fast engine's small-data
path is pure Python and holds the GIL), the process leaves the GUI thread
alone (``benchmarks/bench_comparison.py``). Messages arrive through the
event loop as copies of plain data; Stop is a command the child's listener
turns into the stop event the training checks between chunks; closing
stdin stops it too, so the child never outlives the window.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal, Slot

from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.resources import package_search_path
from lstm_gui.training.child import encode_frame, read_frames
from lstm_gui.training.compare import COMPARED_CELLS
from lstm_gui.training.config import TrainConfig


class ComparisonRunner(QObject):
    """One comparison training at a time, in a child process.

    Signals
    -------
    points(list) : new ``(cell, epoch, loss)`` points, oldest first.
    finished(dict) : ``{cell: CellTrainResult}`` of a run that ended (a
        stopped run's cells so far).
    failed(str) : the run raised or the process died; the reason for the person.
    running_changed(bool)
    """

    points = Signal(list)
    finished = Signal(dict)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        #: Processes that sent their result and are exiting (not yet reaped).
        self._retired: list[QProcess] = []
        self._buffer = bytearray()
        self._stderr = bytearray()

    def is_running(self) -> bool:
        return self._process is not None

    def start(
        self,
        dataset: Sequence[DatasetItem],
        config: TrainConfig,
        current: Mapping[str, Sequence[float]],
        cells: Sequence[str] = COMPARED_CELLS,
    ) -> None:
        """Train ``cells`` on ``dataset`` with ``config`` (see
        :func:`train_comparison`); does nothing while a run is going."""
        if self._process is not None:
            return
        job = (tuple(dataset), config, tuple(cells), {kind: tuple(values) for kind, values in current.items()})
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "lstm_gui.training.compare_child"])
        environment = QProcessEnvironment.systemEnvironment()
        # The child must import this very package, also from a plain checkout.
        paths = [package_search_path()] + [p for p in environment.value("PYTHONPATH", "").split(os.pathsep) if p]
        environment.insert("PYTHONPATH", os.pathsep.join(paths))
        environment.insert("PYTHONUNBUFFERED", "1")
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            environment.insert(name, "1")
        process.setProcessEnvironment(environment)
        # Each slot checks that its process is still the current one.
        process.readyReadStandardOutput.connect(lambda p=process: p is self._process and self._on_output())
        process.readyReadStandardError.connect(lambda p=process: p is self._process and self._on_error_output())
        process.finished.connect(lambda code, _status, p=process: self._on_process_finished(p, code))
        process.errorOccurred.connect(lambda error, p=process: p is self._process and self._on_error(error))
        self._process = process
        self._buffer = bytearray()
        self._stderr = bytearray()
        process.start()
        process.write(encode_frame(job))
        self.running_changed.emit(True)

    @Slot()
    def _on_output(self) -> None:
        process = self._process
        if process is None:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        points: list[tuple[str, int, float]] = []
        for message in read_frames(self._buffer):
            if message[0] == "points":
                points.extend(message[1])
                continue
            if points:
                self.points.emit(points)
                points = []
            self._end(process)
            if message[0] == "finished":
                self.finished.emit(dict(message[1]))
            else:
                self.failed.emit(str(message[1]))
            return
        if points:
            self.points.emit(points)

    @Slot()
    def _on_error_output(self) -> None:
        if self._process is not None:
            data = bytes(self._process.readAllStandardError().data())
            sys.stderr.write(data.decode("utf-8", "replace"))
            self._stderr += data
            del self._stderr[:-4000]

    def _on_process_finished(self, process: QProcess, exit_code: int) -> None:
        if process is not self._process:
            if process in self._retired:
                self._retired.remove(process)
            with contextlib.suppress(RuntimeError):  # already gone with its parent at exit
                process.deleteLater()
            return
        self._on_output()
        if process is self._process:  # ended without its result
            self._on_error_output()
            tail = self._stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            self._end(process)
            self.failed.emit(f"the comparison process ended unexpectedly (exit code {exit_code}) {tail[0]}".strip())

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            self._end(self._process)
            self.failed.emit(f"could not start the comparison process ({sys.executable})")

    def _end(self, process: QProcess) -> None:
        """The run is over: the child may exit now (it is reaped when it does)."""
        self._process = None
        process.closeWriteChannel()
        if process.state() == QProcess.ProcessState.NotRunning:
            process.deleteLater()
        else:
            self._retired.append(process)
        self.running_changed.emit(False)

    def stop(self) -> None:
        """Ask the run to stop; its cells so far arrive through ``finished``."""
        if self._process is not None:
            self._process.write(encode_frame(("stop",)))

    def shutdown(self, timeout: float = 1.0) -> None:
        """Stop the child and wait for it (the window closes); nothing is emitted."""
        process, self._process = self._process, None
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.write(encode_frame(("stop",)))
            process.closeWriteChannel()
        for child in [process, *self._retired] if process is not None else list(self._retired):
            if child.state() != QProcess.ProcessState.NotRunning and not child.waitForFinished(int(timeout * 1000)):
                child.kill()
                child.waitForFinished(1000)
            child.deleteLater()
        self._retired.clear()
