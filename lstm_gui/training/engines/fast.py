"""The fast training engine: analytic backpropagation through time in float64.

For a 1x1 cell, numpy and torch spend almost all their time dispatching tiny
operations, so the small case is plain Python floats with every time step
written out inline (local variables only, no calls per gate): each cell's
pass of one sequence, in :mod:`lstm_gui.core.gradients`. Full-batch
training on many sequences switches to numpy vectorized over the batch
(:func:`batch_loss_and_gradient`), where the arithmetic finally outweighs the
dispatch.

The optimizers update a flat list of the 12 weights (:data:`PARAM_KEYS`
order) with the formulas and the order of operations of ``torch.optim``
(``_single_tensor_*`` in torch 2.x), so one update here equals one
``optimizer.step()`` there to rounding. Tested against torch autograd and
``torch.optim`` in ``tests/training/test_engines.py``.

Loss of one sequence: ``(final short - target)^2``, memories start at 0.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

# The scalar passes of one sequence live with the other cells' in core.gradients.
from lstm_gui.core.gradients import FORWARD_BACKWARD, OUTPUT
from lstm_gui.core.gradients import lstm_forward_backward as forward_backward
from lstm_gui.training.engines.optimizers import make_optimizer

#: Above this many sequences, full-batch epochs use the numpy batch engine.
#: Measured (scalar vs numpy gradient, 4- and 50-step sequences): numpy wins from
#: about 16-32 sequences on; per-sample updates always use scalar Python.
BATCH_THRESHOLD = 24


def plain_sequences(
    sequences: Sequence[tuple[Sequence[float], float]],
) -> list[tuple[tuple[float, ...], float]]:
    """A dataset as (inputs, target) pairs of plain floats (both engines keep this copy)."""
    return [(tuple(float(x) for x in xs), float(y)) for xs, y in sequences]


def summed_loss(outputs: Sequence[float], sequences: Sequence[tuple[Sequence[float], float]]) -> float:
    """Sum over sequences of (final short-term memory - target)^2, in dataset order."""
    loss = 0.0
    for h, (_, y) in zip(outputs, sequences):
        loss += (h - y) * (h - y)
    return loss


def loss_and_gradient(
    w: Sequence[float], sequences: Sequence[tuple[Sequence[float], float]]
) -> tuple[float, list[float], list[float]]:
    """Summed loss, per-sequence outputs and the gradient (12) at ``w``."""
    grad = [0.0] * 12
    outputs = [forward_backward(w, xs, y, grad) for xs, y in sequences]
    return summed_loss(outputs, sequences), outputs, grad


# -- numpy, vectorized over the batch ---------------------------------------

#: Per gate row (forget, input, candidate, output): sigmoid(z) = 0.5 * tanh(z / 2)
#: + 0.5 (one tanh for all four rows, and it never overflows); tanh is itself.
_GATE_SCALE = np.array([[0.5], [0.5], [1.0], [0.5]])
_GATE_SHIFT = np.array([[0.5], [0.5], [0.0], [0.5]])


class BatchData:
    """Sequences grouped by length as (inputs[T, n], targets[n], index[n])."""

    def __init__(self, sequences: Sequence[tuple[Sequence[float], float]]) -> None:
        by_length: dict[int, list[int]] = {}
        for k, (xs, _) in enumerate(sequences):
            by_length.setdefault(len(xs), []).append(k)
        self.count = len(sequences)
        self.groups = [
            (
                np.array([sequences[k][0] for k in idx], dtype=np.float64).T.copy(),
                np.array([sequences[k][1] for k in idx], dtype=np.float64),
                np.array(idx, dtype=np.intp),
            )
            for _, idx in sorted(by_length.items())
        ]


def batch_loss_and_gradient(
    w: Sequence[float], data: BatchData, want_grad: bool = True
) -> tuple[float, np.ndarray, list[float]]:
    """Like :func:`loss_and_gradient`, vectorized over the sequences with numpy.

    All four gates of a step are one (4, n) array; whatever does not depend on
    the recurrence (input terms, gate derivatives, the weight gradients) is
    computed for all steps at once outside the time loops.
    """
    wv = np.asarray(w, dtype=np.float64).reshape(4, 3)  # rows: gates; cols: short, input, bias
    w_short = wv[:, 0:1].copy()  # (4, 1)
    w_short_row = wv[:, 0].copy()
    outputs = np.empty(data.count)
    grad = np.zeros((4, 3))
    loss = 0.0
    scale, shift = _GATE_SCALE, _GATE_SHIFT
    tanh, multiply = np.tanh, np.multiply
    for inputs, targets, index in data.groups:
        steps, n = inputs.shape
        # Input and bias terms of every gate at every step: (T, 4, n).
        pre_input = wv[None, :, 1:2] * inputs[:, None, :] + wv[None, :, 2:3]
        gates = np.empty((steps, 4, n))
        longs = np.zeros((steps + 1, n))
        shorts = np.zeros((steps + 1, n))
        long_tanh = np.empty((steps, n))
        for t in range(steps):
            a = gates[t]
            multiply(w_short, shorts[t], out=a)
            a += pre_input[t]
            a *= scale
            tanh(a, out=a)
            a *= scale
            a += shift
            f, i, g, o = a
            c = longs[t + 1]
            multiply(f, longs[t], out=c)
            c += i * g
            tanh(c, out=long_tanh[t])
            multiply(o, long_tanh[t], out=shorts[t + 1])
        h = shorts[steps]
        outputs[index] = h
        err = h - targets
        loss += float(err @ err)
        if not want_grad:
            continue
        f, i, g, o = gates[:, 0], gates[:, 1], gates[:, 2], gates[:, 3]
        # Everything the backward recurrence multiplies by, for all steps at once.
        d_long_from_short = o * (1.0 - long_tanh * long_tanh)  # (T, n)
        d_output_pre = long_tanh * o * (1.0 - o)  # (T, n)
        d_pre_from_long = np.stack(
            (longs[:-1] * f * (1.0 - f), g * i * (1.0 - i), i * (1.0 - g * g)), axis=1
        )  # (T, 3, n): forget, input, candidate
        d_pre = np.empty((steps, 4, n))
        d_short = 2.0 * err
        d_long = np.zeros(n)
        for t in range(steps - 1, -1, -1):
            d_long = d_long + d_short * d_long_from_short[t]
            dz = d_pre[t]
            multiply(d_long, d_pre_from_long[t], out=dz[0:3])
            multiply(d_short, d_output_pre[t], out=dz[3])
            d_long = d_long * f[t]
            d_short = w_short_row @ dz
        grad[:, 0] += np.einsum("tkn,tn->k", d_pre, shorts[:-1])
        grad[:, 1] += np.einsum("tkn,tn->k", d_pre, inputs)
        grad[:, 2] += d_pre.sum(axis=(0, 2))
    return loss, outputs, grad.ravel().tolist()


# -- the engine ---------------------------------------------------------------

#: What ``run_epochs`` returns: (epochs recorded, losses, outputs flattened,
#: weights flattened), each at the weights after a recorded epoch.
EpochRecords = tuple[int, list[float], list[float], list[float]]


class FastEngine:
    """Trains a cell's weights on a dataset; keeps weights and optimizer state.

    ``cell``: ``"lstm"`` (12 weights, this module's passes, numpy for many
    sequences) or ``"rnn"`` / ``"gru"`` (their passes in
    :mod:`lstm_gui.core.gradients`, scalar Python for any number of sequences).

    ``run_epochs`` returns per-epoch records (loss, outputs and weights after
    each epoch) as flat Python lists, which the caller turns into numpy rows
    once per chunk instead of once per epoch.
    """

    name = "fast"

    def __init__(
        self,
        weights: Sequence[float],
        sequences: Sequence[tuple[Sequence[float], float]],
        optimizer: str,
        per_sample: bool,
        momentum: float = 0.0,
        cell: str = "lstm",
    ) -> None:
        self.weights = [float(v) for v in weights]
        self.sequences = plain_sequences(sequences)
        self.optimizer = make_optimizer(optimizer, momentum, size=len(self.weights))
        self.per_sample = per_sample
        self.cell = cell
        lstm = cell == "lstm"
        self._forward_backward = FORWARD_BACKWARD[cell]
        self._output = OUTPUT[cell]
        # Many sequences: numpy for full-batch gradients and, per sample, for
        # the loss and outputs recorded after each epoch (the LSTM only).
        self.batch = BatchData(self.sequences) if lstm and len(self.sequences) >= BATCH_THRESHOLD else None
        #: Full batch: (weights, loss, outputs, gradient) of the last pass.
        self._cached: tuple[tuple[float, ...], float, list[float], list[float]] | None = None

    def set_weights(self, values: Sequence[float]) -> None:
        """Replace the 12 weights (e.g. edited during a pause); the
        optimizer's state (moments, step count) is kept."""
        self.weights[:] = [float(v) for v in values]
        self._cached = None

    def snapshot(self) -> object:
        """A copy of everything training changes (weights, optimizer state,
        the cached last pass), for :meth:`restore`."""
        return copy.deepcopy((self.weights, self.optimizer, self._cached))

    def restore(self, state: object) -> None:
        """Go back to a :meth:`snapshot`: the same epochs then give the same
        numbers again, bit for bit (a breakpoint inside a chunk replays up
        to its epoch)."""
        saved: tuple[list[float], Any, Any] = copy.deepcopy(state)  # type: ignore[assignment]
        self.weights[:] = saved[0]
        self.optimizer = saved[1]
        self._cached = saved[2]

    def evaluate(self) -> tuple[float, list[float]]:
        """(summed loss, outputs) at the current weights."""
        w = self.weights
        if self.batch is not None:
            loss, batch_outputs, _ = batch_loss_and_gradient(w, self.batch, want_grad=False)
            return loss, batch_outputs.tolist()
        fwd = self._output
        outputs = [fwd(w, xs) for xs, _ in self.sequences]
        return summed_loss(outputs, self.sequences), outputs

    def run_epochs(self, epochs: int, lr: float, stop_below: float | None = None) -> EpochRecords:
        """Train up to ``epochs`` epochs.

        Stops early after an epoch whose loss is below ``stop_below`` (that
        epoch is recorded) or is not finite (that epoch is not recorded; the
        weights are then no longer trustworthy).

        Returns
        -------
        (epochs recorded, losses, outputs flattened, weights flattened), all
        at the weights after each recorded epoch.
        """
        if self.per_sample:
            return self._per_sample(epochs, lr, stop_below)
        return self._full_batch(epochs, lr, stop_below)

    def _per_sample(self, epochs: int, lr: float, stop_below: float | None) -> EpochRecords:
        if self.batch is not None:
            return self._per_sample_many(self.batch, epochs, lr, stop_below)
        w = self.weights
        first_inputs, first_target = self.sequences[0]
        rest = self.sequences[1:]
        step = self.optimizer.step
        fb = self._forward_backward
        fwd = self._output
        size = len(w)
        isfinite = math.isfinite
        below = -math.inf if stop_below is None else stop_below
        losses: list[float] = []
        outs: list[float] = []
        weights: list[float] = []
        add_loss, add_outs, add_weights = losses.append, outs.extend, weights.extend
        done = 0
        pending_loss = 0.0
        pending_outs: list[float] | None = None
        # The history wants loss and outputs after each epoch's updates. The
        # first sequence's output after epoch e is the one computed by the
        # forward pass of its update in epoch e+1 (same weights), so only the
        # other sequences need an extra forward pass; the record of epoch e is
        # completed at the start of epoch e+1 (before that epoch's first
        # update, so stopping there leaves weights and optimizer at epoch e).
        for e in range(epochs + 1):
            if e < epochs:
                grad = [0.0] * size
                h = fb(w, first_inputs, first_target, grad)
            else:
                h = fwd(w, first_inputs)
            if pending_outs is not None:
                loss = (h - first_target) * (h - first_target) + pending_loss
                if not isfinite(loss):
                    break
                add_loss(loss)
                outs.append(h)
                add_outs(pending_outs)
                add_weights(w)
                done += 1
                if loss < below:
                    break
            if e == epochs:
                break
            step(w, grad, lr)
            for xs, y in rest:
                grad = [0.0] * size
                fb(w, xs, y, grad)
                step(w, grad, lr)
            pending_loss = 0.0
            pending_outs = []
            for xs, y in rest:
                h = fwd(w, xs)
                pending_outs.append(h)
                pending_loss += (h - y) * (h - y)
        return done, losses, outs, weights

    def _per_sample_many(self, batch: BatchData, epochs: int, lr: float, stop_below: float | None) -> EpochRecords:
        """Per-sample updates in scalar Python, each epoch's record by numpy."""
        w = self.weights
        sequences = self.sequences
        step = self.optimizer.step
        fb = self._forward_backward
        size = len(w)
        below = -math.inf if stop_below is None else stop_below
        losses: list[float] = []
        outs: list[float] = []
        weights: list[float] = []
        done = 0
        for _ in range(epochs):
            for xs, y in sequences:
                grad = [0.0] * size
                fb(w, xs, y, grad)
                step(w, grad, lr)
            loss, epoch_outs, _ = batch_loss_and_gradient(w, batch, want_grad=False)
            if not math.isfinite(loss):
                break
            losses.append(loss)
            outs.extend(epoch_outs.tolist())
            weights.extend(w)
            done += 1
            if loss < below:
                break
        return done, losses, outs, weights

    def _full_batch(self, epochs: int, lr: float, stop_below: float | None) -> EpochRecords:
        w = self.weights
        sequences = self.sequences
        step = self.optimizer.step
        fb = self._forward_backward
        size = len(w)
        batch = self.batch
        isfinite = math.isfinite
        below = -math.inf if stop_below is None else stop_below
        losses: list[float] = []
        outs: list[float] = []
        weights: list[float] = []
        done = 0
        # The forward pass of epoch e+1 runs at the weights after epoch e, so
        # its loss and outputs are epoch e's record: no extra forward pass.
        # The pass that closes a call's last record is kept (with its
        # gradient) for the first epoch of the next call.
        cached, self._cached = self._cached, None
        for e in range(epochs + 1):
            key = tuple(w)
            if cached is not None and cached[0] == key:
                _, loss, epoch_outs, grad = cached
                cached = None
            elif batch is not None:
                loss, batch_outs, grad = batch_loss_and_gradient(w, batch)
                epoch_outs = batch_outs.tolist()
            else:
                grad = [0.0] * size
                epoch_outs = [fb(w, xs, y, grad) for xs, y in sequences]
                loss = 0.0
                for h, (_, y) in zip(epoch_outs, sequences):
                    loss += (h - y) * (h - y)
            if e > 0:
                if not isfinite(loss):
                    break
                losses.append(loss)
                outs.extend(epoch_outs)
                weights.extend(w)
                done += 1
                if loss < below or e == epochs:
                    self._cached = (key, loss, epoch_outs, grad)
                    break
            step(w, grad, lr)
        return done, losses, outs, weights
