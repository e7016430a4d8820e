"""Read records back from Parquet shards of the record schema (the local engine's intermediate files).

Why it exists: the local engine splits global stages (dedup, shard planning) into phases; each
phase after the first reads the records the previous one wrote. Reading goes through the same
schema conversion (:func:`lingoloom.schemas.record.row_to_document`) the writers use.
"""

from __future__ import annotations

import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from lingoloom.schemas.record import row_to_document

BATCH_ROWS = 2048


class RecordShardReader(PipelineStep):
    """Each task reads the record files ``files[rank::world_size]`` in order."""

    type = "📖 - READER"
    name = "records"

    def __init__(self, files: list[str]):
        super().__init__()
        self.files = list(files)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        for path in self.files[rank::world_size]:
            parquet = pq.ParquetFile(path)
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
                for row in batch.to_pylist():
                    yield row_to_document(row)
