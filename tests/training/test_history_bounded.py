"""A history of a billion epochs fits in memory: bounded rows, exact start, true loss envelope."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_gui.core.dataset import COMPANIES
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.history import TrainingHistory
from lstm_gui.training.run import TrainingRun

EPOCHS = 1_000_000
SPIKE_EPOCH = 777_777
DIP_EPOCH = 512_345


def _million_epochs(chunk: int = 997) -> TrainingHistory:
    history = TrainingHistory(["Company A", "Company B"])
    history.extend([0], [1.0], [[0.5, 0.5]], [[0.0] * 12], run_start=True)
    epoch = 1
    while epoch <= EPOCHS:
        epochs = np.arange(epoch, min(epoch + chunk, EPOCHS + 1))
        loss = 1.0 + 0.01 * np.sin(epochs)
        loss[epochs == SPIKE_EPOCH] = 1e6
        loss[epochs == DIP_EPOCH] = 1e-9
        outputs = np.column_stack([epochs * 1e-6, -epochs * 1e-6])
        weights = np.repeat(epochs[:, None].astype(float), 12, axis=1)
        history.extend(epochs, loss, outputs, weights)
        epoch += len(epochs)
    return history


@pytest.fixture(scope="module")
def million() -> TrainingHistory:
    return _million_epochs()


def test_a_million_epochs_stay_within_the_row_cap(million):
    assert len(million) <= TrainingHistory.MAX_ROWS
    assert million.decimated
    arrays = (million._epochs, million._loss, million._loss_min, million._loss_max, million._outputs, million._weights)
    # 50,000 rows of (4 + 2 + 12) numbers: about 7 MB, not the 128 MB of a million rows.
    assert sum(a.nbytes for a in arrays) <= TrainingHistory.MAX_ROWS * (4 + 2 + 12) * 8


def test_every_epoch_up_to_ten_thousand_is_kept_exactly(million):
    assert np.array_equal(million.epochs[:10_001], np.arange(10_001))
    assert np.array_equal(million.weights[5000], [5000.0] * 12)
    assert million.loss[1234] == 1.0 + 0.01 * np.sin(1234)


def test_the_first_and_the_newest_epoch_are_rows_and_epochs_increase(million):
    assert million.epochs[0] == 0 and million.run_starts == [0]
    assert million.epochs[-1] == EPOCHS and million.last_epoch == EPOCHS
    assert np.array_equal(million.weights[-1], [float(EPOCHS)] * 12)
    assert np.all(np.diff(million.epochs) > 0)


def test_the_loss_envelope_keeps_a_spike_and_a_dip_among_a_million_epochs(million):
    assert million.loss_max.max() == 1e6
    assert million.loss_min.min() == 1e-9
    row = int(np.argmax(million.loss_max))
    assert million.epochs[row - 1] < SPIKE_EPOCH <= million.epochs[row]
    assert np.all(million.loss_min <= million.loss) and np.all(million.loss <= million.loss_max)


def test_the_thinned_part_is_even(million):
    gaps = np.diff(million.epochs[TrainingHistory.FULL_ROWS + 1 :])
    # Every row after the exact start stands for about the same number of epochs.
    assert gaps.max() <= 2 * np.median(gaps)


def test_nearest_row_finds_the_closest_kept_epoch(million):
    assert million.nearest_row(0) == 0
    assert million.nearest_row(9999) == 9999
    assert million.nearest_row(-5) == 0
    assert million.nearest_row(10**12) == len(million) - 1
    for epoch in (123_456, SPIKE_EPOCH, 999_999):
        row = million.nearest_row(epoch)
        distance = abs(int(million.epochs[row]) - epoch)
        assert all(distance <= abs(int(e) - epoch) for e in million.epochs[max(0, row - 2) : row + 3])
    with pytest.raises(IndexError):
        TrainingHistory(["a"]).nearest_row(3)


def test_copy_and_save_keep_the_envelope(million):
    copy = million.copy()
    assert np.array_equal(copy.epochs, million.epochs) and np.array_equal(copy.loss_max, million.loss_max)
    copy.extend([EPOCHS + 1], [5.0], [[0.1, 0.2]], [[1.0] * 12])
    assert len(copy) >= len(million) - 1 and copy.last_epoch == EPOCHS + 1
    loaded = TrainingHistory.from_json_dict(json.loads(json.dumps(million.to_json_dict())))
    assert len(loaded) <= TrainingHistory.MAX_SAVED_ROWS + 2
    assert loaded.loss_max.max() == 1e6 and loaded.loss_min.min() == 1e-9
    assert loaded.epochs[-1] == EPOCHS


def test_each_run_keeps_its_first_and_last_row_when_thinned():
    history = TrainingHistory(["a"])
    for run in range(3):
        start = history.last_epoch
        history.extend([start], [9.0], [[0.0]], [[float(run)] * 12], run_start=True)
        epochs = np.arange(start + 1, start + 40_001)
        history.extend(epochs, np.ones(len(epochs)), np.zeros((len(epochs), 1)), np.full((len(epochs), 12), run + 0.5))
    assert len(history) <= TrainingHistory.MAX_ROWS
    assert len(history.run_starts) == 3
    for k, row in enumerate(history.run_starts):
        assert history.weights[row][0] == float(k)  # the run's start weights
        if row:
            assert history.weights[row - 1][0] == k - 1 + 0.5  # the previous run's last row
            assert history.epochs[row - 1] == history.epochs[row]
    assert history.last_epoch == 120_000


def test_appending_a_million_rows_in_one_call_stays_bounded():
    history = TrainingHistory(["a"])
    n = 1_000_000
    history.extend(np.arange(n), np.ones(n), np.zeros((n, 1)), np.zeros((n, 12)), run_start=True)
    assert len(history) <= TrainingHistory.MAX_ROWS and history.last_epoch == n - 1


def test_a_long_training_run_reports_every_epoch_and_keeps_a_bounded_history():
    reported: list[int] = []
    run = TrainingRun(STATQUEST_PARAMS, COMPANIES, TrainConfig(epochs=60_000, lr=0.01))
    result = run.run(
        lambda p: reported.extend(p.new_rows.epochs.tolist()) if p.new_rows is not None else None, interval=0.0
    )
    assert result.epochs == 60_000
    assert reported == list(range(60_001))
    assert len(run.history) <= TrainingHistory.MAX_ROWS and run.history.last_epoch == 60_000


def test_nearest_row_of_a_continued_run_is_the_weights_training_went_on_from():
    history = TrainingHistory(["a"])
    history.extend([0, 1, 2], [3.0, 2.0, 1.0], [[0.1]] * 3, [[0.0] * 12] * 3, run_start=True)
    history.extend([2, 3], [1.5, 1.2], [[0.2]] * 2, [[1.0] * 12] * 2, run_start=True)  # edited, then on
    assert history.nearest_row(2) == 3  # the edited start of the second run, not the first run's end
    assert history.nearest_row(1.4) == 1 and history.nearest_row(2.6) == 4
