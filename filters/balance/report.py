"""The balance report: how concentrated each language is, where it comes from, and who the filters hit.

Why it exists: a language dominated by one site, by religious text or by one country, or one
that the quality filters removed far more of than the others, must be visible to the people
who download the dataset. These are pure functions over per-language profiles and the run's
stats (``{stage: {"in": n, "kept/<lang>": n, "dropped/<reason>/<lang>": n}}``), used by the card.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from lingoloom.filters.balance.profile import UNKNOWN_DOMAIN, LanguageProfile
from lingoloom.filters.balance.sources import SOURCE_TYPES


@dataclass(frozen=True)
class Concentration:
    """Domain concentration of one language (by documents)."""

    domains: int
    top_domains: list[tuple[str, float]]
    top10_share: float
    entropy_bits: float
    normalized_entropy: float


def domain_concentration(profile: LanguageProfile, top: int = 10) -> Concentration:
    """Top-``top`` share, Shannon entropy (bits) and entropy / log2(domains) of the domain distribution."""
    total = profile.documents
    counts = sorted(profile.domain_docs.items(), key=lambda kv: (-kv[1], kv[0]))
    if not total:
        return Concentration(0, [], 0.0, 0.0, 0.0)
    shares = [c / total for _, c in counts]
    entropy = max(0.0, -math.fsum(p * math.log2(p) for p in shares if p > 0))
    n = len(counts)
    return Concentration(
        domains=n,
        top_domains=[(d, c / total) for d, c in counts[:top]],
        top10_share=math.fsum(shares[:10]),
        entropy_bits=entropy,
        normalized_entropy=entropy / math.log2(n) if n > 1 else 0.0,
    )


@dataclass(frozen=True)
class TldSpread:
    """How a language's documents spread over top-level domains."""

    cctld_share: float
    cctlds: int
    top_tlds: list[tuple[str, float]]


def _is_cctld(tld: str) -> bool:
    last = tld.rsplit(".", 1)[-1]
    return len(last) == 2 and last.isalpha()


def tld_spread(profile: LanguageProfile, top: int = 5) -> TldSpread:
    """Share of documents on country-code TLDs (``vn``, ``co.uk`` ...), how many, and the top TLDs."""
    total = profile.documents
    known = {t: c for t, c in profile.tld_docs.items() if t != UNKNOWN_DOMAIN}
    cc = {t.rsplit(".", 1)[-1]: 0 for t in known if _is_cctld(t)}
    for t, c in known.items():
        if _is_cctld(t):
            cc[t.rsplit(".", 1)[-1]] += c
    ranked = sorted(known.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return TldSpread(
        cctld_share=sum(cc.values()) / total if total else 0.0,
        cctlds=len(cc),
        top_tlds=[(t, c / total) for t, c in ranked],
    )


def source_shares(profile: LanguageProfile) -> dict[str, float]:
    """Share of documents per source type (all of :data:`SOURCE_TYPES`, zeros included)."""
    total = profile.documents
    return {kind: (profile.source_docs.get(kind, 0) / total if total else 0.0) for kind in SOURCE_TYPES}


@dataclass(frozen=True)
class Outlier:
    language: str
    stage: str
    share: float
    median: float


@dataclass
class FairnessTable:
    """Share of each language's documents removed by each stage, with outliers flagged."""

    stages: list[str]
    removed: dict[str, dict[str, float]]  # language -> stage -> share removed
    entering: dict[str, dict[str, int]]  # language -> stage -> documents entering the stage
    outliers: list[Outlier] = field(default_factory=list)

    def is_outlier(self, language: str, stage: str) -> bool:
        return any(o.language == language and o.stage == stage for o in self.outliers)

    def active_stages(self) -> list[str]:
        """Stages that removed something from some language (the others add nothing to a table)."""
        return [s for s in self.stages if any(shares.get(s, 0) > 0 for shares in self.removed.values())]

    def active_languages(self) -> list[str]:
        """Languages that entered at least one active stage."""
        stages = self.active_stages()
        return [lang for lang, shares in self.removed.items() if any(s in shares for s in stages)]


def fairness_table(
    stats: Mapping[str, Mapping[str, int]],
    stages: Sequence[str] | None = None,
    ratio: float = 2.0,
    min_gap: float = 0.1,
    min_documents: int = 5,
) -> FairnessTable:
    """Per language and stage, dropped / (kept + dropped); flag shares above ``ratio`` x the median and ``min_gap`` over it.

    The median is taken over the languages with at least ``min_documents`` entering the stage
    (excluding ``und``); only those languages can be flagged.
    """
    order = [s for s in (stages or list(stats)) if s in stats]
    removed: dict[str, dict[str, float]] = {}
    entering: dict[str, dict[str, int]] = {}
    for stage in order:
        kept: dict[str, int] = {}
        dropped: dict[str, int] = {}
        for key, value in stats[stage].items():
            parts = key.split("/")
            if parts[0] == "kept" and len(parts) == 2:
                kept[parts[1]] = kept.get(parts[1], 0) + int(value)
            elif parts[0] == "dropped" and len(parts) >= 3:
                dropped[parts[-1]] = dropped.get(parts[-1], 0) + int(value)
        unattributed = int(stats[stage].get("kept", 0)) - sum(kept.values())
        if unattributed > 0:  # a stage that counts kept documents without a language (e.g. before langid)
            kept["und"] = kept.get("und", 0) + unattributed
        for language in set(kept) | set(dropped):
            n_in = kept.get(language, 0) + dropped.get(language, 0)
            entering.setdefault(language, {})[stage] = n_in
            removed.setdefault(language, {})[stage] = dropped.get(language, 0) / n_in if n_in else 0.0
    outliers = []
    for stage in order:
        eligible = {
            lang: shares[stage]
            for lang, shares in removed.items()
            if stage in shares and lang != "und" and entering[lang][stage] >= min_documents
        }
        if len(eligible) < 3:
            continue
        median = statistics.median(eligible.values())
        for lang, share in sorted(eligible.items()):
            if share > ratio * median and share - median >= min_gap:
                outliers.append(Outlier(lang, stage, share, median))
    return FairnessTable(order, dict(sorted(removed.items())), entering, outliers)
