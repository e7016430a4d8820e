"""Measure the written dataset: per published Parquet file, then per language, from the files themselves.

Why it exists: the card, the manifest, the run summary and `lingoloom inspect` must all report
what was actually written, not what a stage believed it passed on. Whoever writes a Parquet file
measures it right there with :func:`measure_parquet` (a Beam worker before it uploads the shard,
the local engine after its last phase): rows, bytes, SHA-256, characters, near-duplicate cluster
sizes and language-ID scores. The measurements of one run go into the small
``stats/shards.json``, which is all the launcher reads to write the card and the manifest, so an
output folder on ``gs://`` never has to be read back.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingoloom.pipelines import storage

#: The measurements of every published Parquet file of a run (``{"files": [entry, ...]}``).
SHARDS_JSON = "stats/shards.json"
#: The config of the sampled training mixture (``mix/train-*.parquet``); every other config is a language.
MIX_CONFIG_NAME = "mix"
#: Cluster-size buckets of the near-duplicate histogram: (lowest size, label).
CLUSTER_BUCKETS = ((1, "1 (unique)"), (2, "2"), (3, "3-5"), (6, "6-10"), (11, "11-100"), (101, "> 100"))

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


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cluster_bucket(size: int) -> str:
    """The :data:`CLUSTER_BUCKETS` label of a near-duplicate cluster size."""
    return next(label for low, label in reversed(CLUSTER_BUCKETS) if size >= low)


def config_of(relative: str) -> str:
    """The config a published file belongs to: ``data/<lang>/...`` -> ``<lang>``, ``mix/...`` -> ``mix``."""
    parts = relative.split("/")
    return parts[1] if parts[0] == "data" else MIX_CONFIG_NAME


def measure_parquet(path: str | Path, relative: str) -> dict[str, Any]:
    """Measure the local Parquet file ``path``, to be published as ``relative`` (posix, under the output folder).

    Every file: ``path``, ``config``, ``size``, ``sha256``, ``rows``, ``num_bytes`` (uncompressed, as
    ``dataset_info`` counts). Language shards also: ``characters``, ``cluster_sizes`` (kept documents
    per :data:`CLUSTER_BUCKETS` label) and ``score_count``/``score_sum``/``score_min`` of ``language_score``.
    """
    parquet = pq.ParquetFile(path)
    meta = parquet.metadata
    config = config_of(relative)
    entry: dict[str, Any] = {
        "path": relative,
        "config": config,
        "size": Path(path).stat().st_size,
        "sha256": sha256_file(path),
        "rows": meta.num_rows,
        "num_bytes": sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)),
    }
    if config == MIX_CONFIG_NAME:
        return entry
    table = parquet.read(columns=["text", "language_score", "minhash_cluster_size"])
    clusters: dict[str, int] = defaultdict(int)
    for size in table.column("minhash_cluster_size").drop_null().to_pylist():
        clusters[cluster_bucket(size)] += 1
    scores = table.column("language_score").drop_null().cast(pa.float64())
    entry.update(
        characters=(pc.sum(pc.utf8_length(table.column("text"))).as_py() or 0) if table.num_rows else 0,
        cluster_sizes=dict(sorted(clusters.items())),
        score_count=len(scores),
        score_sum=pc.sum(scores).as_py() if len(scores) else 0.0,
        score_min=pc.min(scores).as_py() if len(scores) else None,
    )
    return entry


def measure_output(out_dir: str | Path) -> list[dict[str, Any]]:
    """Measure every published Parquet file of a local output folder (``data/*/*.parquet``, ``mix/*.parquet``)."""
    out = Path(out_dir)
    paths = sorted(out.glob("data/*/*.parquet")) + sorted(out.glob(f"{MIX_CONFIG_NAME}/*.parquet"))
    return [measure_parquet(path, path.relative_to(out).as_posix()) for path in paths]


def path_order(relative: str) -> tuple[str, ...]:
    """Sort key of a relative path: folder by folder, as the manifest and a sorted folder walk list files."""
    return tuple(relative.split("/"))


def shards_json(entries: Iterable[Mapping[str, Any]]) -> bytes:
    """The ``stats/shards.json`` bytes of ``entries`` (sorted by path, so any engine writes the same bytes)."""
    ordered = sorted(entries, key=lambda entry: path_order(entry["path"]))
    return (json.dumps({"files": ordered}, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_shard_entries(folder: storage.OutputFolder) -> list[dict[str, Any]]:
    """The measurements the engine left in ``stats/shards.json`` (read through ``folder``, so it is published)."""
    return json.loads(folder.read(SHARDS_JSON))["files"]


def shard_entries(out_dir: str | Path) -> list[dict[str, Any]]:
    """An output folder's measurements: its ``stats/shards.json``, or a fresh measurement of a local folder without one."""
    path = storage.join(out_dir, *SHARDS_JSON.split("/"))
    if storage.exists(path):
        return json.loads(storage.read_bytes(path))["files"]
    return measure_output(out_dir)


def language_entries(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """``{language: [entries of its shards]}`` (the ``mix`` config left out), languages sorted."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for entry in entries:
        if entry["config"] != MIX_CONFIG_NAME:
            grouped[entry["config"]].append(entry)
    return {language: grouped[language] for language in sorted(grouped)}


def figures_of(entries: Iterable[Mapping[str, Any]]) -> list[LanguageFigures]:
    """Per-language figures from file measurements, largest language first."""
    figures = [
        LanguageFigures(language, sum(e["rows"] for e in files), sum(e["characters"] for e in files),
                        sum(e["size"] for e in files), len(files))
        for language, files in language_entries(entries).items()
    ]
    figures.sort(key=lambda f: (-f.documents, f.language))
    return figures


def language_figures(out_dir: str | Path) -> list[LanguageFigures]:
    """Per-language figures of an output folder, largest language first."""
    return figures_of(shard_entries(out_dir))


def shard_paths(out_dir: str | Path) -> dict[str, list[Path]]:
    """``{language: [shard paths]}`` of a local dataset folder, sorted."""
    data = Path(out_dir) / "data"
    result: dict[str, list[Path]] = {}
    for language_dir in sorted(p for p in data.glob("*") if p.is_dir()) if data.exists() else ():
        files = sorted(language_dir.glob("*.parquet"))
        if files:
            result[language_dir.name] = files
    return result


def published_files(out_dir: str | Path) -> list[dict]:
    """``[{path, size, sha256}]`` of every file in a local output folder that belongs to the published
    dataset (not work/, not hidden files, not the manifest): what the manifest must list after a fresh run."""
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


def manifest_files(entries: Sequence[Mapping[str, Any]], folder: storage.OutputFolder) -> list[dict]:
    """``[{path, size, sha256}]`` of the published files: the measured Parquet files and every file
    ``folder`` read or wrote (stats, balance report, plots, card), sorted by path."""
    files = {e["path"]: {"path": e["path"], "size": e["size"], "sha256": e["sha256"]} for e in entries}
    files.update(folder.files)
    return [files[path] for path in sorted(files, key=path_order)]


def read_sample(path: str | Path, rows: int = 3) -> list[dict]:
    """The first ``rows`` rows of a shard (for `inspect`)."""
    parquet = pq.ParquetFile(path)
    batch = next(parquet.iter_batches(batch_size=rows), None)
    return [] if batch is None else pa.Table.from_batches([batch]).to_pylist()[:rows]
