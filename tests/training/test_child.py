"""The training process's entry: a job in, progress and one result out; a run
that raises becomes a ``failed`` message, also across the process boundary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.dataset import COMPANIES
from lstm_gui.training.child import JobRunner, TrainJob, encode_frame, read_frames
from lstm_gui.training.config import TrainConfig

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def _job(dataset=COMPANIES, epochs: int = 3) -> TrainJob:
    return TrainJob(NOTEBOOK_PARAMS.to_flat(), tuple(dataset), TrainConfig(epochs=epochs))


def test_a_job_reports_progress_then_one_finished_result():
    messages: list[tuple] = []
    JobRunner(_job(), messages.append)()
    kinds = [m[0] for m in messages]
    assert kinds[-1] == "finished" and set(kinds[:-1]) == {"progress"}
    assert messages[-1][1].epochs == 3


def test_a_run_that_raises_becomes_one_failed_message_with_the_reason():
    messages: list[tuple] = []
    JobRunner(_job(dataset=()), messages.append)()  # the run refuses an empty dataset
    assert messages == [("failed", "dataset: needs at least one sequence to train on")]


def test_the_training_process_sends_a_failed_run_back_to_the_window():
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "lstm_gui.training.child"],
        input=encode_frame(_job(dataset=())),  # then end of input: the window is gone
        capture_output=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    messages = read_frames(bytearray(done.stdout))
    assert messages == [("failed", "dataset: needs at least one sequence to train on")]
