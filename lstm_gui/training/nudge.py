"""Nudge: one update of gradient descent on the dataset's summed loss.

The window's Train > Nudge applies this so that gradient descent can be
watched one update at a time: the training settings' optimizer and learning
rate, from a fresh optimizer state (for Adam, its first step), on the same
loss training uses (every sequence from memories 0, summed). Tested against
one ``torch.optim`` step in ``tests/training/test_nudge.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lstm_gui.core.cell import CellParams
from lstm_gui.core.cells import cell_kind
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.gradients import dataset_gradients
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.engines.optimizers import make_optimizer


def nudge_flat(
    kind: str,
    params_flat: Sequence[float],
    dataset: Iterable[DatasetItem | tuple[Sequence[float], float]],
    config: TrainConfig,
) -> tuple[float, ...]:
    """Any cell's flat weights after one optimizer step on the dataset's summed loss.

    ``kind``: ``"lstm"``, ``"rnn"`` or ``"gru"``. Only ``config.optimizer``,
    ``config.lr`` and ``config.momentum`` matter; the optimizer starts fresh,
    so a nudge never depends on what came before it.
    """
    cell = cell_kind(kind)
    _, grad = dataset_gradients(kind, params_flat, dataset)
    weights = [float(w) for w in params_flat]
    optimizer = make_optimizer(config.optimizer, config.momentum, size=cell.param_count)
    optimizer.step(weights, grad, config.lr)
    return tuple(weights)


def nudge(params: CellParams, dataset: Iterable[DatasetItem], config: TrainConfig) -> CellParams:
    """The LSTM's weights after one update of ``config``'s optimizer and
    learning rate on ``dataset``'s summed loss (see :func:`nudge_flat`)."""
    return CellParams.from_flat(nudge_flat("lstm", params.to_flat(), dataset, config))
