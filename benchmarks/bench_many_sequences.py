"""How long does the training panel take to open a dataset of many sequences?
(issue 11 #6)

Before: 1,000 sequences took 47 s and 5,000 over 300 s (one output curve,
target line and legend row per sequence, the legend re-laid out at each
row). Now the plots draw the first ``MAX_PLOTTED_SEQUENCES`` sequences and a
"+N more" legend row, the live results list ten and a summary, and the
dataset table is filled with its updates off. Goal: under 2 s for 5,000.

Measured: the time from a new session with the dataset to the panel (and the
live results) shown and laid out, offscreen; also a dataset replaced in an
open panel (an Import).

``python benchmarks/bench_many_sequences.py [--counts 100,1000,5000]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The panel's test host (the panel, the live results, an undo stack).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "ui"))


def _dataset(count: int):
    from lstm_gui.core.dataset import DatasetItem

    return tuple(
        DatasetItem(f"Sequence {k}", (0.1 * (k % 7), 0.5, 0.25 * (k % 3), 1.0), float(k % 2)) for k in range(count)
    )


def measure(count: int) -> dict[str, float]:
    import tempfile

    from PySide6.QtWidgets import QApplication

    from lstm_gui.core.session import Session
    from lstm_gui.ui.settings import SETTINGS_DIR_ENV

    os.environ.setdefault(SETTINGS_DIR_ENV, tempfile.mkdtemp(prefix="bench_many_"))
    from training_host import TrainingHost

    app = QApplication.instance() or QApplication([])
    dataset = _dataset(count)
    started = time.perf_counter()
    host = TrainingHost(Session(dataset=dataset), trainer="thread")
    host.resize(1100, 700)
    host.show()
    app.processEvents()
    opened = time.perf_counter() - started
    other = _dataset(count)[::-1]
    started = time.perf_counter()
    host.session.set_dataset(other)
    app.processEvents()
    replaced = time.perf_counter() - started
    legend_rows = len(host.panel.plot.output_legend.items)
    host.close()
    host.deleteLater()
    app.processEvents()
    return {"open": opened, "replace": replaced, "legend_rows": legend_rows}


def run(repeats: int) -> list[str]:
    """For benchmarks/run.py: medians over ``repeats`` of opening 5,000 sequences."""
    import statistics

    results = [measure(5000) for _ in range(max(1, repeats))]
    opened = statistics.median(r["open"] for r in results)
    replaced = statistics.median(r["replace"] for r in results)
    return [f"5000 sequences: open {opened:.2f} s, replace {replaced:.2f} s (goal: under 2 s)"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,1000,5000")
    args = parser.parse_args()
    print(f"{'sequences':>10} {'open (s)':>9} {'replace (s)':>12} {'legend rows':>12}")
    for count in (int(c) for c in args.counts.split(",")):
        result = measure(count)
        print(f"{count:>10} {result['open']:>9.2f} {result['replace']:>12.2f} {result['legend_rows']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
