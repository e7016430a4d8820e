"""Datatrove writer steps of the local engine: validated record shards and per-language buckets.

Why it exists: between the local engine's phases, records are kept as Parquet files of the
record schema. :class:`RecordShardWriter` writes one file per task (``{rank:05d}.parquet``),
validated row by row against the schema, atomically, and empty when the task had no records,
so later phases always see one file per task. :class:`LanguageBucketWriter` is the scatter half
of the shuffle that builds the published shards: one file per (language, task).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from lingoloom.pipelines.writers.parquet import WORK_ROW_GROUP_ROWS, write_rows_atomic
from lingoloom.schemas.record import document_to_row


class RecordShardWriter(PipelineStep):
    """Writes every record that reaches it to ``<folder>/<rank:05d>.parquet`` (validated, atomic)."""

    type = "💽 - WRITER"
    name = "record_shards"

    def __init__(self, folder: str | Path):
        super().__init__()
        self.folder = str(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        rows = []
        for doc in data or ():
            rows.append(document_to_row(doc))
            self.stat_update("written")
        write_rows_atomic(rows, Path(self.folder) / f"{rank:05d}.parquet", row_group_rows=WORK_ROW_GROUP_ROWS)
        return
        yield


class LanguageBucketWriter(PipelineStep):
    """Writes records to ``<folder>/<language>/<rank:05d>.parquet`` (the scatter half of shard building)."""

    type = "💽 - WRITER"
    name = "language_buckets"

    def __init__(self, folder: str | Path):
        super().__init__()
        self.folder = str(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        by_language: dict[str, list[dict]] = defaultdict(list)
        for doc in data or ():
            row = document_to_row(doc)
            by_language[row["language"]].append(row)
        for language, rows in sorted(by_language.items()):
            write_rows_atomic(rows, Path(self.folder) / language / f"{rank:05d}.parquet",
                              row_group_rows=WORK_ROW_GROUP_ROWS)
            self.stat_update(f"written/{language}", value=len(rows))
        return
        yield
