"""What runs a training job off the GUI thread: plain data in, plain data out.

Qt-free on purpose: the separate training process (``python -m
lstm_gui.training.child``) imports only this module and the core (no
PySide6, no pyqtgraph), so it starts in a fraction of a second, and the torch
reference engine's ``import torch`` happens there instead of freezing the
window.

A job reports through one ``send(message)`` callable, the same for a thread
and for a process:

- ``("progress", Progress)`` at most ~30 times a second and once at the
  end; each carries the history rows recorded since the previous one
  (``Progress.new_rows``), so the receiver can rebuild the run's history,
- then exactly one of ``("finished", TrainResult)`` or ``("failed", str)``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import Progress, TrainingRun, checked_conditions

#: A message on the pipes: its length (4 bytes, big-endian), then a pickle.
FRAME = struct.Struct("!I")
#: The progress callback's interval in seconds: 30 updates a second at most.
PROGRESS_INTERVAL = 1 / 30


@dataclass(frozen=True)
class TrainJob:
    """Everything a run needs, as picklable plain values."""

    params: tuple[float, ...]  # 12 start weights (already chosen by start_params)
    dataset: tuple[DatasetItem, ...]
    config: TrainConfig
    history: TrainingHistory | None = None  # continue this history, or start afresh
    max_rate: float | None = None  # epochs per second at most (None: as fast as possible)
    #: Stop conditions (texts; TrainingRun's ``stop_when``), e.g. the enabled
    #: training breakpoints; with ``pause_at_break`` the run pauses there.
    stop_when: tuple[str, ...] = ()
    pause_at_break: bool = False


class JobRunner:
    """Runs one :class:`TrainJob` and reports through ``send``.

    ``pause_event`` / ``stop_event`` are shared with the run, so that whoever
    holds them pauses and stops it without a hop through a queue.
    """

    def __init__(
        self,
        job: TrainJob,
        send: Callable[[tuple[Any, ...]], None],
        pause_event: threading.Event | None = None,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.job = job
        self.send = send
        self.pause_event = pause_event
        self.stop_event = stop_event
        self.run_obj: TrainingRun | None = None
        #: Changes asked for before the run exists, applied in order when it does.
        self._pending: list[Callable[[TrainingRun], None]] = []
        self._lock = threading.Lock()

    def _apply(self, change: Callable[[TrainingRun], None]) -> None:
        """Apply ``change`` to the run now, or as soon as it exists."""
        with self._lock:
            if self.run_obj is None:
                self._pending.append(change)
                return
            run_obj = self.run_obj
        change(run_obj)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate now (or as soon as the run exists)."""
        self._apply(lambda run: run.set_lr(lr))

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        """Limit the speed (``None``: as fast as possible), now or at the start."""
        self._apply(lambda run: run.set_max_rate(epochs_per_second))

    def set_stop_when(self, stop_when: tuple[str, ...]) -> None:
        """Replace the stop conditions (checked now: ExpressionError if bad)
        from the next chunk on, or at the start."""
        texts = tuple(stop_when)
        checked_conditions(texts, len(self.job.dataset))
        self._apply(lambda run: run.set_stop_when(texts))

    def set_params(self, params: tuple[float, ...]) -> None:
        """Continue from these 12 weights at the next chunk (optimizer kept)."""
        cell_params = CellParams.from_flat(params)
        self._apply(lambda run: run.set_params(cell_params))

    def __call__(self) -> None:
        try:
            self._run()
        except FieldError as error:  # a refused value: its message is for the person as it is
            self.send(("failed", str(error)))
        except BaseException as error:
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            self.send(("failed", detail))

    def _run(self) -> None:
        job = self.job
        history = job.history
        run_obj = TrainingRun(
            CellParams.from_flat(job.params),
            job.dataset,
            job.config,
            history,
            stop_when=job.stop_when,
            pause_at_break=job.pause_at_break,
        )
        # Share the caller's events so pause/stop need no extra hop.
        if self.pause_event is not None:
            run_obj.pause_event = self.pause_event
        if self.stop_event is not None:
            run_obj.stop_event = self.stop_event
        if job.max_rate is not None:
            run_obj.set_max_rate(job.max_rate)
        with self._lock:
            self.run_obj = run_obj
            pending, self._pending = self._pending, []
        for change in pending:
            change(run_obj)

        def on_progress(progress: Progress) -> None:
            self.send(("progress", progress))

        result = run_obj.run(on_progress, PROGRESS_INTERVAL)
        # The history is not sent back: the receiver rebuilds it from the
        # progress reports' new_rows (a 100k-epoch history is 13 MB).
        self.send(("finished", result))


def _write_frame(stream: BinaryIO, message: Any) -> None:
    stream.write(encode_frame(message))
    stream.flush()


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> Any:
    """The next message on file descriptor ``fd``, or ``None`` at end of input
    (the window went away). Unbuffered ``os.read``: a daemon thread blocked in
    a buffered reader would abort the interpreter at exit."""
    head = _read_exact(fd, FRAME.size)
    if head is None:
        return None
    data = _read_exact(fd, FRAME.unpack(head)[0])
    return None if data is None else pickle.loads(data)


#: The next message on a file descriptor, or ``None`` at end of input (also
#: for :mod:`lstm_gui.training.compare_child`).
read_frame = _read_frame


def read_frames(buffer: bytearray) -> list[Any]:
    """Take every complete message off the front of ``buffer``."""
    messages = []
    while len(buffer) >= FRAME.size:
        (size,) = FRAME.unpack_from(buffer)
        if len(buffer) < FRAME.size + size:
            break
        messages.append(pickle.loads(bytes(buffer[FRAME.size : FRAME.size + size])))
        del buffer[: FRAME.size + size]
    return messages


def encode_frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(data)) + data


def main() -> int:
    """The training process: a job and then commands on stdin, messages on stdout.

    Commands: ``("pause",)``, ``("resume",)``, ``("stop",)``, ``("lr", rate)``,
    ``("max_rate", epochs_per_second or None)``, ``("params", 12 floats)``,
    ``("stop_when", texts)`` (stop conditions, checked by the window first).
    End of stdin (the window closed or crashed) stops the run, so the process
    never outlives the window.
    """
    commands = sys.stdin.fileno()
    if hasattr(os, "nice"):
        # Training yields the CPU to the window when the cores are busy.
        os.nice(10)
    # Messages go to the real stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    job = _read_frame(commands)
    if job is None:
        return 0
    pause_event, stop_event = threading.Event(), threading.Event()
    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            _write_frame(out, message)

    runner = JobRunner(job, send, pause_event, stop_event)

    def listen() -> None:
        # Blocking reads release the GIL; each command acts at once.
        while True:
            command = _read_frame(commands)
            if command is None or command[0] == "stop":
                stop_event.set()
                pause_event.clear()
                if command is None:
                    return
            elif command[0] == "pause":
                pause_event.set()
            elif command[0] == "resume":
                pause_event.clear()
            elif command[0] == "lr":
                runner.set_lr(float(command[1]))
            elif command[0] == "max_rate":
                runner.set_max_rate(None if command[1] is None else float(command[1]))
            elif command[0] == "params":
                runner.set_params(tuple(float(v) for v in command[1]))
            elif command[0] == "stop_when":
                # The window checks conditions before it sends them.
                with contextlib.suppress(FieldError):
                    runner.set_stop_when(tuple(str(text) for text in command[1]))

    threading.Thread(target=listen, name="commands", daemon=True).start()
    try:
        runner()
    except BrokenPipeError:  # the window is gone
        return 1
    out.close()
    return 0


if __name__ == "__main__":
    # Run the imported module's main so that pickled classes are named
    # lstm_gui.training.child.X, not __main__.X.
    from lstm_gui.training.child import main as _main

    sys.exit(_main())
