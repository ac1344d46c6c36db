"""Gradients through time of all three cells against torch autograd in float64
(the micrograd oracle style): the weights' gradient, d loss / d short_t and
d loss / d long_t at every step, and the sums from the end back to each step."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from lstm_gui.core.cells import CELLS  # noqa: E402
from lstm_gui.core.dataset import DatasetItem  # noqa: E402
from lstm_gui.core.gradients import dataset_gradients, gradients  # noqa: E402


def _torch_cell_step(kind, w, x, long, short):
    """One step of each cell written the obvious way with torch operations."""
    if kind == "lstm":
        fs, fx, fb, is_, ix, ib, gs, gx, gb, os_, ox, ob = w.unbind()
        forget = torch.sigmoid(fs * short + fx * x + fb)
        input_ = torch.sigmoid(is_ * short + ix * x + ib)
        candidate = torch.tanh(gs * short + gx * x + gb)
        output = torch.sigmoid(os_ * short + ox * x + ob)
        long = forget * long + input_ * candidate
        return long, output * torch.tanh(long)
    if kind == "rnn":
        ws, wx, b = w.unbind()
        return long, torch.tanh(ws * short + wx * x + b)
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = w.unbind()
    reset = torch.sigmoid(rs * short + rx * x + rb)
    update = torch.sigmoid(zs * short + zx * x + zb)
    candidate = torch.tanh(nx * x + nbx + reset * (ns * short + nbs))
    return long, (1 - update) * candidate + update * short


def torch_gradients(kind, params, inputs, long0, short0, target):
    """(loss, weights grad, short grads, long grads, short0 grad, long0 grad,
    per-step weight contributions) by autograd."""
    w = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    long = torch.tensor(long0, dtype=torch.float64, requires_grad=True)
    short = torch.tensor(short0, dtype=torch.float64, requires_grad=True)
    first_long, first_short = long, short
    shorts, longs = [], []
    # One copy of the weights per step, so each step's own contribution is visible.
    copies = [w * 1.0 for _ in inputs]
    for c in copies:
        c.retain_grad()
    for x, wc in zip(inputs, copies):
        long, short = _torch_cell_step(kind, wc, float(x), long, short)
        long.retain_grad()
        short.retain_grad()
        shorts.append(short)
        longs.append(long)
    loss = (short - target) ** 2
    loss.backward()
    short_grad = [0.0 if s.grad is None else float(s.grad) for s in shorts]
    long_grad = [0.0 if c.grad is None else float(c.grad) for c in longs]
    steps = [c.grad.tolist() for c in copies]
    long0_grad = 0.0 if first_long.grad is None else float(first_long.grad)
    return float(loss.detach()), w.grad.tolist(), short_grad, long_grad, float(first_short.grad), long0_grad, steps


def assert_close_vectors(actual, expected, what):
    """1e-9 relative, with the floor at 1e-4 of the vector's largest entry."""
    assert len(actual) == len(expected), what
    scale = max((abs(v) for v in expected), default=0.0)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-9 * 1e-4 * scale), f"{what}[{k}]: ours {a!r} vs torch {e!r}"


def _random_case(kind, seed):
    rng = random.Random(f"{kind}-{seed}")
    params = [rng.gauss(0.0, 1.5) for _ in range(CELLS[kind].param_count)]
    inputs = [rng.uniform(-2.0, 2.0) for _ in range(rng.choice([1, 2, 5, 20, 80, 200]))]
    long0 = rng.uniform(-1.0, 1.0) if kind == "lstm" else 0.0
    return params, inputs, long0, rng.uniform(-1.0, 1.0), rng.uniform(-1.5, 1.5)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru"])
def test_every_gradient_equals_torch_autograd(kind, seed):
    params, inputs, long0, short0, target = _random_case(kind, seed)
    ours = gradients(kind, params, inputs, long0, short0, target)
    loss, w_grad, s_grad, l_grad, s0_grad, l0_grad, steps = torch_gradients(kind, params, inputs, long0, short0, target)
    assert math.isclose(ours.loss, loss, rel_tol=1e-12, abs_tol=1e-300)
    assert_close_vectors(ours.weights_grad, w_grad, "weights_grad")
    assert_close_vectors([*ours.short_grad, ours.short0_grad], [*s_grad, s0_grad], "short_grad")
    if kind == "lstm":
        assert ours.long_grad is not None and ours.long0_grad is not None
        assert_close_vectors([*ours.long_grad, ours.long0_grad], [*l_grad, l0_grad], "long_grad")
    else:
        assert ours.long_grad is None and ours.long0_grad is None
    # From the end back to step t: the sum of the steps' own contributions t..T.
    for t in sorted({1, len(inputs) // 2 + 1, len(inputs)}):
        expected = [sum(step[k] for step in steps[t - 1 :]) for k in range(len(params))]
        assert_close_vectors(ours.weights_grad_upto(t), expected, f"weights_grad_upto({t})")


def test_the_gradient_from_the_last_step_back_to_the_first_is_the_whole_gradient():
    params = CELLS["lstm"].default_params
    result = gradients("lstm", params, [0.0, 0.5, 0.25, 1.0], target=0.0)
    assert result.weights_grad_upto(1) == result.weights_grad
    assert result.weights_grad_upto(5) == (0.0,) * 12
    assert result.weights_grad_from.shape == (4, 12)
    with pytest.raises(IndexError, match="outside 1..5"):
        result.weights_grad_upto(0)


def test_the_loss_of_company_a_with_the_notebooks_weights_is_the_square_of_its_output():
    result = gradients("lstm", CELLS["lstm"].default_params, [0.0, 0.5, 0.25, 1.0], target=0.0)
    assert result.output == pytest.approx(0.006393, abs=1e-6)  # reference.md
    assert result.loss == pytest.approx(result.output**2)
    assert result.short_grad[-1] == pytest.approx(2 * result.output)


def test_a_plain_rnn_gradient_vanishes_back_through_time_where_the_lstm_keeps_it():
    inputs = [1.0] + [0.0] * 60
    rnn = gradients("rnn", (0.5, 1.0, 0.0), inputs, target=1.0)
    assert abs(rnn.short_grad[0]) < 1e-15 * abs(rnn.short_grad[-1])
    # An LSTM whose forget gate stays open carries the gradient back on the long line.
    lstm_params = (0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 3.0)
    lstm = gradients("lstm", lstm_params, inputs, target=1.0)
    assert lstm.long_grad is not None
    assert abs(lstm.long_grad[0]) > 0.9 * abs(lstm.long_grad[-1])


def test_an_initial_long_term_memory_is_refused_for_cells_without_one():
    with pytest.raises(ValueError, match="plain RNN has no long-term memory"):
        gradients("rnn", (0.5, 1.0, 0.0), [1.0], long0=1.0)
    with pytest.raises(ValueError, match="at least one input"):
        gradients("gru", CELLS["gru"].default_params, [])


@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru"])
def test_dataset_gradients_sum_each_sequence_from_memories_zero(kind):
    rng = random.Random(kind)
    params = [rng.gauss(0.0, 1.0) for _ in range(CELLS[kind].param_count)]
    data = [
        DatasetItem("a", tuple(rng.uniform(-1, 1) for _ in range(5)), 0.5),
        DatasetItem("b", tuple(rng.uniform(-1, 1) for _ in range(3)), -0.25),
    ]
    loss, grad = dataset_gradients(kind, params, data)
    expected_loss = 0.0
    expected_grad = [0.0] * len(params)
    for item in data:
        t_loss, t_grad, *_ = torch_gradients(kind, params, list(item.inputs), 0.0, 0.0, item.target)
        expected_loss += t_loss
        expected_grad = [a + b for a, b in zip(expected_grad, t_grad)]
    assert math.isclose(loss, expected_loss, rel_tol=1e-12)
    assert_close_vectors(grad, expected_grad, "dataset gradient")
    assert dataset_gradients(kind, params, [(item.inputs, item.target) for item in data]) == (loss, grad)
