"""Test doubles and helpers for the training panel's tests."""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer

from lstm_gui.core.cell import CellParams
from lstm_gui.training.child import TrainJob
from lstm_gui.training.run import TrainingRun
from lstm_gui.ui.training.trainers import ThreadTrainer, Trainer


class BrokenEngineTrainer(ThreadTrainer):
    """A thread trainer whose first run fails inside the training loop, as a
    broken engine would: the job reaches the run without its dataset, so the
    run raises and the real runner reports ``failed``. Later runs are real."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.failures_left = 1

    def start(self, job: TrainJob) -> None:
        if self.failures_left:
            self.failures_left -= 1
            job = replace(job, dataset=())
        super().start(job)


def process_alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class InstantStopTrainer(Trainer):
    """A trainer whose runs never get past their start: ``stop()`` ends the
    run at epoch 0 (as a real run stopped before its first epoch does), with
    the same messages a real run sends. Deterministic, unlike racing a real
    run's first chunk."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: TrainJob | None = None

    def start(self, job: TrainJob) -> None:
        self._job = job

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def set_lr(self, lr: float) -> None:
        pass

    def set_max_rate(self, epochs_per_second: float | None) -> None:
        pass

    def set_params(self, weights: tuple[float, ...]) -> None:
        pass

    def stop(self) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        run = TrainingRun(CellParams.from_flat(job.params), job.dataset, job.config, job.history)
        run.stop()
        messages: list[tuple] = []
        result = run.run(lambda progress: messages.append(("progress", progress)))
        messages.append(("finished", result))
        QTimer.singleShot(0, lambda: [self._dispatch(m) for m in messages])

    def is_running(self) -> bool:
        return self._job is not None

    def shutdown(self, timeout: float = 1.0) -> None:
        self._job = None
