"""Beam-native parts of the stages that need a global view: exact dedup and the Parquet sink.

Why it exists: a per-record step runs anywhere through the adapter, but "is this text a
duplicate?" and "which shard does this record go to?" need every record at once. Here those
decisions are shuffles, with exactly the rules of the local engine so both engines publish the
same records in the same files:

- :class:`ExactDedup`: records grouped by ``content_hash`` (a combiner, so a hash shared by
  millions of boilerplate pages never materialises as one list); the survivor follows
  :func:`lingoloom.filters.survivor.survivor_key` (self-canonical page, then quality score, then
  smallest id), as in the local engine; the others are counted ``dropped/exact_duplicate/<lang>``.
- :class:`ApplyDecisions`: a later dedup stage (MinHash) decided on all processed records,
  applied to the records still alive by a join on ``id``, as the local engine applies its
  decision files one stage after the other.
- :class:`WriteHubParquet`: the shard rule of :mod:`lingoloom.pipelines.writers.shards` as a
  shuffle (rows and text bytes per language -> shard count; shard = hash of id; rows sorted by
  id), written as ``data/<lang>/train-0000k-of-0000n.parquet`` through the project's Parquet
  writer (schema validation, zstd, atomic rename); ``gs://``/``s3://`` outputs are written
  locally then uploaded through Beam's ``FileSystems`` (an object appears only once complete).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from lingoloom.filters.survivor import survivor_key
from lingoloom.pipelines.engines.beam_adapter import Element, count, to_document
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key, kept_key
from lingoloom.pipelines.writers.parquet import language_shard_path, shard_file_name, write_rows_atomic
from lingoloom.pipelines.writers.shards import shard_count, shard_of
from lingoloom.schemas.record import document_to_row

EXACT_DEDUP_STAGE = "exact_dedup"
EXACT_DUPLICATE = "exact_duplicate"
WRITE_STAGE = "write"


def _language(element: Element) -> str:
    return element.get("language") or UNKNOWN_LANGUAGE


def _count_doc_len(stage: str, element: Element) -> None:
    """datatrove's ``update_doc_stats``, which a :class:`RecordStep` applies to every record it keeps."""
    count(stage, "doc_len", value=len(element.get("text") or ""))


def _survivor_key(element: Element) -> tuple:
    score = (element.get("quality") or {}).get("quality_score")
    return survivor_key(element["id"], element.get("url"), element.get("canonical_url"), score)


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


def is_remote(path: str) -> bool:
    """Whether ``path`` is on a remote Beam filesystem (``gs://``, ``s3://`` ...) rather than local."""
    return "://" in path and not path.startswith("file://")


class ApplyDecisions(beam.PTransform):
    """Apply a global stage decided on the full record set to the records still alive.

    The local engine decides every dedup stage on all processed records and then applies the
    decisions one after the other (:class:`lingoloom.filters.decisions.ApplyDecisions`); this is
    the same join by id. ``decided`` is a stage output with ``kept`` and ``removed`` tags (e.g.
    ``MinHashDedup``): a live record that the stage removed is counted
    ``dropped/<drop_reason>/<lang>``, one it kept gets the stage's ``annotations`` copied over and
    is counted ``kept/<lang>``.
    """

    def __init__(self, stage: str, decided, annotations: tuple[str, ...] = ()):
        super().__init__()
        self._stage = stage
        self._decided = decided
        self._annotations = annotations

    def expand(self, records):
        annotations = self._annotations
        keyed = {
            "record": records | "KeyRecords" >> beam.Map(lambda e: (e["id"], e)),
            "kept": self._decided.kept | "KeyKept" >> beam.Map(
                lambda e: (e["id"], {name: e.get(name) for name in annotations})),
            "removed": self._decided.removed | "KeyRemoved" >> beam.Map(
                lambda e: (e["id"], e.get("drop_reason") or "duplicate")),
        }
        return keyed | "JoinById" >> beam.CoGroupByKey() | "Apply" >> beam.FlatMap(_apply_decision, self._stage)


def _apply_decision(keyed: tuple[str, dict[str, Any]], stage: str) -> Iterator[Element]:
    _, joined = keyed
    removed = list(joined["removed"])
    kept = list(joined["kept"])
    for element in joined["record"]:
        language = _language(element)
        count(stage, STAT_IN)
        if removed:
            count(stage, STAT_DROPPED, drop_key(removed[0]), drop_key(removed[0], language))
            continue
        count(stage, STAT_KEPT, kept_key(language))
        _count_doc_len(stage, element)
        yield dict(element, **kept[0]) if kept else element


def shard_destination(out_dir: str, language: str, index: int, n: int) -> str:
    """Where shard ``index`` of ``n`` of ``language`` goes, locally or on any Beam filesystem."""
    if is_remote(out_dir):
        return FileSystems.join(out_dir, "data", language, shard_file_name(index, n))
    return str(language_shard_path(out_dir.removeprefix("file://"), language, index, n))


def write_rows(rows: list[dict[str, Any]], destination: str) -> None:
    """Validate and write rows to ``destination`` (local: atomic rename; remote: local file, then upload)."""
    if not is_remote(destination):
        write_rows_atomic(rows, destination)
        return
    with tempfile.TemporaryDirectory(prefix="lingoloom-shard-") as tmp:
        local = write_rows_atomic(rows, Path(tmp) / "shard.parquet")
        with open(local, "rb") as source, FileSystems.create(destination) as sink:
            shutil.copyfileobj(source, sink, length=1 << 20)


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


class _WriteShard(beam.DoFn):
    def __init__(self, out_dir: str):
        super().__init__()
        self._out_dir = out_dir

    def process(self, keyed: tuple[tuple[str, int, int], Any]) -> Iterator[tuple[str, str, int]]:
        (language, index, n), elements = keyed
        rows = sorted(
            (document_to_row(to_document(e)) for e in elements if e is not None), key=lambda row: row["id"]
        )
        destination = shard_destination(self._out_dir, language, index, n)
        write_rows(rows, destination)
        count(WRITE_STAGE, STAT_IN, STAT_KEPT, value=len(rows))
        count(WRITE_STAGE, kept_key(language), value=len(rows))
        yield language, destination, len(rows)


class WriteHubParquet(beam.PTransform):
    """Write records as ``<out>/data/<lang>/train-0000k-of-0000n.parquet``; outputs ``(lang, path, rows)``.

    Shard count and routing follow :mod:`lingoloom.pipelines.writers.shards` (count per language
    from rows and text bytes, shard = hash of id, rows sorted by id), so both engines write the
    same records to the same files; every shard ``0..n-1`` is written, even an empty one.
    """

    def __init__(self, out_dir: str, max_rows_per_shard: int, max_bytes_per_shard: int):
        super().__init__()
        self._out_dir = out_dir
        self._max_rows = max_rows_per_shard
        self._max_bytes = max_bytes_per_shard

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
            | "WriteShards" >> beam.ParDo(_WriteShard(self._out_dir))
        )
