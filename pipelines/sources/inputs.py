"""Turn a run's input specifications into read tasks, and read them as one datatrove step.

Why it exists: a run may mix WARC files (crawled, Common Crawl, third-party) and tables. The
local engine gives each input file its own task (so a killed run redoes only unfinished files,
and the task layout does not depend on the worker count); :class:`InputReader` reads the files
of one task with the right reader and counts unreadable records as drops of stage ``read``.
"""

from __future__ import annotations

from dataclasses import dataclass

import fsspec
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from lingoloom.pipelines.sources.tables import iter_table_documents
from lingoloom.pipelines.sources.warc import DEFAULT_MAX_BODY_BYTES, iter_warc_documents
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key, kept_key


@dataclass(frozen=True)
class InputFile:
    """One file to read: its path or URL, its kind (warc, commoncrawl, parquet, jsonl) and its settings."""

    path: str
    kind: str
    source: str
    spec: object = None


class InputReader(PipelineStep):
    """Reads ``tasks[rank]`` (one file per task); drops are counted under stage ``read``."""

    type = "📖 - READER"
    name = "read"
    stage = "read"

    def __init__(self, files: list[InputFile], max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        super().__init__()
        self.files = list(files)
        self.max_body_bytes = max_body_bytes

    def _count_drop(self, reason: str) -> None:
        self.stat_update(STAT_IN, STAT_DROPPED, drop_key(reason), drop_key(reason, UNKNOWN_LANGUAGE))

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        for item in self.files[rank::world_size]:
            if item.kind == "warc":
                try:
                    stream_context = fsspec.open(item.path, "rb")
                    with stream_context as stream:
                        documents = iter_warc_documents(stream, item.source, item.path, self._count_drop,
                                                        self.max_body_bytes)
                        yield from self._counted(documents)
                except FileNotFoundError as err:
                    raise RuntimeError(f"input {item.path!r} does not exist: {err}") from err
            elif item.kind == "commoncrawl":
                from lingoloom.pipelines.commoncrawl.reader import iter_commoncrawl_file

                yield from self._counted(iter_commoncrawl_file(item.path, item.spec, item.source, self._count_drop,
                                                               self.max_body_bytes))
            else:
                yield from self._counted(iter_table_documents(item.path, item.spec, self._count_drop))

    def _counted(self, documents):
        for doc in documents:
            self.stat_update(STAT_IN, STAT_KEPT, kept_key(UNKNOWN_LANGUAGE))
            yield doc
