"""The training history as CSV: one row per epoch, exact numbers, quoted names."""

from __future__ import annotations

import csv
import io

import numpy as np

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES
from lstm_gui.training.history import TrainingHistory, history_csv_text, write_history_csv


def _history() -> TrainingHistory:
    history = TrainingHistory(["Company A", 'Acme, "the" best'])
    weights = np.array([NOTEBOOK_PARAMS.to_flat()] * 3) + np.array([[0.0], [0.1], [1 / 3]])
    history.extend([0, 1, 2], [0.5, 1 / 3, 2e-17], [[0.1, 0.9], [1 / 7, 0.2], [-0.0, 1e300]], weights, run_start=True)
    return history


def test_header_names_each_column_as_the_plot_export_did():
    rows = list(csv.reader(io.StringIO(history_csv_text(_history()))))
    assert rows[0] == ["epoch", "loss", "out_0 Company A", 'out_1 Acme, "the" best', *NOTEBOOK_NAMES]
    assert list(NOTEBOOK_NAMES)[:3] == ["wlr1", "wlr2", "blr1"] and rows[0][-1] == "bo1"


def test_a_name_with_a_comma_and_a_quote_is_quoted_by_csv_rules():
    header_line = history_csv_text(_history()).splitlines()[0]
    assert '"out_1 Acme, ""the"" best"' in header_line


def test_numbers_read_back_exactly():
    history = _history()
    rows = list(csv.reader(io.StringIO(history_csv_text(history))))[1:]
    assert [int(row[0]) for row in rows] == [0, 1, 2]
    table = np.array([[float(v) for v in row[1:]] for row in rows])
    assert np.array_equal(table[:, 0], history.loss)
    assert np.array_equal(table[:, 1:3], history.outputs)
    assert np.array_equal(table[:, 3:], history.weights)
    assert rows[2][2:4] == ["-0.0", "1e+300"] and rows[1][1] == repr(1 / 3)


def test_an_empty_history_is_just_the_header():
    assert history_csv_text(TrainingHistory(["A"])) == "epoch,loss,out_0 A," + ",".join(NOTEBOOK_NAMES) + "\n"


def test_the_file_is_written_whole(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("old", encoding="utf-8")
    write_history_csv(_history(), path)
    assert path.read_text(encoding="utf-8") == history_csv_text(_history())
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]  # no temporary file left
