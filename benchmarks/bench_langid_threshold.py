"""Cost of calibrated language-ID thresholds: the local engine with ``pack_or_calibrated`` vs ``pack_or_fixed``.

Why it exists: calibrating a language's threshold from its own scores (FineWeb-2's rule) adds a
global stage to every run: the process phase keeps documents of calibrated languages down to the
rule's floor, every task writes a score histogram, and the ``langid_threshold`` phase rewrites the
record files without the documents below their language's threshold. This measures what that costs
against the same run with fixed thresholds (the peer: the previous behaviour), on the same input,
in this process, alternating, and prints what calibration decided.

Input: ``../shared/data/bench/pages.warc.gz`` (real pages), split into two files (two process tasks).

Run: ``.venv/bin/python -m benchmarks.bench_langid_threshold [--repeats N]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_engines import BENCH_WARC, WORKERS, split_warc

MODES = ("pack_or_fixed", "pack_or_calibrated")


def _config(pattern: str, mode: str):
    from lingoloom.schemas.config import parse_run_config

    return parse_run_config({"name": f"bench-{mode}", "inputs": [{"type": "warc", "paths": [pattern], "source": "bench"}],
                             "langid": {"threshold_mode": mode}})


def _run(pattern: str, mode: str, out: Path) -> tuple[float, dict]:
    from lingoloom.pipelines.engines.local import LocalEngine

    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    run = LocalEngine(_config(pattern, mode), out, workers=WORKERS).run()
    return time.perf_counter() - started, run.stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not BENCH_WARC.is_file():
        raise SystemExit(f"{BENCH_WARC} is absent")
    with tempfile.TemporaryDirectory(prefix="bench-langid-threshold-") as tmp:
        folder = Path(tmp)
        split_warc(BENCH_WARC, folder / "in", 2)
        pattern = str(folder / "in" / "*.warc.gz")
        seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
        stats: dict[str, dict] = {}
        for _ in range(args.repeats):
            for mode in MODES:
                elapsed, stats[mode] = _run(pattern, mode, folder / mode)
                seconds[mode].append(elapsed)
        report = json.loads((folder / "pack_or_calibrated" / "stats" / "langid_thresholds.json").read_text())
    fixed, calibrated = (statistics.median(seconds[mode]) for mode in MODES)
    print(f"local engine, {WORKERS} workers, median of {args.repeats} alternating runs")
    print(f"  pack_or_fixed      {fixed:7.2f} s")
    print(f"  pack_or_calibrated {calibrated:7.2f} s   ratio {calibrated / fixed:.2f}")
    for mode in MODES:
        kept = stats[mode]["write"]["kept"]
        print(f"  {mode}: {kept} documents published")
    print("  thresholds (calibrated run): " + ", ".join(
        f"{label} {entry['threshold']:.3f} ({entry['origin']}, n={entry['documents']})"
        for label, entry in report["languages"].items() if entry["origin"] != "pack"))
    stage = stats["pack_or_calibrated"].get("langid_threshold", {})
    print(f"  langid_threshold stage: in {stage.get('in', 0)}, dropped {stage.get('dropped', 0)}")


if __name__ == "__main__":
    main()
