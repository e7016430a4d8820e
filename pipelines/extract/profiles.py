"""Named sets of trafilatura settings: ``precision`` (default), ``recall`` and ``fast``.

Why it exists: the right balance between clean text, recall and speed depends on the run; a
profile names one measured choice (figures in BENCHMARKS.md, section Extraction) so that runs
say ``profile: fast`` instead of repeating a dozen flags.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrafilaturaProfile:
    """Settings passed explicitly to ``trafilatura.bare_extraction`` (no module globals)."""

    focus: str  # "precision" | "balanced" | "recall"
    fast: bool  # skip the fallback extractors (readability-lxml / jusText)
    extensive_date_search: bool  # htmldate's slower, wider search for the publication date


PROFILES: dict[str, TrafilaturaProfile] = {
    "precision": TrafilaturaProfile(focus="precision", fast=False, extensive_date_search=True),
    "recall": TrafilaturaProfile(focus="recall", fast=False, extensive_date_search=True),
    "fast": TrafilaturaProfile(focus="precision", fast=True, extensive_date_search=False),
}


def get_profile(name: str) -> TrafilaturaProfile:
    """The profile called ``name``; the error lists the valid names."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown extraction profile {name!r}; choose one of {sorted(PROFILES)}") from None
