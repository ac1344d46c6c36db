"""The loss and each sequence's output at given weights, without training.

What the window shows live for the current (or previewed) weights: one
forward pass per dataset sequence from memories 0, the same arithmetic as the
training engines (plain Python floats for a few sequences, the fast engine's
numpy batch path for many), in float64.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.gradients import lstm_output
from lstm_gui.training.engines.fast import BATCH_THRESHOLD, BatchData, batch_loss_and_gradient, summed_loss


def evaluate_dataset(params: CellParams, dataset: Sequence[DatasetItem]) -> tuple[float, tuple[float, ...]]:
    """Summed loss and each sequence's final short-term memory at ``params``.

    Every sequence starts from memories long = short = 0 (as in training);
    loss = sum over sequences of (final short - target)^2, in dataset order.
    An empty dataset gives ``(0.0, ())``.
    """
    weights = params.to_flat()
    sequences = [(tuple(item.inputs), float(item.target)) for item in dataset]
    if len(sequences) >= BATCH_THRESHOLD:
        loss, outputs, _ = batch_loss_and_gradient(weights, BatchData(sequences), want_grad=False)
        return float(loss), tuple(outputs.tolist())
    plain_outputs = [lstm_output(weights, xs) for xs, _ in sequences]
    return summed_loss(plain_outputs, sequences), tuple(plain_outputs)
