"""Beam-native parts of the stages that need a global view: exact dedup and the Parquet sink.

Why it exists: a per-record step runs anywhere through the adapter, but "is this text a
duplicate?" and "which shard does this record go to?" need every record at once. Here those
decisions are shuffles, with exactly the rules of the local engine so both engines publish the
same records in the same files:

- :class:`ExactDedup`: records grouped by ``content_hash`` (a combiner, so a hash shared by
  millions of boilerplate pages never materialises as one list); the survivor follows
  :func:`lingoloom.filters.survivor.survivor_key` (self-canonical page, then quality score, then
  smallest id, then earliest fetch and WARC record id among copies sharing an id), as in the local
  engine; the others are counted ``dropped/exact_duplicate/<lang>``.
- :class:`CountedStage`: a later global stage with its own Beam part (MinHash runs on the exact
  dedup survivors, as in the local engine), counted like the local engine's ``ApplyDecisions``.
- :class:`WriteHubParquet`: the shard rule of :mod:`lingoloom.pipelines.writers.shards` as a
  shuffle (rows and text bytes per language -> shard count; shard = hash of id; rows sorted by
  id), written as ``data/<lang>/train-0000k-of-0000n.parquet`` through the project's Parquet
  writer (schema validation, zstd, atomic rename), plus, with the balance stage's ``_repeats``,
  the ``mix`` config file of each shard (the local engine's bytes); ``gs://``/``s3://`` outputs
  are written locally then uploaded through Beam's ``FileSystems`` (an object appears only once
  complete). Each file is measured where it is written
  (:func:`lingoloom.pipelines.report.measure_parquet`).
- :class:`WriteMeasurements`: those measurements as ``stats/shards.json``, all the launcher
  reads to write the card and manifest.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import apache_beam as beam

from lingoloom.filters.balance.beam import REPEATS_KEY
from lingoloom.filters.balance.local import MIX_DIR, mix_file_name, mix_table, write_mix_file
from lingoloom.filters.survivor import survivor_key
from lingoloom.pipelines.engines.beam_adapter import Element, count, to_document
from lingoloom.pipelines.report import SHARDS_JSON, measure_parquet, shards_json
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key, kept_key
from lingoloom.pipelines.storage import is_remote, join, upload, write_bytes
from lingoloom.pipelines.writers.parquet import shard_file_name, write_table_atomic
from lingoloom.pipelines.writers.shards import shard_count, shard_of
from lingoloom.schemas.record import document_to_row, rows_to_table

EXACT_DEDUP_STAGE = "exact_dedup"
EXACT_DUPLICATE = "exact_duplicate"
WRITE_STAGE = "write"


def _language(element: Element) -> str:
    return element.get("language") or UNKNOWN_LANGUAGE


def _count_doc_len(stage: str, element: Element) -> None:
    """datatrove's ``update_doc_stats``, which a :class:`RecordStep` applies to every record it keeps."""
    count(stage, "doc_len", value=len(element.get("text") or ""))


_NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _fetched(value: Any) -> dt.datetime:
    if isinstance(value, str) and value:
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return _NEVER


def _survivor_key(element: Element) -> tuple:
    """:func:`survivor_key`, then the earliest fetch and the smallest WARC record id (which of several
    copies sharing one id is published), as :func:`lingoloom.filters.exact_dedup.exact_duplicate_decisions`."""
    score = (element.get("quality") or {}).get("quality_score")
    return (*survivor_key(element["id"], element.get("url"), element.get("canonical_url"), score),
            _fetched(element.get("fetch_time")), element.get("warc_record_id") or "")


class _PickSurvivor(beam.CombineFn):
    """Accumulator: (best key, best record, {language: records seen})."""

    def create_accumulator(self):
        return (None, None, {})

    def add_input(self, accumulator, element):
        best_key, best, seen = accumulator
        language = _language(element)
        seen[language] = seen.get(language, 0) + 1
        key = _survivor_key(element)
        if best_key is None or key < best_key:
            return (key, element, seen)
        return (best_key, best, seen)

    def merge_accumulators(self, accumulators):
        best_key, best, seen = None, None, {}
        for key, element, counts in accumulators:
            for language, n in counts.items():
                seen[language] = seen.get(language, 0) + n
            if key is not None and (best_key is None or key < best_key):
                best_key, best = key, element
        return (best_key, best, seen)

    def extract_output(self, accumulator):
        _, best, seen = accumulator
        return best, seen


def _emit_survivor(keyed: tuple[str, tuple[Element, dict[str, int]]]) -> Iterator[Element]:
    _, (survivor, seen) = keyed
    kept_language = _language(survivor)
    for language, n in seen.items():
        count(EXACT_DEDUP_STAGE, STAT_IN, value=n)
        dropped = n - 1 if language == kept_language else n
        if dropped:
            count(
                EXACT_DEDUP_STAGE,
                STAT_DROPPED,
                drop_key(EXACT_DUPLICATE),
                drop_key(EXACT_DUPLICATE, language),
                value=dropped,
            )
    count(EXACT_DEDUP_STAGE, STAT_KEPT, kept_key(kept_language))
    _count_doc_len(EXACT_DEDUP_STAGE, survivor)
    yield survivor


def _by_content_hash(element: Element) -> tuple[str, Element]:
    digest = element.get("content_hash")
    if not digest:
        raise ValueError(
            f"record {element.get('id')!r} has no content_hash: the per-record steps must end with "
            "ContentHash (lingoloom.filters.exact_dedup) before exact dedup"
        )
    return digest, element


class ExactDedup(beam.PTransform):
    """Keep one record per ``content_hash`` (the local engine's survivor rule)."""

    def expand(self, records):
        return (
            records
            | "KeyByHash" >> beam.Map(_by_content_hash)
            | "PickSurvivor" >> beam.CombinePerKey(_PickSurvivor())
            | "Emit" >> beam.FlatMap(_emit_survivor)
        )


class CountedStage(beam.PTransform):
    """Runs a global stage whose output has ``kept`` and ``removed`` tags (e.g. ``MinHashDedup``) and
    counts it as the local engine's ``ApplyDecisions`` does: ``in``, ``kept/<lang>``, ``doc_len``,
    ``dropped/<drop_reason>/<lang>``."""

    def __init__(self, stage: str, transform: beam.PTransform):
        super().__init__()
        self._stage = stage
        self._transform = transform

    def expand(self, records):
        result = records | "Run" >> self._transform
        _ = result.removed | "CountRemoved" >> beam.Map(_count_removed, self._stage)
        return result.kept | "CountKept" >> beam.Map(_count_survivor, self._stage)


def _count_removed(element: Element, stage: str) -> None:
    reason, language = element.get("drop_reason") or "duplicate", _language(element)
    count(stage, STAT_IN, STAT_DROPPED, drop_key(reason), drop_key(reason, language))


def _count_survivor(element: Element, stage: str) -> Element:
    count(stage, STAT_IN, STAT_KEPT, kept_key(_language(element)))
    _count_doc_len(stage, element)
    return element


def publish_parquet(out_dir: str, relative: str, write: Callable[[Path], Path]) -> dict[str, Any]:
    """Write a Parquet file with ``write(local_path)`` as ``<out_dir>/<relative>`` and return its measurements.

    Local outputs are written in place (the writers rename atomically); remote ones (``gs://`` ...) in a
    temporary local folder, measured there, then uploaded as one object.
    """
    if not is_remote(out_dir):
        return measure_parquet(write(Path(join(out_dir, *relative.split("/")))), relative)
    with tempfile.TemporaryDirectory(prefix="lingoloom-shard-") as tmp:
        local = write(Path(tmp) / relative.rsplit("/", 1)[-1])
        measured = measure_parquet(local, relative)
        upload(local, join(out_dir, *relative.split("/")))
    return measured


def _text_bytes(element: Element) -> tuple[str, tuple[int, int]]:
    return _language(element), (1, len((element.get("text") or "").encode("utf-8")))


def _sum_pairs(pairs) -> tuple[int, int]:
    rows = size = 0
    for n, b in pairs:
        rows += n
        size += b
    return rows, size


def _route(element: Element, shards: dict[str, int]) -> tuple[tuple[str, int, int], Element]:
    language = _language(element)
    n = shards[language]
    return (language, shard_of(element["id"], n), n), element


def _mix_index(language: str, index: int, shards: Mapping[str, int]) -> tuple[int, int]:
    """``(k, n)`` of a language shard's mix file: the local engine numbers them over all shards in path order."""
    before = sum(n for lang, n in shards.items() if lang < language)
    return before + index, sum(shards.values())


class _WriteShard(beam.DoFn):
    def __init__(self, out_dir: str, mix: bool):
        super().__init__()
        self._out_dir = out_dir
        self._mix = mix

    def process(self, keyed: tuple[tuple[str, int, int], Any], shards: Mapping[str, int]) -> Iterator[dict[str, Any]]:
        (language, index, n), elements = keyed
        pairs = sorted(((document_to_row(to_document(e)), e.get(REPEATS_KEY)) for e in elements if e is not None),
                       key=lambda pair: pair[0]["id"])
        table = rows_to_table(row for row, _ in pairs)
        yield publish_parquet(self._out_dir, f"data/{language}/{shard_file_name(index, n)}",
                              lambda path: write_table_atomic(table, path))
        count(WRITE_STAGE, STAT_IN, STAT_KEPT, value=table.num_rows)
        count(WRITE_STAGE, kept_key(language), value=table.num_rows)
        if self._mix:
            mix = mix_table(table, [repeats for _, repeats in pairs])
            k, total = _mix_index(language, index, shards)
            yield publish_parquet(self._out_dir, f"{MIX_DIR.as_posix()}/{mix_file_name(k, total)}",
                                  lambda path: write_mix_file(mix, path))


class WriteHubParquet(beam.PTransform):
    """Write records as ``<out>/data/<lang>/train-0000k-of-0000n.parquet``; outputs each file's measurements.

    Shard count and routing follow :mod:`lingoloom.pipelines.writers.shards` (count per language
    from rows and text bytes, shard = hash of id, rows sorted by id), so both engines write the
    same records to the same files; every shard ``0..n-1`` is written, even an empty one. With
    ``mix`` (records annotated by the balance stage), each shard's ``mix/train-k-of-n.parquet`` too.
    """

    def __init__(self, out_dir: str, max_rows_per_shard: int, max_bytes_per_shard: int, mix: bool = False):
        super().__init__()
        self._out_dir = out_dir
        self._max_rows = max_rows_per_shard
        self._max_bytes = max_bytes_per_shard
        self._mix = mix

    def expand(self, records):
        max_rows, max_bytes = self._max_rows, self._max_bytes
        shards = (
            records
            | "Size" >> beam.Map(_text_bytes)
            | "SizePerLanguage" >> beam.CombinePerKey(_sum_pairs)
            | "ShardCount" >> beam.MapTuple(lambda lang, size: (lang, shard_count(size[0], size[1], max_rows, max_bytes)))
        )
        routed = records | "Route" >> beam.Map(_route, shards=beam.pvalue.AsDict(shards))
        every_shard = shards | "EveryShard" >> beam.FlatMapTuple(
            lambda lang, n: [((lang, index, n), None) for index in range(n)]
        )
        return (
            (routed, every_shard)
            | "Together" >> beam.Flatten()
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShards" >> beam.ParDo(_WriteShard(self._out_dir, self._mix), shards=beam.pvalue.AsDict(shards))
        )


def _write_shards_json(entries: list[dict[str, Any]], out_dir: str) -> str:
    path = join(out_dir, *SHARDS_JSON.split("/"))
    write_bytes(path, shards_json(entries))
    return path


class WriteMeasurements(beam.PTransform):
    """The measurements of every written file -> ``<out>/stats/shards.json`` (the local engine's bytes)."""

    def __init__(self, out_dir: str):
        super().__init__()
        self._out_dir = out_dir

    def expand(self, measured):
        return (
            measured
            | "AllFiles" >> beam.combiners.ToList()
            | "WriteShardsJson" >> beam.Map(_write_shards_json, self._out_dir)
        )
