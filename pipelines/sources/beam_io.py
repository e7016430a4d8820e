"""Beam sources: WARC/WET, Parquet and JSONL inputs as record dicts, from any Beam filesystem.

Why it exists: the Beam engine must read the same inputs as the local engine, but from where
Dataflow workers can reach them (``gs://``, ``s3://``, local paths), through Beam's
``FileSystems`` rather than fsspec. WARC parsing itself is not duplicated: each file is handed
to :func:`lingoloom.pipelines.sources.warc.iter_warc_documents`, the generator the local
engine's ``WarcReader`` uses, and the read stage counts exactly what ``WarcReader`` counts
(``in``/``kept``/``kept/und`` per record, ``dropped/<reason>/und`` per unusable record).

Every source ends with a ``Reshuffle`` so that the records of one big file spread over all
workers instead of staying fused to the worker that read the file.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Sequence

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes

from lingoloom.pipelines.engines.beam_adapter import Element, count, to_element
from lingoloom.pipelines.sources.warc import DEFAULT_MAX_BODY_BYTES, iter_warc_documents
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key, kept_key

#: Stage name of every source's counters (the local engine's readers use the same).
READ_STAGE = "read"


def _count_kept() -> None:
    count(READ_STAGE, STAT_IN, STAT_KEPT, kept_key(UNKNOWN_LANGUAGE))


def _count_drop(reason: str) -> None:
    count(READ_STAGE, STAT_DROPPED, drop_key(reason), drop_key(reason, UNKNOWN_LANGUAGE))


def _match_all(pipeline_or_pcoll, patterns: Sequence[str]):
    """One ``ReadableFile`` per file matching any pattern; a pattern matching nothing is an error."""
    return (
        pipeline_or_pcoll
        | "Patterns" >> beam.Create(list(patterns))
        | "Match" >> fileio.MatchAll(empty_match_treatment=fileio.EmptyMatchTreatment.DISALLOW)
        | "Open" >> fileio.ReadMatches()
    )


class _ReadWarcFile(beam.DoFn):
    def __init__(self, source: str, max_body_bytes: int):
        super().__init__()
        self._source = source
        self._max_body_bytes = max_body_bytes

    def process(self, readable: fileio.ReadableFile) -> Iterator[Element]:
        path = readable.metadata.path
        # warcio detects gzip itself, and per-member gzip must not be decompressed as one stream.
        with readable.open(compression_type=CompressionTypes.UNCOMPRESSED) as stream:
            for doc in iter_warc_documents(stream, self._source, path, _count_drop, self._max_body_bytes):
                _count_kept()
                yield to_element(doc)


class ReadWarc(beam.PTransform):
    """``pipeline | ReadWarc(["gs://bucket/crawl/*.warc.gz"], source="cc-2024-10")``: raw records."""

    def __init__(self, patterns: Sequence[str], source: str, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        super().__init__()
        self._patterns = list(patterns)
        self._source = source
        self._max_body_bytes = max_body_bytes

    def expand(self, pipeline):
        return (
            _match_all(pipeline, self._patterns)
            | "ReadWarc" >> beam.ParDo(_ReadWarcFile(self._source, self._max_body_bytes))
            | "Spread" >> beam.Reshuffle()
        )


def row_to_element(row: dict[str, Any], source: str) -> Element | None:
    """A Parquet/JSONL row as a record dict, or None (counted) when it has no usable text or id.

    Rows must carry ``text`` and ``id`` (the fields every lingoloom dataset has); other schema
    fields are kept, ``source`` defaults to the input's source name.
    """
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        _count_drop("missing_text")
        return None
    if row.get("id") in (None, ""):
        _count_drop("missing_id")
        return None
    element = dict(row)
    element["id"] = str(row["id"])
    element.setdefault("source", source)
    if not element.get("source"):
        element["source"] = source
    _count_kept()
    return element


def _parse_json_line(line: str, source: str) -> Iterator[Element]:
    if not line.strip():
        return
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        _count_drop("malformed_json")
        return
    if not isinstance(row, dict):
        _count_drop("malformed_json")
        return
    element = row_to_element(row, source)
    if element is not None:
        yield element


def _row(row: dict[str, Any], source: str) -> Iterator[Element]:
    element = row_to_element(row, source)
    if element is not None:
        yield element


class ReadJsonl(beam.PTransform):
    """JSON Lines files (``.jsonl``, ``.jsonl.gz`` ...), one record object per line."""

    def __init__(self, patterns: Sequence[str], source: str):
        super().__init__()
        self._patterns = list(patterns)
        self._source = source

    def expand(self, pipeline):
        return (
            pipeline
            | "Patterns" >> beam.Create(self._patterns)
            | "ReadLines" >> beam.io.ReadAllFromText()
            | "Parse" >> beam.FlatMap(_parse_json_line, self._source)
            | "Spread" >> beam.Reshuffle()
        )


class ReadParquet(beam.PTransform):
    """Parquet files of records (any columns; ``id`` and ``text`` required per row)."""

    def __init__(self, patterns: Sequence[str], source: str):
        super().__init__()
        self._patterns = list(patterns)
        self._source = source

    def expand(self, pipeline):
        return (
            pipeline
            | "Patterns" >> beam.Create(self._patterns)
            | "ReadRows" >> beam.io.ReadAllFromParquet()
            | "Rows" >> beam.FlatMap(_row, self._source)
            | "Spread" >> beam.Reshuffle()
        )
