"""Exact deduplication on a normalised content hash: the cheap first pass before MinHash.

Why it exists: byte-identical and trivially re-formatted copies (mirrors, print views, the same
article under two URLs) are the cheapest redundancy to remove. :class:`ContentHash` gives each
record its ``content_hash`` (text after NFKC, case folding and dropping everything but letters
and digits) and its stable ``id`` (hash of URL and content). The decision is global, so it is
split like every global stage: :func:`exact_duplicate_decisions` handles one partition of the
hash space (task ``rank`` of ``world_size``) by reading only a few columns of the record shards,
and the survivor of each group is the same on every engine (:mod:`lingoloom.filters.survivor`).
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash
from datatrove.data import Document

from lingoloom.filters.survivor import survivor_key
from lingoloom.pipelines.steps import RecordStep

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
DECISION_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("survivor_id", pa.string()),
        pa.field("drop_stage", pa.string()),
        pa.field("drop_reason", pa.string()),
        pa.field("keep_record_id", pa.string()),
    ]
)


def normalise_for_hash(text: str) -> str:
    """NFKC, case-folded text with only letters and digits, single-spaced."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    """128-bit hex hash of the normalised text."""
    return xxhash.xxh3_128_hexdigest(normalise_for_hash(text).encode("utf-8"))


def record_id(url: str | None, content_digest: str) -> str:
    """Stable record id: hash of URL and content hash (same page, same text -> same id)."""
    return xxhash.xxh3_128_hexdigest(f"{url or ''}\n{content_digest}".encode("utf-8"))


def hash_partition(digest: str, world_size: int) -> int:
    """Which of ``world_size`` partitions owns a hex digest."""
    return int(digest[:8], 16) % world_size


class ContentHash(RecordStep):
    """Sets ``content_hash`` and the stable ``id``; drops records whose normalised text is empty."""

    name = "content_hash"
    stage = "content_hash"

    def process(self, doc: Document) -> str | None:
        normalised = normalise_for_hash(doc.text)
        if not normalised:
            return "empty_after_normalisation"
        digest = xxhash.xxh3_128_hexdigest(normalised.encode("utf-8"))
        doc.metadata["content_hash"] = digest
        doc.id = record_id(doc.metadata.get("url"), digest)
        return None


def _quality_score(table: pa.Table) -> pa.Array:
    quality = table.column("quality")
    scores = pc.struct_field(quality, "quality_score")
    return pc.fill_null(scores, 0.0)


def exact_duplicate_decisions(record_files: list[str], rank: int = 0, world_size: int = 1) -> pa.Table:
    """Decisions for the content hashes owned by partition ``rank``: one row per removed record id.

    Reads only the columns the decision needs. The survivor of a group of equal hashes follows
    :func:`lingoloom.filters.survivor.survivor_key` (self-canonical page, then quality, then id),
    then the earliest fetch and the smallest WARC record id, whatever the order of files or rows.
    When copies share the survivor's id (the same URL fetched twice with the same text), one
    decision row names the copy to keep by its ``keep_record_id`` (its WARC record id).
    """
    best: dict[str, tuple] = {}
    members: dict[str, dict[str, str]] = {}
    copies: dict[str, int] = {}
    columns = ["id", "content_hash", "language", "quality", "url", "canonical_url", "fetch_time", "warc_record_id"]
    for path in record_files:
        table = pq.read_table(path, columns=columns)
        scores = _quality_score(table).to_pylist()
        fetched = table.column("fetch_time").cast(pa.string()).to_pylist()
        for doc_id, digest, language, score, url, canonical, fetch_time, record in zip(
            table.column("id").to_pylist(), table.column("content_hash").to_pylist(),
            table.column("language").to_pylist(), scores, table.column("url").to_pylist(),
            table.column("canonical_url").to_pylist(), fetched, table.column("warc_record_id").to_pylist(),
        ):
            if hash_partition(digest, world_size) != rank:
                continue
            members.setdefault(digest, {})[doc_id] = language
            copies[doc_id] = copies.get(doc_id, 0) + 1
            candidate = (*survivor_key(doc_id, url, canonical, score), fetch_time or "", record or "")
            if digest not in best or candidate < best[digest]:
                best[digest] = candidate
    rows = []
    for digest, group in members.items():
        survivor, keep_record = best[digest][2], best[digest][4]
        for doc_id, language in group.items():
            row = {"id": doc_id, "language": language, "survivor_id": survivor,
                   "drop_stage": "exact_dedup", "drop_reason": "exact_duplicate", "keep_record_id": None}
            if doc_id != survivor:
                rows.append(row)
            elif copies[doc_id] > 1:
                rows.append({**row, "keep_record_id": keep_record})
    rows.sort(key=lambda row: row["id"])
    return pa.Table.from_pylist(rows, schema=DECISION_SCHEMA)
