"""Filter fairness: removal rate per filter per language, and languages a filter hits far harder.

Why it exists: a filter tuned on one language quietly deletes another (FineWeb-2's finding for
English-tuned rules). The quality stage already counts every drop per reason and language
(``dropped/<family>:<reason>/<lang>``, ``kept/<lang>``); this turns those counts into removal
rates per filter family and flags a language whose rate for a filter is far above the median
across languages, so the run summary can say "check the tha_Thai pack: gopher_quality removes
61% there vs 12% typically".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping

from lingoloom.pipelines.steps import STAT_DROPPED, STAT_KEPT


@dataclass(frozen=True)
class FairnessFlag:
    """A language whose removal rate for one filter is far above the median across languages."""

    filter: str
    language: str
    rate: float
    median: float
    documents: int

    def message(self) -> str:
        return (
            f"{self.language}: {self.filter} removes {self.rate:.0%} of {self.documents} documents "
            f"(median across languages {self.median:.0%}); check its language pack"
        )


def documents_by_language(counts: Mapping[str, int]) -> dict[str, int]:
    """Documents that entered the stage per language: kept + dropped for any reason."""
    seen: dict[str, int] = {}
    for key, value in counts.items():
        parts = key.split("/")
        if parts[0] == STAT_KEPT and len(parts) == 2:
            seen[parts[1]] = seen.get(parts[1], 0) + int(value)
        elif parts[0] == STAT_DROPPED and len(parts) == 3:
            seen[parts[2]] = seen.get(parts[2], 0) + int(value)
    return seen


def removal_rates(counts: Mapping[str, int]) -> dict[str, dict[str, float]]:
    """``{language: {filter family: share of the language's documents it removed}}`` for one stage's counts."""
    seen = documents_by_language(counts)
    removed: dict[str, dict[str, int]] = {}
    for key, value in counts.items():
        parts = key.split("/")
        if parts[0] == STAT_DROPPED and len(parts) == 3:
            family = parts[1].split(":", 1)[0]
            per_language = removed.setdefault(parts[2], {})
            per_language[family] = per_language.get(family, 0) + int(value)
    return {
        language: {family: n / seen[language] for family, n in sorted(families.items())}
        for language, families in sorted(removed.items())
        if seen.get(language)
    }


def fairness_flags(
    counts: Mapping[str, int], min_documents: int = 20, factor: float = 3.0, min_gap: float = 0.10, min_languages: int = 3
) -> list[FairnessFlag]:
    """Languages (with at least ``min_documents``) whose removal rate for a filter exceeds both
    ``factor`` x the median across languages and the median + ``min_gap``. Needs ``min_languages``
    languages to compare; languages where a filter removed nothing count as rate 0 in the median."""
    seen = documents_by_language(counts)
    rates = removal_rates(counts)
    languages = [lang for lang, n in seen.items() if n >= min_documents and lang != "und"]
    if len(languages) < min_languages:
        return []
    families = sorted({family for lang in languages for family in rates.get(lang, {})})
    flags = []
    for family in families:
        values = {lang: rates.get(lang, {}).get(family, 0.0) for lang in languages}
        median = statistics.median(values.values())
        for lang, rate in sorted(values.items()):
            if rate > factor * median and rate - median >= min_gap:
                flags.append(FairnessFlag(family, lang, rate, median, seen[lang]))
    return flags
