"""Run a training job without stalling the window: in a separate process
(the default) or in a ``QThread``.

Why a process: the fast engine is pure Python and holds the GIL while it
trains, and every Qt-to-Python call on the GUI thread (timers, paint, plot
updates) must then wait for it. A ``QThread`` worker gives event-loop gaps of
tens of milliseconds even with a short ``sys.setswitchinterval``; a spawned
process trains on the second core and the GUI thread never waits
(``benchmarks/bench_responsive.py`` measures both). The process also keeps the
torch reference engine's slow ``import torch`` away from the window.

Both trainers have the same interface and the same signals; the training
loop never touches a widget and hands over copies of plain data
(:mod:`lstm_gui.training.child`). Pause and stop are events that the loop
checks (never queued signals, which would wait behind a busy loop).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QObject,
    QProcess,
    QProcessEnvironment,
    Qt,
    QThread,
    Signal,
    Slot,
)

from lstm_gui.core.resources import package_search_path
from lstm_gui.training.child import JobRunner, TrainJob, encode_frame, read_frames

#: A message from the training loop: ("progress", Progress), ("finished", TrainResult) or ("failed", str).
Message = tuple[Any, ...]
Send = Callable[[Message], None]


class Trainer(QObject):
    """Common interface: ``start(job)``, ``pause()``, ``resume()``, ``stop()``,
    ``set_lr(lr)``, ``set_max_rate(epochs_per_second | None)``,
    ``set_params(weights)``, ``is_running()``, ``shutdown(timeout)``.

    Signals
    -------
    progressed(Progress) : the latest progress, with the history rows
        recorded since the previous one (``new_rows``).
    finished(TrainResult) : once, when a run ends.
    failed(str) : once, instead of ``finished``, when the run raised.
    """

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def start(self, job: TrainJob) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def set_lr(self, lr: float) -> None:
        raise NotImplementedError

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        """Limit the run's speed (``None``: as fast as possible), at once."""
        raise NotImplementedError

    def set_params(self, weights: tuple[float, ...]) -> None:
        """The run continues from these 12 weights (optimizer state kept)."""
        raise NotImplementedError

    def set_stop_when(self, conditions: tuple[str, ...]) -> None:
        """The run pauses where one of these conditions holds, from now on
        (training breakpoints edited during a run; the caller checked them).
        A trainer that cannot change them keeps those it started with."""

    def is_running(self) -> bool:
        raise NotImplementedError

    def shutdown(self, timeout: float = 1.0) -> None:
        """Stop and wait for the run to end; never returns with it alive."""
        raise NotImplementedError

    def _dispatch(self, message: Message) -> None:
        kind = message[0]
        if kind == "progress":
            self.progressed.emit(message[1])
        elif kind == "finished":
            self.finished.emit(message[1])
        elif kind == "failed":
            self.failed.emit(message[1])


class _ThreadWorker(QObject):
    """Lives in the training ``QThread``; forwards the runner's messages."""

    message = Signal(object)
    done = Signal()

    def __init__(self, runner_factory: Callable[[Send], JobRunner]) -> None:
        super().__init__()
        self._runner_factory = runner_factory

    @Slot()
    def run(self) -> None:
        runner = self._runner_factory(self.message.emit)
        runner()
        self.done.emit()


class ThreadTrainer(Trainer):
    """Trains in a ``QThread`` owned by this object.

    ``switch_interval`` (seconds), if given, replaces
    ``sys.setswitchinterval`` while a run is going, so the GUI thread gets the
    GIL back sooner; the previous value is restored afterwards.
    """

    def __init__(self, parent: QObject | None = None, switch_interval: float | None = None) -> None:
        super().__init__(parent)
        self._switch_interval = switch_interval
        self._saved_interval: float | None = None
        self._thread: QThread | None = None
        self._worker: _ThreadWorker | None = None
        self._runner: JobRunner | None = None
        self._pause = threading.Event()
        self._stop = threading.Event()

    def start(self, job: TrainJob) -> None:
        if self.is_running():
            raise RuntimeError("a training run is already going")
        self._cleanup()
        self._pause = threading.Event()
        self._stop = threading.Event()

        def make_runner(send: Send) -> JobRunner:
            self._runner = JobRunner(job, send, self._pause, self._stop)
            return self._runner

        self._runner = None
        thread = QThread()
        thread.setObjectName("training-thread")
        worker = _ThreadWorker(make_runner)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.message.connect(self._dispatch)  # queued: crosses threads
        # Direct: quit() is thread-safe, and a queued call would wait for the
        # GUI thread, which may be blocked in _join() waiting for this very quit.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread, self._worker = thread, worker
        if self._switch_interval is not None:
            self._saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(self._switch_interval)
        thread.start()

    def _dispatch(self, message: Message) -> None:
        if message[0] in ("finished", "failed"):
            self._join(5.0)
        super()._dispatch(message)

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    def stop(self) -> None:
        self._stop.set()
        self._pause.clear()

    def set_lr(self, lr: float) -> None:
        runner = self._runner
        if runner is not None:
            runner.set_lr(lr)

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        runner = self._runner
        if runner is not None:
            runner.set_max_rate(epochs_per_second)

    def set_params(self, weights: tuple[float, ...]) -> None:
        runner = self._runner
        if runner is not None:
            runner.set_params(weights)

    def set_stop_when(self, conditions: tuple[str, ...]) -> None:
        runner = self._runner
        if runner is not None:
            runner.set_stop_when(tuple(conditions))

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def _join(self, timeout: float) -> bool:
        thread = self._thread
        if thread is None:
            return True
        ok = thread.wait(int(timeout * 1000))
        if ok and self._saved_interval is not None:
            sys.setswitchinterval(self._saved_interval)
            self._saved_interval = None
        return ok

    def _cleanup(self) -> None:
        if self._thread is not None and not self._thread.isRunning():
            if self._worker is not None:
                self._worker.deleteLater()
            self._thread.deleteLater()
            self._thread = self._worker = None

    def shutdown(self, timeout: float = 1.0) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.quit()
            if not self._join(timeout):
                # A pure-Python loop cannot be interrupted from outside; it
                # checks stop_event every epoch, so this only waits longer.
                self._join(30.0)
        self._cleanup()


class ProcessTrainer(Trainer):
    """Trains in a separate Python process (``python -m
    lstm_gui.training.child``), driven through its stdin and stdout by a
    ``QProcess``: messages arrive through the event loop, no polling and no
    extra thread. The child stops when its stdin closes, so it never outlives
    the window. (``multiprocessing`` spawn was not used: it re-runs the
    caller's main script in the child, which breaks any script without an
    ``if __name__ == "__main__"`` guard.)
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        #: Processes that sent their result and are exiting (not yet reaped).
        self._retired: list[QProcess] = []
        self._buffer = bytearray()
        self._stderr = bytearray()
        self._ended = True

    def start(self, job: TrainJob) -> None:
        if self.is_running():
            raise RuntimeError("a training run is already going")
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "lstm_gui.training.child"])
        environment = QProcessEnvironment.systemEnvironment()
        # The child must import this very package, also from a plain checkout.
        paths = [package_search_path()] + [p for p in environment.value("PYTHONPATH", "").split(os.pathsep) if p]
        environment.insert("PYTHONPATH", os.pathsep.join(paths))
        environment.insert("PYTHONUNBUFFERED", "1")
        # One thread: the 12-weight engine gains nothing from BLAS threads, and
        # their spinning would compete with the window for the CPU.
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            environment.insert(name, "1")
        process.setProcessEnvironment(environment)
        # Each slot checks that its process is still the current one: a
        # finished run's process may exit after the next run has started.
        process.readyReadStandardOutput.connect(lambda p=process: p is self._process and self._on_output())
        process.readyReadStandardError.connect(lambda p=process: p is self._process and self._on_error_output())
        process.finished.connect(lambda code, status, p=process: self._on_process_finished(p, code))
        process.errorOccurred.connect(lambda error, p=process: p is self._process and self._on_process_error(error))
        self._process = process
        self._buffer = bytearray()
        self._stderr = bytearray()
        self._ended = False
        process.start()
        process.write(encode_frame(job))

    def _send(self, command: tuple[Any, ...]) -> None:
        if self._process is not None and not self._ended:
            self._process.write(encode_frame(command))

    @Slot()
    def _on_output(self) -> None:
        process = self._process
        if process is None:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        for message in read_frames(self._buffer):
            if self._ended:
                return
            if message[0] in ("finished", "failed"):
                self._ended = True
                process.closeWriteChannel()  # the child may exit now
                self._retired.append(process)
                self._process = None
            self._dispatch(message)

    @Slot()
    def _on_error_output(self) -> None:
        if self._process is not None:
            data = bytes(self._process.readAllStandardError().data())
            sys.stderr.write(data.decode("utf-8", "replace"))
            self._stderr += data
            del self._stderr[:-4000]

    def _on_process_finished(self, process: QProcess, exit_code: int) -> None:
        if process in self._retired:
            self._retired.remove(process)
            with contextlib.suppress(RuntimeError):  # already gone with its parent at exit
                process.deleteLater()
            return
        if process is not self._process:
            return
        self._on_output()
        self._on_error_output()
        if not self._ended:
            self._ended = True
            tail = self._stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            self._dispatch(
                ("failed", f"the training process ended unexpectedly (exit code {exit_code}) {tail[0]}".strip())
            )
        self._release()

    @Slot(QProcess.ProcessError)
    def _on_process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._ended:
            self._ended = True
            self._dispatch(("failed", f"could not start the training process ({sys.executable})"))
            self._release()

    def _release(self) -> None:
        if self._process is not None and self._process.state() == QProcess.ProcessState.NotRunning:
            self._process.deleteLater()
            self._process = None

    def pause(self) -> None:
        self._send(("pause",))

    def resume(self) -> None:
        self._send(("resume",))

    def stop(self) -> None:
        self._send(("stop",))

    def set_lr(self, lr: float) -> None:
        self._send(("lr", float(lr)))

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        self._send(("max_rate", None if epochs_per_second is None else float(epochs_per_second)))

    def set_params(self, weights: tuple[float, ...]) -> None:
        self._send(("params", tuple(float(v) for v in weights)))

    def set_stop_when(self, conditions: tuple[str, ...]) -> None:
        self._send(("stop_when", tuple(str(text) for text in conditions)))

    def is_running(self) -> bool:
        return not self._ended

    def pid(self) -> int | None:
        """The training process's id while it exists (for tests and diagnostics)."""
        if self._process is None or self._process.state() == QProcess.ProcessState.NotRunning:
            return None
        return int(self._process.processId())

    def shutdown(self, timeout: float = 1.0) -> None:
        for retired in list(self._retired):
            # Done already; give it a moment to exit, then make sure.
            if not retired.waitForFinished(int(timeout * 1000)):
                retired.kill()
                retired.waitForFinished(1000)
        process = self._process
        if process is None:
            self._ended = True
            return
        if process.state() != QProcess.ProcessState.NotRunning:
            self.stop()
            process.closeWriteChannel()
            if not process.waitForFinished(int(timeout * 1000)):
                process.kill()
                process.waitForFinished(1000)
        self._ended = True
        self._process = None
        process.deleteLater()


def make_trainer(kind: str = "process", parent: QObject | None = None) -> Trainer:
    """``"process"`` (default), ``"thread"`` or ``"thread:SECONDS"`` (a
    ``QThread`` with that ``sys.setswitchinterval`` while training)."""
    if kind == "process":
        return ProcessTrainer(parent)
    if kind == "thread":
        return ThreadTrainer(parent)
    if kind.startswith("thread:"):
        return ThreadTrainer(parent, switch_interval=float(kind.split(":", 1)[1]))
    raise ValueError(f"unknown trainer {kind!r}; expected process, thread or thread:SECONDS")
