"""Beam sources: WARC/WET, Parquet and JSONL inputs as record dicts, from any Beam filesystem.

Why it exists: the Beam engine must read the same inputs as the local engine (WARC/WET files,
Common Crawl samples, Parquet and JSONL tables), but from where
Dataflow workers can reach them (``gs://``, ``s3://``, local paths), through Beam's
``FileSystems`` rather than fsspec. Parsing is not duplicated: a WARC file goes to
:func:`lingoloom.pipelines.sources.warc.iter_warc_documents`, a Common Crawl URL to
:func:`lingoloom.pipelines.commoncrawl.reader.iter_commoncrawl_file` and a table row to
:func:`lingoloom.pipelines.sources.tables.table_row_to_document`, the functions the local
engine's ``InputReader`` uses, and the ``read`` stage counts exactly what ``InputReader`` counts
(``in``/``kept``/``kept/und`` per record; ``in``/``dropped/<reason>/und`` per unusable one).

Patterns are expanded on the workers (``FileSystems.match``), files are spread over workers,
and the records of one big file are spread again (``Reshuffle``) so that extraction does not
stay fused to the worker that read the file.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping, Sequence

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from lingoloom.pipelines.engines.beam_adapter import Element, count, to_element
from lingoloom.pipelines.sources.inputs import InputFile
from lingoloom.pipelines.sources.tables import table_row_to_document
from lingoloom.pipelines.sources.warc import DEFAULT_MAX_BODY_BYTES, iter_warc_documents
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key, kept_key

#: Stage of every source's counters (the local engine's ``InputReader`` is named the same).
READ_STAGE = "read"
_PARQUET_BATCH_ROWS = 1024


def _count_kept() -> None:
    count(READ_STAGE, STAT_IN, STAT_KEPT, kept_key(UNKNOWN_LANGUAGE))


def _count_drop(reason: str) -> None:
    count(READ_STAGE, STAT_IN, STAT_DROPPED, drop_key(reason), drop_key(reason, UNKNOWN_LANGUAGE))


def expand_input(item: InputFile) -> Iterator[InputFile]:
    """One :class:`InputFile` per file matching ``item.path`` (a path, glob or URL on any Beam filesystem).

    Common Crawl inputs are already concrete URLs (the sample drawn by ``resolve_inputs``).
    """
    if item.kind == "commoncrawl":
        yield item
        return
    matches = FileSystems.match([item.path])[0].metadata_list
    if not matches:
        raise FileNotFoundError(f"input {item.path!r} ({item.kind}) matches no file; check the path in the run's inputs")
    for metadata in sorted(matches, key=lambda m: m.path):
        yield InputFile(path=metadata.path, kind=item.kind, source=item.source, spec=item.spec)


def _iter_jsonl_rows(path: str) -> Iterator[Mapping[str, Any]]:
    with FileSystems.open(path, compression_type=CompressionTypes.AUTO) as raw:
        for raw_line in iter(raw.readline, b""):
            line = raw_line.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                _count_drop("malformed_json")
                continue
            if isinstance(row, dict):
                yield row
            else:
                _count_drop("malformed_json")


def _iter_parquet_rows(path: str) -> Iterator[Mapping[str, Any]]:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
        for batch in pq.ParquetFile(raw).iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            yield from batch.to_pylist()


class ReadInputFile(beam.DoFn):
    """Raw records (dicts) of one input file, counted under stage ``read``."""

    def __init__(self, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        super().__init__()
        self._max_body_bytes = max_body_bytes

    def process(self, item: InputFile) -> Iterator[Element]:
        if item.kind == "warc":
            # warcio detects gzip itself; per-record gzip members must not be decompressed as one stream.
            with FileSystems.open(item.path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                for doc in iter_warc_documents(stream, item.source, item.path, _count_drop, self._max_body_bytes):
                    _count_kept()
                    yield to_element(doc)
            return
        if item.kind == "commoncrawl":
            from lingoloom.pipelines.commoncrawl.reader import iter_commoncrawl_file

            for doc in iter_commoncrawl_file(item.path, item.spec, item.source, _count_drop, self._max_body_bytes):
                _count_kept()
                yield to_element(doc)
            return
        rows = _iter_parquet_rows(item.path) if item.kind == "parquet" else _iter_jsonl_rows(item.path)
        for index, row in enumerate(rows):
            result = table_row_to_document(row, item.spec, item.path, index)
            if isinstance(result, str):
                _count_drop(result)
                continue
            _count_kept()
            yield to_element(result)


class ReadInputs(beam.PTransform):
    """``pipeline | ReadInputs(files)``: the raw records of every input file, spread over workers."""

    def __init__(self, files: Sequence[InputFile], max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        super().__init__()
        if not files:
            raise ValueError("no input files to read: the run's `inputs` section resolved to nothing")
        self._files = list(files)
        self._max_body_bytes = max_body_bytes

    def expand(self, pipeline):
        return (
            pipeline
            | "Inputs" >> beam.Create(self._files)
            | "Match" >> beam.FlatMap(expand_input)
            | "SpreadFiles" >> beam.Reshuffle()
            | "Read" >> beam.ParDo(ReadInputFile(self._max_body_bytes))
            | "SpreadRecords" >> beam.Reshuffle()
        )
