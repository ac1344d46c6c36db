"""How long does a loss landscape take? (issue 13)

Goals: a 64x64 map of the companies example under 0.2 s; a 64x64 map of
256 sequences x 50 steps under 10 s. Baseline: the same points one by one
through :func:`lstm_gui.training.evaluate.evaluate_dataset` (what the
window would do without the batched grid), timed on a sample of points and
scaled to the whole grid.

``python benchmarks/bench_landscape.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time


def _many_sequences():
    from lstm_gui.core.dataset import DatasetItem

    rng = random.Random(13)
    return tuple(
        DatasetItem(f"Sequence {k}", tuple(rng.uniform(-1, 1) for _ in range(50)), rng.uniform(-1, 1))
        for k in range(256)
    )


def _time_map(params, dataset, grid: int) -> float:
    from lstm_gui.core.landscape import grid_axis, landscape_map

    xs = grid_axis(params.forget.bias - 3, params.forget.bias + 3, grid)
    ys = grid_axis(params.output.w_short - 3, params.output.w_short + 3, grid)
    started = time.perf_counter()
    landscape_map(params, dataset, "forget.bias", xs, "output.w_short", ys)
    return time.perf_counter() - started


def _time_one_by_one(params, dataset, grid: int, sample: int) -> float:
    """evaluate_dataset on ``sample`` points, scaled to grid x grid points."""
    from lstm_gui.training.evaluate import evaluate_dataset

    started = time.perf_counter()
    for k in range(sample):
        evaluate_dataset(params.with_value("forget", "bias", 0.01 * k), dataset)
    return (time.perf_counter() - started) * grid * grid / sample


def run(repeats: int) -> list[str]:
    """For benchmarks/run.py: medians over ``repeats``."""
    from lstm_gui.core.files.session_file import load_example

    companies = load_example("companies")
    many = _many_sequences()
    small, small_base, large, large_base = [], [], [], []
    for _ in range(max(1, repeats)):
        small.append(_time_map(companies.params, companies.dataset, 64))
        small_base.append(_time_one_by_one(companies.params, companies.dataset, 64, 400))
        large.append(_time_map(companies.params, many, 64))
        large_base.append(_time_one_by_one(companies.params, many, 64, 20))
    s, sb = statistics.median(small), statistics.median(small_base)
    m, mb = statistics.median(large), statistics.median(large_base)
    return [
        f"companies 64x64 map: {s * 1000:.1f} ms (goal: under 200 ms); point by point {sb * 1000:.0f} ms, {sb / s:.0f}x",
        f"256 sequences x 50 steps 64x64 map: {m:.2f} s (goal: under 10 s); point by point {mb:.1f} s, {mb / m:.1f}x",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for line in run(args.repeats):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
