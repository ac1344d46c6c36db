"""Test doubles and helpers for the training panel's tests."""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import QObject

from lstm_gui.training.child import TrainJob
from lstm_gui.ui.training.trainers import ThreadTrainer


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
