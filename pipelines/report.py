"""Measure a written dataset folder: documents, characters and bytes per language, from the shards themselves.

Why it exists: the card, the manifest, the run summary and `lingoloom inspect` must all report
what was actually written, not what a stage believed it passed on. This module reads the
Parquet shards of ``<out>/data/<language>/`` and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

#: The Hub's size_categories buckets (upper bounds, exclusive) and their names.
SIZE_BUCKETS: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
)


def size_category(documents: int) -> str:
    """The Hub ``size_categories`` value for a number of rows."""
    for bound, name in SIZE_BUCKETS:
        if documents < bound:
            return name
    return "n>1T"


@dataclass
class LanguageFigures:
    """What one language config holds."""

    language: str
    documents: int
    characters: int
    parquet_bytes: int
    shards: int

    def as_dict(self) -> dict:
        return asdict(self)


def shard_paths(out_dir: str | Path) -> dict[str, list[Path]]:
    """``{language: [shard paths]}`` of a dataset folder, sorted."""
    data = Path(out_dir) / "data"
    result: dict[str, list[Path]] = {}
    for language_dir in sorted(p for p in data.glob("*") if p.is_dir()) if data.exists() else ():
        files = sorted(language_dir.glob("*.parquet"))
        if files:
            result[language_dir.name] = files
    return result


def language_figures(out_dir: str | Path) -> list[LanguageFigures]:
    """Per-language figures measured from the shards, largest language first."""
    figures = []
    for language, files in shard_paths(out_dir).items():
        documents = 0
        characters = 0
        for path in files:
            table = pq.read_table(path, columns=["text"])
            documents += table.num_rows
            if table.num_rows:
                characters += pc.sum(pc.utf8_length(table.column("text"))).as_py() or 0
        figures.append(LanguageFigures(language, documents, characters, sum(p.stat().st_size for p in files), len(files)))
    figures.sort(key=lambda f: (-f.documents, f.language))
    return figures


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_files(out_dir: str | Path) -> list[dict]:
    """``[{path, size, sha256}]`` of every file that belongs to the published dataset (not work/, not the manifest)."""
    out = Path(out_dir)
    entries = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if not path.is_file() or relative.parts[0] == "work" or relative.name.startswith("."):
            continue
        if relative.as_posix() == "manifest.json":
            continue
        entries.append({"path": relative.as_posix(), "size": path.stat().st_size, "sha256": sha256_file(path)})
    return entries


def read_sample(path: str | Path, rows: int = 3) -> list[dict]:
    """The first ``rows`` rows of a shard (for `inspect`)."""
    parquet = pq.ParquetFile(path)
    batch = next(parquet.iter_batches(batch_size=rows), None)
    return [] if batch is None else pa.Table.from_batches([batch]).to_pylist()[:rows]
