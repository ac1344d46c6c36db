"""The live plot's data: the one training history, read through a bounded
min/max summary that never hides a spike, so a million epochs draw like a
thousand."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_gui.training.history import HistoryChunk, TrainingHistory
from lstm_gui.ui.training.plot import PeakSummary, TrainingPlot, history_rows


def chunk(first: int, count: int, rng: np.random.Generator) -> HistoryChunk:
    epochs = np.arange(first, first + count)
    return HistoryChunk(epochs, rng.random(count), rng.random((count, 2)), rng.normal(size=(count, 12)))


def test_the_summary_stays_small_and_keeps_every_extreme():
    rng = np.random.default_rng(1)
    history, summary = TrainingHistory(("A", "B")), PeakSummary(limit=512)
    first = 0
    for count in (7, 1000, 3, 40_000, 123_457, 5, 300_000):  # arrives in uneven batches
        history.append_chunk(chunk(first, count, rng))
        first += count
        x, y = summary.update(history)
        data = history_rows(history)
        assert y.shape[1] == data.shape[1] - 1
        assert len(x) <= 2 * 512 + 2 * 16 + summary.bin_size // 16 + 1
        assert x[0] == data[0, 0] and x[-1] == data[-1, 0]
        assert np.all(np.diff(x) >= 0)
        # Outputs and weights: every extreme of the rows kept; the loss: the exact
        # envelope over every epoch, also those a thinned history merged away.
        assert np.array_equal(y[:, 1:].max(axis=0), data[:, 2:].max(axis=0))
        assert np.array_equal(y[:, 1:].min(axis=0), data[:, 2:].min(axis=0))
        assert y[:, 0].max() == history.loss_max.max() >= data[:, 1].max()
        assert y[:, 0].min() == history.loss_min.min() <= data[:, 1].min()
    assert history.last_epoch == first - 1 and history.epochs[-1] == first - 1


def test_a_spike_in_a_million_epochs_is_still_drawn():
    history, summary = TrainingHistory(("A",)), PeakSummary(limit=512)
    n = 1_000_000
    loss = np.full(n, 0.5)
    loss[765_432] = 40.0
    history.append_chunk(HistoryChunk(np.arange(n), loss, np.zeros((n, 1)), np.zeros((n, 12))))
    x, y = summary.update(history)
    assert len(x) < 1200
    assert y[:, 0].max() == 40.0


def test_the_plot_shows_rows_and_zooms_into_epochs(qtbot):
    plot = TrainingPlot()
    qtbot.addWidget(plot)
    plot.resize(800, 600)
    plot.show()
    plot.set_sequences(["Company A", "Company B"], [0.0, 1.0])
    rng = np.random.default_rng(2)
    history = TrainingHistory(("Company A", "Company B"))
    history.append_chunk(chunk(0, 200_000, rng))
    plot.show_history(history)
    assert len(plot.loss_curve.xData) < 1200
    assert [line.value() for line in plot.target_lines] == [0.0, 1.0]
    plot.weight_plot.setXRange(1000, 2000, padding=0)
    plot._copy_x_range(plot.weight_plot.getViewBox())  # what a drag by hand does
    qtbot.waitUntil(lambda: plot.loss_curve.xData is not None and plot.loss_curve.xData[0] >= 990, timeout=20000)
    assert plot.loss_curve.xData[-1] <= 2010
    assert plot.loss_plot.getViewBox().viewRange()[0] == pytest.approx([1000, 2000])
    plot.enableAutoRange()
    plot.refresh()
    assert plot.loss_curve.xData[-1] == 199_999


def test_the_plot_draws_the_rows_appended_to_the_history_it_shows(qtbot):
    """No second copy: rows appended to the shown history are drawn at the
    next refresh, and the history knows its last epoch (the plot's own buffer
    used to fail there with an AttributeError)."""
    plot = TrainingPlot()
    qtbot.addWidget(plot)
    plot.set_sequences(["Company A", "Company B"], [0.0, 1.0])
    rng = np.random.default_rng(3)
    history = TrainingHistory(("Company A", "Company B"))
    history.append_chunk(chunk(0, 10, rng))
    plot.show_history(history)
    assert plot.history is history and list(plot.loss_curve.xData) == list(range(10))
    history.append_chunk(chunk(10, 5, rng))
    plot.refresh()
    assert plot.loss_curve.xData[-1] == 14 == plot.history.last_epoch
    assert list(plot.output_curves[1].yData) == history.outputs[:, 1].tolist()
    plot.show_history(None)
    assert plot.history is None and plot.loss_curve.xData is None  # an empty curve
