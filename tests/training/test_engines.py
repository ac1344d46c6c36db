"""The fast engine against torch autograd + torch.optim in float64 (the oracle)."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from lstm_gui.training.config import OPTIMIZERS  # noqa: E402
from lstm_gui.training.engines import fast as fast_engine  # noqa: E402
from lstm_gui.training.engines import torch_reference as torch_engine  # noqa: E402
from lstm_gui.training.engines.fast import FastEngine  # noqa: E402
from lstm_gui.training.engines.optimizers import make_optimizer  # noqa: E402
from lstm_gui.training.engines.torch_reference import TorchEngine, make_torch_optimizer  # noqa: E402

#: Learning rates that move the weights visibly in a few updates.
LEARNING_RATES = {"adam": 0.05, "sgd": 0.2, "rmsprop": 0.02, "adagrad": 0.3}


def assert_close_vectors(actual, expected, rel=1e-9, what="values"):
    """Each component to ``rel`` relative; components that nearly cancel are
    compared against the vector's scale (rounding there is relative to it)."""
    assert len(actual) == len(expected)
    scale = max((abs(v) for v in expected), default=0.0)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert math.isclose(a, e, rel_tol=rel, abs_tol=1e-12 * scale), f"{what}[{k}]: fast {a!r} vs torch {e!r}"


def random_case(rng: random.Random, sequences: int | None = None):
    weights = [rng.gauss(0.0, 1.5) for _ in range(12)]
    count = sequences if sequences is not None else rng.randint(1, 4)
    data = [([rng.uniform(-2.0, 2.0) for _ in range(rng.randint(1, 7))], rng.uniform(-1.0, 1.0)) for _ in range(count)]
    return weights, data


@pytest.mark.parametrize("seed", range(20))
def test_gradient_equals_autograd(seed):
    weights, data = random_case(random.Random(seed))
    loss, outputs, grad = fast_engine.loss_and_gradient(weights, data)
    t_loss, t_outputs, t_grad = torch_engine.loss_and_gradient(weights, data)
    assert math.isclose(loss, t_loss, rel_tol=1e-12)
    assert_close_vectors(outputs, t_outputs, 1e-12, "outputs")
    assert_close_vectors(grad, t_grad, 1e-9, "gradient")


@pytest.mark.parametrize("seed", range(6))
def test_batch_gradient_equals_autograd(seed):
    rng = random.Random(100 + seed)
    weights, data = random_case(rng, sequences=rng.randint(1, 40))
    loss, outputs, grad = fast_engine.batch_loss_and_gradient(weights, fast_engine.BatchData(data))
    t_loss, t_outputs, t_grad = torch_engine.loss_and_gradient(weights, data)
    assert math.isclose(loss, t_loss, rel_tol=1e-12)
    assert_close_vectors(list(outputs), t_outputs, 1e-12, "outputs")
    assert_close_vectors(grad, t_grad, 1e-9, "gradient")


def test_gradient_of_large_pre_activations_stays_finite():
    # Saturated gates: the stable sigmoid never overflows.
    weights = [800.0, -900.0, 700.0] * 4
    loss, outputs, grad = fast_engine.loss_and_gradient(weights, [([1.0, -1.0, 1.0], 0.5)])
    assert all(math.isfinite(v) for v in [loss, *outputs, *grad])


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_updates_equal_torch_optim(name):
    """Ten consecutive updates from the same random gradients."""
    rng = random.Random(name)
    weights = [rng.gauss(0.0, 1.0) for _ in range(12)]
    momentum = 0.9 if name == "sgd" else 0.0
    lr = LEARNING_RATES[name]
    fast = make_optimizer(name, momentum)
    w_fast = list(weights)
    param = torch.tensor(weights, dtype=torch.float64, requires_grad=True)
    reference = make_torch_optimizer(name, [param], lr, momentum)
    for update in range(10):
        grad = [rng.gauss(0.0, 3.0) for _ in range(12)]
        fast.step(w_fast, grad, lr)
        param.grad = torch.tensor(grad, dtype=torch.float64)
        reference.step()
        assert_close_vectors(w_fast, param.detach().tolist(), 1e-9, f"{name} update {update + 1}")


def test_sgd_without_momentum_is_plain_gradient_descent():
    w = [1.0, 2.0]
    make_optimizer("sgd", 0.0, size=2).step(w, [0.5, -1.0], 0.1)
    assert w == [1.0 - 0.05, 2.0 + 0.1]


@pytest.mark.parametrize("per_sample", [True, False], ids=["per-sample", "full-batch"])
@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("seed", range(3))
def test_training_epochs_equal_torch_engine(name, per_sample, seed):
    """Several epochs of the whole engine (gradients + updates) from the same state."""
    weights, data = random_case(random.Random(f"{name}{per_sample}{seed}"), sequences=3)
    momentum = 0.9 if name == "sgd" else 0.0
    lr = LEARNING_RATES[name]
    fast = FastEngine(weights, data, name, per_sample, momentum)
    reference = TorchEngine(weights, data, name, per_sample, momentum)
    done, losses, outs, ws = fast.run_epochs(4, lr)
    t_done, t_losses, t_outs, t_ws = reference.run_epochs(4, lr)
    assert done == t_done == 4
    assert_close_vectors(losses, t_losses, 1e-9, "loss per epoch")
    for epoch in range(4):
        assert_close_vectors(
            ws[12 * epoch : 12 * epoch + 12],
            t_ws[12 * epoch : 12 * epoch + 12],
            1e-9,
            f"weights after epoch {epoch + 1}",
        )
        assert_close_vectors(
            outs[3 * epoch : 3 * epoch + 3], t_outs[3 * epoch : 3 * epoch + 3], 1e-9, f"outputs after epoch {epoch + 1}"
        )


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_full_batch_numpy_engine_equals_torch_engine(name):
    rng = random.Random(f"batch{name}")
    weights, data = random_case(rng, sequences=fast_engine.BATCH_THRESHOLD + 5)
    momentum = 0.5 if name == "sgd" else 0.0
    fast = FastEngine(weights, data, name, False, momentum)
    assert fast.batch is not None  # this size takes the numpy path
    reference = TorchEngine(weights, data, name, False, momentum)
    lr = LEARNING_RATES[name] / 10
    _, losses, _, ws = fast.run_epochs(3, lr)
    _, t_losses, _, t_ws = reference.run_epochs(3, lr)
    assert_close_vectors(losses, t_losses, 1e-9, "loss per epoch")
    assert_close_vectors(ws, t_ws, 1e-9, "weights")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_per_sample_with_many_sequences_equals_torch_engine(name):
    # Many sequences: the epoch records come from the numpy batch forward pass.
    rng = random.Random(f"many{name}")
    weights, data = random_case(rng, sequences=fast_engine.BATCH_THRESHOLD + 2)
    momentum = 0.5 if name == "sgd" else 0.0
    fast = FastEngine(weights, data, name, True, momentum)
    assert fast.batch is not None
    reference = TorchEngine(weights, data, name, True, momentum)
    lr = LEARNING_RATES[name] / 10
    _, losses, outs, ws = fast.run_epochs(2, lr)
    _, t_losses, t_outs, t_ws = reference.run_epochs(2, lr)
    assert_close_vectors(losses, t_losses, 1e-9, "loss per epoch")
    assert_close_vectors(outs, t_outs, 1e-9, "outputs")
    assert_close_vectors(ws, t_ws, 1e-9, "weights")
