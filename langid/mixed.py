"""Mixed-language documents: paragraph-level labels aggregated by character share.

Why it exists: a bilingual page (a Catalan article with a Spanish abstract, a Swahili post with
English comments) has no single right label; a document-level prediction hides the minority
language, and a page that is mostly boilerplate in one language can be labelled with it. We split
the prepared sample into paragraphs (short lines merged until ``min_chars``), label each, and add
up characters per label: the largest share is the primary language, and the document is *mixed*
when a second label reaches ``min_share`` of the characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from lingoloom.langid.backend import Prediction


def segments(text: str, min_chars: int) -> list[str]:
    """Paragraphs of ``text`` (one per line), short ones merged with the following ones."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        current = f"{current} {line}" if current else line
        if len(current) >= min_chars:
            out.append(current)
            current = ""
    if current:
        if out and len(current) < min_chars:
            out[-1] = f"{out[-1]} {current}"
        else:
            out.append(current)
    return out


@dataclass(frozen=True)
class Mixture:
    """Character share and mean confidence of each label over a document's paragraphs."""

    shares: dict[str, float]
    confidence: dict[str, float]

    @property
    def primary(self) -> str:
        """The label with the largest character share."""
        return max(self.shares.items(), key=lambda item: item[1])[0]

    def is_mixed(self, min_share: float) -> bool:
        """True when at least two labels each hold ``min_share`` of the characters."""
        return sum(1 for share in self.shares.values() if share >= min_share) >= 2

    def ranked(self, min_share: float) -> list[tuple[str, float]]:
        """Labels holding at least ``min_share``, by share, largest first."""
        kept = [(label, share) for label, share in self.shares.items() if share >= min_share]
        return sorted(kept, key=lambda item: item[1], reverse=True)


def aggregate(parts: Sequence[str], predictions: Sequence[Prediction]) -> Mixture:
    """Character shares of the top label of each paragraph, with length-weighted mean scores."""
    chars: dict[str, int] = {}
    weighted: dict[str, float] = {}
    for part, prediction in zip(parts, predictions):
        if not prediction:
            continue
        label, score = prediction[0]
        chars[label] = chars.get(label, 0) + len(part)
        weighted[label] = weighted.get(label, 0.0) + len(part) * score
    total = sum(chars.values()) or 1
    return Mixture(
        shares={label: n / total for label, n in chars.items()},
        confidence={label: weighted[label] / n for label, n in chars.items()},
    )
