"""Long sequences (issue 6, goal 6): a 100,000-step trace in under a second.

``lstm_gui.core.cell.run`` (pure Python, columns) against the same trace
with torch scalar operations (one step at a time, float64, no autograd),
which is how a per-step trace would be written with torch.
"""

from __future__ import annotations

import math
import random
import statistics
import time

from lstm_gui.core.cell import NOTEBOOK_PARAMS, TRACE_FIELDS
from lstm_gui.core.cell import run as run_trace

STEPS = 100_000


def _torch_trace(inputs: list[float], steps: int) -> float:
    import torch

    from lstm_gui.training.engines.torch_reference import cell_output

    torch.set_num_threads(1)
    w = torch.tensor(NOTEBOOK_PARAMS.to_flat(), dtype=torch.float64)
    with torch.no_grad():
        return float(cell_output(w, inputs[:steps]))


def run(repeats: int) -> list[str]:
    rng = random.Random(0)
    inputs = [rng.uniform(-1.0, 1.0) for _ in range(STEPS)]
    times = []
    trace = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        trace = run_trace(NOTEBOOK_PARAMS, inputs)
        times.append(time.perf_counter() - t0)
    ours = statistics.median(times)
    # torch per step is slow: time 10,000 steps and scale.
    sample = 10_000
    t0 = time.perf_counter()
    torch_short = _torch_trace(inputs, sample)
    torch_seconds = (time.perf_counter() - t0) * STEPS / sample
    partial = run_trace(NOTEBOOK_PARAMS, inputs[:sample]).final()[1]
    same = math.isclose(partial, torch_short, rel_tol=1e-12, abs_tol=1e-15)
    return [
        f"{len(trace):,}-step trace ({len(TRACE_FIELDS) - 1} columns): {ours * 1000:.0f} ms"
        f" ({'OK, under 1 s' if ours < 1 else 'OVER 1 s'})",
        f"torch scalar ops, one step at a time (no autograd): ~{torch_seconds:.1f} s"
        f" = {torch_seconds / ours:.0f}x slower; same final short-term memory: {same}",
    ]


if __name__ == "__main__":
    for line in run(3):
        print(line)
