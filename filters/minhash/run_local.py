"""Run MinHash dedup on the local engine: plan the partitions, then run each stage's executor in order.

Why it exists: the engine's contract is one call, ``run_minhash_local(inputs, decisions_dir,
work_dir, settings, workers)``, which writes one decisions Parquet per input file. This module
sizes the spill partitions from the memory budget, records the plan in the work folder (a re-run
with another plan is refused rather than mixing outputs), runs the stages with datatrove's
LocalPipelineExecutor (completed tasks are skipped on a re-run) and iterates the connected
components steps until the edge set stops changing.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.executor import LocalPipelineExecutor

from lingoloom.filters.minhash.local import (
    BucketEdges,
    Decisions,
    Labels,
    LoadIndex,
    Members,
    SaveIndex,
    Signatures,
    StarStep,
    Survivors,
)
from lingoloom.filters.minhash.spill import partition_count
from lingoloom.pipelines.engines.pools import phase_workers
from lingoloom.schemas.minhash import MinHashSettings

#: Safety stop for the components loop (large-star/small-star converges in O(log^2 n) rounds).
MAX_STAR_STEPS = 200


def run_minhash_local(
    inputs: list[str], decisions_dir: str, work_dir: str, settings: MinHashSettings, workers: int = 1
) -> dict:
    """Deduplicate the records of ``inputs`` (Parquet files of RECORD_SCHEMA rows); return counts.

    Writes ``decisions_dir/<basename of each input>`` with columns id, keep, minhash_cluster_size,
    survivor_id; removed records go to ``settings.audit_dir`` when set; this run's band index to
    ``settings.index_out`` when set.
    """
    work = Path(work_dir)
    plan = _plan(inputs, decisions_dir, settings)
    _check_plan(work, plan)
    partitions, files = plan["partitions"], len(plan["inputs"])

    # Each stage starts its own worker pool (unless the inputs are small: see phase_workers); forking
    # is much cheaper than datatrove's default forkserver (which re-imports the stack per pool) but
    # only safe without other threads.
    start_method = "fork" if threading.active_count() == 1 else "forkserver"

    def execute(step, tasks: int, name: str) -> None:
        LocalPipelineExecutor(
            pipeline=[step],
            tasks=tasks,
            workers=phase_workers(plan["inputs"], workers, tasks),
            logging_dir=str(work / "logs" / name),
            start_method=start_method,
        ).run()

    execute(Signatures(work_dir, plan, settings), files, "signatures")
    if plan["indexes"]:
        execute(LoadIndex(work_dir, plan, settings), len(plan["indexes"]), "load_index")
    execute(BucketEdges(work_dir, plan, settings), partitions, "buckets")
    step = 0
    sums: list[int] = []
    while True:
        execute(StarStep(work_dir, plan, settings, step), partitions, f"star_{step:03d}")
        sums.append(_checksum(work / "cc" / f"{step:03d}.sums"))
        if step % 2 == 0 and step >= 2 and sums[step] == sums[step - 2]:
            break
        step += 1
        if step > MAX_STAR_STEPS:
            raise RuntimeError(f"MinHash components did not converge in {MAX_STAR_STEPS} steps; report this graph as a bug.")
    execute(Labels(work_dir, plan, settings, step), partitions, "labels")
    execute(Members(work_dir, plan, settings), plan["files"], "members")
    execute(Survivors(work_dir, plan, settings), partitions, "survivors")
    execute(Decisions(work_dir, plan, settings), files, "decisions")
    if settings.index_out:
        execute(SaveIndex(work_dir, plan, settings), partitions, "save_index")
        _save_index_docs(plan, Path(settings.index_out))
    return _summary(plan, step // 2)


def _plan(inputs: list[str], decisions_dir: str, settings: MinHashSettings) -> dict:
    inputs = [str(Path(p).resolve()) for p in inputs]
    names = [Path(p).name for p in inputs]
    if len(set(names)) != len(names):
        raise ValueError("MinHash inputs must have distinct file names (decisions are written under the same basename).")
    rows = [pq.ParquetFile(p).metadata.num_rows for p in inputs]
    indexes = [str(Path(p).resolve()) for p in settings.index_in]
    for index in indexes:
        if not (Path(index) / "docs.parquet").is_file():
            raise FileNotFoundError(f"{index} is not a MinHash index (no docs.parquet); set index_out in the earlier run.")
    index_entries = sum(pq.ParquetFile(Path(i) / "docs.parquet").metadata.num_rows for i in indexes)
    bands, _ = settings.lsh_params()
    entries = (sum(rows) + index_entries) * (bands + int(settings.url_dedup))
    offsets = [0]
    for n in rows[:-1]:
        offsets.append(offsets[-1] + n)
    return {
        "inputs": inputs,
        "indexes": indexes,
        "files": len(inputs) + len(indexes),
        "row_offsets": offsets,
        "partitions": settings.partitions or partition_count(entries, settings.memory_mb),
        "decisions_dir": str(Path(decisions_dir).resolve()),
        "settings": settings.model_dump(mode="json"),
    }


def _check_plan(work: Path, plan: dict) -> None:
    """Record the plan; refuse to resume a work folder that was planned for other inputs or settings."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "plan.json"
    if path.exists():
        previous = json.loads(path.read_text())
        if previous != plan:
            raise ValueError(f"{work} holds a MinHash run with other inputs or settings; use an empty work folder.")
        return
    path.write_text(json.dumps(plan, indent=1))


def _checksum(folder: Path) -> int:
    return sum(int(p.read_text()) for p in folder.iterdir()) % (1 << 64) if folder.is_dir() else 0


def _save_index_docs(plan: dict, index: Path) -> None:
    """docs.parquet: the survivor id of every document of this run, in input order (rows of the saved keys)."""
    index.mkdir(parents=True, exist_ok=True)
    tmp = index / "docs.parquet.tmp"
    schema = pa.schema([("survivor_id", pa.string())])
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for path in plan["inputs"]:
            decisions = pq.read_table(Path(plan["decisions_dir"]) / Path(path).name, columns=["survivor_id"])
            writer.write_table(decisions.cast(schema))
    tmp.replace(index / "docs.parquet")


def _summary(plan: dict, rounds: int) -> dict:
    documents = kept = 0
    multi = 0
    for path in plan["inputs"]:
        decisions = pq.read_table(Path(plan["decisions_dir"]) / Path(path).name, columns=["keep", "minhash_cluster_size"])
        documents += decisions.num_rows
        kept += int(pc.sum(decisions.column("keep")).as_py() or 0)
        multi += int(pc.sum(pc.and_(decisions.column("keep"), pc.greater(decisions.column("minhash_cluster_size"), 1))).as_py() or 0)
    return {
        "documents": documents,
        "kept": kept,
        "removed": documents - kept,
        "clusters": multi,
        "star_rounds": rounds,
        "partitions": plan["partitions"],
    }
