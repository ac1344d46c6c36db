"""Animation (issue 14): ``lstm-gui animate --example companies --sequence
"Company B" --size 800x450 out.gif`` from launch to exit, goal under 5 s,
and the same with ``--stages`` (17 frames: each step's three stages and the
whole step), goal under 5 s too; against a bare ``lstm-gui trace`` of the
same sequence (the interpreter and the core, without Qt or Pillow) in the
same run.

Each figure is a fresh interpreter, timed by the parent; the GIFs are checked
(800x450, at least 5 or 17 distinct frames) so that a fast wrong result
cannot pass.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 5.0
ANIMATE = ["animate", "--example", "companies", "--sequence", "Company B", "--size", "800x450"]
STAGES = [*ANIMATE, "--stages"]
TRACE = ["trace", "--example", "companies", "--sequence", "Company B"]


def _timed(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _distinct_frames(path: Path) -> tuple[tuple[int, int], int]:
    from PIL import Image

    with Image.open(path) as gif:
        frames = set()
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.add(gif.convert("RGB").tobytes())
        return gif.size, len(frames)


def run(repeats: int) -> list[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the command sets offscreen itself
    env.pop("DISPLAY", None)
    python = sys.executable
    folder = Path(tempfile.mkdtemp(prefix="lstm-gui-bench-"))
    out, staged_out = folder / "out.gif", folder / "stages.gif"
    animate, staged, trace = [], [], []
    for _ in range(repeats):
        animate.append(_timed([python, "-m", "lstm_gui", *ANIMATE, str(out)], env))
        staged.append(_timed([python, "-m", "lstm_gui", *STAGES, str(staged_out)], env))
        trace.append(_timed([python, "-m", "lstm_gui", *TRACE], env))
    size, distinct = _distinct_frames(out)
    staged_size, staged_distinct = _distinct_frames(staged_out)
    animate_s, staged_s, trace_s = (statistics.median(times) for times in (animate, staged, trace))
    ok = animate_s < GOAL_S and size == (800, 450) and distinct >= 5
    staged_ok = staged_s < GOAL_S and staged_size == (800, 450) and staged_distinct >= 17
    return [
        f"animate Company B 800x450: {animate_s:.2f} s median (max {max(animate):.2f} s), goal under {GOAL_S:.0f} s"
        f" ({animate_s / GOAL_S:.2f}x of the goal; {'OK' if ok else 'MISSED'}); GIF {size[0]}x{size[1]},"
        f" {distinct} distinct frames",
        f"animate --stages Company B 800x450: {staged_s:.2f} s median (max {max(staged):.2f} s), goal under"
        f" {GOAL_S:.0f} s ({staged_s / GOAL_S:.2f}x of the goal; {'OK' if staged_ok else 'MISSED'}); GIF"
        f" {staged_size[0]}x{staged_size[1]}, {staged_distinct} distinct frames",
        f"lstm-gui trace of the same sequence: {trace_s:.2f} s (animate costs {animate_s - trace_s:.2f} s more:"
        f" Qt, Pillow, the scene, 5 frames)",
    ]


if __name__ == "__main__":
    for line in run(3):
        print(line)
