"""The reference training engine: torch autograd + ``torch.optim`` in float64.

Slow (every scalar operation is a dispatched tensor operation) but written the
obvious way, so it is the oracle the fast engine is checked against and stays
selectable (``--engine torch``). Importing this module imports torch; import it
lazily, only when this engine is chosen.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import torch

from lstm_gui.training.engines.fast import plain_sequences, summed_loss


def cell_output(w: torch.Tensor, xs: Sequence[float]) -> torch.Tensor:
    """Final short-term memory of one sequence from memories 0, differentiable in ``w``."""
    fs, fx, fb, is_, ix, ib, gs, gx, gb, os_, ox, ob = w.unbind()
    long = torch.zeros((), dtype=w.dtype)
    short = torch.zeros((), dtype=w.dtype)
    for x in xs:
        forget = torch.sigmoid(fs * short + fx * x + fb)
        input_ = torch.sigmoid(is_ * short + ix * x + ib)
        candidate = torch.tanh(gs * short + gx * x + gb)
        output = torch.sigmoid(os_ * short + ox * x + ob)
        long = forget * long + input_ * candidate
        short = output * torch.tanh(long)
    return short


def rnn_output(w: torch.Tensor, xs: Sequence[float]) -> torch.Tensor:
    """The plain RNN's final short-term memory from memory 0, differentiable in ``w``."""
    w_short, w_input, bias = w.unbind()
    short = torch.zeros((), dtype=w.dtype)
    for x in xs:
        short = torch.tanh(w_short * short + w_input * x + bias)
    return short


def gru_output(w: torch.Tensor, xs: Sequence[float]) -> torch.Tensor:
    """The GRU's final short-term memory from memory 0, as ``nn.GRU`` computes it."""
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = w.unbind()
    short = torch.zeros((), dtype=w.dtype)
    for x in xs:
        reset = torch.sigmoid(rs * short + rx * x + rb)
        update = torch.sigmoid(zs * short + zx * x + zb)
        candidate = torch.tanh(nx * x + nbx + reset * (ns * short + nbs))
        short = (1 - update) * candidate + update * short
    return short


#: Each cell's differentiable final output (weights in the cell's flat order).
CELL_OUTPUTS = {"lstm": cell_output, "rnn": rnn_output, "gru": gru_output}


def make_torch_optimizer(
    name: str, params: list[torch.Tensor], lr: float, momentum: float = 0.0
) -> torch.optim.Optimizer:
    """``torch.optim`` with its defaults; the single-tensor code path (as on CPU)."""
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, foreach=False)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, foreach=False)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, foreach=False)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, foreach=False)
    raise ValueError(f"unknown optimizer {name!r}; expected adam, sgd, rmsprop or adagrad")


def squared_error_sum(outputs: Sequence[torch.Tensor], targets: Sequence[float]) -> torch.Tensor:
    """Sum over sequences of (output - target)^2, added in dataset order."""
    loss = torch.zeros((), dtype=torch.float64)
    for h, y in zip(outputs, targets):
        loss = loss + (h - y) ** 2
    return loss


def loss_and_gradient(
    weights: Sequence[float], sequences: Sequence[tuple[Sequence[float], float]], cell: str = "lstm"
) -> tuple[float, list[float], list[float]]:
    """Summed loss, outputs and gradient by autograd (the oracle for tests)."""
    w = torch.tensor(list(weights), dtype=torch.float64, requires_grad=True)
    output = CELL_OUTPUTS[cell]
    outputs = [output(w, xs) for xs, _ in sequences]
    loss = squared_error_sum(outputs, [y for _, y in sequences])
    (grad,) = torch.autograd.grad(loss, w)
    return float(loss.detach()), [float(h.detach()) for h in outputs], grad.tolist()


class TorchEngine:
    """Same interface as :class:`lstm_gui.training.engines.fast.FastEngine`."""

    name = "torch"

    def __init__(
        self,
        weights: Sequence[float],
        sequences: Sequence[tuple[Sequence[float], float]],
        optimizer: str,
        per_sample: bool,
        momentum: float = 0.0,
        cell: str = "lstm",
    ) -> None:
        self.param = torch.tensor([float(v) for v in weights], dtype=torch.float64, requires_grad=True)
        self._output = CELL_OUTPUTS[cell]
        self.sequences = plain_sequences(sequences)
        self.optimizer = make_torch_optimizer(optimizer, [self.param], 0.001, momentum)
        self.per_sample = per_sample

    @property
    def weights(self) -> list[float]:
        return self.param.detach().tolist()

    @weights.setter
    def weights(self, values: Sequence[float]) -> None:
        with torch.no_grad():
            self.param.copy_(torch.tensor(list(values), dtype=torch.float64))

    def set_weights(self, values: Sequence[float]) -> None:
        """Replace the 12 weights in place; the optimizer's state is kept."""
        self.weights = values

    def snapshot(self) -> object:
        """The weights and the optimizer's state, for :meth:`restore`."""
        return (self.weights, copy.deepcopy(self.optimizer.state_dict()))

    def restore(self, state: object) -> None:
        """Go back to a :meth:`snapshot` (same epochs, same numbers again)."""
        saved: tuple[list[float], dict[str, Any]] = state  # type: ignore[assignment]
        self.weights = saved[0]
        self.optimizer.load_state_dict(copy.deepcopy(saved[1]))

    def evaluate(self) -> tuple[float, list[float]]:
        with torch.no_grad():
            outputs = [float(self._output(self.param, xs)) for xs, _ in self.sequences]
        return summed_loss(outputs, self.sequences), outputs

    def _update(self, sequences: Sequence[tuple[tuple[float, ...], float]], lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad()
        loss = squared_error_sum([self._output(self.param, xs) for xs, _ in sequences], [y for _, y in sequences])
        loss.backward()
        self.optimizer.step()

    def run_epochs(
        self, epochs: int, lr: float, stop_below: float | None = None
    ) -> tuple[int, list[float], list[float], list[float]]:
        below = -math.inf if stop_below is None else stop_below
        losses: list[float] = []
        outs: list[float] = []
        weights: list[float] = []
        done = 0
        for _ in range(epochs):
            if self.per_sample:
                for item in self.sequences:
                    self._update([item], lr)
            else:
                self._update(self.sequences, lr)
            loss, epoch_outs = self.evaluate()
            if not math.isfinite(loss):
                break
            losses.append(loss)
            outs.extend(epoch_outs)
            weights.extend(self.weights)
            done += 1
            if loss < below:
                break
        return done, losses, outs, weights
