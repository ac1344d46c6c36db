"""Comparison training (issue 13): the LSTM, the plain RNN and the GRU on the
same data with the same settings from comparable starts, and
``lstm-gui train --compare``."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lstm_gui import cli
from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.cells import CELLS
from lstm_gui.core.dataset import COMPANIES
from lstm_gui.core.errors import FieldError
from lstm_gui.training.cell_training import cell_start_weights, train_cell
from lstm_gui.training.child import encode_frame, read_frames
from lstm_gui.training.compare import COMPARED_CELLS, comparison_start, train_comparison
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def test_each_cell_is_trained_exactly_as_train_cell_trains_it_alone():
    config = TrainConfig(epochs=40, init="random", seed=3, lr=0.05)
    results = train_comparison(COMPANIES, config)
    assert list(results) == ["lstm", "rnn", "gru"] == list(COMPARED_CELLS)
    for cell, result in results.items():
        alone = train_cell(cell, CELLS[cell].random_params(3), COMPANIES, config)
        assert result.weights == alone.weights
        assert result.losses.tolist() == alone.losses.tolist()
        assert len(result.losses) == 41 and result.losses[-1] < result.losses[0]


def test_starts_are_comparable_under_every_init():
    current = {"lstm": NOTEBOOK_PARAMS.to_flat(), "rnn": (0.1, 0.2, 0.3)}
    assert comparison_start("rnn", TrainConfig(init="current"), current["rnn"]) == (0.1, 0.2, 0.3)
    assert comparison_start("gru", TrainConfig(init="current")) == CELLS["gru"].default_params
    assert comparison_start("gru", TrainConfig(init="zeros")) == (0.0,) * 10
    for cell in COMPARED_CELLS:
        config = TrainConfig(init="random", seed=7)
        assert comparison_start(cell, config) == cell_start_weights(cell, config, ())
    # StatQuest's start exists for the LSTM only: the others draw from the same seed.
    statquest = TrainConfig(init="statquest", seed=5)
    assert comparison_start("lstm", statquest) == STATQUEST_PARAMS.to_flat()
    assert comparison_start("gru", statquest) == CELLS["gru"].random_params(5)


def test_on_epoch_streams_each_cells_losses_and_ends_at_the_final_loss():
    points: dict[str, list[tuple[int, float]]] = {}
    results = train_comparison(
        COMPANIES,
        TrainConfig(epochs=30, init="zeros"),
        cells=("rnn", "gru"),
        on_epoch=lambda cell, epoch, loss: points.setdefault(cell, []).append((epoch, loss)),
    )
    assert list(results) == ["rnn", "gru"] == list(points)
    for cell, result in results.items():
        assert points[cell][-1] == (30, result.loss)
        assert math.isclose(result.losses[-1], result.loss)


def test_a_set_stop_event_trains_nothing_more():
    stop = threading.Event()
    stop.set()
    assert train_comparison(COMPANIES, TrainConfig(epochs=10), stop_event=stop) == {}


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [({"dataset": ()}, "dataset"), ({"cells": ("lstm", "lstm")}, "cells"), ({"cells": ("tcn",)}, "cells")],
)
def test_refusals_name_the_argument(kwargs, where):
    arguments = {"dataset": COMPANIES, "config": TrainConfig(epochs=1), **kwargs}
    with pytest.raises(FieldError) as caught:
        train_comparison(**arguments)
    assert caught.value.where == where


def test_train_compare_prints_each_cells_final_loss_and_weights_as_json(capsys):
    code = cli.main(["train", "--example", "companies", "--compare", "--init", "random:3", "--epochs", "40"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert list(data["cells"]) == ["lstm", "rnn", "gru"]
    assert data["config"]["epochs"] == 40 and data["sequences"] == ["Company A", "Company B"]
    expected = train_comparison(COMPANIES, TrainConfig(epochs=40, init="random", seed=3))
    for cell, entry in data["cells"].items():
        assert entry["weights"] == list(expected[cell].weights)
        assert entry["loss"] == expected[cell].loss
        assert entry["weight_keys"] == list(CELLS[cell].param_names)
        assert entry["status"] == "finished" and entry["epochs"] == 40


def test_train_compare_as_a_table_names_the_three_cells(capsys):
    assert cli.main(["train", "--example", "companies", "--compare", "--epochs", "5", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["cell", "status", "epochs", "loss"]
    assert "plain RNN weights:" in out and "GRU weights:" in out and "candidate.bias_short" in out


@pytest.mark.parametrize(
    ("flags", "message"),
    [(["--cell", "gru"], "--compare: trains all three cells"), (["--out", "x.json"], "--compare: the trained")],
)
def test_train_compare_refuses_flags_it_cannot_honour(capsys, flags, message):
    assert cli.main(["train", "--example", "companies", "--compare", *flags]) == 2
    assert message in capsys.readouterr().err


def _child(job_frames: bytes, keep_open: bool) -> list[tuple]:
    """Run the comparison process on ``job_frames``; read its messages until
    its result (stdin kept open while it trains, unless ``keep_open`` is False)."""
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "lstm_gui.training.compare_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(job_frames)
    process.stdin.flush()
    if not keep_open:
        process.stdin.close()
    buffer, messages = bytearray(), []
    while not messages or messages[-1][0] == "points":
        chunk = process.stdout.read1(65536)
        assert chunk, process.stderr.read().decode() if process.stderr else "no output"
        buffer += chunk
        messages += read_frames(buffer)
    if keep_open:
        process.stdin.close()
    assert process.wait(timeout=60) == 0
    return messages


def test_the_comparison_process_streams_points_then_sends_the_results():
    config = TrainConfig(epochs=50, init="random", seed=4)
    messages = _child(encode_frame((COMPANIES, config, ("rnn", "gru"), {})), keep_open=True)
    kind, results = messages[-1]
    assert kind == "finished" and list(results) == ["rnn", "gru"]
    expected = train_comparison(COMPANIES, config, ("rnn", "gru"))
    assert {cell: result.weights for cell, result in results.items()} == {
        cell: result.weights for cell, result in expected.items()
    }
    points = [point for message in messages[:-1] for point in message[1]]
    assert points[-1] == ("gru", 50, results["gru"].loss)


def test_the_comparison_process_reports_a_refused_job_and_stops_when_the_window_goes():
    refused = _child(encode_frame(((), TrainConfig(epochs=5), COMPARED_CELLS, {})), keep_open=True)
    assert refused == [("failed", "dataset: needs at least one sequence to train on")]
    # End of input: the window is gone; the run stops within a chunk, the cells not begun are skipped.
    messages = _child(encode_frame((COMPANIES, TrainConfig(epochs=10**6), COMPARED_CELLS, {})), keep_open=False)
    kind, results = messages[-1]
    assert kind == "finished" and set(results) <= {"lstm"}
    assert all(result.status == "stopped" and result.epochs < 10**6 for result in results.values())
