"""A run's speed limit and weights edited during a run: both take effect at
the next chunk; pause and stop stay immediate; the optimizer state is kept."""

from __future__ import annotations

import threading

import pytest

from lstm_gui.core.cell import CellParams
from lstm_gui.core.errors import FieldError
from lstm_gui.core.session import COMPANIES
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.engines.fast import FastEngine
from lstm_gui.training.run import FINISHED, STOPPED, Progress, TrainingRun, dataset_sequences

CONFIG = TrainConfig(init="statquest", optimizer="adam", lr=0.001, epochs=300, per_sample=True)


def _start(run: TrainingRun) -> tuple[threading.Thread, list]:
    results: list = []
    thread = threading.Thread(target=lambda: results.append(run.run()), daemon=True)
    thread.start()
    return thread, results


def _wait_rows(run: TrainingRun, rows: int) -> None:
    event = threading.Event()
    while len(run.history) < rows and not event.wait(0.005):
        pass


class RecordingEvent(threading.Event):
    """A stop event that records the waits the run asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is not None:
            self.waits.append(timeout)
        return super().wait(timeout)


def test_a_speed_limit_runs_small_chunks_and_waits_between_them():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, CONFIG.replace(epochs=30))
    run.stop_event = RecordingEvent()
    run.set_max_rate(2000)
    chunks: list[int] = []
    result = run.run(lambda p: chunks.append(p.epoch), interval=0)
    assert result.status == FINISHED and result.epochs == 30
    steps = [b - a for a, b in zip([0, *chunks], chunks)]
    assert max(steps) <= int(2000 * TrainingRun.THROTTLE_SECONDS)
    assert run.stop_event.waits and all(0 < w <= TrainingRun.THROTTLE_SECONDS for w in run.stop_event.waits)


def test_stop_is_immediate_at_a_slow_speed():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, CONFIG.replace(epochs=100_000))
    run.set_max_rate(1)
    thread, results = _start(run)
    _wait_rows(run, 2)
    run.stop()
    thread.join(30)
    assert results[0].status == STOPPED and results[0].epochs < 10


def test_lifting_the_limit_during_a_run_takes_effect_at_once():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, CONFIG.replace(epochs=3000))
    run.set_max_rate(1)
    thread, results = _start(run)
    _wait_rows(run, 2)
    run.set_max_rate(None)
    thread.join(60)
    assert results and results[0].status == FINISHED and results[0].epochs == 3000


def test_a_speed_limit_must_be_positive():
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, CONFIG)
    for bad in (0.0, -5.0, float("nan"), float("inf")):
        with pytest.raises(FieldError):
            run.set_max_rate(bad)


@pytest.mark.parametrize("per_sample", [True, False])
def test_edited_weights_continue_with_the_optimizer_state(per_sample):
    config = CONFIG.replace(per_sample=per_sample)
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, config)
    at: list[int] = []
    edits: list[list[float]] = []

    def on_progress(progress: Progress) -> None:
        if not at and progress.epoch >= 20 and not progress.status:
            at.append(progress.epoch)
            weights = run.history.weights[-1].tolist()
            weights[2] = 0.75  # forget bias
            edits.append(weights)
            run.set_params(CellParams.from_flat(weights))

    result = run.run(on_progress, interval=0)
    epoch, weights_then = at[0], edits[0]
    # The same by hand: an engine that trains to that epoch, takes the edit, goes on.
    engine = FastEngine(STATQUEST_PARAMS.to_flat(), dataset_sequences(COMPANIES), "adam", per_sample)
    engine.run_epochs(epoch, config.lr)
    engine.set_weights(weights_then)
    engine.run_epochs(config.epochs - epoch, config.lr)
    assert result.epochs == config.epochs
    assert result.params.to_flat() == pytest.approx(engine.weights, abs=1e-12)
    # A fresh optimizer from the edit would end elsewhere: the state was kept.
    fresh = FastEngine(weights_then, dataset_sequences(COMPANIES), "adam", per_sample)
    fresh.run_epochs(config.epochs - epoch, config.lr)
    assert result.params.to_flat() != pytest.approx(fresh.weights, abs=1e-9)
    # The history records the edit at the same epoch, as a new segment.
    row = int(run.history.run_starts[-1])
    assert int(run.history.epochs[row]) == epoch
    assert run.history.weights[row, 2] == 0.75
