"""Run the benchmarks: ``python benchmarks/run.py [--repeats N] [--only NAME]``.

Every ``benchmarks/bench_*.py`` module has ``run(repeats: int) -> list[str]``
returning summary lines (figures with their baselines and ratios); this
script imports each in turn and prints them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bench_modules() -> list[Path]:
    return sorted(HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="repeats per figure (median is reported)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only this benchmark (e.g. 'training' or 'bench_training'); repeatable",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    wanted = {name.removeprefix("bench_").removesuffix(".py") for name in args.only}
    sys.path.insert(0, str(HERE))  # bench modules import their baselines beside them
    failures = 0
    for path in bench_modules():
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            spec = importlib.util.spec_from_file_location(path.stem, path)
            module = importlib.util.module_from_spec(spec)
            assert spec.loader is not None
            spec.loader.exec_module(module)
            for line in module.run(args.repeats):
                print(f"   {line}", flush=True)
        except Exception:  # one broken benchmark must not hide the others
            failures += 1
            traceback.print_exc()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    if wanted and not any(p.stem.removeprefix("bench_") in wanted for p in bench_modules()):
        print(f"no benchmark named {', '.join(sorted(wanted))}", file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
