"""The comparison training's process: ``python -m lstm_gui.training.compare_child``.

Why a process: the fast engine is pure Python on a small dataset, and a
worker thread in the window holds the GIL so often that the window's event
loop stalls for 30-140 ms at a time (measured with
``benchmarks/bench_comparison.py``); the training column's process
(:mod:`lstm_gui.training.child`) exists for the same reason and this one
speaks its framing (:func:`~lstm_gui.training.child.encode_frame`).

Protocol: stdin first carries one job ``(dataset, config, cells, current)``
(the arguments of :func:`~lstm_gui.training.compare.train_comparison`), then
commands: ``("stop",)``; end of stdin stops too, so the process never
outlives the window. Stdout carries ``("points", [(cell, epoch, loss),
...])`` while the cells train, then ``("finished", {cell:
CellTrainResult})`` or ``("failed", reason)``.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from lstm_gui.training.child import encode_frame, read_frame
from lstm_gui.training.compare import train_comparison


def main() -> int:
    """Run one comparison job from stdin; messages on stdout (see the module docstring)."""
    commands = sys.stdin.fileno()
    if hasattr(os, "nice"):
        os.nice(10)  # training yields the CPU to the window when the cores are busy
    # Messages go to the real stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    job = read_frame(commands)
    if job is None:
        return 0
    dataset, config, cells, current = job
    stop = threading.Event()
    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            out.write(encode_frame(message))
            out.flush()

    def listen() -> None:
        # Blocking reads release the GIL; stop acts within one chunk of epochs.
        while True:
            command = read_frame(commands)
            if command is None or command[0] == "stop":
                stop.set()
                return

    threading.Thread(target=listen, name="commands", daemon=True).start()
    try:
        try:
            results = train_comparison(
                dataset, config, cells, lambda cell, epoch, loss: send(("points", [(cell, epoch, loss)])), current, stop
            )
        except BrokenPipeError:
            raise
        except Exception as exc:
            send(("failed", str(exc) or type(exc).__name__))
        else:
            send(("finished", results))
    except BrokenPipeError:  # the window is gone
        return 1
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
