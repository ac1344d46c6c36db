"""The live plot's data: growing buffers and a bounded min/max summary that
never hides a spike, so a million epochs draw like a thousand."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_gui.training.history import HistoryChunk
from lstm_gui.ui.training.plot import HistoryBuffer, PeakSummary, TrainingPlot


def chunk(first: int, count: int, rng: np.random.Generator) -> HistoryChunk:
    epochs = np.arange(first, first + count)
    return HistoryChunk(epochs, rng.random(count), rng.random((count, 2)), rng.normal(size=(count, 12)))


def test_the_summary_stays_small_and_keeps_every_extreme():
    rng = np.random.default_rng(1)
    buffer, summary = HistoryBuffer(2), PeakSummary(limit=512)
    first = 0
    for count in (7, 1000, 3, 40_000, 123_457, 5, 300_000):  # arrives in uneven batches
        buffer.append(chunk(first, count, rng))
        first += count
        x, y = summary.update(buffer)
        data = buffer.data
        assert y.shape[1] == data.shape[1] - 1
        assert len(x) <= 2 * 512 + 2 * 16 + summary.bin_size // 16 + 1
        assert x[0] == data[0, 0] and x[-1] == data[-1, 0]
        assert np.all(np.diff(x) >= 0)
        assert np.array_equal(y.max(axis=0), data[:, 1:].max(axis=0))
        assert np.array_equal(y.min(axis=0), data[:, 1:].min(axis=0))
    assert len(buffer) == first


def test_a_spike_in_a_million_epochs_is_still_drawn():
    buffer, summary = HistoryBuffer(1), PeakSummary(limit=512)
    n = 1_000_000
    loss = np.full(n, 0.5)
    loss[765_432] = 40.0
    buffer.append(HistoryChunk(np.arange(n), loss, np.zeros((n, 1)), np.zeros((n, 12))))
    x, y = summary.update(buffer)
    assert len(x) < 1200
    assert y[:, 0].max() == 40.0


def test_the_plot_shows_rows_and_zooms_into_epochs(qtbot):
    plot = TrainingPlot()
    qtbot.addWidget(plot)
    plot.resize(800, 600)
    plot.show()
    plot.set_sequences(["Company A", "Company B"], [0.0, 1.0])
    rng = np.random.default_rng(2)
    plot.append(chunk(0, 200_000, rng))
    plot.refresh()
    assert len(plot.loss_curve.xData) < 1200
    assert [line.value() for line in plot.target_lines] == [0.0, 1.0]
    plot.weight_plot.setXRange(1000, 2000, padding=0)
    plot._copy_x_range(plot.weight_plot.getViewBox())  # what a drag by hand does
    qtbot.waitUntil(lambda: plot.loss_curve.xData is not None and plot.loss_curve.xData[0] >= 990, timeout=2000)
    assert plot.loss_curve.xData[-1] <= 2010
    assert plot.loss_plot.getViewBox().viewRange()[0] == pytest.approx([1000, 2000])
    plot.enableAutoRange()
    plot.refresh()
    assert plot.loss_curve.xData[-1] == 199_999
