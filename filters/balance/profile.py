"""Per-language counts that balance is computed from: a small, mergeable summary of the corpus.

Why it exists: both engines must reach the same mixture without holding the corpus in one
process. Each record is reduced to a :class:`LanguageProfile` (documents, characters, and per
registered domain, ccTLD and source type), profiles merge by addition (integers only, so the
order of merging can never change a result), and every balance decision and report is a pure
function of the merged profiles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from lingoloom.filters.balance.sources import source_type

UNKNOWN_DOMAIN = "(unknown)"


@dataclass
class LanguageProfile:
    """Counts of one language: documents and characters, by domain (docs and chars), TLD and source type (docs)."""

    documents: int = 0
    chars: int = 0
    domain_docs: Counter[str] = field(default_factory=Counter)
    domain_chars: Counter[str] = field(default_factory=Counter)
    tld_docs: Counter[str] = field(default_factory=Counter)
    source_docs: Counter[str] = field(default_factory=Counter)

    def add(self, n_chars: int, domain: str | None, tld: str | None, url: str | None) -> None:
        """Count one document."""
        key = domain or UNKNOWN_DOMAIN
        self.documents += 1
        self.chars += n_chars
        self.domain_docs[key] += 1
        self.domain_chars[key] += n_chars
        self.tld_docs[tld or UNKNOWN_DOMAIN] += 1
        self.source_docs[source_type(url)] += 1

    def merge(self, other: "LanguageProfile") -> "LanguageProfile":
        """Add ``other`` into this profile and return it."""
        self.documents += other.documents
        self.chars += other.chars
        self.domain_docs.update(other.domain_docs)
        self.domain_chars.update(other.domain_chars)
        self.tld_docs.update(other.tld_docs)
        self.source_docs.update(other.source_docs)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "chars": self.chars,
            "domain_docs": dict(self.domain_docs),
            "domain_chars": dict(self.domain_chars),
            "tld_docs": dict(self.tld_docs),
            "source_docs": dict(self.source_docs),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LanguageProfile":
        return cls(
            documents=int(data["documents"]),
            chars=int(data["chars"]),
            domain_docs=Counter(data.get("domain_docs", {})),
            domain_chars=Counter(data.get("domain_chars", {})),
            tld_docs=Counter(data.get("tld_docs", {})),
            source_docs=Counter(data.get("source_docs", {})),
        )


Profiles = dict[str, LanguageProfile]


def record_key(row: Mapping[str, Any]) -> str:
    """The language a record is balanced under (``und`` when missing)."""
    return row.get("language") or "und"


def profile_rows(rows: Iterable[Mapping[str, Any]]) -> Profiles:
    """Profiles of record rows (dicts with ``text``, ``language``, ``domain``, ``tld``, ``url``)."""
    profiles: Profiles = {}
    for row in rows:
        language = record_key(row)
        profile = profiles.get(language)
        if profile is None:
            profile = profiles[language] = LanguageProfile()
        profile.add(len(row.get("text") or ""), row.get("domain"), row.get("tld"), row.get("url"))
    return profiles


def merge_profiles(parts: Iterable[Profiles]) -> Profiles:
    """Merge per-language profiles from several shards or workers."""
    merged: Profiles = {}
    for part in parts:
        for language, profile in part.items():
            merged.setdefault(language, LanguageProfile()).merge(profile)
    return merged
