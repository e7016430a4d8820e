"""Datatrove writer steps of the local engine: validated record shards and per-language buckets.

Why it exists: between the local engine's phases, records are kept as Parquet files of the
record schema. :class:`RecordShardWriter` writes one file per task (``{rank:05d}.parquet``),
validated row by row against the schema, atomically, and empty when the task had no records,
so later phases always see one file per task. :class:`LanguageBucketWriter` is the scatter half
of the shuffle that builds the published shards: one file per (language, task). Both stream
(:class:`~lingoloom.pipelines.writers.parquet.StreamingRowWriter`): memory holds at most a row
group per file, and the bucket writer at most :data:`BUCKET_BUFFER_ROWS` rows over all languages.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from lingoloom.pipelines.writers.parquet import WORK_ROW_GROUP_ROWS, StreamingRowWriter
from lingoloom.schemas.record import document_to_row


class RecordShardWriter(PipelineStep):
    """Writes every record that reaches it to ``<folder>/<rank:05d>.parquet`` (validated, atomic)."""

    type = "💽 - WRITER"
    name = "record_shards"

    def __init__(self, folder: str | Path):
        super().__init__()
        self.folder = str(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        writer = StreamingRowWriter(Path(self.folder) / f"{rank:05d}.parquet", row_group_rows=WORK_ROW_GROUP_ROWS)
        try:
            for doc in data or ():
                writer.add(document_to_row(doc))
                self.stat_update("written")
            writer.close()
        finally:
            writer.abort()
        return
        yield


#: Rows the bucket writer buffers over all languages before it writes the fullest buffer.
BUCKET_BUFFER_ROWS = 4 * WORK_ROW_GROUP_ROWS


class LanguageBucketWriter(PipelineStep):
    """Writes records to ``<folder>/<language>/<rank:05d>.parquet`` (the scatter half of shard building)."""

    type = "💽 - WRITER"
    name = "language_buckets"

    def __init__(self, folder: str | Path):
        super().__init__()
        self.folder = str(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        writers: dict[str, StreamingRowWriter] = {}
        buffered = 0
        try:
            for doc in data or ():
                row = document_to_row(doc)
                language = row["language"]
                if language not in writers:
                    writers[language] = StreamingRowWriter(Path(self.folder) / language / f"{rank:05d}.parquet",
                                                           row_group_rows=WORK_ROW_GROUP_ROWS)
                writer = writers[language]
                before = len(writer.rows)
                writer.add(row)
                buffered += len(writer.rows) - before
                if buffered > BUCKET_BUFFER_ROWS:
                    fullest = max(writers.values(), key=lambda w: len(w.rows))
                    buffered -= len(fullest.rows)
                    fullest.flush()
            for language, writer in sorted(writers.items()):
                writer.close()
                self.stat_update(f"written/{language}", value=writer.written)
        finally:
            for writer in writers.values():
                writer.abort()
        return
        yield
