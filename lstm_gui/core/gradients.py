"""Exact gradients through time of one sequence's loss, for all three cells.

Loss of a sequence: ``(short_T - target)**2``, where ``short_T`` is the
short-term memory after the last step. :func:`gradients` runs the cell
forward, then a hand-written backward pass through time in float64 and
returns, besides the weights' gradient, what the window draws at each step t:
``d loss / d short_t`` and (LSTM) ``d loss / d long_t``, and each weight's
gradient accumulated from the last step back to t.

Shape of the backward pass: for every cell the step-to-step recurrence of the
memory gradients is linear, with coefficients that depend only on the forward
pass. So the coefficients are computed for all steps at once with numpy, the
recurrence itself is a tight scalar loop (two multiply-adds per step for the
LSTM, one multiply for the RNN and the GRU), and the weights' per-step
contributions and their sums from the end are numpy again. Measured
(``benchmarks/bench_gradients.py``): 100,000 LSTM steps in about 0.2 s on a
lightly loaded machine, twice the forward trace alone.

:data:`FORWARD_BACKWARD` (``lstm_forward_backward``, ``rnn_forward_backward``,
``gru_forward_backward``) is the per-sequence form training uses (the final
output and the weight gradient only, plain Python floats, no arrays: for a
few short sequences numpy's dispatch would cost more than the arithmetic);
:func:`dataset_gradients` sums it over a dataset. Tested number for number
against torch autograd in ``tests/core/test_gradients.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lstm_gui.core.cells import cell_kind, run_cell
from lstm_gui.core.dataset import DatasetItem

_exp = math.exp
_tanh = math.tanh


@dataclass(frozen=True)
class Gradients:
    """One sequence's loss and its gradients (float64).

    ``weights_grad``: d loss / d each weight, in the cell's flat order.
    ``short_grad[t - 1]``: d loss / d short_t, the short-term memory after
    step t (t = 1..T). ``long_grad``: likewise for the long-term memory (the
    LSTM only, else ``None``). ``short0_grad`` / ``long0_grad``: for the
    initial memories. ``weights_grad_from[t - 1]`` (a T x n array): the
    weights' gradient accumulated over steps t..T, i.e. from the last step
    back to t; its first row is ``weights_grad``. ``output``: short_T.
    """

    kind: str
    loss: float
    output: float
    target: float
    weights_grad: tuple[float, ...]
    short_grad: tuple[float, ...]
    long_grad: tuple[float, ...] | None
    short0_grad: float
    long0_grad: float | None
    weights_grad_from: np.ndarray = field(compare=False, repr=False)

    @property
    def steps(self) -> int:
        return len(self.short_grad)

    def weights_grad_upto(self, step: int) -> tuple[float, ...]:
        """The weights' gradient accumulated from the last step back to
        ``step`` (1..T; ``T + 1`` gives zeros: nothing accumulated yet)."""
        if not 1 <= step <= self.steps + 1:
            raise IndexError(f"step {step} is outside 1..{self.steps + 1}")
        if step == self.steps + 1:
            return (0.0,) * self.weights_grad_from.shape[1]
        return tuple(self.weights_grad_from[step - 1].tolist())


def _from_the_end(contributions: np.ndarray) -> np.ndarray:
    """Row t: the sum of rows t..T (added from the end, as the backward pass does).
    A reversed view: copying 100,000 x 12 numbers would cost as much as the sums."""
    return np.cumsum(contributions[::-1], axis=0)[::-1]


def _per_gate(d_pre: Sequence[np.ndarray], short_prev: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(T, 3 * gates): each gate's pre-activation gradient times w_short's,
    w_input's and the bias' inputs (short_prev, x, 1)."""
    columns: list[np.ndarray] = []
    for d in d_pre:
        columns += [d * short_prev, d * x, d]
    return np.stack(columns, axis=1)


def _lstm(params: Sequence[float], inputs: Sequence[float], long0: float, short0: float, target: float) -> Gradients:
    trace = run_cell("lstm", params, inputs, long0, short0)
    col = {name: np.asarray(trace.column(name), dtype=np.float64) for name in _LSTM_COLUMNS}
    f, i, g, o, lt = col["forget"], col["input"], col["candidate"], col["output"], col["long_tanh"]
    fs, _, _, is_, _, _, gs, _, _, os_, _, _ = params
    output = float(col["short"][-1])
    # d long_t / d short_t-ish coefficients, for all steps at once.
    long_from_short = o * (1.0 - lt * lt)  # d short_t / d long_t
    output_pre = lt * o * (1.0 - o)  # d short_t / d output_pre
    forget_pre = col["long_prev"] * f * (1.0 - f)  # d long_t / d forget_pre
    input_pre = g * i * (1.0 - i)
    candidate_pre = i * (1.0 - g * g)
    short_prev_from_long = fs * forget_pre + is_ * input_pre + gs * candidate_pre
    short_prev_from_short = os_ * output_pre
    n = len(trace)
    short_grad = [0.0] * n
    long_grad = [0.0] * n
    d_short = 2.0 * (output - target)
    d_long = 0.0
    a, b, c, fl = long_from_short.tolist(), short_prev_from_long.tolist(), short_prev_from_short.tolist(), f.tolist()
    for t in range(n - 1, -1, -1):
        short_grad[t] = d_short
        d_long += d_short * a[t]
        long_grad[t] = d_long
        d_short = d_long * b[t] + d_short * c[t]
        d_long *= fl[t]
    sg, lg = np.asarray(short_grad), np.asarray(long_grad)
    d_pre = (lg * forget_pre, lg * input_pre, lg * candidate_pre, sg * output_pre)
    from_end = _from_the_end(_per_gate(d_pre, col["short_prev"], col["x"]))
    return _result("lstm", output, target, from_end, short_grad, long_grad, d_short, d_long)


_LSTM_COLUMNS = ("x", "long_prev", "short_prev", "forget", "input", "candidate", "output", "long_tanh", "short")


def _rnn(params: Sequence[float], inputs: Sequence[float], short0: float, target: float) -> Gradients:
    trace = run_cell("rnn", params, inputs, 0.0, short0)
    short = np.asarray(trace.column("short"), dtype=np.float64)
    w_short = params[0]
    output = float(short[-1])
    pre_from_short = 1.0 - short * short  # d short_t / d short_pre_t
    short_grad = _linear_backward(2.0 * (output - target), (w_short * pre_from_short).tolist())
    d_pre = (np.asarray(short_grad[:-1]) * pre_from_short,)
    from_end = _from_the_end(
        _per_gate(d_pre, np.asarray(trace.column("short_prev")), np.asarray(trace.column("x"), dtype=np.float64))
    )
    return _result("rnn", output, target, from_end, short_grad[:-1], None, short_grad[-1], None)


def _gru(params: Sequence[float], inputs: Sequence[float], short0: float, target: float) -> Gradients:
    trace = run_cell("gru", params, inputs, 0.0, short0)
    col = {name: np.asarray(trace.column(name), dtype=np.float64) for name in _GRU_COLUMNS}
    r, z, n, recurrent, short_prev = (
        col["reset"],
        col["update"],
        col["candidate"],
        col["candidate_recurrent"],
        col["short_prev"],
    )
    rs, _, _, zs, _, _, ns, _, _, _ = params
    output = float(col["short"][-1])
    candidate_pre = (1.0 - z) * (1.0 - n * n)  # d short_t / d candidate_pre
    update_pre = (short_prev - n) * z * (1.0 - z)  # d short_t / d update_pre
    reset_pre = candidate_pre * recurrent * r * (1.0 - r)  # d short_t / d reset_pre
    recurrent_part = candidate_pre * r  # d short_t / d candidate_recurrent
    short_from_prev = z + ns * recurrent_part + rs * reset_pre + zs * update_pre
    short_grad = _linear_backward(2.0 * (output - target), short_from_prev.tolist())
    sg = np.asarray(short_grad[:-1])
    x = col["x"]
    d_reset, d_update, d_cand, d_rec = sg * reset_pre, sg * update_pre, sg * candidate_pre, sg * recurrent_part
    contributions = np.stack(
        (
            d_reset * short_prev,
            d_reset * x,
            d_reset,
            d_update * short_prev,
            d_update * x,
            d_update,
            d_rec * short_prev,
            d_cand * x,
            d_cand,
            d_rec,
        ),
        axis=1,
    )
    return _result("gru", output, target, _from_the_end(contributions), short_grad[:-1], None, short_grad[-1], None)


_GRU_COLUMNS = ("x", "short_prev", "reset", "update", "candidate_recurrent", "candidate", "short")


def _linear_backward(d_last: float, factors: list[float]) -> list[float]:
    """d loss / d short_t for t = 1..T and, last, for short_0, when
    d short_t / d short_{t-1} is ``factors[t - 1]`` (the RNN and the GRU)."""
    n = len(factors)
    grads = [0.0] * (n + 1)
    d = d_last
    for t in range(n - 1, -1, -1):
        grads[t + 1] = d
        d *= factors[t]
    grads[0] = d
    # Shift so that index t - 1 is step t and the last entry is short_0.
    return grads[1:] + grads[:1]


def _result(
    kind: str,
    output: float,
    target: float,
    from_end: np.ndarray,
    short_grad: Sequence[float],
    long_grad: Sequence[float] | None,
    short0_grad: float,
    long0_grad: float | None,
) -> Gradients:
    return Gradients(
        kind=kind,
        loss=(output - target) * (output - target),
        output=output,
        target=float(target),
        weights_grad=tuple(from_end[0].tolist()),
        short_grad=tuple(short_grad),
        long_grad=None if long_grad is None else tuple(long_grad),
        short0_grad=float(short0_grad),
        long0_grad=None if long0_grad is None else float(long0_grad),
        weights_grad_from=from_end,
    )


def gradients(
    kind: str,
    params_flat: Sequence[float],
    inputs: Iterable[float],
    long0: float = 0.0,
    short0: float = 0.0,
    target: float = 0.0,
) -> Gradients:
    """The loss ``(short_T - target)**2`` of one sequence and its exact gradients.

    Parameters
    ----------
    kind : ``"lstm"``, ``"rnn"`` or ``"gru"`` (:data:`lstm_gui.core.cells.CELL_KINDS`).
    params_flat : the cell's numbers in its flat order (``CellKind.param_names``).
    inputs : at least one number.
    long0 : the initial long-term memory (the LSTM only; refused otherwise
        unless 0).
    short0, target : the initial short-term memory and the target.

    Raises
    ------
    ValueError
        An unknown kind, the wrong number of parameters, no inputs, or a
        ``long0`` for a cell without a long-term memory.
    """
    cell = cell_kind(kind)
    params = cell.check_params(params_flat)
    xs = [float(x) for x in inputs]
    if not xs:
        raise ValueError("gradients need at least one input step")
    if kind != "lstm" and long0 != 0.0:
        raise ValueError(f"the {cell.title} has no long-term memory, so no initial long-term memory")
    # Huge weights, inputs or targets overflow to inf and then nan (inf * 0);
    # that is an answer (the callers show it as null or warn once), not a
    # numpy RuntimeWarning on stderr.
    with np.errstate(all="ignore"):
        if kind == "lstm":
            return _lstm(params, xs, float(long0), float(short0), float(target))
        if kind == "rnn":
            return _rnn(params, xs, float(short0), float(target))
        return _gru(params, xs, float(short0), float(target))


# -- per sequence, for training: output and weight gradient only --------------
#
# Each cell's step is written out inline again here (and in the forward passes
# of core.cells and core.cell, with their columns) on purpose: a shared
# per-step function would cost a call per step, and the fast training engine
# runs these millions of times.


def lstm_output(w: Sequence[float], xs: Sequence[float]) -> float:
    """The final short-term memory of one sequence from memories 0."""
    fs, fx, fb, is_, ix, ib, gs, gx, gb, os_, ox, ob = w
    exp, tanh = _exp, _tanh
    c = h = 0.0
    for x in xs:
        z = fs * h + fx * x + fb
        if z >= 0.0:
            f = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            f = e / (1.0 + e)
        z = is_ * h + ix * x + ib
        if z >= 0.0:
            i = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            i = e / (1.0 + e)
        z = os_ * h + ox * x + ob
        if z >= 0.0:
            o = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            o = e / (1.0 + e)
        c = f * c + i * tanh(gs * h + gx * x + gb)
        h = o * tanh(c)
    return h


def lstm_forward_backward(w: Sequence[float], xs: Sequence[float], target: float, grad: list[float]) -> float:
    """Add d(loss)/d(weights) of one sequence to ``grad``; return its output.

    ``loss = (h_T - target)^2``. The forward pass records per step what the
    backward pass needs (input, previous memories, the four gates and
    tanh(long)); the backward pass walks it in reverse.
    """
    fs, fx, fb, is_, ix, ib, gs, gx, gb, os_, ox, ob = w
    exp, tanh = _exp, _tanh
    # Per step: input, previous long and short, the four gates, tanh(long).
    tape: list[tuple[float, float, float, float, float, float, float, float]] = []
    push = tape.append
    c = h = 0.0
    for x in xs:
        z = fs * h + fx * x + fb
        if z >= 0.0:
            f = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            f = e / (1.0 + e)
        z = is_ * h + ix * x + ib
        if z >= 0.0:
            i = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            i = e / (1.0 + e)
        z = os_ * h + ox * x + ob
        if z >= 0.0:
            o = 1.0 / (1.0 + exp(-z))
        else:
            e = exp(z)
            o = e / (1.0 + e)
        g = tanh(gs * h + gx * x + gb)
        long = f * c + i * g
        tc = tanh(long)
        push((x, c, h, f, i, g, o, tc))
        c = long
        h = o * tc
    output = h
    d_short = 2.0 * (h - target)
    d_long = 0.0
    gfs = gfx = gfb = gis = gix = gib = ggs = ggx = ggb = gos = gox = gob = 0.0
    for x, c_prev, h_prev, f, i, g, o, tc in reversed(tape):
        d_long += d_short * o * (1.0 - tc * tc)
        d_o = d_short * tc * o * (1.0 - o)
        d_f = d_long * c_prev * f * (1.0 - f)
        d_i = d_long * g * i * (1.0 - i)
        d_g = d_long * i * (1.0 - g * g)
        d_long *= f
        gfs += d_f * h_prev
        gfx += d_f * x
        gfb += d_f
        gis += d_i * h_prev
        gix += d_i * x
        gib += d_i
        ggs += d_g * h_prev
        ggx += d_g * x
        ggb += d_g
        gos += d_o * h_prev
        gox += d_o * x
        gob += d_o
        d_short = d_f * fs + d_i * is_ + d_g * gs + d_o * os_
    grad[0] += gfs
    grad[1] += gfx
    grad[2] += gfb
    grad[3] += gis
    grad[4] += gix
    grad[5] += gib
    grad[6] += ggs
    grad[7] += ggx
    grad[8] += ggb
    grad[9] += gos
    grad[10] += gox
    grad[11] += gob
    return output


def rnn_output(w: Sequence[float], xs: Sequence[float]) -> float:
    """The plain RNN's final short-term memory from memory 0."""
    ws, wx, b = w
    tanh = _tanh
    h = 0.0
    for x in xs:
        h = tanh(ws * h + wx * x + b)
    return h


def rnn_forward_backward(w: Sequence[float], xs: Sequence[float], target: float, grad: list[float]) -> float:
    """Add d((h_T - target)^2)/d(w) of the plain RNN to ``grad``; return h_T."""
    ws, wx, b = w
    tanh = _tanh
    tape: list[tuple[float, float, float]] = []
    push = tape.append
    h = 0.0
    for x in xs:
        new = tanh(ws * h + wx * x + b)
        push((x, h, new))
        h = new
    d = 2.0 * (h - target)
    gs = gx = gb = 0.0
    for x, h_prev, h_new in reversed(tape):
        d_pre = d * (1.0 - h_new * h_new)
        gs += d_pre * h_prev
        gx += d_pre * x
        gb += d_pre
        d = d_pre * ws
    grad[0] += gs
    grad[1] += gx
    grad[2] += gb
    return h


def gru_output(w: Sequence[float], xs: Sequence[float]) -> float:
    """The GRU's final short-term memory from memory 0."""
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = w
    exp, tanh = _exp, _tanh
    h = 0.0
    for x in xs:
        p = rs * h + rx * x + rb
        if p >= 0.0:
            r = 1.0 / (1.0 + exp(-p))
        else:
            e = exp(p)
            r = e / (1.0 + e)
        p = zs * h + zx * x + zb
        if p >= 0.0:
            z = 1.0 / (1.0 + exp(-p))
        else:
            e = exp(p)
            z = e / (1.0 + e)
        n = tanh(nx * x + nbx + r * (ns * h + nbs))
        h = (1.0 - z) * n + z * h
    return h


def gru_forward_backward(w: Sequence[float], xs: Sequence[float], target: float, grad: list[float]) -> float:
    """Add d((h_T - target)^2)/d(w) of the GRU to ``grad``; return h_T."""
    rs, rx, rb, zs, zx, zb, ns, nx, nbx, nbs = w
    exp, tanh = _exp, _tanh
    tape: list[tuple[float, float, float, float, float, float]] = []
    push = tape.append
    h = 0.0
    for x in xs:
        p = rs * h + rx * x + rb
        if p >= 0.0:
            r = 1.0 / (1.0 + exp(-p))
        else:
            e = exp(p)
            r = e / (1.0 + e)
        p = zs * h + zx * x + zb
        if p >= 0.0:
            z = 1.0 / (1.0 + exp(-p))
        else:
            e = exp(p)
            z = e / (1.0 + e)
        recurrent = ns * h + nbs
        n = tanh(nx * x + nbx + r * recurrent)
        push((x, h, r, z, recurrent, n))
        h = (1.0 - z) * n + z * h
    d = 2.0 * (h - target)
    g = [0.0] * 10
    for x, h_prev, r, z, recurrent, n in reversed(tape):
        d_cand = d * (1.0 - z) * (1.0 - n * n)
        d_update = d * (h_prev - n) * z * (1.0 - z)
        d_rec = d_cand * r
        d_reset = d_cand * recurrent * r * (1.0 - r)
        g[0] += d_reset * h_prev
        g[1] += d_reset * x
        g[2] += d_reset
        g[3] += d_update * h_prev
        g[4] += d_update * x
        g[5] += d_update
        g[6] += d_rec * h_prev
        g[7] += d_cand * x
        g[8] += d_cand
        g[9] += d_rec
        d = d * z + d_rec * ns + d_reset * rs + d_update * zs
    for k in range(10):
        grad[k] += g[k]
    return h


#: Per cell: (weights, inputs) -> final output, from memories 0.
OUTPUT: dict[str, Callable[[Sequence[float], Sequence[float]], float]] = {
    "lstm": lstm_output,
    "rnn": rnn_output,
    "gru": gru_output,
}

#: Per cell: (weights, inputs, target, grad to add to) -> final output, from memories 0.
FORWARD_BACKWARD: dict[str, Callable[[Sequence[float], Sequence[float], float, list[float]], float]] = {
    "lstm": lstm_forward_backward,
    "rnn": rnn_forward_backward,
    "gru": gru_forward_backward,
}


def dataset_gradients(
    kind: str, params_flat: Sequence[float], dataset: Iterable[DatasetItem | tuple[Sequence[float], float]]
) -> tuple[float, tuple[float, ...]]:
    """The dataset's summed loss and its gradient, each sequence from memories 0
    (as training computes them).

    ``dataset``: :class:`~lstm_gui.core.dataset.DatasetItem` objects (with
    ``inputs`` and ``target``) or ``(inputs, target)`` pairs.
    """
    cell = cell_kind(kind)
    params = cell.check_params(params_flat)
    grad = [0.0] * cell.param_count
    loss = 0.0
    step = FORWARD_BACKWARD[kind]
    for item in dataset:
        xs, target = _inputs_and_target(item)
        output = step(params, xs, target, grad)
        loss += (output - target) * (output - target)
    return loss, tuple(grad)


def _inputs_and_target(item: DatasetItem | tuple[Sequence[float], float]) -> tuple[tuple[float, ...], float]:
    if isinstance(item, tuple):
        xs, target = item
        return tuple(float(x) for x in xs), float(target)
    return tuple(float(x) for x in item.inputs), float(item.target)
