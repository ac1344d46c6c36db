"""Training the cell on a dataset: settings, start weights, history and runs.

CONTRACT (written before the implementation; the names below are used by the
window, the training panel and the command line -- keep them, extend freely):

- :class:`TrainConfig` frozen settings, saved in the session file.
- :func:`start_params` picks the start weights for a config.
- :class:`TrainingHistory` loss, outputs and weights per epoch (numpy arrays,
  appendable), saved with the session.
- :class:`TrainingRun` drives one run with either engine, reports progress
  through a callback at most ~30 times a second and once at the end, honours
  ``pause_event`` / ``stop_event`` (``threading.Event``) and ``set_lr`` at once.

Dataset sequences always start from memories long = short = 0 (as in the
video); loss = sum over sequences of (final short - target)^2.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from lstm_gui.core.cell import CellParams
    from lstm_gui.core.session import DatasetItem

OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "rmsprop", "adagrad")
INITS: tuple[str, ...] = ("current", "statquest", "zeros", "random")
ENGINES: tuple[str, ...] = ("fast", "torch")


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How to train. ``per_sample``: one update per sequence (in dataset
    order), else one update per epoch on the summed loss."""

    optimizer: str = "adam"
    lr: float = 0.001
    momentum: float = 0.0
    epochs: int = 5000
    per_sample: bool = True
    init: str = "current"
    seed: int = 0
    stop_below: float | None = None
    engine: str = "fast"


def start_params(config: TrainConfig, current: "CellParams") -> "CellParams":
    """The weights a run starts from (``config.init``)."""
    raise NotImplementedError


class TrainingHistory:
    """Per-epoch records of one or more runs (epoch 0 = the start weights)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A copy of plain data handed from the training loop to whoever shows it."""

    epoch: int  # epochs completed in this run
    epochs_total: int
    loss: float
    outputs: tuple[float, ...]  # final short-term memory per dataset sequence
    weights: tuple[float, ...]  # 12, PARAM_KEYS order
    epochs_per_second: float
    seconds_left: float


@dataclass(frozen=True, slots=True)
class TrainResult:
    status: str  # "finished" | "stopped" | "stopped_below" | "diverged"
    params: "CellParams"  # last finite weights
    loss: float
    outputs: tuple[float, ...]
    epochs: int
    message: str = ""


class TrainingRun:
    def __init__(
        self,
        params: "CellParams",
        dataset: Sequence["DatasetItem"],
        config: TrainConfig,
        history: TrainingHistory | None = None,
    ) -> None:
        self.pause_event = threading.Event()
        self.stop_event = threading.Event()
        raise NotImplementedError

    def set_lr(self, lr: float) -> None:
        raise NotImplementedError

    def run(
        self, on_progress: Callable[[Progress], None] | None = None, interval: float = 1 / 30
    ) -> TrainResult:
        raise NotImplementedError
