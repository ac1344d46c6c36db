"""Breakpoints and watches over a trace, and stop conditions over a training run.

The window, the command line and the training loop all use these functions,
written in the language of :mod:`lstm_gui.core.expressions`:

- over a trace, names are the keys of a step (:data:`TRACE_NAMES`);
  :func:`first_break` finds the first step from a given one where any
  condition holds, :func:`watch_column` evaluates a watch at every step.
  Both work column by column (one generated loop per expression), so a
  100,000-step trace is scanned in milliseconds;
- over a training run, names are :func:`training_names` (``epoch``: the
  training history's epoch, i.e. the weights after that many epochs, so a run
  continuing a history counts on from its last epoch; ``loss``, the cell's
  weights, ``out_0``...) plus ``loss_ago_N``, the loss N epochs earlier in
  the same run. A :class:`TrainingBreak` checks a condition on
  the per-epoch records an engine returns for a whole chunk of epochs.

The plateau preset ("the loss changed less than D over N epochs") is the
plain condition ``abs(loss_ago_N - loss) < D`` (:func:`plateau_condition`):
in a run's first N epochs ``loss_ago_N`` is not known yet, which counts as a
math error, so the condition is false there, as a watch would show nothing.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from lstm_gui.core.cell import CellParams, Trace
from lstm_gui.core.cells import CellTrace
from lstm_gui.core.expressions import (
    LOSS_AGO_PREFIX,
    MAX_LOSS_LAG,
    TRACE_NAMES,
    Expression,
    compile_expression,
    training_names,
)
from lstm_gui.core.formatting import format_full
from lstm_gui.core.vocabulary import GATE_ACTIVATION, NOTEBOOK_NAMES


@dataclass(frozen=True)
class Breakpoint:
    """A condition over a trace step (or a training epoch), and whether it is on."""

    condition: str
    enabled: bool = True


@dataclass(frozen=True)
class Watch:
    """An expression evaluated at the current step; optionally also a column
    of the trace table and a curve of the over-time plot."""

    expression: str
    in_table: bool = False
    in_plot: bool = False


def _gate_saturates() -> str:
    gates = [gate for gate, activation in GATE_ACTIVATION.items() if activation == "sigmoid"]
    return " or ".join(f"{gate} > 0.99 or {gate} < 0.01" for gate in gates)


#: (label, condition) offered by the Breakpoints dock for trace steps.
BREAKPOINT_PRESETS: tuple[tuple[str, str], ...] = (
    ("a gate saturates", _gate_saturates()),
    ("the long-term memory changes sign", "long * long_prev < 0"),
)


def plateau_condition(delta: float, epochs: int) -> str:
    """The condition "the loss changed less than ``delta`` over ``epochs``
    epochs": ``abs(loss_ago_<epochs> - loss) < <delta>``.

    Raises
    ------
    ValueError
        ``delta`` not a positive finite number, or ``epochs`` outside 1 ...
        :data:`~lstm_gui.core.expressions.MAX_LOSS_LAG`.
    """
    if not (math.isfinite(delta) and delta > 0):
        raise ValueError(f"expected a positive finite change, got {delta!r}")
    if not 1 <= epochs <= MAX_LOSS_LAG:
        raise ValueError(f"expected 1 to {MAX_LOSS_LAG} epochs, got {epochs!r}")
    return f"abs({LOSS_AGO_PREFIX}{epochs} - loss) < {format_full(delta)}"


#: (label, condition) offered for training breakpoints.
TRAINING_PRESETS: tuple[tuple[str, str], ...] = (
    ("the loss falls below 0.01", "loss < 0.01"),
    ("the loss changes less than 1e-06 over 100 epochs", plateau_condition(1e-6, 100)),
)


# --- traces ---------------------------------------------------------------------


def compile_trace_expression(text: str, where: str = "expression", names: Sequence[str] = TRACE_NAMES) -> Expression:
    """``text`` compiled over the names of a trace step: the LSTM's, or
    another cell's ``CellKind.trace_keys``."""
    return compile_expression(text, names, where)


def step_env(trace: Trace, index: int) -> dict[str, float]:
    """The names of step ``index`` (0-based; step ``index + 1``) and their values."""
    return {name: float(value) for name, value in trace[index].as_dict().items()}


def trace_head(trace: Trace, steps: int) -> Trace:
    """The first ``steps`` steps of ``trace`` (a trace stopped at a breakpoint)."""
    steps = max(0, min(steps, len(trace)))
    return Trace({name: trace.column(name)[:steps] for name in TRACE_NAMES[1:]}, steps)


def _columns(trace: CellTrace, expression: Expression) -> list[Sequence[float]]:
    return [trace.column(name) for name in expression.column_names()]


def first_break(trace: CellTrace, conditions: Sequence[Expression], start_step: int) -> tuple[int, int] | None:
    """The first step K >= ``start_step`` (1-based) where a condition holds
    (in any cell's trace, over the names the conditions were compiled for),
    and the index of the first condition holding at K; ``None`` if none
    holds up to the last step. Conditions are scanned column by column, each
    only up to the best step found so far."""
    start = max(0, start_step - 1)
    best: tuple[int, int] | None = None
    stop = len(trace)
    for number, condition in enumerate(conditions):
        if start >= stop:
            break
        row = condition.column_function()(_columns(trace, condition), start, stop)
        if row >= 0:
            best = (row + 1, number)
            stop = row  # a later condition wins only at an earlier step
    return best


def watch_column(trace: CellTrace, expression: Expression) -> list[float | None]:
    """``expression`` at every step (``None`` where it has a math error)."""
    return expression.column_values()(_columns(trace, expression), 0, len(trace))


# --- training -------------------------------------------------------------------


def training_env(epoch: int, loss: float, params: CellParams, outputs: Sequence[float]) -> dict[str, float]:
    """The names of a training condition at one epoch, except ``loss_ago_N``
    (which needs the run's earlier losses; :class:`TrainingBreak` adds it)."""
    env: dict[str, float] = {"epoch": float(epoch), "loss": float(loss)}
    for name, (gate, role) in NOTEBOOK_NAMES.items():
        value = params.get(gate, role)
        env[name] = value
        env[f"{gate}.{role}"] = value
    for k, value in enumerate(outputs):
        env[f"out_{k}"] = float(value)
    return env


_LOSS_AGO = re.compile(re.escape(LOSS_AGO_PREFIX) + r"([0-9]+)")
_WEIGHT_INDEX: dict[str, int] = {}
for _k, (_name, (_gate, _role)) in enumerate(NOTEBOOK_NAMES.items()):
    _WEIGHT_INDEX[_name] = _WEIGHT_INDEX[f"{_gate}.{_role}"] = _k


class TrainingBreak:
    """One stop condition over a training run, checked epoch by epoch.

    ``condition`` is the text (it crosses to the training process as text
    and is compiled there); a run with several breakpoints keeps one
    :class:`TrainingBreak` each, so it can say which one fired.

    Raises
    ------
    ExpressionError
        The condition is not valid over :func:`training_names`.
    """

    def __init__(
        self, condition: str, dataset_size: int, where: str = "break", weight_names: Sequence[str] | None = None
    ) -> None:
        self.text = condition
        self.dataset_size = dataset_size
        self.expression = compile_expression(condition, training_names(dataset_size, weight_names), where)
        # Where each weight name sits in an engine's flat rows: the LSTM's 12
        # (by notebook name and gate.role), or another cell's ``param_names``.
        if weight_names is None:
            self._weight_index, self._stride = _WEIGHT_INDEX, 12
        else:
            self._weight_index = {name: k for k, name in enumerate(weight_names)}
            self._stride = len(weight_names)
        lags = [int(m.group(1)) for name in self.expression.names_used if (m := _LOSS_AGO.fullmatch(name))]
        self._lag = max(lags, default=0)
        #: The losses of the last ``lag`` epochs (oldest first).
        self._recent: deque[float] = deque(maxlen=max(1, self._lag))
        self._scan = self.expression.column_function()

    def reset(self) -> None:
        """Forget the losses seen (a new run, or weights set by hand)."""
        self._recent.clear()

    def first_hit(
        self,
        first_epoch: int,
        losses: Sequence[float],
        outputs: Sequence[float],
        weights: Sequence[float],
        count: int | None = None,
    ) -> int | None:
        """The first row (0-based) where the condition holds, among ``count``
        epoch records (epoch ``first_epoch + row``); ``None`` if none.

        ``losses`` per row; ``outputs`` flattened (``dataset_size`` per
        row); ``weights`` flattened (12 per row, ``PARAM_KEYS`` order, or
        the cell's ``weight_names`` per row), as
        an engine's ``run_epochs`` returns them. Nothing is remembered:
        call :meth:`advance` with the rows the run keeps.
        """
        rows = len(losses) if count is None else count
        if rows <= 0:
            return None
        m = self.dataset_size
        columns: list[Sequence[float]] = []
        for name in self.expression.column_names():
            if name == "epoch":
                columns.append(range(first_epoch, first_epoch + rows))
            elif name == "loss":
                columns.append(losses)
            elif name in self._weight_index:
                columns.append(weights[self._weight_index[name] :: self._stride])
            elif name.startswith("out_"):
                columns.append(outputs[int(name[4:]) :: m] if m else [])
            else:  # loss_ago_N
                lag = int(name[len(LOSS_AGO_PREFIX) :])
                known = list(self._recent) + list(losses[:rows])
                offset = len(self._recent)
                columns.append([known[offset + r - lag] if offset + r - lag >= 0 else math.nan for r in range(rows)])
        row = self._scan(columns, 0, rows)
        return None if row < 0 else row

    def advance(self, losses: Sequence[float]) -> None:
        """Remember the losses of epochs the run kept (for ``loss_ago_N``)."""
        if self._lag:
            self._recent.extend(losses)

    def holds_at(self, epoch: int, loss: float, outputs: Sequence[float], weights: Sequence[float]) -> bool:
        """Whether the condition holds for one record (e.g. epoch 0, the
        start); like :meth:`first_hit`, it remembers nothing."""
        return self.first_hit(epoch, [loss], list(outputs), list(weights)) == 0
