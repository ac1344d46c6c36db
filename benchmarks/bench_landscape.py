"""How long does a loss landscape take? (issue 13)

Goals: a 64x64 map of the companies example under 0.2 s; a 64x64 map of
256 sequences x 50 steps under 10 s. Baseline: the same points one by one
through :func:`lstm_gui.training.evaluate.evaluate_dataset` (what the
window would do without the batched grid), timed on a sample of points and
scaled to the whole grid.

Also the window's event-loop gaps while its dock fills in the 64x64 map of
256 sequences x 50 steps (a 1 ms timer on the GUI thread; goal: every gap
under 50 ms), against the idle window.

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


def window_gaps() -> tuple[float, float, float, float]:
    """(idle p99, idle max, computing p99, computing max) event-loop gaps in
    ms while the main window's landscape dock computes the 256 x 50 map."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("LSTM_GUI_SETTINGS_DIR", tempfile.mkdtemp(prefix="bench_landscape_"))
    from PySide6.QtCore import QTimer

    from lstm_gui.core.session import Session
    from lstm_gui.ui.app import make_app
    from lstm_gui.ui.main_window import MainWindow

    app = make_app()
    window = MainWindow(Session(dataset=_many_sequences()))
    window.resize(1440, 900)
    window.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    started = time.perf_counter()
    while time.perf_counter() - started < 0.5:
        app.processEvents()
    timer.start()
    last[0] = time.perf_counter()
    while time.perf_counter() - last[0] < 1.0 and len(gaps) < 300:
        app.processEvents()
    idle = sorted(gaps)
    gaps.clear()
    window.action_view_landscape.trigger()
    last[0] = time.perf_counter()
    while window.landscape_view.is_computing() or window.landscape_view.shown is None:
        app.processEvents()
    timer.stop()
    busy = sorted(gaps)
    window.undo_stack.setClean()
    window.close()
    app.processEvents()

    def p99(values: list[float]) -> float:
        return values[int(0.99 * (len(values) - 1))] * 1000

    return p99(idle), idle[-1] * 1000, p99(busy), busy[-1] * 1000


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
    idle_p99, idle_max, busy_p99, busy_max = window_gaps()
    return [
        f"companies 64x64 map: {s * 1000:.1f} ms (goal: under 200 ms); point by point {sb * 1000:.0f} ms, {sb / s:.0f}x",
        f"256 sequences x 50 steps 64x64 map: {m:.2f} s (goal: under 10 s); point by point {mb:.1f} s, {mb / m:.1f}x",
        f"window filling in that map: event-loop gaps p99 {busy_p99:.0f} ms, max {busy_max:.0f} ms "
        f"(goal: under 50 ms); idle window p99 {idle_p99:.0f} ms, max {idle_max:.0f} ms",
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
