"""The local engine (embedded default): a run as a sequence of datatrove LocalPipelineExecutor phases.

Why it exists: one machine should run the full pipeline with N worker processes and, when
killed, resume where it stopped with the same output. Each phase is a datatrove executor with
its own logging folder; datatrove's completion markers make finished tasks skip on restart,
every file is written atomically, and each phase's task layout depends only on the data (one
task per input file, one per output shard), never on the worker count, so the output is the
same whatever ``workers`` is.

Phases (``<out>/work/`` holds everything that is not published):
  acquire   crawl / Common Crawl sample -> WARC files                (crawler's own resume)
  process   read -> extract -> langid -> quality -> content hash      -> work/records/NNNNN.parquet
                                                                       + work/summaries/NNNNN.json (language scores)
  langid_threshold  thresholds per language from all scores, report    -> stats/langid_thresholds.json
            and (calibrated mode) drop records below them             -> work/records_langid/
  exact     exact-duplicate decisions per hash partition              -> work/decisions/exact/
  exact_apply  drop exact duplicates (when MinHash follows)            -> work/records_exact/
  minhash   near-duplicate decisions per record file (exact survivors) -> work/decisions/minhash/
  scatter   apply decisions, split by language                        -> work/buckets/<lang>/NNNNN.parquet
  gather    one task per published shard, rows sorted by id           -> data/<lang>/train-k-of-n.parquet
  finalize  stats, manifest, card

A phase after ``process`` over small inputs runs its tasks in the engine's own process
(:func:`~lingoloom.pipelines.engines.pools.phase_workers`); the tasks and outputs are the same.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep

from lingoloom.filters.decisions import ApplyDecisions
from lingoloom.filters.exact_dedup import exact_duplicate_decisions
from lingoloom.langid.calibrated import (
    REPORT_PATH,
    SUMMARY_KEY,
    ApplyLanguageThresholds,
    deferred_thresholds,
    run_report,
    thresholds_for_run,
)
from lingoloom.langid.thresholds import ScoreHistograms
from lingoloom.pipelines.graph import global_stages, record_steps
from lingoloom.pipelines.sources.acquire import resolve_inputs
from lingoloom.pipelines.sources.records import RecordShardReader
from lingoloom.pipelines.sources.inputs import InputReader
from lingoloom.pipelines.stats import RunStats, merge_stats, read_datatrove_stats
from lingoloom.pipelines.storage import write_bytes
from lingoloom.pipelines.writers.parquet import language_shard_path, sort_by_id, write_table_atomic
from lingoloom.pipelines.engines.pools import phase_workers
from lingoloom.pipelines.writers.records import LanguageBucketWriter, RecordShardWriter
from lingoloom.pipelines.writers.shards import shard_count, shard_of
from lingoloom.pipelines.writers.summaries import SummaryWriter, read_summaries
from lingoloom.schemas.config import RunConfig
from lingoloom.schemas.record import RECORD_SCHEMA

ProgressCallback = Callable[[str, int, int], None]


class QuietLocalExecutor(LocalPipelineExecutor):
    """datatrove's local executor, with task logs kept in their files instead of echoed to the console.

    datatrove echoes the logs of the first worker slot at INFO; our console shows progress bars
    and a summary instead. Errors are still printed; every task's full log stays in
    ``work/logs/<phase>/logs/``.
    """

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        return super()._run_for_rank(rank, local_rank=1, node_rank=node_rank)


class ConfigMismatchError(RuntimeError):
    """The output folder holds work from a different run definition."""


@dataclass
class LocalRun:
    """What a finished run produced."""

    out_dir: Path
    stats: RunStats
    shards: dict[str, list[Path]] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0


def config_fingerprint(config: RunConfig) -> str:
    """Hash of the settings that determine the output (engine settings excluded)."""
    payload = config.model_dump(mode="json", exclude={"engine", "hub", "card", "description"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _claim_work_dir(work: Path, config: RunConfig, fresh: bool) -> None:
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    marker = work / "config.sha256"
    fingerprint = config_fingerprint(config)
    if marker.exists() and marker.read_text().strip() != fingerprint:
        raise ConfigMismatchError(
            f"{work.parent} holds an unfinished or finished run of a different definition; "
            "use another output folder or pass --fresh to discard it"
        )
    marker.write_text(fingerprint + "\n")


class _ExactDecide(PipelineStep):
    """Task ``rank`` decides the exact duplicates among the content hashes it owns."""

    type = "🫂 - DEDUP"
    name = "exact_decide"

    def __init__(self, record_files: list[str], out_folder: str):
        super().__init__()
        self.record_files = record_files
        self.out_folder = out_folder

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        table = exact_duplicate_decisions(self.record_files, rank, world_size)
        write_table_atomic(table, Path(self.out_folder) / f"{rank:05d}.parquet")
        self.stat_update("removed", value=table.num_rows)
        return
        yield


@dataclass(frozen=True)
class ShardTask:
    language: str
    index: int
    count: int


class _GatherShard(PipelineStep):
    """Task ``rank`` writes published shard ``tasks[rank]``: its rows from every bucket, sorted by id."""

    type = "💽 - WRITER"
    name = "write"

    def __init__(self, tasks: list[ShardTask], bucket_dir: str, out_dir: str):
        super().__init__()
        self.tasks = tasks
        self.bucket_dir = bucket_dir
        self.out_dir = out_dir

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for task in self.tasks[rank::world_size]:
            parts = []
            for path in sorted((Path(self.bucket_dir) / task.language).glob("*.parquet")):
                table = pq.read_table(path, schema=RECORD_SCHEMA)
                mask = [shard_of(doc_id, task.count) == task.index for doc_id in table.column("id").to_pylist()]
                parts.append(table.filter(pa.array(mask, type=pa.bool_())))
            table = sort_by_id(pa.concat_tables(parts)) if parts else RECORD_SCHEMA.empty_table()
            write_table_atomic(table, language_shard_path(self.out_dir, task.language, task.index, task.count))
            self.stat_update("in", value=table.num_rows)
            self.stat_update(f"kept/{task.language}", value=table.num_rows)
            self.stat_update("kept", value=table.num_rows)
        return
        yield


def plan_shards(bucket_dir: Path, max_rows: int, max_bytes: int) -> list[ShardTask]:
    """Count rows and text bytes per language in the buckets and decide each language's shard count."""
    tasks: list[ShardTask] = []
    for language_dir in sorted(p for p in bucket_dir.glob("*") if p.is_dir()):
        rows = 0
        text_bytes = 0
        for path in language_dir.glob("*.parquet"):
            table = pq.read_table(path, columns=["text"])
            rows += table.num_rows
            text_bytes += pc.sum(pc.binary_length(pc.cast(table.column("text"), pa.binary()))).as_py() or 0
        if rows == 0:
            continue
        count = shard_count(rows, text_bytes, max_rows, max_bytes)
        tasks.extend(ShardTask(language_dir.name, index, count) for index in range(count))
    return tasks


class LocalEngine:
    """Runs a :class:`RunConfig` on this machine; see the module docstring for the phases."""

    def __init__(self, config: RunConfig, out_dir: Path, workers: int | None = None,
                 progress: ProgressCallback | None = None, fresh: bool = False):
        self.config = config
        self.out = Path(out_dir)
        self.work = self.out / "work"
        self.workers = workers or config.engine.workers
        self.progress = progress
        self.fresh = fresh
        self.logging_dirs: list[Path] = []

    def _execute(self, phase: str, pipeline: list, tasks: int, inputs: Sequence[str | Path] = ()) -> None:
        """Run ``tasks`` tasks of ``pipeline``; with small ``inputs`` (the files the phase reads), in
        this process rather than in a pool of workers (see :func:`phase_workers`)."""
        logging_dir = self.work / "logs" / phase
        self.logging_dirs.append(logging_dir)
        if tasks == 0:
            return
        executor = QuietLocalExecutor(
            pipeline=pipeline, tasks=tasks, workers=phase_workers(inputs, self.workers, tasks),
            logging_dir=str(logging_dir), skip_completed=True,
        )
        stop = threading.Event()
        watcher = threading.Thread(target=self._watch, args=(phase, logging_dir, tasks, stop), daemon=True)
        watcher.start()
        try:
            executor.run()
        finally:
            stop.set()
            watcher.join()
        done = len(list((logging_dir / "completions").glob("*")))
        if done < tasks:
            raise RuntimeError(f"phase {phase!r}: only {done} of {tasks} tasks finished; see {logging_dir}/logs")

    def _watch(self, phase: str, logging_dir: Path, tasks: int, stop: threading.Event) -> None:
        completions = logging_dir / "completions"
        while True:
            done = len(list(completions.glob("*"))) if completions.exists() else 0
            if self.progress:
                self.progress(phase, done, tasks)
            if stop.wait(0.25):
                if self.progress:
                    self.progress(phase, len(list(completions.glob("*"))) if completions.exists() else 0, tasks)
                return

    def run(self) -> LocalRun:
        started = time.time()
        _claim_work_dir(self.work, self.config, self.fresh)
        resolved = resolve_inputs(self.config, self.work, progress=self.progress)
        inputs = resolved.files
        if not inputs:
            raise RuntimeError("the run's inputs resolved to no files; check the `inputs` paths")

        records_dir = self.work / "records"
        steps = record_steps(self.config)
        self._execute("process", [InputReader(inputs), *steps, RecordShardWriter(records_dir),
                                  SummaryWriter(steps, self.work / "summaries")], len(inputs))
        record_files = [str(records_dir / f"{rank:05d}.parquet") for rank in range(len(inputs))]
        record_files = self._langid_thresholds(record_files)

        appliers: list[PipelineStep] = []
        stages = global_stages(self.config)
        if "exact_dedup" in stages:
            exact_dir = self.work / "decisions" / "exact"
            partitions = max(1, self.workers)
            self._execute("exact", [_ExactDecide(record_files, str(exact_dir))], partitions, record_files)
            exact = ApplyDecisions("exact_dedup", [str(exact_dir / f"{r:05d}.parquet") for r in range(partitions)],
                                   default_reason="exact_duplicate")
            if "minhash" in stages:
                # Near duplicates are looked for among the exact-dedup survivors only, so that a MinHash
                # survivor is never a record exact dedup already removed.
                deduped_dir = self.work / "records_exact"
                self._execute("exact_apply", [RecordShardReader(record_files), exact, RecordShardWriter(deduped_dir)],
                              len(record_files), record_files)
                record_files = [str(deduped_dir / Path(p).name) for p in record_files]
            else:
                appliers.append(exact)
        if "minhash" in stages:
            appliers.append(self._minhash(record_files))

        bucket_dir = self.work / "buckets"
        self._execute("scatter", [RecordShardReader(record_files), *appliers, LanguageBucketWriter(bucket_dir)],
                      len(record_files), record_files)
        shard_tasks = plan_shards(bucket_dir, self.config.output.max_rows_per_shard,
                                  self.config.output.max_bytes_per_shard)
        self._remove_stale_shards(shard_tasks)
        self._execute("gather", [_GatherShard(shard_tasks, str(bucket_dir), str(self.out))], len(shard_tasks),
                      sorted(bucket_dir.glob("*/*.parquet")))

        stats = merge_stats([resolved.stats, *(read_datatrove_stats(d) for d in self.logging_dirs
                                                if (d / "stats").exists())])
        shards: dict[str, list[Path]] = {}
        for task in shard_tasks:
            shards.setdefault(task.language, []).append(language_shard_path(self.out, task.language, task.index, task.count))
        return LocalRun(out_dir=self.out, stats=stats, shards=shards, started=started, finished=time.time())

    def _langid_thresholds(self, record_files: list[str]) -> list[str]:
        """Merge the language scores of every task, report each language's threshold and, when the run
        calibrates thresholds, drop the records below them (before dedup); returns the record files to use."""
        settings = self.config.langid
        histograms = ScoreHistograms.merged(
            ScoreHistograms.from_json(entry)
            for entry in read_summaries(self.work / "summaries", len(record_files), SUMMARY_KEY))
        used = thresholds_for_run(histograms, settings, self.config.quality.packs_dir)
        write_bytes(self.out / REPORT_PATH, run_report(used, settings).encode())
        if settings.threshold_mode != "pack_or_calibrated":
            return record_files
        kept_dir = self.work / "records_langid"
        self._execute("langid_threshold", [RecordShardReader(record_files),
                                           ApplyLanguageThresholds(deferred_thresholds(used, settings)),
                                           RecordShardWriter(kept_dir)], len(record_files), record_files)
        return [str(kept_dir / Path(p).name) for p in record_files]

    def _minhash(self, record_files: list[str]) -> PipelineStep:
        from lingoloom.filters.minhash.run_local import run_minhash_local

        decisions_dir = self.work / "decisions" / "minhash"
        run_minhash_local(record_files, str(decisions_dir), str(self.work / "minhash"),
                          self.config.dedup.minhash, self.workers)
        mapping = {Path(p).name: str(decisions_dir / Path(p).name) for p in record_files}
        return ApplyDecisions("minhash", mapping, record_files, default_reason="near_duplicate")

    def _remove_stale_shards(self, tasks: list[ShardTask]) -> None:
        """Delete published shards that the current plan does not produce (e.g. from an older plan)."""
        expected = {language_shard_path(self.out, t.language, t.index, t.count) for t in tasks}
        for path in (self.out / "data").glob("*/*.parquet") if (self.out / "data").exists() else ():
            if path not in expected:
                path.unlink()
