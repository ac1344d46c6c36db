"""Training the plain RNN and the GRU: the fast engine equals the torch reference
engine (as for the LSTM), and train_cell's starts, early stop and divergence."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from lstm_gui.core.cells import CELLS  # noqa: E402
from lstm_gui.core.dataset import DatasetItem  # noqa: E402
from lstm_gui.training.cell_training import cell_start_weights, train_cell  # noqa: E402
from lstm_gui.training.config import OPTIMIZERS, STATQUEST_PARAMS, TrainConfig, random_params  # noqa: E402
from lstm_gui.training.engines import torch_reference  # noqa: E402
from lstm_gui.training.engines.fast import FastEngine  # noqa: E402
from lstm_gui.training.engines.torch_reference import TorchEngine  # noqa: E402

LEARNING_RATES = {"adam": 0.05, "sgd": 0.2, "rmsprop": 0.02, "adagrad": 0.3}
COMPANIES = (
    DatasetItem("Company A", (0.0, 0.5, 0.25, 1.0), 0.0),
    DatasetItem("Company B", (1.0, 0.5, 0.25, 1.0), 1.0),
)


def assert_close_vectors(actual, expected, rel, what):
    assert len(actual) == len(expected), what
    scale = max((abs(v) for v in expected), default=0.0)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert math.isclose(a, e, rel_tol=rel, abs_tol=1e-12 * scale), f"{what}[{k}]: fast {a!r} vs torch {e!r}"


def random_case(cell: str, rng: random.Random, sequences: int):
    weights = [rng.gauss(0.0, 1.0) for _ in range(CELLS[cell].param_count)]
    data = [
        ([rng.uniform(-2.0, 2.0) for _ in range(rng.randint(1, 7))], rng.uniform(-1.0, 1.0)) for _ in range(sequences)
    ]
    return weights, data


@pytest.mark.parametrize("cell", ["rnn", "gru"])
@pytest.mark.parametrize("per_sample", [True, False], ids=["per-sample", "full-batch"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_training_epochs_of_the_rnn_and_gru_equal_the_torch_engine(cell, name, per_sample):
    weights, data = random_case(cell, random.Random(f"{cell}{name}{per_sample}"), sequences=3)
    momentum = 0.9 if name == "sgd" else 0.0
    lr = LEARNING_RATES[name]
    fast = FastEngine(weights, data, name, per_sample, momentum, cell=cell)
    reference = TorchEngine(weights, data, name, per_sample, momentum, cell=cell)
    done, losses, outs, ws = fast.run_epochs(4, lr)
    t_done, t_losses, t_outs, t_ws = reference.run_epochs(4, lr)
    assert done == t_done == 4
    assert len(ws) == 4 * CELLS[cell].param_count
    assert_close_vectors(losses, t_losses, 1e-9, "loss per epoch")
    assert_close_vectors(ws, t_ws, 1e-9, "weights after each epoch")
    assert_close_vectors(outs, t_outs, 1e-9, "outputs after each epoch")


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_the_fast_engine_takes_the_scalar_path_for_many_rnn_or_gru_sequences(cell):
    weights, data = random_case(cell, random.Random(f"many{cell}"), sequences=40)
    fast = FastEngine(weights, data, "adam", False, cell=cell)
    assert fast.batch is None
    reference = TorchEngine(weights, data, "adam", False, cell=cell)
    _, losses, _, ws = fast.run_epochs(2, 0.01)
    _, t_losses, _, t_ws = reference.run_epochs(2, 0.01)
    assert_close_vectors(losses, t_losses, 1e-9, "loss per epoch")
    assert_close_vectors(ws, t_ws, 1e-9, "weights")


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_the_reference_gradient_of_each_cell_matches_the_core_dataset_gradient(cell):
    from lstm_gui.core.gradients import dataset_gradients

    weights, data = random_case(cell, random.Random(f"grad{cell}"), sequences=4)
    loss, grad = dataset_gradients(cell, weights, [(xs, y) for xs, y in data])
    t_loss, _, t_grad = torch_reference.loss_and_gradient(weights, data, cell)
    assert math.isclose(loss, t_loss, rel_tol=1e-12)
    assert_close_vectors(grad, t_grad, 1e-9, "gradient")


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_train_cell_lowers_the_loss_and_returns_weights_in_the_cells_order(cell):
    start = CELLS[cell].default_params
    result = train_cell(cell, start, COMPANIES, TrainConfig(lr=0.05, epochs=300))
    assert result.status == "finished" and result.epochs == 300
    assert len(result.weights) == CELLS[cell].param_count and result.weights != start
    assert result.losses.shape == (301,)
    assert result.losses[-1] == result.loss < result.losses[0]
    assert result.loss < 0.05


def test_train_cell_stops_below_the_threshold_and_on_request():
    config = TrainConfig(lr=0.05, epochs=100_000, stop_below=0.01)
    result = train_cell("gru", CELLS["gru"].default_params, COMPANIES, config)
    assert result.status == "stopped_below" and result.loss < 0.01 < result.losses[-2]
    import threading

    stop = threading.Event()
    stop.set()
    stopped = train_cell("rnn", (0.5, 1.0, 0.0), COMPANIES, config, stop_event=stop)
    assert (stopped.status, stopped.epochs, stopped.weights) == ("stopped", 0, (0.5, 1.0, 0.0))


def test_train_cell_keeps_the_last_finite_weights_when_it_diverges():
    # A tanh cell saturates instead of overflowing its output; the update of
    # a weight on an input of 100 times a step of 1e307 overflows.
    config = TrainConfig(optimizer="sgd", lr=1e307, epochs=50)
    result = train_cell("rnn", (0.5, 0.01, 0.0), (DatasetItem("a", (100.0, -50.0), 5.0),), config)
    assert result.status == "diverged" and "training diverged at epoch 1" in result.message
    assert result.weights == (0.5, 0.01, 0.0) and result.epochs == 0


def test_start_weights_for_each_cell():
    config = TrainConfig()
    assert cell_start_weights("rnn", config, (1.0, 2.0, 3.0)) == (1.0, 2.0, 3.0)
    assert cell_start_weights("gru", config.replace(init="zeros"), ()) == (0.0,) * 10
    assert cell_start_weights("lstm", config.replace(init="random", seed=7), ()) == random_params(7).to_flat()
    assert cell_start_weights("lstm", config.replace(init="statquest"), ()) == STATQUEST_PARAMS.to_flat()
    with pytest.raises(Exception, match="statquest is StatQuest's LSTM start; the GRU starts from"):
        cell_start_weights("gru", config.replace(init="statquest"), ())


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_train_cell_stops_at_a_condition_with_the_weights_of_a_plain_run_of_that_many_epochs(cell):
    config = TrainConfig(lr=0.05, epochs=3000)
    start = CELLS[cell].default_params
    result = train_cell(cell, start, COMPANIES, config, stop_when=["loss < -1", "epoch >= 2001"])
    assert (result.status, result.epochs, result.stopped_by) == ("breakpoint", 2001, "epoch >= 2001")
    plain = train_cell(cell, start, COMPANIES, config.replace(epochs=2001))
    assert (result.weights, result.loss, result.outputs) == (plain.weights, plain.loss, plain.outputs)
    assert result.losses.shape == (2002,)
    # The cell's own weight names; at the start weights: epoch 0.
    first = CELLS[cell].param_names[0]
    at_start = train_cell(cell, start, COMPANIES, config, stop_when=f"{first} == {start[0]!r}")
    assert (at_start.status, at_start.epochs, at_start.weights) == ("breakpoint", 0, tuple(start))


def test_train_cell_refuses_a_condition_over_another_cells_names():
    from lstm_gui.core.expressions import ExpressionError

    with pytest.raises(ExpressionError, match="unknown name 'wlr1'"):
        train_cell("rnn", (0.5, 1.0, 0.0), COMPANIES, TrainConfig(), stop_when="wlr1 > 1")
