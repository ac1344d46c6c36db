"""Training settings (TrainConfig) and the start weights a run begins from."""

from __future__ import annotations

import dataclasses
import numbers
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lstm_gui.core.cell import CellParams
from lstm_gui.core.errors import FieldError, finite_number
from lstm_gui.core.formatting import quote_value

OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "rmsprop", "adagrad")
INITS: tuple[str, ...] = ("current", "statquest", "zeros", "random")
ENGINES: tuple[str, ...] = ("fast", "torch")

#: StatQuest's start: ``torch.manual_seed(42)`` then 8 draws of
#: ``torch.normal(mean=torch.tensor(0.0), std=torch.tensor(1.0))`` (float32)
#: for wlr1, wlr2, wpr1, wpr2, wp1, wp2, wo1, wo2; biases 0. The exact float32
#: values, so that torch need not be imported to make them (tested against
#: torch in tests/training/test_training.py).
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


#: Most epochs one run may have (a billion: days of training even at full speed).
MAX_EPOCHS = 1_000_000_000
#: Largest seed: the window's seed spin box goes up to this (a 32-bit int).
MAX_SEED = 2**31 - 1


def _choice(value: object, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise FieldError(where, f"expected one of {', '.join(choices)}, got {quote_value(value)}")
    return str(value)


def _whole_number(value: object, where: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise FieldError(where, f"expected a whole number, got {quote_value(value)}")
    number = int(value)
    if number < minimum:
        raise FieldError(where, f"expected at least {minimum}, got {quote_value(number)}")
    if number > maximum:
        raise FieldError(where, f"expected at most {maximum}, got {quote_value(number)}")
    return number


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How to train; the one owner of the training settings' rules.

    ``per_sample``: one update per sequence (in dataset order), else one
    update per epoch on the summed loss. ``seed`` is used by
    ``init="random"``. ``momentum`` is SGD's (torch's dampening 0, no
    Nesterov); the other optimizers use torch's defaults. ``stop_below``:
    stop as soon as the summed loss falls below it (``None``: never).

    Raises
    ------
    FieldError
        With ``where`` the field's name, e.g. ``FieldError("epochs",
        "expected at least 1, got 0")``. The window, the session file and the
        command line map ``where`` onto a field, a path or a flag.
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
        _choice(self.optimizer, OPTIMIZERS, "optimizer")
        lr = finite_number(self.lr, "lr")
        if lr <= 0:
            raise FieldError("lr", f"expected a positive learning rate, got {quote_value(lr)}")
        momentum = finite_number(self.momentum, "momentum")
        if not 0 <= momentum < 1:
            raise FieldError("momentum", f"expected at least 0 and below 1, got {quote_value(momentum)}")
        epochs = _whole_number(self.epochs, "epochs", 1, MAX_EPOCHS)
        if not isinstance(self.per_sample, bool):
            raise FieldError("per_sample", f"expected true or false, got {quote_value(self.per_sample)}")
        _choice(self.init, INITS, "init")
        seed = _whole_number(self.seed, "seed", 0, MAX_SEED)
        stop_below = None
        if self.stop_below is not None:
            stop_below = finite_number(self.stop_below, "stop_below")
            if stop_below <= 0:
                raise FieldError("stop_below", f"expected a loss above 0, got {quote_value(stop_below)}")
        _choice(self.engine, ENGINES, "engine")
        # Stored as the plain types (an int 1 for lr becomes 1.0, numpy ints
        # become int), so equal settings compare and save equal.
        object.__setattr__(self, "lr", lr)
        object.__setattr__(self, "momentum", momentum)
        object.__setattr__(self, "epochs", epochs)
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "stop_below", stop_below)

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied, checked like a new config."""
        return dataclasses.replace(self, **changes)

    def to_json_dict(self) -> dict[str, Any]:
        """The settings as plain JSON data (the session file's ``training``)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @classmethod
    def from_json_dict(cls, data: object, where: str = "training") -> TrainConfig:
        """Build from plain JSON data; missing fields take their defaults.

        Raises
        ------
        FieldError
            ``where`` is the field's place under the prefix ``where``
            (``training.lr``); the prefix alone for the object as a whole.
        """
        try:
            if not isinstance(data, dict):
                raise FieldError("", f"expected an object, got {type(data).__name__}")
            unknown = sorted(str(key) for key in set(data) - {field.name for field in dataclasses.fields(cls)})
            if unknown:
                raise FieldError("", f"unknown field(s) {', '.join(unknown)}")
            return cls(**data)
        except FieldError as exc:
            raise exc.within(where) from None


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
    raise FieldError("init", f"expected one of {', '.join(INITS)}, got {quote_value(config.init)}")
