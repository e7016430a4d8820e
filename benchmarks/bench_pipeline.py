"""WARC -> Parquet documents/s: lingoloom's local engine vs two chains built from datatrove's stock blocks.

Why it exists: the foundation's throughput must be known relative to the peer it builds on.
All pipelines read the same WARC files (each input of ``../shared/data/bench`` -- the 211 pages of
``pages.warc.gz`` and the 1,381 pages of ``pages-1381.warc.gz`` -- split into 8 files so that 2
workers have work), with the same worker count, in the same process run, alternating, repeated;
medians and the ratios are printed per input.

Stock pipeline: datatrove ``WarcReader`` -> ``Trafilatura(favour_precision=True)`` ->
``LanguageFilter`` (ft176, pointed at the same lid.176.ftz file) -> ``GopherRepetitionFilter`` ->
``GopherQualityFilter`` -> ``ParquetWriter``, on ``LocalPipelineExecutor``. Ours additionally does
script-aware language labels, per-language filters, exact and MinHash dedup and the Hub layout,
so the comparison is conservative.

FineWeb-2-shaped pipeline (the dedup work included on both sides): the stock chain's reader,
extractor and language filter, then FineWeb's quality filters in FineWeb-2's order
(``GopherRepetitionFilter`` -> ``FineWebQualityFilter`` -> ``GopherQualityFilter`` ->
``C4QualityFilter(filter_no_terminal_punct=False)``), the survivors written and signed
(``MinhashDedupSignature``), then datatrove's other three MinHash stages (``MinhashDedupBuckets``,
``MinhashDedupCluster``, ``MinhashDedupFilter`` -> ``ParquetWriter``), each stage its own executor
as in FineWeb-2's scripts. Language ID is ft176 on both peers (the same lid.176.ftz file as ours),
not GlotLID as in FineWeb-2: no GlotLID model is available offline here.

Command: ``make bench`` or ``.venv/bin/python -m benchmarks.run_all pipeline``; one input or fewer
repeats: ``.venv/bin/python -m benchmarks.bench_pipeline --inputs pages-1381 --repeats 1``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from datatrove.pipeline.filters import LanguageFilter
from datatrove.utils.lid import FT176LID
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

SHARED = Path(os.environ.get("LINGOLOOM_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FILES = 8
WORKERS = 2
REPEATS = 3
INPUTS = ("pages", "pages-1381")


def split_warc(source: Path, folder: Path, files: int) -> list[Path]:
    """Copy the response records of ``source`` round-robin into ``files`` gzipped WARC files."""
    folder.mkdir(parents=True, exist_ok=True)
    buffers = [io.BytesIO() for _ in range(files)]
    writers = [WARCWriter(b, gzip=True) for b in buffers]
    with gzip.open(source, "rb") if source.suffix == ".gz" else open(source, "rb") as stream:
        index = 0
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            writers[index % files].write_record(record)
            index += 1
    paths = []
    for i, buffer in enumerate(buffers):
        path = folder / f"part-{i:02d}.warc.gz"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def run_lingoloom(warcs: list[Path], out: Path) -> int:
    from lingoloom.pipelines.run import execute
    from lingoloom.schemas.config import parse_run_config

    config = parse_run_config({"name": "bench", "inputs": [{"type": "warc", "paths": [str(p) for p in warcs]}],
                               "engine": {"workers": WORKERS}})
    outcome = execute(config, out, workers=WORKERS, fresh=True)
    return outcome.stats["read"]["in"]


class StockLanguageFilter(LanguageFilter):
    """datatrove's LanguageFilter, unchanged, on the same lid.176.ftz file (no download).

    datatrove's dependency checks look for the distribution ``fasttext-numpy2-wheel``; ours,
    ``fasttext-numpy2``, provides the same ``fasttext`` module, so these two classes skip the check.
    """

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self):
        super().__init__()
        self.model = LocalFT176()


class LocalFT176(FT176LID):
    """datatrove's ft176 identifier reading the embedded model file."""

    @property
    def model(self):
        if self._model is None:
            from fasttext.FastText import _FastText

            from lingoloom.langid.models import lid176_path

            self._model = _FastText(str(lid176_path()))
        return self._model


def run_datatrove(warcs: list[Path], out: Path) -> int:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import GopherQualityFilter, GopherRepetitionFilter
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import ParquetWriter

    executor = LocalPipelineExecutor(
        pipeline=[
            WarcReader(str(warcs[0].parent), glob_pattern="*.warc.gz"),
            Trafilatura(favour_precision=True, timeout=1.0),
            StockLanguageFilter(),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            ParquetWriter(str(out / "data")),
        ],
        tasks=len(warcs), workers=WORKERS, logging_dir=str(out / "logs"),
    )
    executor.run()
    return len(warcs) and sum(1 for _ in _responses(warcs))


def _responses(warcs: list[Path]):
    for path in warcs:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    yield record


def run_fineweb2(warcs: list[Path], out: Path) -> int:
    """FineWeb-2's shape from datatrove's blocks: extract, filter, then the 4-stage MinHash dedup."""
    from datatrove.executor import LocalPipelineExecutor
    # datatrove.pipeline.dedup also imports its exact-substring dedup, which needs `tokenizers` (bench extra)
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )
    from datatrove.pipeline.readers import ParquetReader, WarcReader
    from datatrove.pipeline.writers import ParquetWriter

    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.utils.hashing import HashConfig

    tasks = len(warcs)
    # FineWeb-2's 64-bit hashes; sha1, as in bench_minhash: datatrove's xxhash default fails on str with
    # the xxhash release installed here ("Strings must be encoded before hashing")
    config = MinhashConfig(hash_config=HashConfig(hash_fc="sha1", precision=64))

    def execute(pipeline, name: str, task_count: int) -> None:
        LocalPipelineExecutor(pipeline=pipeline, tasks=task_count, workers=min(WORKERS, task_count),
                              logging_dir=str(out / "logs" / name)).run()

    execute([
        WarcReader(str(warcs[0].parent), glob_pattern="*.warc.gz"),
        Trafilatura(favour_precision=True, timeout=1.0),
        StockLanguageFilter(),
        GopherRepetitionFilter(),
        FineWebQualityFilter(),
        GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False),
        ParquetWriter(str(out / "filtered")),
        MinhashDedupSignature(output_folder=str(out / "signatures"), config=config),
    ], "filter", tasks)
    execute([MinhashDedupBuckets(input_folder=str(out / "signatures"), output_folder=str(out / "buckets"),
                                 config=config)], "buckets", config.num_buckets)
    execute([MinhashDedupCluster(input_folder=str(out / "buckets"), output_folder=str(out / "remove_ids"),
                                 config=config)], "cluster", 1)
    execute([ParquetReader(str(out / "filtered")), MinhashDedupFilter(input_folder=str(out / "remove_ids")),
             ParquetWriter(str(out / "data"))], "dedup", tasks)
    return sum(1 for _ in _responses(warcs))


def stage_seconds(logging_dir: Path) -> dict[str, float]:
    """Seconds per pipeline step (datatrove's per-step timers, summed over tasks) of one executor's logs."""
    import json

    totals: dict[str, float] = {}
    for path in sorted(logging_dir.glob("stats/*.json")):
        for block in json.loads(path.read_text()):
            timing = block.get("time_stats")
            seconds = timing.get("total", 0.0) if isinstance(timing, dict) else float(timing or 0.0)
            totals[block["name"]] = totals.get(block["name"], 0.0) + seconds
    return totals


PEERS = {
    "lingoloom local engine": run_lingoloom,
    "datatrove stock chain": run_datatrove,
    "datatrove FineWeb-2-shaped chain": run_fineweb2,
}


def bench_input(source: Path, root: Path, repeats: int) -> None:
    """Every pipeline on the WARC ``source``, alternating, ``repeats`` times; medians and ratios printed."""
    warcs = split_warc(source, root / "warc", FILES)
    seconds: dict[str, list[float]] = {name: [] for name in PEERS}
    docs = 0
    for attempt in range(repeats):
        names = list(PEERS)
        for name in names[attempt % len(names):] + names[:attempt % len(names)]:
            started = time.perf_counter()
            docs = PEERS[name](warcs, root / f"{list(PEERS).index(name)}-{attempt}")
            seconds[name].append(time.perf_counter() - started)
    print(f"\nper-step seconds (summed over tasks, last repeat) on {source.name}:")
    last = repeats - 1
    for name, logs in (("lingoloom process phase", root / f"0-{last}" / "work" / "logs" / "process"),
                       ("datatrove stock chain", root / f"1-{last}" / "logs"),
                       ("FineWeb-2-shaped: filter + signatures", root / f"2-{last}" / "logs" / "filter")):
        steps = ", ".join(f"{step} {sec:.1f}" for step, sec in stage_seconds(logs).items())
        print(f"  {name}: {steps}")
    rates = {name: docs / statistics.median(values) for name, values in seconds.items()}
    ours = rates["lingoloom local engine"]
    print(f"\ninput: {source.name}, {docs} pages in {FILES} WARC files, {WORKERS} workers, {repeats} alternating repeats")
    for name, values in seconds.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"{name:34s}: median {statistics.median(values):6.1f} s  {rates[name]:6.1f} docs/s  (runs: {runs})")
    for name in list(PEERS)[1:]:
        print(f"ratio (ours / {name}, docs/s): {ours / rates[name]:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", nargs="+", default=list(INPUTS), choices=INPUTS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv if argv is not None else [])
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")
    for name in args.inputs:
        source = SHARED / "bench" / f"{name}.warc.gz"
        if not source.exists():
            print(f"skipped: {source} not found (reference data lives beside the project)")
            continue
        root = Path(tempfile.mkdtemp(prefix="lingoloom-bench-"))
        try:
            bench_input(source, root, args.repeats)
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
