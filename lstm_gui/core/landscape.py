"""The loss landscape: the dataset's loss over one weight (a curve) or two (a map).

Every point is the dataset's summed loss exactly as training computes it
(:func:`lstm_gui.training.evaluate.evaluate_dataset`): each sequence from
memories 0, ``sum (final short - target)^2`` in float64, with the chosen
weights set to the grid point's values and every other weight as given.

Speed: a 1x1 cell costs almost nothing per operation but a lot per numpy
call, so all grid points (and all sequences of one length) go through the
time steps together as one ``(4, points, sequences)`` array per step, the
same layout as the fast engine's batch path (one ``tanh`` for all four gates,
``sigmoid(z) = 0.5 * tanh(z / 2) + 0.5``). Points are cut into chunks so an
array stays around a million numbers (a 64x64 map of 256 sequences would be
a gigabyte per step otherwise).

:class:`LandscapeJob` computes a map coarse to fine (8x8, 16x16, 32x32, then
the asked grid) in slices of a given number of points, so the window can run
it from a timer without blocking its event loop.
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstm_gui.core.cell import CellParams
from lstm_gui.core.dataset import DatasetItem
from lstm_gui.core.errors import FieldError, finite_number
from lstm_gui.core.formatting import quote_value
from lstm_gui.core.limits import MAX_LANDSCAPE_GRID
from lstm_gui.core.vocabulary import NOTEBOOK_NAMES, PARAM_KEYS

#: Half the width of the default range: the current value +- 3.
DEFAULT_HALF_RANGE = 3.0

#: The grid the window and the command line use when none is given.
DEFAULT_GRID = 64

#: Grid sizes filled in before the asked one (only those smaller than it).
COARSE_LEVELS: tuple[int, ...] = (8, 16, 32)

#: Numbers per intermediate array (points x sequences of one length) in one
#: pass; measured: larger chunks no longer get faster, smaller ones pay numpy's
#: per-call cost again.
_CHUNK_NUMBERS = 1 << 18

#: The canonical names, ``gate.role``, in the flat 12-number order.
WEIGHT_NAMES: tuple[str, ...] = tuple(f"{gate}.{role}" for gate, role in PARAM_KEYS)

_BY_NAME: dict[str, int] = {name: k for k, name in enumerate(WEIGHT_NAMES)}
_BY_NAME.update({name: PARAM_KEYS.index(key) for name, key in NOTEBOOK_NAMES.items()})


def weight_index(name: str, where: str = "x") -> int:
    """The flat index (:data:`PARAM_KEYS` order) of a weight named
    ``forget.bias``-style (gate.role) or by its notebook name (``blr1``).

    Raises
    ------
    FieldError
        ``FieldError("x", "unknown weight 'forget.bais'; did you mean 'forget.bias'?")``.
    """
    if not isinstance(name, str):
        raise FieldError(where, f"expected a weight name, got {quote_value(name)}")
    key = name.strip()
    if key in _BY_NAME:
        return _BY_NAME[key]
    close = difflib.get_close_matches(key, list(_BY_NAME), n=1, cutoff=0.6)
    hint = (
        f"did you mean {quote_value(close[0])}?"
        if close
        else f"expected gate.role ({WEIGHT_NAMES[0]}, ...) or wlr1 ... bo1"
    )
    raise FieldError(where, f"unknown weight {quote_value(name)}; {hint}")


def weight_name(name: str, where: str = "x") -> str:
    """The canonical ``gate.role`` name of ``name`` (``blr1`` -> ``forget.bias``)."""
    return WEIGHT_NAMES[weight_index(name, where)]


def grid_size(value: object, where: str = "grid") -> int:
    """A grid size: a whole number from 2 to :data:`MAX_LANDSCAPE_GRID`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(where, f"expected a whole number, got {quote_value(value)}")
    if not 2 <= value <= MAX_LANDSCAPE_GRID:
        raise FieldError(where, f"expected 2 to {MAX_LANDSCAPE_GRID} points, got {value}")
    return value


def check_range(lo: object, hi: object, where: str) -> tuple[float, float]:
    """A range ``lo < hi`` of finite numbers."""
    low, high = finite_number(lo, where), finite_number(hi, where)
    if not low < high:
        raise FieldError(where, f"expected the low end below the high end, got {low!r},{high!r}")
    if not math.isfinite(high - low):
        # numpy.linspace would step by inf and give nan points.
        raise FieldError(where, f"expected a range narrower than {sys.float_info.max:.4g}, got {low!r},{high!r}")
    return low, high


#: The default half range grows with a huge value so that its grid points
#: stay distinct floats (a float64 near 1e17 is spaced 16 apart).
_RELATIVE_HALF_RANGE = 1e-9


def default_range(value: float) -> tuple[float, float]:
    """The range shown when none is chosen: the current value +- 3, or +- a
    billionth of a huge value (beyond 3e9) so that the range never collapses
    to one float; clamped to the finite floats."""
    half = max(DEFAULT_HALF_RANGE, abs(value) * _RELATIVE_HALF_RANGE)
    biggest = sys.float_info.max
    return max(value - half, -biggest), min(value + half, biggest)


def grid_axis(lo: float, hi: float, n: int) -> list[float]:
    """``n`` evenly spaced points from ``lo`` to ``hi``, both ends included
    exactly (``numpy.linspace``)."""
    low, high = check_range(lo, hi, "range")
    points = np.linspace(low, high, grid_size(n))
    points[0], points[-1] = low, high
    return [float(v) for v in points]


@dataclass(frozen=True, slots=True)
class LandscapeChoice:
    """What the landscape shows; saved with the session.

    ``x`` and ``y`` are canonical names (``forget.bias``); ``y`` ``None``
    draws a curve. A range ``None`` follows the current value (+- 3).
    """

    x: str = "forget.bias"
    y: str | None = "input.bias"
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    grid: int = DEFAULT_GRID

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", weight_name(self.x, "x"))
        if self.y is not None:
            object.__setattr__(self, "y", weight_name(self.y, "y"))
            if self.y == self.x:
                raise FieldError("y", f"expected a weight other than x ({self.x})")
        for where in ("x_range", "y_range"):
            value = getattr(self, where)
            if value is not None:
                if not isinstance(value, (tuple, list)) or len(value) != 2:
                    raise FieldError(where, f"expected two numbers (low, high), got {quote_value(value)}")
                object.__setattr__(self, where, check_range(value[0], value[1], where))
        grid_size(self.grid)

    def axes(self, params: CellParams) -> tuple[list[float], list[float] | None]:
        """The x (and y) grid points around ``params``' values."""
        flat = params.to_flat()
        x_range = self.x_range or default_range(flat[weight_index(self.x)])
        xs = grid_axis(*x_range, self.grid)
        if self.y is None:
            return xs, None
        y_range = self.y_range or default_range(flat[weight_index(self.y)])
        return xs, grid_axis(*y_range, self.grid)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "x": self.x,
            "y": self.y,
            "x_range": None if self.x_range is None else list(self.x_range),
            "y_range": None if self.y_range is None else list(self.y_range),
            "grid": self.grid,
        }


# -- the losses -------------------------------------------------------------------


class _Groups:
    """The dataset's sequences grouped by length: (inputs[T, n], targets[n])."""

    def __init__(self, dataset: Sequence[DatasetItem]) -> None:
        by_length: dict[int, list[DatasetItem]] = {}
        for item in dataset:
            by_length.setdefault(len(item.inputs), []).append(item)
        self.groups = [
            (
                np.array([item.inputs for item in items], dtype=np.float64).T.copy(),
                np.array([item.target for item in items], dtype=np.float64),
            )
            for _, items in sorted(by_length.items())
        ]
        #: Numbers per grid point per step (all sequences).
        self.width = max((inputs.shape[1] for inputs, _ in self.groups), default=1)


_GATE_SCALE = np.array([0.5, 0.5, 1.0, 0.5])[:, None, None]
_GATE_SHIFT = np.array([0.5, 0.5, 0.0, 0.5])[:, None, None]


def _group_losses(weights: np.ndarray, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Summed loss of one length group at each row of ``weights`` (points, 12)."""
    steps, n = inputs.shape
    points = weights.shape[0]
    w = weights.T.reshape(4, 3, points)  # gate, role, point
    w_short = w[:, 0, :, None]  # (4, P, 1)
    w_input = w[:, 1, :, None]
    bias = w[:, 2, :, None]
    long = np.zeros((points, n))
    short = np.zeros((points, n))
    gates = np.empty((4, points, n))
    scale, shift, tanh, multiply = _GATE_SCALE, _GATE_SHIFT, np.tanh, np.multiply
    for t in range(steps):
        multiply(w_short, short[None], out=gates)
        gates += w_input * inputs[t][None, None, :]
        gates += bias
        gates *= scale
        tanh(gates, out=gates)
        gates *= scale
        gates += shift
        f, i, g, o = gates
        long *= f
        long += i * g
        tanh(long, out=short)
        short *= o
    err = short - targets[None, :]
    return np.einsum("pn,pn->p", err, err)


def losses_at(weights: np.ndarray, dataset: Sequence[DatasetItem] | _Groups) -> np.ndarray:
    """The dataset's summed loss at each row of ``weights`` (points, 12), float64."""
    groups = dataset if isinstance(dataset, _Groups) else _Groups(dataset)
    weights = np.asarray(weights, dtype=np.float64).reshape(-1, 12)
    out = np.zeros(weights.shape[0])
    chunk = max(1, _CHUNK_NUMBERS // groups.width)
    # Huge weights or targets overflow to inf (or nan: inf - inf); that is the
    # answer (shown as null in JSON), not a numpy RuntimeWarning.
    with np.errstate(all="ignore"):
        for start in range(0, weights.shape[0], chunk):
            part = weights[start : start + chunk]
            for inputs, targets in groups.groups:
                out[start : start + chunk] += _group_losses(part, inputs, targets)
    return out


def _grid_weights(
    params: CellParams, x_index: int, xs: Sequence[float], y_index: int | None, ys: Sequence[float] | None
) -> np.ndarray:
    """Rows of 12 weights: y-major (row ``j * len(xs) + i`` is ``xs[i]``, ``ys[j]``)."""
    x_values = np.asarray(xs, dtype=np.float64)
    y_values = np.zeros(1) if ys is None else np.asarray(ys, dtype=np.float64)
    weights = np.tile(np.asarray(params.to_flat(), dtype=np.float64), (len(y_values) * len(x_values), 1))
    weights[:, x_index] = np.tile(x_values, len(y_values))
    if y_index is not None:
        weights[:, y_index] = np.repeat(y_values, len(x_values))
    return weights


def landscape_curve(
    params: CellParams, dataset: Sequence[DatasetItem], x_name: str, xs: Sequence[float]
) -> list[float]:
    """The dataset's summed loss at each ``xs[i]`` for weight ``x_name``, the
    other weights as in ``params``."""
    weights = _grid_weights(params, weight_index(x_name, "x"), xs, None, None)
    return [float(v) for v in losses_at(weights, dataset)]


def landscape_map(
    params: CellParams,
    dataset: Sequence[DatasetItem],
    x_name: str,
    xs: Sequence[float],
    y_name: str,
    ys: Sequence[float],
) -> list[list[float]]:
    """``loss[j][i]``: the dataset's summed loss at ``xs[i]`` (weight
    ``x_name``), ``ys[j]`` (weight ``y_name``), the others as in ``params``."""
    x_index, y_index = weight_index(x_name, "x"), weight_index(y_name, "y")
    if x_index == y_index:
        raise FieldError("y", f"expected a weight other than x ({WEIGHT_NAMES[x_index]})")
    weights = _grid_weights(params, x_index, xs, y_index, ys)
    flat = losses_at(weights, dataset)
    return flat.reshape(len(ys), len(xs)).tolist()


# -- coarse to fine, in slices ------------------------------------------------------


class LandscapeJob:
    """A landscape computed coarse to fine in slices of points.

    Each level is a full grid of its own (8, 16, 32 points per axis, then
    the asked ``grid``; only the levels smaller than it). Coarse levels
    share few points with the finest one, so nothing is reused: they add
    about a third to the work and give a picture in the first few
    milliseconds.

    ``step(budget)`` computes at most ``budget`` more points and says
    whether the job is done; ``current()`` gives the finest finished level.
    """

    def __init__(self, params: CellParams, dataset: Sequence[DatasetItem], choice: LandscapeChoice) -> None:
        self.choice = choice
        self._params = params
        self._groups = _Groups(dataset)
        self._x_index = weight_index(choice.x, "x")
        self._y_index = None if choice.y is None else weight_index(choice.y, "y")
        self._x_range = choice.x_range or default_range(params.to_flat()[self._x_index])
        self._y_range: tuple[float, float] | None = None
        if self._y_index is not None:
            self._y_range = choice.y_range or default_range(params.to_flat()[self._y_index])
        self.levels = [n for n in COARSE_LEVELS if n < choice.grid] + [choice.grid]
        self._level = -1
        self._finished: tuple[list[float], list[float] | None, np.ndarray] | None = None
        self._start_level(0)

    def _start_level(self, level: int) -> None:
        self._level = level
        n = self.levels[level]
        self._xs = grid_axis(*self._x_range, n)
        self._ys = None if self._y_range is None else grid_axis(*self._y_range, n)
        self._weights = _grid_weights(self._params, self._x_index, self._xs, self._y_index, self._ys)
        self._losses = np.empty(self._weights.shape[0])
        self._done_points = 0

    @property
    def done(self) -> bool:
        return (
            self._finished is not None
            and self._level == len(self.levels) - 1
            and self._done_points >= len(self._losses)
        )

    @property
    def level(self) -> int:
        """The grid size of the finest finished level (0 before the first)."""
        if self._finished is None:
            return 0
        return len(self._finished[0])

    @property
    def progress(self) -> float:
        """Points computed over all points of all levels, 0 to 1."""
        per_level = [n * (n if self._y_range is not None else 1) for n in self.levels]
        done = sum(per_level[: self._level]) + self._done_points
        return done / sum(per_level)

    def step(self, budget_points: int) -> bool:
        """Compute up to ``budget_points`` more points; ``True`` when all are done."""
        if self.done:
            return True
        total = len(self._losses)
        stop = min(total, self._done_points + max(1, int(budget_points)))
        self._losses[self._done_points : stop] = losses_at(self._weights[self._done_points : stop], self._groups)
        self._done_points = stop
        if stop >= total:
            shape = (len(self._ys), len(self._xs)) if self._ys is not None else (len(self._xs),)
            self._finished = (self._xs, self._ys, self._losses.reshape(shape))
            if self._level + 1 < len(self.levels):
                self._start_level(self._level + 1)
        return self.done

    def current(self) -> tuple[list[float], list[float] | None, np.ndarray] | None:
        """``(xs, ys, loss)`` of the finest finished level (``loss[j, i]`` at
        ``xs[i]``, ``ys[j]``; a curve has ``ys`` ``None`` and ``loss[i]``),
        or ``None`` before the first level is finished."""
        return self._finished


def path_points(weights: np.ndarray, choice: LandscapeChoice) -> tuple[np.ndarray, np.ndarray | None]:
    """The chosen weights' columns of a history's weights (rows, 12): the
    training path drawn on the landscape."""
    rows = np.asarray(weights, dtype=np.float64).reshape(-1, 12)
    xs = rows[:, weight_index(choice.x)]
    ys = None if choice.y is None else rows[:, weight_index(choice.y)]
    return xs, ys
