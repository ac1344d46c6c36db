"""Stepping latency (issue 6, goal 3): from the Step action to the repainted
diagram, p95 under 16 ms (one frame), offscreen, trace table and over-time
plot open.

Each sample triggers ``action_step_forward`` (or ``action_step_into``, F11,
which also dims and lights the diagram's parts and writes the stage's
caption; or Reset at the end) and runs
the event loop until the diagram's viewport has received its paint event.
The baseline, measured in the same run, is a forced repaint of the same,
unchanged window: the floor any step must pay.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LSTM_GUI_SETTINGS_DIR", tempfile.mkdtemp(prefix="lstm-gui-bench-"))

FRAME_MS = 16.0
SAMPLES = 200


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[k]


class _PaintCounter:
    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            count = 0

            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint:
                    Filter.count += 1
                return False

        self.filter = Filter()
        widget.installEventFilter(self.filter)

    @property
    def count(self) -> int:
        return type(self.filter).count


def _measure(window, app, samples: int, action: str) -> list[float]:
    counter = _PaintCounter(window.diagram.viewport())
    times = []
    for _ in range(samples):
        before = counter.count
        t0 = time.perf_counter()
        if action in ("step", "step_into"):
            if window.stepper.at_end():
                window.action_reset.trigger()
            elif action == "step":
                window.action_step_forward.trigger()
            else:
                window.action_step_into.trigger()
        else:
            window.diagram.viewport().update()
            window.trace_table.viewport().update()
            window.plot.viewport().update()
        deadline = t0 + 1.0
        while counter.count == before and time.perf_counter() < deadline:
            app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _window(app, inputs: list[float]):
    from lstm_gui.core.session import Session
    from lstm_gui.ui.main_window import MainWindow

    window = MainWindow(Session(inputs=inputs, long0=0.0, short0=0.0))
    window.resize(1440, 900)
    window.show()
    for _ in range(5):
        app.processEvents()
    assert window.dock_trace.isVisible() and window.dock_plot.isVisible()
    return window


def run(repeats: int) -> list[str]:
    from lstm_gui.ui.app import make_app

    app = make_app()
    lines = []
    rng = random.Random(0)
    cases = (
        ("Company B (4 steps)", [1.0, 0.5, 0.25, 1.0], False, "step"),
        ("Company B, sums and names shown", [1.0, 0.5, 0.25, 1.0], True, "step"),
        ("100,000-step sequence", [rng.uniform(-1, 1) for _ in range(100_000)], False, "step"),
        ("Company B, Step Into through the stages", [1.0, 0.5, 0.25, 1.0], False, "step_into"),
    )
    for name, inputs, annotated, action in cases:
        window = _window(app, inputs)
        # The change flashes are always on; sums and names on the diagram on request.
        window.scene.set_show_sums(annotated)
        window.scene.set_show_names(annotated)
        p50s, p95s, floors = [], [], []
        for _ in range(repeats):
            steps = _measure(window, app, SAMPLES, action)
            floor = _measure(window, app, SAMPLES // 2, "repaint")
            p50s.append(statistics.median(steps))
            p95s.append(_percentile(steps, 95))
            floors.append(statistics.median(floor))
        p95 = statistics.median(p95s)
        floor = statistics.median(floors)
        lines.append(
            f"{action}, {name}: p50 {statistics.median(p50s):.2f} ms, p95 {p95:.2f} ms"
            f" ({'OK, under' if p95 < FRAME_MS else 'OVER'} {FRAME_MS:.0f} ms; {p95 / FRAME_MS:.2f} of a frame);"
            f" baseline repaint of the unchanged window {floor:.2f} ms ({p95 / floor:.1f}x)"
        )
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
        app.processEvents()
    return lines


if __name__ == "__main__":
    for line in run(3):
        print(line)
