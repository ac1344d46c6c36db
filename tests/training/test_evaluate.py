"""evaluate_dataset: the loss and outputs the window shows live, equal to the
cell's trace and to torch."""

from __future__ import annotations

import random

import pytest

from lstm_gui.core import cell
from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.session import COMPANIES, DatasetItem
from lstm_gui.training.config import STATQUEST_PARAMS
from lstm_gui.training.engines.fast import BATCH_THRESHOLD
from lstm_gui.training.evaluate import evaluate_dataset


def _many(count: int, seed: int = 3) -> tuple[DatasetItem, ...]:
    rng = random.Random(seed)
    return tuple(
        DatasetItem(f"S{k}", tuple(rng.uniform(-1, 1) for _ in range(rng.randint(1, 6))), rng.choice((0.0, 1.0)))
        for k in range(count)
    )


@pytest.mark.parametrize("count", [2, BATCH_THRESHOLD + 7])
def test_outputs_and_loss_equal_the_cells_trace(count):
    dataset = COMPANIES if count == 2 else _many(count)
    loss, outputs = evaluate_dataset(NOTEBOOK_PARAMS, dataset)
    finals = [cell.run(NOTEBOOK_PARAMS, item.inputs).final()[1] for item in dataset]
    assert outputs == pytest.approx(finals, abs=1e-12)
    assert loss == pytest.approx(sum((h - item.target) ** 2 for h, item in zip(finals, dataset)), abs=1e-12)
    assert isinstance(loss, float) and all(isinstance(v, float) for v in outputs)


def test_statquest_start_gives_the_published_minus_0_04_outputs():
    _, outputs = evaluate_dataset(STATQUEST_PARAMS, COMPANIES)
    assert [round(v, 4) for v in outputs] == [-0.0377, -0.0383]


def test_equals_torch_autograd_forward():
    torch_reference = pytest.importorskip("lstm_gui.training.engines.torch_reference")
    dataset = _many(40)
    sequences = [(item.inputs, item.target) for item in dataset]
    loss_t, outputs_t, _ = torch_reference.loss_and_gradient(NOTEBOOK_PARAMS.to_flat(), sequences)
    loss, outputs = evaluate_dataset(NOTEBOOK_PARAMS, dataset)
    assert loss == pytest.approx(loss_t, rel=1e-12, abs=1e-14)
    assert outputs == pytest.approx(outputs_t, abs=1e-12)


def test_empty_dataset_is_zero_loss_no_outputs():
    assert evaluate_dataset(NOTEBOOK_PARAMS, ()) == (0.0, ())
