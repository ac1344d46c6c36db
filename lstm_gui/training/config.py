"""Training settings (TrainConfig) and the start weights a run begins from."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Sequence

from lstm_gui.core.cell import CellParams

OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "rmsprop", "adagrad")
INITS: tuple[str, ...] = ("current", "statquest", "zeros", "random")
ENGINES: tuple[str, ...] = ("fast", "torch")
STATUSES: tuple[str, ...] = ("finished", "stopped", "stopped_below", "diverged")

#: StatQuest's start: ``torch.manual_seed(42)`` then 8 draws of
#: ``torch.normal(mean=torch.tensor(0.0), std=torch.tensor(1.0))`` (float32)
#: for wlr1, wlr2, wpr1, wpr2, wp1, wp2, wo1, wo2; biases 0. The exact float32
#: values, so that torch need not be imported to make them (tested against
#: torch in tests/core/test_training.py).
STATQUEST_DRAWS: tuple[float, ...] = (
    0.33669036626815796,
    0.12880940735340118,
    0.23446236550807953,
    0.23033303022384644,
    -1.1228563785552979,
    -0.18632829189300537,
    2.2082014083862305,
    -0.637997031211853,
)


def _weights_with_zero_biases(draws: Sequence[float]) -> CellParams:
    """8 weights (w_short, w_input per gate, in gate order) and 4 zero biases."""
    flat: list[float] = []
    for k in range(4):
        flat += [draws[2 * k], draws[2 * k + 1], 0.0]
    return CellParams.from_flat(flat)


STATQUEST_PARAMS: CellParams = _weights_with_zero_biases(STATQUEST_DRAWS)


def _check_finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How to train. ``per_sample``: one update per sequence (in dataset
    order), else one update per epoch on the summed loss.

    ``seed`` is used by ``init="random"``. ``momentum`` is SGD's (torch's
    dampening 0, no Nesterov); the other optimizers use torch's defaults.
    Invalid values raise ``ValueError`` with the field's name.
    """

    optimizer: str = "adam"
    lr: float = 0.001
    momentum: float = 0.0
    epochs: int = 5000
    per_sample: bool = True
    init: str = "current"
    seed: int = 0
    stop_below: float | None = None
    engine: str = "fast"

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.init not in INITS:
            raise ValueError(f"init: expected one of {', '.join(INITS)}, got {self.init!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {self.engine!r}")
        lr = _check_finite(self.lr, "lr")
        if lr <= 0:
            raise ValueError(f"lr: expected a positive learning rate, got {self.lr!r}")
        momentum = _check_finite(self.momentum, "momentum")
        if momentum < 0:
            raise ValueError(f"momentum: expected 0 or more, got {self.momentum!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 0:
            raise ValueError(f"epochs: expected a whole number of epochs >= 0, got {self.epochs!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed: expected a whole number, got {self.seed!r}")
        if not isinstance(self.per_sample, bool):
            raise ValueError(f"per_sample: expected true or false, got {self.per_sample!r}")
        object.__setattr__(self, "lr", lr)
        object.__setattr__(self, "momentum", momentum)
        if self.stop_below is not None:
            object.__setattr__(self, "stop_below", _check_finite(self.stop_below, "stop_below"))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "optimizer": self.optimizer,
            "lr": self.lr,
            "momentum": self.momentum,
            "epochs": self.epochs,
            "per_sample": self.per_sample,
            "init": self.init,
            "seed": self.seed,
            "stop_below": self.stop_below,
            "engine": self.engine,
        }

    @classmethod
    def from_json_dict(cls, data: Any, where: str = "training") -> "TrainConfig":
        """Validate and build; ``ValueError`` says which field is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
        try:
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where}.{exc}") from None


def random_params(seed: int) -> CellParams:
    """``init="random"``: the 8 weights drawn from the standard normal N(0, 1)
    with Python's ``random.Random(seed).gauss`` in the notebook's order
    (wlr1, wlr2, wpr1, wpr2, wp1, wp2, wo1, wo2), the 4 biases 0 (like
    StatQuest's start, but reproducible without torch)."""
    rng = random.Random(seed)
    return _weights_with_zero_biases([rng.gauss(0.0, 1.0) for _ in range(8)])


def start_params(config: TrainConfig, current: CellParams) -> CellParams:
    """The weights a run starts from (``config.init``)."""
    if config.init == "current":
        return current
    if config.init == "statquest":
        return STATQUEST_PARAMS
    if config.init == "zeros":
        return CellParams.zeros()
    if config.init == "random":
        return random_params(config.seed)
    raise ValueError(f"init: expected one of {', '.join(INITS)}, got {config.init!r}")
