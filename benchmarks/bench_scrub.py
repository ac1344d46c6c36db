"""Scrubbing a weight (issue 10, point 4): from one move of a drag on a
weight field to the repainted diagram, p95 under 16 ms (one frame),
offscreen, the companies example, trace table, over-time plot and training
panel all shown.

Each sample calls :meth:`NumberField.scrub_move` (what a mouse move on the
field calls: the drag's command is pushed and merged, the trace recomputed,
the diagram, table and plot updated) and runs the event loop until the
diagram's viewport has received its paint event. The baseline, measured in
the same run, is a forced repaint of the same, unchanged window.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LSTM_GUI_SETTINGS_DIR", tempfile.mkdtemp(prefix="lstm-gui-bench-"))

from bench_stepping import FRAME_MS, _measure, _PaintCounter, _percentile

MOVES = 200


def _window(app):
    from lstm_gui.ui.main_window import MainWindow

    window = MainWindow()
    window.open_example("companies", ask=False)
    window.resize(1440, 900)
    window.show()
    # The default layout: training beside the diagram, trace table and plot below.
    window.reset_layout()
    for _ in range(5):
        app.processEvents()
    window.set_step(2)
    assert window.dock_trace.isVisible() and window.dock_plot.isVisible() and window.dock_training.isVisible()
    return window


def _drag(window, app, counter) -> list[float]:
    field = window.weight_field("forget", "w_short")
    times = []
    field.begin_scrub()
    for k in range(MOVES):
        before = counter.count
        t0 = time.perf_counter()
        field.scrub_move(1.0 if (k // 25) % 2 == 0 else -1.0)  # back and forth, 25 px each way
        deadline = t0 + 1.0
        while counter.count == before and time.perf_counter() < deadline:
            app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    field.end_scrub()
    return times


def run(repeats: int) -> list[str]:
    from lstm_gui.ui.app import make_app

    app = make_app()
    window = _window(app)
    counter = _PaintCounter(window.diagram.viewport())
    p50s, p95s, floors = [], [], []
    steps_before = window.undo_stack.count()
    for _ in range(repeats):
        moves = _drag(window, app, counter)
        assert window.undo_stack.count() == steps_before + 1, "one drag, one undo step"
        window.undo_stack.undo()
        floor = _measure(window, app, MOVES // 2, "repaint")  # the same baseline as bench_stepping
        p50s.append(statistics.median(moves))
        p95s.append(_percentile(moves, 95))
        floors.append(statistics.median(floor))
    p95 = statistics.median(p95s)
    floor = statistics.median(floors)
    window.undo_stack.setClean()
    window.close()
    window.deleteLater()
    app.processEvents()
    return [
        f"scrub, companies ({MOVES} moves): p50 {statistics.median(p50s):.2f} ms, p95 {p95:.2f} ms"
        f" ({'OK, under' if p95 < FRAME_MS else 'OVER'} {FRAME_MS:.0f} ms; {p95 / FRAME_MS:.2f} of a frame);"
        f" baseline repaint of the unchanged window {floor:.2f} ms ({p95 / floor:.1f}x)"
    ]


if __name__ == "__main__":
    for line in run(3):
        print(line)
