"""`make bench`: run every benchmark module's ``main()`` in turn and print where results are recorded.

Why it exists: one command reproduces every figure in BENCHMARKS.md. Each ``bench_<area>.py``
runs the peer (datatrove's stock blocks, datasketch, raw trafilatura or fastText) side by side
with ours on the same input in the same process run and prints medians and ratios. Pass area
names to run a subset: ``python -m benchmarks.run_all pipeline minhash``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def available() -> list[str]:
    """Names of the benchmark areas (``bench_<area>.py``)."""
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    wanted = (argv if argv is not None else sys.argv[1:]) or available()
    failures = 0
    for area in wanted:
        print(f"\n=== benchmark: {area} ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.bench_{area}").main()
        except Exception as err:  # one failing benchmark must not hide the others' figures
            failures += 1
            print(f"benchmark {area} failed: {type(err).__name__}: {err}", flush=True)
        print(f"=== {area} took {time.perf_counter() - started:.1f} s ===", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
