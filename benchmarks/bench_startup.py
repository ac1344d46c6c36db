"""Start-up (issue 6, goal 5): time until the main window is shown, against
``python -c "import torch"`` in the same run; resident memory after start-up.

Each figure is a fresh interpreter, timed from launch by the parent: the
window is "shown" when the child has shown it and processed its first paint
(offscreen), then reports whether torch got imported and its RSS.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from lstm_gui.ui.app import make_app
app = make_app()
from lstm_gui.ui.main_window import MainWindow
window = MainWindow()
window.show()
app.processEvents()
sys.stdout.write("shown\n"); sys.stdout.flush()
rss_kb = 0
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
print("torch" in sys.modules, rss_kb, flush=True)
window.close()
"""


def _time_until_line(args: list[str], env: dict[str, str], marker: str | None) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    elapsed = None
    lines = []
    for line in proc.stdout:
        if elapsed is None and (marker is None or line.strip() == marker):
            elapsed = time.perf_counter() - t0
        lines.append(line.strip())
    proc.wait()
    if elapsed is None:
        elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed with exit code {proc.returncode}")
    return elapsed, lines


def run(repeats: int) -> list[str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["LSTM_GUI_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="lstm-gui-bench-")
    python = sys.executable
    shown, torch_times, bare, rss, torch_loaded = [], [], [], [], []
    for _ in range(repeats):
        seconds, lines = _time_until_line([python, "-c", CHILD], env, "shown")
        shown.append(seconds)
        loaded, kb = lines[-1].split()
        torch_loaded.append(loaded == "True")
        rss.append(int(kb) / 1024)
        seconds, _ = _time_until_line([python, "-c", "import torch; print('x')"], env, "x")
        torch_times.append(seconds)
        seconds, _ = _time_until_line([python, "-c", "print('x')"], env, "x")
        bare.append(seconds)
    window_s = statistics.median(shown)
    torch_s = statistics.median(torch_times)
    return [
        f"window shown: {window_s * 1000:.0f} ms; python -c 'import torch': {torch_s * 1000:.0f} ms"
        f" (window first by {(torch_s - window_s) * 1000:.0f} ms, {window_s / torch_s:.2f}x of torch's import;"
        f" {'OK' if window_s < torch_s else 'SLOWER'}); bare interpreter {statistics.median(bare) * 1000:.0f} ms",
        f"resident memory after start-up: {statistics.median(rss):.0f} MB; torch imported at start-up: {any(torch_loaded)}",
    ]


if __name__ == "__main__":
    for line in run(3):
        print(line)
