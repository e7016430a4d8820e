"""Connected components by large-star / small-star, for numpy partitions and for single Beam nodes.

Why it exists: the duplicate graph of a web crawl does not fit in one process, so neither engine
runs a global union-find. Both use the large-star / small-star rounds of Kiveris et al.,
"Connected Components in MapReduce and Beyond" (SoCC 2014): every step only needs one node and
its neighbours, so it is a GroupByKey in Beam and a partition-at-a-time pass over spill files
locally. At the fixpoint every component is a star around its smallest node, which is its label.

Edges are undirected and stored in both directions ``(u, v)`` and ``(v, u)``; a step receives
all edges whose first element is ``u`` together.

* large-star: ``m = min(u, N(u))``; link every larger neighbour ``v > u`` to ``m``.
* small-star: ``m = min(N(u))`` when some neighbour is smaller than ``u``; link ``u`` and every
  smaller neighbour to ``m``.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from lingoloom.filters.minhash.shingles import _fmix64


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Rows of an (n, 2) uint64 array, sorted by (first, second), duplicates removed."""
    if len(pairs) == 0:
        return pairs.reshape(0, 2)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    keep = np.ones(len(pairs), dtype=bool)
    keep[1:] = (pairs[1:, 0] != pairs[:-1, 0]) | (pairs[1:, 1] != pairs[:-1, 1])
    return pairs[keep]


def both_directions(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Undirected edges a-b as (n*2, 2) rows (a, b) and (b, a)."""
    return np.concatenate([np.stack([a, b], axis=1), np.stack([b, a], axis=1)]).astype(np.uint64)


def bucket_edges(entries: np.ndarray) -> np.ndarray:
    """Edges linking every node of a band bucket to the bucket's smallest node, from (key, node) rows."""
    rows = unique_pairs(entries)
    if len(rows) < 2:
        return np.empty((0, 2), dtype=np.uint64)
    keys, nodes = rows[:, 0], rows[:, 1]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    group_first_node = nodes[np.flatnonzero(first)][np.cumsum(first) - 1]
    linked = ~first
    return both_directions(group_first_node[linked], nodes[linked])


def _groups(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For deduplicated edges sorted by (u, v): u, v and the smallest neighbour of each edge's u."""
    u, v = edges[:, 0], edges[:, 1]
    first = np.ones(len(edges), dtype=bool)
    first[1:] = u[1:] != u[:-1]
    smallest = v[np.flatnonzero(first)][np.cumsum(first) - 1]
    return u, v, smallest


def large_star(edges: np.ndarray) -> np.ndarray:
    """One large-star step over all edges of a set of nodes (output in both directions)."""
    edges = unique_pairs(edges)
    if len(edges) == 0:
        return edges
    u, v, smallest = _groups(edges)
    m = np.minimum(u, smallest)
    larger = v > u
    return both_directions(v[larger], m[larger])


def small_star(edges: np.ndarray) -> np.ndarray:
    """One small-star step over all edges of a set of nodes (output in both directions)."""
    edges = unique_pairs(edges)
    if len(edges) == 0:
        return edges
    u, v, smallest = _groups(edges)
    has_smaller = smallest < u
    neighbour = has_smaller & (v < u) & (v != smallest)
    first = np.ones(len(edges), dtype=bool)
    first[1:] = u[1:] != u[:-1]
    centre = first & has_smaller
    a = np.concatenate([v[neighbour], u[centre]])
    b = np.concatenate([smallest[neighbour], smallest[centre]])
    return both_directions(a, b)


def labels(edges: np.ndarray) -> np.ndarray:
    """(node, component label) for every node of the edges, the label being min(u, N(u)) (exact at the fixpoint)."""
    edges = unique_pairs(edges)
    if len(edges) == 0:
        return edges
    u, _, smallest = _groups(edges)
    first = np.ones(len(edges), dtype=bool)
    first[1:] = u[1:] != u[:-1]
    return np.stack([u[first], np.minimum(u[first], smallest[first])], axis=1)


def checksum(edges: np.ndarray) -> int:
    """Order-independent fingerprint of a deduplicated edge set (sum of mixed pairs modulo 2^64)."""
    if len(edges) == 0:
        return 0
    mixed = _fmix64(_fmix64(edges[:, 0] ^ np.uint64(0x2545F4914F6CDD1D)) + edges[:, 1])
    return int(np.sum(mixed, dtype=np.uint64))


def large_star_node(u, neighbours: Iterable) -> list[tuple]:
    """large-star for one node and its neighbours (any ordered ids, e.g. strings in Beam)."""
    neighbours = set(neighbours)
    m = min(neighbours | {u})
    out = []
    for v in neighbours:
        if v > u:
            out += [(v, m), (m, v)]
    return out


def small_star_node(u, neighbours: Iterable) -> list[tuple]:
    """small-star for one node and its neighbours (any ordered ids)."""
    smaller = {v for v in neighbours if v < u}
    if not smaller:
        return []
    m = min(smaller)
    return [pair for v in (smaller | {u}) - {m} for pair in ((v, m), (m, v))]
