"""The three recurrent cells side by side: the LSTM, a plain RNN and a GRU.

Each kind is a :class:`CellKind` in :data:`CELLS` (names in
:data:`CELL_KINDS`): its flat parameter order (what ``--weights`` takes and
what the gradients and training vectors use), the columns of its step trace
and its forward pass. The LSTM kind wraps :mod:`lstm_gui.core.cell`; the two
others exist to show why the LSTM has a long-term memory (issue 13: plain RNN
gradients vanish or explode over long sequences).

Plain RNN, as ``nn.RNN(1, 1)`` with its two biases summed (3 numbers)::

    short = tanh(w_short * short_prev + w_input * x + bias)

GRU, exactly as ``nn.GRU(1, 1)`` computes it (10 numbers)::

    reset     = sigmoid(reset.w_short * short_prev + reset.w_input * x + reset.bias)
    update    = sigmoid(update.w_short * short_prev + update.w_input * x + update.bias)
    candidate = tanh(candidate.w_input * x + candidate.bias_input
                     + reset * (candidate.w_short * short_prev + candidate.bias_short))
    short     = (1 - update) * candidate + update * short_prev

``candidate.bias_short`` is torch's ``b_hn``: it sits inside the reset
product, so unlike the other gates' two biases it cannot be summed into one.

Trace columns (``step`` counts from 1; every other column is one float per step):

- RNN: ``x``, ``short_prev``, ``short_pre`` (the sum inside tanh), ``short``.
- GRU: ``x``, ``short_prev``, ``reset_pre``, ``reset``, ``update_pre``,
  ``update``, ``candidate_recurrent`` (``candidate.w_short * short_prev +
  candidate.bias_short``, the part the reset gate scales), ``candidate_pre``,
  ``candidate``, ``short``.
- LSTM: :data:`lstm_gui.core.cell.TRACE_FIELDS`.

Pure Python floats, like :mod:`lstm_gui.core.cell`: for one unit this beats
numpy and torch, whose per-operation dispatch costs more than the arithmetic.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS, CellParams, sigmoid
from lstm_gui.core.cell import run as run_lstm
from lstm_gui.core.vocabulary import PARAM_KEYS


class CellTrace(Protocol):
    """What every cell's trace offers: its length and its columns by name."""

    def __len__(self) -> int: ...

    def column(self, name: str) -> list[float]: ...


class ColumnTrace:
    """A trace stored column by column under the names ``keys`` (the RNN's and
    the GRU's; the LSTM keeps its own :class:`lstm_gui.core.cell.Trace`)."""

    __slots__ = ("_columns", "_length", "keys")

    def __init__(self, keys: tuple[str, ...], columns: dict[str, list[float]], length: int) -> None:
        self.keys = keys
        self._columns = columns
        self._length = length

    def __len__(self) -> int:
        return self._length

    def column(self, name: str) -> list[float]:
        """One quantity over all steps (``step`` gives 1..n)."""
        if name == "step":
            return list(range(1, self._length + 1))
        return self._columns[name]

    def row(self, index: int) -> dict[str, float | int]:
        """Step ``index + 1`` as a dict in :attr:`keys` order."""
        if not 0 <= index < self._length:
            raise IndexError("trace index out of range")
        return {key: index + 1 if key == "step" else self._columns[key][index] for key in self.keys}


def trace_row(trace: CellTrace, keys: Sequence[str], index: int) -> dict[str, float | int]:
    """Step ``index + 1`` of any cell's trace as a dict over ``keys``."""
    return {key: index + 1 if key == "step" else trace.column(key)[index] for key in keys}


def final_short(trace: CellTrace) -> float:
    """The short-term memory after the last step."""
    return trace.column("short")[-1]


RNN_TRACE_KEYS: tuple[str, ...] = ("step", "x", "short_prev", "short_pre", "short")
GRU_TRACE_KEYS: tuple[str, ...] = (
    "step",
    "x",
    "short_prev",
    "reset_pre",
    "reset",
    "update_pre",
    "update",
    "candidate_recurrent",
    "candidate_pre",
    "candidate",
    "short",
)


def run_rnn(params: Sequence[float], inputs: Iterable[float], short0: float = 0.0) -> ColumnTrace:
    """The plain RNN over a sequence (``params``: w_short, w_input, bias)."""
    w_short, w_input, bias = (float(v) for v in params)
    xs = [float(x) for x in inputs]
    n = len(xs)
    c_sp, c_pre, c_short = [0.0] * n, [0.0] * n, [0.0] * n
    tanh = math.tanh
    short = float(short0)
    for k, x in enumerate(xs):
        pre = w_short * short + w_input * x + bias
        c_sp[k] = short
        c_pre[k] = pre
        short = tanh(pre)
        c_short[k] = short
    return ColumnTrace(RNN_TRACE_KEYS, {"x": xs, "short_prev": c_sp, "short_pre": c_pre, "short": c_short}, n)


def run_gru(params: Sequence[float], inputs: Iterable[float], short0: float = 0.0) -> ColumnTrace:
    """The GRU over a sequence (``params``: the 10 numbers of :data:`GRU_PARAM_NAMES`)."""
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = (float(v) for v in params)
    xs = [float(x) for x in inputs]
    n = len(xs)
    names = GRU_TRACE_KEYS[2:]
    cols = {name: [0.0] * n for name in names}
    c_sp, c_rp, c_r, c_zp, c_z, c_nr, c_np, c_n, c_short = (cols[name] for name in names)
    sig, tanh = sigmoid, math.tanh
    short = float(short0)
    for k, x in enumerate(xs):
        rp = rs * short + rx * x + rb
        zp = zs * short + zx * x + zb
        r = sig(rp)
        z = sig(zp)
        recurrent = ns * short + nbs
        np_ = nx * x + nbx + r * recurrent
        cand = tanh(np_)
        c_sp[k] = short
        c_rp[k] = rp
        c_r[k] = r
        c_zp[k] = zp
        c_z[k] = z
        c_nr[k] = recurrent
        c_np[k] = np_
        c_n[k] = cand
        short = (1.0 - z) * cand + z * short
        c_short[k] = short
    cols["x"] = xs
    return ColumnTrace(GRU_TRACE_KEYS, cols, n)


#: Runs a cell: (flat params, inputs, long0, short0) -> trace; ``long0`` is
#: ignored by the cells without a long-term memory.
RunCell = Callable[[Sequence[float], Iterable[float], float, float], CellTrace]


def _run_lstm_flat(params: Sequence[float], inputs: Iterable[float], long0: float, short0: float) -> CellTrace:
    return run_lstm(CellParams.from_flat(params), inputs, long0, short0)


def _run_rnn_flat(params: Sequence[float], inputs: Iterable[float], long0: float, short0: float) -> CellTrace:
    return run_rnn(params, inputs, short0)


def _run_gru_flat(params: Sequence[float], inputs: Iterable[float], long0: float, short0: float) -> CellTrace:
    return run_gru(params, inputs, short0)


LSTM_PARAM_NAMES: tuple[str, ...] = tuple(f"{gate}.{role}" for gate, role in PARAM_KEYS)
RNN_PARAM_NAMES: tuple[str, ...] = ("w_short", "w_input", "bias")
GRU_PARAM_NAMES: tuple[str, ...] = (
    "reset.w_short",
    "reset.w_input",
    "reset.bias",
    "update.w_short",
    "update.w_input",
    "update.bias",
    "candidate.w_short",
    "candidate.w_input",
    "candidate.bias_input",
    "candidate.bias_short",
)


@dataclass(frozen=True, slots=True)
class CellKind:
    """One kind of cell: names, parameter order, trace columns and forward pass.

    ``param_names``: the flat order of its numbers (``--weights``, gradients,
    training). ``trace_keys``: its trace's columns, ``step`` first.
    ``has_long``: whether it has a long-term memory (only the LSTM).
    ``default_params``: where the comparison view starts. ``run(params,
    inputs, long0, short0)`` gives its trace.
    """

    name: str
    title: str
    param_names: tuple[str, ...]
    trace_keys: tuple[str, ...]
    has_long: bool
    default_params: tuple[float, ...]
    run: RunCell
    #: The words for the --weights order, for help texts and error messages.
    weights_order: str

    @property
    def param_count(self) -> int:
        return len(self.param_names)

    def check_params(self, params: Sequence[float]) -> tuple[float, ...]:
        """``params`` as floats, or ValueError naming the expected count."""
        values = tuple(float(v) for v in params)
        if len(values) != self.param_count:
            raise ValueError(
                f"the {self.title} takes {self.param_count} numbers ({self.weights_order}), got {len(values)}"
            )
        return values

    def random_params(self, seed: int) -> tuple[float, ...]:
        """Weights drawn from N(0, 1) with ``random.Random(seed)``, biases 0
        (the LSTM's ``init="random"`` rule, for every kind)."""
        rng = random.Random(seed)
        return tuple(0.0 if "bias" in name else rng.gauss(0.0, 1.0) for name in self.param_names)


LSTM = CellKind(
    name="lstm",
    title="LSTM",
    param_names=LSTM_PARAM_NAMES,
    trace_keys=TRACE_FIELDS,
    has_long=True,
    default_params=NOTEBOOK_PARAMS.to_flat(),
    run=_run_lstm_flat,
    weights_order="forget w_short, w_input, bias, then input, candidate, output",
)
RNN = CellKind(
    name="rnn",
    title="plain RNN",
    param_names=RNN_PARAM_NAMES,
    trace_keys=RNN_TRACE_KEYS,
    has_long=False,
    # A recurrent weight near 1 keeps some memory; the input weight dominates.
    default_params=(0.9, 1.0, 0.0),
    run=_run_rnn_flat,
    weights_order="w_short, w_input, bias",
)
GRU = CellKind(
    name="gru",
    title="GRU",
    param_names=GRU_PARAM_NAMES,
    trace_keys=GRU_TRACE_KEYS,
    has_long=False,
    # A mostly-open reset gate and an update gate near one half: a readable start.
    default_params=(1.0, 1.0, 0.5, 1.0, -1.0, 0.0, 1.0, 1.5, 0.0, 0.0),
    run=_run_gru_flat,
    weights_order="reset w_short, w_input, bias; update w_short, w_input, bias; "
    "candidate w_short, w_input, bias_input, bias_short",
)

#: The cells by name, in the order the window and the command line list them.
CELLS: dict[str, CellKind] = {kind.name: kind for kind in (LSTM, RNN, GRU)}
CELL_KINDS: tuple[str, ...] = tuple(CELLS)


def cell_kind(name: str) -> CellKind:
    """The :class:`CellKind` called ``name``, or KeyError listing the kinds."""
    try:
        return CELLS[name]
    except KeyError:
        raise KeyError(f"unknown cell {name!r}; expected one of {', '.join(CELL_KINDS)}") from None


def run_cell(
    kind: str, params: Sequence[float], inputs: Iterable[float], long0: float = 0.0, short0: float = 0.0
) -> CellTrace:
    """Run cell ``kind`` with flat ``params`` over ``inputs``."""
    cell = cell_kind(kind)
    return cell.run(cell.check_params(params), inputs, long0, short0)
