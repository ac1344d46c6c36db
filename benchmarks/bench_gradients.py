"""Gradients through time (issue 13): 100,000 steps in under 0.3 s for the LSTM.

``lstm_gui.core.gradients.gradients`` (forward trace, scalar backward
recurrence, numpy for the rest, including the T x n sums from the end) for
each cell, against the forward trace alone (the part the window already pays
for) and against torch autograd on 2,000 steps scaled up (how it would be
written with torch).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from lstm_gui.core.cells import CELL_KINDS, CELLS, run_cell
from lstm_gui.core.gradients import gradients

STEPS = 100_000


def _median(repeats: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _torch_seconds(inputs: list[float], sample: int) -> float:
    import torch

    from lstm_gui.training.engines.torch_reference import cell_output

    torch.set_num_threads(1)
    w = torch.tensor(CELLS["lstm"].default_params, dtype=torch.float64, requires_grad=True)
    t0 = time.perf_counter()
    out = cell_output(w, inputs[:sample])
    ((out - 1.0) ** 2).backward()
    return (time.perf_counter() - t0) * STEPS / sample


def run(repeats: int) -> list[str]:
    rng = random.Random(0)
    inputs = [rng.uniform(-1.0, 1.0) for _ in range(STEPS)]
    lines = []
    lstm_seconds = 0.0
    for kind in CELL_KINDS:
        params = CELLS[kind].default_params
        total = _median(repeats, lambda kind=kind, params=params: gradients(kind, params, inputs, target=1.0))
        forward = _median(repeats, lambda kind=kind, params=params: run_cell(kind, params, inputs))
        if kind == "lstm":
            lstm_seconds = total
        verdict = f" ({'OK, under 0.3 s' if total < 0.3 else 'OVER 0.3 s'})" if kind == "lstm" else ""
        lines.append(
            f"{CELLS[kind].title}: {STEPS:,}-step gradients {total * 1000:.0f} ms{verdict}; "
            f"forward trace alone {forward * 1000:.0f} ms ({total / forward:.1f}x)"
        )
    torch_seconds = _torch_seconds(inputs, 2_000)
    lines.append(
        f"torch autograd, scalar ops (2,000 steps scaled): ~{torch_seconds:.1f} s"
        f" = {torch_seconds / lstm_seconds:.0f}x slower than the LSTM's"
    )
    return lines


if __name__ == "__main__":
    for line in run(3):
        print(line)
