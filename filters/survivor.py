"""Which copy of a duplicate group survives: the same rule for exact and near dedup, on every engine.

Why it exists: peers keep an arbitrary copy, so the published URL of an article depends on
input order. Ours prefers, in order: the page that declares itself canonical
(``<link rel=canonical>`` pointing at its own URL, so the original beats print views, AMP
pages and syndicated copies that point back to it), then the highest quality score, then the
smallest id. Every engine and worker count therefore keeps the same record.
"""

from __future__ import annotations

from lingoloom.pipelines.crawl.urls import InvalidURL, canonicalize


def is_self_canonical(url: str | None, canonical_url: str | None) -> bool:
    """Whether a page's canonical link names the page itself (after URL canonicalisation)."""
    if not url or not canonical_url:
        return False
    try:
        return canonicalize(canonical_url, base=url) == canonicalize(url)
    except InvalidURL:
        return False


def survivor_key(doc_id: str, url: str | None, canonical_url: str | None,
                 quality_score: float | None) -> tuple[int, float, str]:
    """Sort key of a duplicate-group member: the smallest key survives."""
    return (0 if is_self_canonical(url, canonical_url) else 1, -float(quality_score or 0.0), doc_id)
