"""Partitioned spill files: how the local engine keeps MinHash's global view out of memory.

Why it exists: bucketing and clustering need every document's band keys and every candidate
edge, which do not fit in memory for a large corpus. Each stage therefore writes its output as
numpy files split into ``P`` partitions by a hash of the key, and the next stage loads one
partition at a time; ``P`` is chosen from the memory budget (:func:`partition_count`). File names
are deterministic (writer rank and chunk), so a task that is re-run overwrites its own output.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from lingoloom.filters.minhash.shingles import _fmix64

#: Working bytes per spilled (key, node) pair while a partition is sorted and grouped.
BYTES_PER_ENTRY = 160


def partition_count(entries: int, memory_mb: int) -> int:
    """Partitions needed so that one partition's working set fits in ``memory_mb``."""
    return max(1, math.ceil(entries * BYTES_PER_ENTRY / (memory_mb * 2**20)))


def partition_of(keys: np.ndarray, partitions: int) -> np.ndarray:
    """Partition of each uint64 key (re-mixed, so structured keys such as node ids spread evenly)."""
    return (_fmix64(keys.astype(np.uint64) ^ np.uint64(0x5BD1E995)) % np.uint64(partitions)).astype(np.int64)


def write_pairs(folder: Path, pairs: np.ndarray, parts: np.ndarray, partitions: int, name: str) -> None:
    """Write rows of a (n, 2) uint64 array to ``folder/p<part>/<name>.npy`` by their partition."""
    order = np.argsort(parts, kind="stable")
    parts, pairs = parts[order], pairs[order]
    bounds = np.searchsorted(parts, np.arange(partitions + 1))
    for part in range(partitions):
        lo, hi = bounds[part], bounds[part + 1]
        if hi > lo:
            save(folder / f"p{part:05d}" / f"{name}.npy", pairs[lo:hi])


def save(path: Path, array: np.ndarray) -> None:
    """Atomic ``np.save`` (temp name then rename), so a killed task never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


def load_partition(folder: Path, part: int) -> np.ndarray:
    """All (n, 2) uint64 rows spilled to one partition (empty when none)."""
    directory = folder / f"p{part:05d}"
    files = sorted(directory.glob("*.npy")) if directory.is_dir() else []
    if not files:
        return np.empty((0, 2), dtype=np.uint64)
    return np.concatenate([np.load(f) for f in files])


class PairBuffer:
    """Collects (n, 2) uint64 rows and spills them by partition when the buffer exceeds its byte budget."""

    def __init__(self, folder: Path, partitions: int, rank: int, budget_bytes: int, key_column: int = 0):
        self.folder, self.partitions, self.rank = folder, partitions, rank
        self.budget = max(1 << 16, budget_bytes)
        self.key_column = key_column
        self.chunks: list[np.ndarray] = []
        self.size = 0
        self.flushed = 0

    def add(self, pairs: np.ndarray) -> None:
        if len(pairs):
            self.chunks.append(pairs)
            self.size += pairs.nbytes
            if self.size >= self.budget:
                self.flush()

    def flush(self) -> None:
        if not self.chunks:
            return
        pairs = np.concatenate(self.chunks)
        self.chunks, self.size = [], 0
        parts = partition_of(pairs[:, self.key_column], self.partitions)
        write_pairs(self.folder, pairs, parts, self.partitions, f"{self.rank:05d}_{self.flushed:05d}")
        self.flushed += 1
