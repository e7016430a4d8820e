"""The local engine's MinHash dedup: datatrove steps over spill files, run by LocalPipelineExecutor.

Why it exists: datatrove's own MinHash clustering loads every duplicate pair into one process
(its issues #106, #222). Here every stage is a datatrove ``PipelineStep`` whose tasks each read
one input file or one spill partition, so memory is bounded by ``settings.memory_mb`` and not by
the corpus; each stage has its own executor logging folder, so a killed run resumes from
datatrove's completion markers.

Stages (tasks): signatures (one per input file) -> band buckets to edges (one per partition)
-> large-star / small-star rounds until the edge set stops changing (one per partition) ->
component labels (per partition) -> members with their quality (per file) -> survivors per
component (per partition) -> decisions (per file).

Survivors follow the project's one rule (:mod:`lingoloom.filters.survivor`: the self-canonical
page, then the highest quality score, then the smallest id). A node is ``file_index << 32 | row``
(the row of the document in its input file); earlier runs' indexes (``settings.index_in``) are added as extra pseudo-files whose documents always survive.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.pipeline.base import PipelineStep

from lingoloom.filters.minhash import graph
from lingoloom.filters.minhash.signature import Signer
from lingoloom.filters.minhash.spill import PairBuffer, load_partition, partition_of, save, write_pairs
from lingoloom.filters.survivor import is_self_canonical
from lingoloom.schemas.minhash import MinHashSettings

DROP_STAGE = "minhash"
DROP_REASON = "near_duplicate"
DECISION_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("keep", pa.bool_(), nullable=False),
        pa.field("minhash_cluster_size", pa.int32(), nullable=False),
        pa.field("survivor_id", pa.string(), nullable=False),
    ]
)
#: Canonical rank of documents from an earlier run's index: below every document of the run, so they survive.
INDEX_CANONICAL = -1
_MEMBER_SCHEMA = pa.schema(
    [
        ("label", pa.uint64()),
        ("canonical", pa.int8()),
        ("quality", pa.float64()),
        ("id", pa.string()),
        ("node", pa.uint64()),
    ]
)


def node_ids(file_index: int, rows: np.ndarray) -> np.ndarray:
    return (np.uint64(file_index) << np.uint64(32)) | rows.astype(np.uint64)


class _Stage(PipelineStep):
    """Common state of the MinHash stages: the work folder, the plan and the settings."""

    type = "🧵 - LINGOLOOM"

    def __init__(self, work_dir: str, plan: dict, settings: MinHashSettings):
        super().__init__()
        self.work = Path(work_dir)
        self.plan = plan
        self.settings = settings

    @property
    def partitions(self) -> int:
        return self.plan["partitions"]

    def budget(self) -> int:
        return self.settings.memory_mb * 2**20

    def run(self, data, rank: int = 0, world_size: int = 1):
        with self.track_time():
            self.task(rank)
        return iter(())

    def task(self, rank: int) -> None:
        raise NotImplementedError


class Signatures(_Stage):
    """Band keys (and the URL key) of every document of one input file, spilled by bucket partition."""

    name = "minhash signatures"

    def task(self, rank: int) -> None:
        signer = Signer(self.settings)
        path = self.plan["inputs"][rank]
        out = PairBuffer(self.work / "buckets", self.partitions, rank, self.budget() // 8)
        reader = pq.ParquetFile(path, pre_buffer=False)
        columns = [c for c in ("text", "language", "url") if c in reader.schema_arrow.names]
        # signing a batch needs under 60 bytes per character (its UTF-32 copy, the kernel's scratch buffers)
        max_chars = max(1 << 12, self.budget() // 512)
        row = 0
        for batch in reader.iter_batches(batch_size=256, columns=columns, use_threads=False):
            texts = batch.column("text").to_pylist()
            languages = batch.column("language").to_pylist() if "language" in columns else [None] * len(texts)
            urls = batch.column("url").to_pylist() if "url" in columns and self.settings.url_dedup else []
            start = 0
            while start < len(texts):
                end, chars = start, 0
                while end < len(texts) and (end == start or chars + len(texts[end] or "") <= max_chars):
                    chars += len(texts[end] or "")
                    end += 1
                chunk = [t or "" for t in texts[start:end]]
                sigs, valid = signer.signatures(chunk, languages[start:end])
                nodes = node_ids(rank, np.arange(row + start, row + end))
                keys = signer.band_keys(sigs[valid])
                self.stat_update("documents", value=end - start)
                self.stat_update("no_shingles", value=int((~valid).sum()))
                out.add(np.stack([keys.ravel(), np.repeat(nodes[valid], keys.shape[1])], axis=1))
                start = end
            for i, url in enumerate(urls):
                key = signer.url_key(url)
                if key is not None:
                    out.add(np.array([[key, node_ids(rank, np.array([row + i]))[0]]], dtype=np.uint64))
            row += len(texts)
        out.flush()


class BucketEdges(_Stage):
    """Candidate pairs: documents sharing a band bucket, linked to the bucket's smallest node."""

    name = "minhash buckets"

    def task(self, rank: int) -> None:
        entries = load_partition(self.work / "buckets", rank)
        edges = graph.bucket_edges(entries)
        self.stat_update("bucket_entries", value=len(entries))
        self.stat_update("edges", value=len(edges) // 2)
        write_pairs(self.work / "cc" / "000", edges, _parts(edges, self.partitions), self.partitions, f"{rank:05d}")


class StarStep(_Stage):
    """One large-star or small-star step over one partition; writes the checksum of the edges it read."""

    def __init__(self, work_dir: str, plan: dict, settings: MinHashSettings, step: int):
        super().__init__(work_dir, plan, settings)
        self.step = step
        self.name = f"minhash {'large' if step % 2 == 0 else 'small'}-star {step}"

    def task(self, rank: int) -> None:
        edges = graph.unique_pairs(load_partition(self.work / "cc" / f"{self.step:03d}", rank))
        out = graph.large_star(edges) if self.step % 2 == 0 else graph.small_star(edges)
        write_pairs(self.work / "cc" / f"{self.step + 1:03d}", out, _parts(out, self.partitions), self.partitions, f"{rank:05d}")
        checksums = self.work / "cc" / f"{self.step:03d}.sums"
        checksums.mkdir(parents=True, exist_ok=True)
        (checksums / f"{rank:05d}").write_text(str(graph.checksum(edges)))


class Labels(_Stage):
    """Component label of every node with an edge, written to the folder of the node's input file."""

    name = "minhash labels"

    def __init__(self, work_dir: str, plan: dict, settings: MinHashSettings, step: int):
        super().__init__(work_dir, plan, settings)
        self.step = step

    def task(self, rank: int) -> None:
        node_labels = graph.labels(load_partition(self.work / "cc" / f"{self.step:03d}", rank))
        files = (node_labels[:, 0] >> np.uint64(32)).astype(np.int64)
        write_pairs(self.work / "labels", node_labels, files, self.plan["files"], f"{rank:05d}")


class Members(_Stage):
    """(label, survivor key, node) of one file's clustered documents, spilled by label partition.

    The survivor key is :func:`lingoloom.filters.survivor.survivor_key` split into columns:
    not self-canonical (0/1), minus the quality score, id; the smallest key survives.
    """

    name = "minhash members"

    def task(self, rank: int) -> None:
        node_labels = load_partition(self.work / "labels", rank)
        if len(node_labels) == 0:
            return
        rows = (node_labels[:, 0] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        ids, canonical, quality = _survivor_keys(self.plan, rank, rows)
        table = pa.table(
            {
                "label": pa.array(node_labels[:, 1], pa.uint64()),
                "canonical": pa.array(canonical, pa.int8()),
                "quality": pa.array(quality, pa.float64()),
                "id": ids,
                "node": pa.array(node_labels[:, 0], pa.uint64()),
            },
            schema=_MEMBER_SCHEMA,
        )
        parts = _parts(node_labels[:, 1:], self.partitions)
        for part in np.unique(parts):
            _write_parquet(table.filter(pa.array(parts == part)), self.work / "members" / f"p{part:05d}" / f"{rank:05d}.parquet")


class Survivors(_Stage):
    """Per component: the survivor (smallest survivor key) and the size, sent back to each member's file."""

    name = "minhash survivors"

    def task(self, rank: int) -> None:
        folder = self.work / "members" / f"p{rank:05d}"
        if not folder.is_dir():
            return
        table = pa.concat_tables([pq.read_table(f) for f in sorted(folder.glob("*.parquet"))])
        table = table.sort_by([("label", "ascending"), ("canonical", "ascending"), ("quality", "ascending"), ("id", "ascending")])
        labels = table.column("label").to_numpy()
        first = np.ones(len(labels), dtype=bool)
        first[1:] = labels[1:] != labels[:-1]
        group = np.cumsum(first) - 1
        starts = np.flatnonzero(first)
        sizes = np.diff(np.append(starts, len(labels)))
        members_in_run = table.column("canonical").to_numpy() != INDEX_CANONICAL
        run_sizes = np.bincount(group, weights=members_in_run).astype(np.int32)
        survivors = pc.take(table.column("id"), pa.array(starts[group]))
        nodes = table.column("node").to_numpy()
        resolved = pa.table(
            {
                "row": pa.array((nodes & np.uint64(0xFFFFFFFF)).astype(np.int64)),
                "survivor_id": survivors,
                "cluster_size": pa.array(run_sizes[group], pa.int32()),
            }
        )
        files = (nodes >> np.uint64(32)).astype(np.int64)
        self.stat_update("clusters", value=len(sizes))
        for file_index in np.unique(files):
            if file_index < len(self.plan["inputs"]):
                _write_parquet(
                    resolved.filter(pa.array(files == file_index)),
                    self.work / "resolved" / f"f{file_index:05d}" / f"{rank:05d}.parquet",
                )


class Decisions(_Stage):
    """Per input file: id, keep, minhash_cluster_size, survivor_id (and removed records to the audit folder)."""

    name = "minhash decisions"

    def task(self, rank: int) -> None:
        path = Path(self.plan["inputs"][rank])
        ids = pq.read_table(path, columns=["id"]).column("id").combine_chunks()
        n = len(ids)
        survivor = ids.to_numpy(zero_copy_only=False).astype(object)
        size = np.ones(n, dtype=np.int32)
        folder = self.work / "resolved" / f"f{rank:05d}"
        if folder.is_dir():
            resolved = pa.concat_tables([pq.read_table(f) for f in sorted(folder.glob("*.parquet"))])
            rows = resolved.column("row").to_numpy()
            survivor[rows] = resolved.column("survivor_id").to_numpy(zero_copy_only=False)
            size[rows] = resolved.column("cluster_size").to_numpy()
        survivor_ids = pa.array(survivor, pa.string())
        keep = pc.equal(ids, survivor_ids)
        decisions = pa.table(
            {"id": ids, "keep": keep, "minhash_cluster_size": pa.array(size, pa.int32()), "survivor_id": survivor_ids},
            schema=DECISION_SCHEMA,
        )
        _write_parquet(decisions, Path(self.plan["decisions_dir"]) / path.name)
        removed = n - int(pc.sum(keep).as_py() or 0)
        self.stat_update("kept", value=n - removed)
        self.stat_update(f"dropped/{DROP_REASON}", value=removed)
        if self.settings.audit_dir and removed:
            dropped = pc.invert(keep)
            records = pq.read_table(path).filter(dropped)
            records = records.append_column("drop_stage", pa.array([DROP_STAGE] * removed, pa.string()))
            records = records.append_column("drop_reason", pa.array([DROP_REASON] * removed, pa.string()))
            records = records.append_column("survivor_id", survivor_ids.filter(dropped))
            _write_parquet(records, Path(self.settings.audit_dir) / path.name)


class LoadIndex(_Stage):
    """Adds an earlier run's band keys to this run's buckets as an extra pseudo-file whose documents always survive."""

    name = "minhash load index"

    def task(self, rank: int) -> None:
        file_index = len(self.plan["inputs"]) + rank
        out = PairBuffer(self.work / "buckets", self.partitions, file_index, self.budget() // 4)
        for path in sorted((Path(self.plan["indexes"][rank]) / "keys").glob("*.npy")):
            entries = np.load(path)
            out.add(np.stack([entries[:, 0], node_ids(file_index, entries[:, 1])], axis=1))
        out.flush()


class SaveIndex(_Stage):
    """This run's band keys as (key, row) pairs, the row indexing ``docs.parquet`` (each document's survivor id)."""

    name = "minhash save index"

    def task(self, rank: int) -> None:
        entries = load_partition(self.work / "buckets", rank)
        files = (entries[:, 1] >> np.uint64(32)).astype(np.int64)
        own = files < len(self.plan["inputs"])
        entries, files = entries[own], files[own]
        if len(entries):
            offsets = np.asarray(self.plan["row_offsets"], dtype=np.uint64)
            rows = offsets[files] + (entries[:, 1] & np.uint64(0xFFFFFFFF))
            save(Path(self.settings.index_out) / "keys" / f"{rank:05d}.npy", np.stack([entries[:, 0], rows], axis=1))


def _parts(pairs: np.ndarray, partitions: int) -> np.ndarray:
    return partition_of(pairs[:, 0], partitions) if len(pairs) else np.empty(0, dtype=np.int64)


def _write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)


def _survivor_keys(plan: dict, file_index: int, rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Ids, canonical ranks and minus quality scores of some rows of an input file (or of an earlier-run index)."""
    inputs = plan["inputs"]
    if file_index >= len(inputs):
        ids = pq.read_table(Path(plan["indexes"][file_index - len(inputs)]) / "docs.parquet").column("survivor_id")
        return pc.take(ids, pa.array(rows)), np.full(len(rows), INDEX_CANONICAL), np.zeros(len(rows))
    names = pq.read_schema(inputs[file_index]).names
    table = pq.read_table(inputs[file_index], columns=[c for c in ("id", "url", "canonical_url", "quality") if c in names])
    table = table.take(pa.array(rows))
    urls = table.column("url").to_pylist() if "url" in names else [None] * len(rows)
    canonical_urls = table.column("canonical_url").to_pylist() if "canonical_url" in names else [None] * len(rows)
    canonical = np.array([0 if is_self_canonical(u, c) else 1 for u, c in zip(urls, canonical_urls)], dtype=np.int8)
    quality = np.zeros(len(rows))
    if "quality" in names:
        scores = pc.struct_field(table.column("quality"), "quality_score").to_numpy(zero_copy_only=False)
        quality = -np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    return table.column("id").combine_chunks(), canonical, quality
