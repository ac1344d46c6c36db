"""Breakpoints and watches (issue 12): fast enough to run per step over long
traces and per epoch in training.

1. A 100,000-step trace: the first step where a condition holds (scanned
   column by column by one generated loop, :func:`first_break`) and a watch
   column, against the straightforward way (a dict of names per step and
   the compiled expression's ``evaluate``) and against the time to compute
   the trace itself.
2. Refusing hostile text (``__import__(...)``, 10 kB, 10,000 parentheses).
3. Training with a stop condition that never holds against the same run
   without one (the cost of checking every epoch: snapshots of the engine
   and a column scan per chunk), StatQuest's 5000-epoch run.
"""

from __future__ import annotations

import random
import statistics
import time

from lstm_gui.core.cell import NOTEBOOK_PARAMS
from lstm_gui.core.cell import run as run_trace
from lstm_gui.core.dataset import COMPANIES
from lstm_gui.core.debugging import BREAKPOINT_PRESETS, compile_trace_expression, first_break, step_env, watch_column
from lstm_gui.core.expressions import ExpressionError
from lstm_gui.training.config import STATQUEST_PARAMS, TrainConfig
from lstm_gui.training.run import TrainingRun

STEPS = 100_000


def _median(func, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run(repeats: int) -> list[str]:
    rng = random.Random(0)
    inputs = [rng.uniform(-1.0, 1.0) for _ in range(STEPS)]
    trace_seconds, trace = _median(lambda: run_trace(NOTEBOOK_PARAMS, inputs), repeats)
    never = compile_trace_expression("abs(long - long_prev) > 100 and forget < 0.5")
    saturates = compile_trace_expression(dict(BREAKPOINT_PRESETS)["a gate saturates"])
    watch = compile_trace_expression("output * tanh(long)")
    scan_seconds, found = _median(lambda: first_break(trace, [never], 1), repeats)
    preset_seconds, _ = _median(lambda: first_break(trace, [saturates, never], 1), repeats)
    watch_seconds, _ = _median(lambda: watch_column(trace, watch), repeats)

    def per_step() -> int | None:
        for k in range(len(trace)):
            if never.holds(step_env(trace, k)):
                return k
        return None

    naive_seconds, _ = _median(per_step, max(1, repeats // 2))

    hostile = [
        "__import__('os').system('echo hacked')",
        "().__class__",
        "9**9**9",
        "x" * 10_000,
        "(" * 10_000 + "x" + ")" * 10_000,
        "(" * 99 + "x" + ")" * 99,
        "(" * 101 + "x" + ")" * 101,
        "-" * 120 + "x",
    ]

    def refuse_all() -> int:
        refused = 0
        for text in hostile:
            try:
                compile_trace_expression(text)
            except ExpressionError:
                refused += 1
        return refused

    hostile_seconds, refused = _median(refuse_all, repeats)

    config = TrainConfig(epochs=5000)
    plain_seconds, plain = _median(lambda: TrainingRun(STATQUEST_PARAMS, COMPANIES, config).run(), repeats)
    checked_seconds, checked = _median(
        lambda: TrainingRun(STATQUEST_PARAMS, COMPANIES, config, stop_when="loss < 0 or abs(wo1) > 1000").run(),
        repeats,
    )
    same = checked.params == plain.params  # type: ignore[attr-defined]
    return [
        f"{STEPS:,}-step trace computed in {trace_seconds * 1000:.0f} ms",
        f"first_break, a condition that never holds: {scan_seconds * 1000:.1f} ms over all steps"
        f" (found {found}); per step with a dict of names: {naive_seconds * 1000:.0f} ms"
        f" = {naive_seconds / scan_seconds:.0f}x slower",
        f"first_break, 'a gate saturates' preset + that condition: {preset_seconds * 1000:.1f} ms",
        f"watch column 'output * tanh(long)': {watch_seconds * 1000:.1f} ms"
        f" ({watch_seconds / trace_seconds:.2f}x the trace itself)",
        f"{len(hostile)} hostile or extreme texts ({refused} refused, the deepest allowed one compiled):"
        f" {hostile_seconds * 1000:.1f} ms in all",
        f"StatQuest's 5000-epoch run: {plain_seconds * 1000:.0f} ms plain, {checked_seconds * 1000:.0f} ms"
        f" with a stop condition checked every epoch ({checked_seconds / plain_seconds:.2f}x); same weights: {same}",
    ]


if __name__ == "__main__":
    for line in run(5):
        print(line)
