"""The LSTM cell of StatQuest's "LSTM, Clearly Explained", in float64.

One input, one long-term memory (cell state, green) and one short-term memory
(hidden state, pink). Each of the four gates sums
``w_short * short_prev + w_input * x + bias``:

    forget    = sigmoid(pre_forget)     % of long-term memory to remember
    input     = sigmoid(pre_input)      % of potential memory to remember
    candidate = tanh(pre_candidate)     potential long-term memory
    output    = sigmoid(pre_output)     % of potential short-term memory
    long      = forget * long_prev + input * candidate
    short     = output * tanh(long)

Pure Python scalars: for a 1x1 cell this is faster than numpy or torch, which
pay a dispatch cost per operation far larger than the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import overload

from lstm_gui.core.vocabulary import GATES, NOTEBOOK_NAMES, PARAM_KEYS, ROLES


def sigmoid(z: float) -> float:
    """Logistic function, without overflow for any finite ``z``."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True, slots=True)
class GateParams:
    """The three scalars of one gate block."""

    w_short: float
    w_input: float
    bias: float

    def pre_activation(self, x: float, short_prev: float) -> float:
        return self.w_short * short_prev + self.w_input * x + self.bias


@dataclass(frozen=True, slots=True)
class CellParams:
    """All 12 weights and biases of the cell, grouped by gate."""

    forget: GateParams
    input: GateParams
    candidate: GateParams
    output: GateParams

    @classmethod
    def from_flat(cls, values: Sequence[float]) -> CellParams:
        """Build from 12 numbers in :data:`PARAM_KEYS` order."""
        if len(values) != 12:
            raise ValueError(f"expected 12 weights and biases, got {len(values)}")
        v = [float(x) for x in values]
        return cls(*(GateParams(*v[3 * k : 3 * k + 3]) for k in range(4)))

    def to_flat(self) -> tuple[float, ...]:
        """The 12 numbers in :data:`PARAM_KEYS` order."""
        return tuple(getattr(self.gate(g), r) for g, r in PARAM_KEYS)

    @classmethod
    def zeros(cls) -> CellParams:
        return cls.from_flat([0.0] * 12)

    def gate(self, gate: str) -> GateParams:
        if gate not in GATES:
            raise KeyError(f"unknown gate {gate!r}; expected one of {', '.join(GATES)}")
        block: GateParams = getattr(self, gate)
        return block

    def get(self, gate: str, role: str) -> float:
        if role not in ROLES:
            raise KeyError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        value: float = getattr(self.gate(gate), role)
        return value

    def with_value(self, gate: str, role: str, value: float) -> CellParams:
        """A copy with one weight or bias changed."""
        self.get(gate, role)  # validates both names
        return replace(self, **{gate: replace(self.gate(gate), **{role: float(value)})})

    def by_notebook_name(self, name: str) -> float:
        """The value of a parameter by its notebook name (``wlr1`` ... ``bo1``)."""
        try:
            gate, role = NOTEBOOK_NAMES[name]
        except KeyError:
            raise KeyError(f"unknown notebook name {name!r}") from None
        return self.get(gate, role)

    def to_notebook_names(self) -> dict[str, float]:
        return {name: self.get(g, r) for name, (g, r) in NOTEBOOK_NAMES.items()}

    def to_nested(self) -> dict[str, dict[str, float]]:
        return {g: {r: self.get(g, r) for r in ROLES} for g in GATES}


#: The notebook's weights (StatQuest's trained run, rounded to 2 decimals).
NOTEBOOK_PARAMS = CellParams.from_flat([2.70, 1.63, 1.62, 2.00, 1.65, 0.62, 1.41, 0.94, -0.32, 4.38, -0.19, 0.59])


@dataclass(frozen=True, slots=True)
class StepTrace:
    """Everything computed in one time step (``step`` counts from 1)."""

    step: int
    x: float
    long_prev: float
    short_prev: float
    forget_pre: float
    forget: float
    input_pre: float
    input: float
    candidate_pre: float
    candidate: float
    output_pre: float
    output: float
    long_remembered: float  # forget * long_prev
    long_added: float  # input * candidate
    long: float
    long_tanh: float  # tanh(long): the potential short-term memory
    short: float

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: Field names of :class:`StepTrace`, in order (table and CSV columns).
TRACE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StepTrace))


class Trace(Sequence[StepTrace]):
    """The trace of a whole input sequence, stored column by column.

    Indexing gives a :class:`StepTrace` (``trace[0]`` is step 1); ``column``
    gives one quantity over all steps as a list of floats, which is what the
    table and the over-time plot read. Columns keep a 100,000-step trace cheap.
    """

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: dict[str, list[float]], length: int) -> None:
        self._columns = columns
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> StepTrace: ...

    @overload
    def __getitem__(self, index: slice) -> list[StepTrace]: ...

    def __getitem__(self, index: int | slice) -> StepTrace | list[StepTrace]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("trace index out of range")
        cols = self._columns
        return StepTrace(index + 1, *(cols[name][index] for name in TRACE_FIELDS[1:]))

    def column(self, name: str) -> list[float]:
        """One field over all steps (``step`` gives 1..n)."""
        if name == "step":
            return list(range(1, self._length + 1))
        return self._columns[name]

    def final(self) -> tuple[float, float]:
        """(long, short) after the last step."""
        return self._columns["long"][-1], self._columns["short"][-1]


def run(params: CellParams, inputs: Iterable[float], long0: float = 0.0, short0: float = 0.0) -> Trace:
    """Run a whole input sequence and return its :class:`Trace`.

    This loop is the one place the cell's forward maths is written; it is
    inlined (no calls per gate) because long traces are computed interactively.
    """
    xs = [float(x) for x in inputs]
    n = len(xs)
    names = TRACE_FIELDS[1:]
    cols = {name: [0.0] * n for name in names}
    (c_x, c_lp, c_sp, c_fp, c_f, c_ip, c_i, c_gp, c_g, c_op, c_o, c_rem, c_add, c_long, c_lt, c_short) = (
        cols[name] for name in names
    )
    fs, fx, fb, is_, ix, ib, gs, gx, gb, os_, ox, ob = params.to_flat()
    exp, tanh = math.exp, math.tanh
    long, short = float(long0), float(short0)
    for k, x in enumerate(xs):
        fp = fs * short + fx * x + fb
        ip = is_ * short + ix * x + ib
        gp = gs * short + gx * x + gb
        op = os_ * short + ox * x + ob
        # Stable sigmoid: exp of a negative argument only, never overflows.
        if fp >= 0.0:
            f = 1.0 / (1.0 + exp(-fp))
        else:
            e = exp(fp)
            f = e / (1.0 + e)
        if ip >= 0.0:
            i = 1.0 / (1.0 + exp(-ip))
        else:
            e = exp(ip)
            i = e / (1.0 + e)
        if op >= 0.0:
            o = 1.0 / (1.0 + exp(-op))
        else:
            e = exp(op)
            o = e / (1.0 + e)
        g = tanh(gp)
        remembered = f * long
        added = i * g
        new_long = remembered + added
        long_tanh = tanh(new_long)
        new_short = o * long_tanh
        c_x[k] = x
        c_lp[k] = long
        c_sp[k] = short
        c_fp[k] = fp
        c_f[k] = f
        c_ip[k] = ip
        c_i[k] = i
        c_gp[k] = gp
        c_g[k] = g
        c_op[k] = op
        c_o[k] = o
        c_rem[k] = remembered
        c_add[k] = added
        c_long[k] = new_long
        c_lt[k] = long_tanh
        c_short[k] = new_short
        long, short = new_long, new_short
    return Trace(cols, n)


def step(params: CellParams, x: float, long_prev: float, short_prev: float, step_number: int = 1) -> StepTrace:
    """Run one time step and return its full trace."""
    t = run(params, [x], long_prev, short_prev)[0]
    return replace(t, step=step_number) if step_number != 1 else t
