"""WARC -> Parquet documents/s: lingoloom's local engine vs the same steps built from datatrove's stock blocks.

Why it exists: the foundation's throughput must be known relative to the peer it builds on.
Both pipelines read the same WARC files (the 211 real pages of ``../shared/data/bench/pages.warc.gz``
split into 8 files so that 2 workers have work), with the same worker count, in the same process
run, alternating, repeated; medians and the ratio are printed.

Stock pipeline: datatrove ``WarcReader`` -> ``Trafilatura(favour_precision=True)`` ->
``LanguageFilter`` (ft176, pointed at the same lid.176.ftz file) -> ``GopherRepetitionFilter`` ->
``GopherQualityFilter`` -> ``ParquetWriter``, on ``LocalPipelineExecutor``. Ours additionally does
script-aware language labels, per-language filters, exact and MinHash dedup and the Hub layout,
so the comparison is conservative.

Command: ``make bench`` or ``.venv/bin/python -m benchmarks.run_all pipeline``.
"""

from __future__ import annotations

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


def main() -> None:
    source = SHARED / "bench" / "pages.warc.gz"
    if not source.exists():
        print(f"skipped: {source} not found (reference data lives beside the project)")
        return
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")
    root = Path(tempfile.mkdtemp(prefix="lingoloom-bench-"))
    try:
        warcs = split_warc(source, root / "warc", FILES)
        ours, peer = [], []
        docs = 0
        for attempt in range(REPEATS):
            started = time.perf_counter()
            docs = run_lingoloom(warcs, root / f"ours-{attempt}")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_datatrove(warcs, root / f"stock-{attempt}")
            peer.append(time.perf_counter() - started)
        ours_rate, peer_rate = docs / statistics.median(ours), docs / statistics.median(peer)
        print(f"input: {docs} pages in {FILES} WARC files, {WORKERS} workers, {REPEATS} alternating repeats")
        print(f"lingoloom local engine : median {statistics.median(ours):6.1f} s  {ours_rate:6.1f} docs/s")
        print(f"datatrove stock blocks : median {statistics.median(peer):6.1f} s  {peer_rate:6.1f} docs/s")
        print(f"ratio (ours / stock, docs/s): {ours_rate / peer_rate:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
