"""How records are split into the published shards: the same rule on every engine.

Why it exists: the Hub layout names shards ``train-0000k-of-0000n``, so ``n`` must be known
before a shard is written, and the local and Beam engines must put each record in the same
shard in the same order. Both engines count rows and bytes per language, call
:func:`shard_count`, route each record with :func:`shard_of` (a hash of its id) and sort a
shard's rows by id.
"""

from __future__ import annotations

import math

import xxhash

DEFAULT_MAX_ROWS_PER_SHARD = 100_000
DEFAULT_MAX_BYTES_PER_SHARD = 256 * 1024 * 1024


def shard_count(rows: int, text_bytes: int, max_rows: int = DEFAULT_MAX_ROWS_PER_SHARD,
                max_bytes: int = DEFAULT_MAX_BYTES_PER_SHARD) -> int:
    """Number of shards for one language: enough that none exceeds either bound (at least 1)."""
    return max(1, math.ceil(rows / max_rows), math.ceil(text_bytes / max_bytes))


def shard_of(record_id: str, count: int) -> int:
    """The shard (0..count-1) a record belongs to; depends only on its id."""
    return xxhash.xxh64_intdigest(record_id.encode("utf-8")) % count
