"""Beam engine (FnApiRunner, 2 worker processes) vs the local engine (datatrove, 2 workers): documents/s.

Why it exists: the Beam engine is only useful locally if it does not cost much more than the
local engine on the same machine, and its figures say what a Dataflow worker pays for the
portability layer. Both engines run the same run definition (every stage, MinHash included)
on the same input, in this process, alternating, and the published shards are checked equal.
Both sides do the same work up to ``finalize``: the Beam graph balances and measures its files
in the pipeline, so the local side runs its balance stage and measurements after its phases.

Input: ``../shared/data/bench/pages.warc.gz`` (211 real pages), read as one file and as the
same records split over two files (the local engine gives each input file one task, so one file
keeps one of its two workers idle during extraction; Beam spreads records after reading).

Run: ``.venv/bin/python -m benchmarks.bench_engines [--repeats N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BENCH_WARC = SHARED / "bench" / "pages.warc.gz"
WORKERS = 2


def split_warc(source: Path, folder: Path, parts: int) -> list[Path]:
    """Copy the records of ``source`` round-robin into ``parts`` files (raw gzip members, unchanged)."""
    data = source.read_bytes()
    chunks: list[list[bytes]] = [[] for _ in range(parts)]
    with open(source, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for index, _ in enumerate(iterator):
            iterator.read_to_end()
            start, length = iterator.get_record_offset(), iterator.get_record_length()
            chunks[index % parts].append(data[start:start + length])
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, records in enumerate(chunks):
        path = folder / f"part-{index}.warc.gz"
        path.write_bytes(b"".join(records))
        paths.append(path)
    return paths


def _config(pattern: str):
    from lingoloom.schemas.config import parse_run_config

    return parse_run_config({"name": "bench-engines", "inputs": [{"type": "warc", "paths": [pattern], "source": "bench"}]})


def _documents_in(stats: dict) -> int:
    return stats["read"]["kept"]


def _run(engine: str, config, out: Path) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    if engine == "local":
        from lingoloom.pipelines.engines.local import LocalEngine
        from lingoloom.pipelines.run import balance_and_measure_local

        stats = LocalEngine(config, out, workers=WORKERS).run().stats
        balance_and_measure_local(config, out)
    else:
        from lingoloom.pipelines.engines.beam import run_beam

        stats = run_beam(config, out, runner="FnApiRunner", workers=WORKERS)
    return time.perf_counter() - started, _documents_in(stats)


def _published(root: Path) -> dict[str, list]:
    return {str(p.relative_to(root)): pq.read_table(p).to_pylist() for p in sorted((root / "data").rglob("*.parquet"))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="Alternating repeats per engine and input (median).")
    args = parser.parse_args(argv if argv is not None else [])
    if not BENCH_WARC.is_file():
        print(f"skipped: {BENCH_WARC} is absent")
        return
    from lingoloom.pipelines.console import quiet_library_logs

    quiet_library_logs()
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        tmp_path = Path(tmp)
        single = tmp_path / "single"
        single.mkdir()
        shutil.copy(BENCH_WARC, single / "pages.warc.gz")
        split_warc(BENCH_WARC, tmp_path / "split", 2)
        inputs = {"1 file": str(single / "*.warc.gz"), "2 files": str(tmp_path / "split" / "*.warc.gz")}
        print(f"input: {BENCH_WARC} ({BENCH_WARC.stat().st_size / 1e6:.1f} MB); {WORKERS} workers each; "
              f"{args.repeats} alternating repeat(s)")
        print("| input | local engine docs/s | Beam FnApiRunner docs/s | Beam / local time | same shards |")
        print("|---|---:|---:|---:|---|")
        for label, pattern in inputs.items():
            config = _config(pattern)
            times: dict[str, list[float]] = {"local": [], "beam": []}
            documents = 0
            for _ in range(args.repeats):
                for engine in ("local", "beam"):
                    seconds, documents = _run(engine, config, tmp_path / engine)
                    times[engine].append(seconds)
            same = _published(tmp_path / "local") == _published(tmp_path / "beam")
            local_s, beam_s = statistics.median(times["local"]), statistics.median(times["beam"])
            print(f"| {label} | {documents / local_s:.2f} ({local_s:.1f} s) | {documents / beam_s:.2f} ({beam_s:.1f} s) "
                  f"| {beam_s / local_s:.2f} | {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
