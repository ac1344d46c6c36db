"""Nudge: one optimizer update on the dataset's summed loss equals one torch step."""

from __future__ import annotations

import random

import pytest

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import COMPANIES, DatasetItem
from lstm_gui.training.config import TrainConfig
from lstm_gui.training.nudge import nudge, nudge_flat

torch = pytest.importorskip("torch")

from lstm_gui.training.engines.torch_reference import (  # noqa: E402
    CELL_OUTPUTS,
    make_torch_optimizer,
    squared_error_sum,
)


def _torch_nudge(kind, flat, dataset, config):
    w = torch.tensor(list(flat), dtype=torch.float64, requires_grad=True)
    optimizer = make_torch_optimizer(config.optimizer, [w], config.lr, config.momentum)
    outputs = [CELL_OUTPUTS[kind](w, [float(x) for x in item.inputs]) for item in dataset]
    loss = squared_error_sum(outputs, [item.target for item in dataset])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return w.detach().tolist()


def _random_dataset(rng, count=3):
    return tuple(
        DatasetItem(f"s{k}", tuple(rng.uniform(-1, 1) for _ in range(rng.randint(1, 8))), rng.uniform(-1, 1))
        for k in range(count)
    )


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adagrad"])
@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru"])
def test_one_nudge_equals_one_torch_step_from_a_fresh_state(kind, optimizer):
    rng = random.Random(hash((kind, optimizer)) & 0xFFFF)
    size = {"lstm": 12, "rnn": 3, "gru": 10}[kind]
    flat = [rng.gauss(0, 1) for _ in range(size)]
    dataset = _random_dataset(rng)
    config = TrainConfig(optimizer=optimizer, lr=0.05, momentum=0.9 if optimizer == "sgd" else 0.0)
    ours = nudge_flat(kind, flat, dataset, config)
    expected = _torch_nudge(kind, flat, dataset, config)
    assert ours != tuple(flat)
    for a, e in zip(ours, expected):
        assert a == pytest.approx(e, abs=1e-12, rel=0)


def test_nudge_on_cell_params_moves_the_companies_loss_down():
    from lstm_gui.core.gradients import dataset_gradients

    params = CellParams.from_flat([0.3, 0.1, 0.0, 0.2, 0.2, 0.0, -1.1, -0.2, 0.0, 2.2, -0.6, 0.0])
    config = TrainConfig(optimizer="sgd", lr=0.01)
    after = nudge(params, COMPANIES, config)
    before_loss, _ = dataset_gradients("lstm", params.to_flat(), COMPANIES)
    after_loss, _ = dataset_gradients("lstm", after.to_flat(), COMPANIES)
    assert after_loss < before_loss
    expected = _torch_nudge("lstm", params.to_flat(), COMPANIES, config)
    assert after.to_flat() == pytest.approx(expected, abs=1e-12, rel=0)
