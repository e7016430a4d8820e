"""Named sets of trafilatura settings: ``precision`` (default), ``recall`` and ``fast``.

Why it exists: the right balance between clean text, recall and speed depends on the run; a
profile names one measured choice (figures in BENCHMARKS.md, section Extraction) so that runs
say ``profile: fast`` instead of repeating a dozen flags.

The general improvement over trafilatura's own modes is ``fallback="when_short"``: trafilatura
without ``fast`` runs its fallback extractors (readability-lxml, jusText) on *every* page and
keeps whichever result looks better; measured on the shared data, that comparison sometimes
swaps a good main-block result for a noisier one. Running the fast pass first and the full pass
only when it kept fewer than ``fallback_below_chars`` characters (the main block was missed)
is both faster and more accurate.

A page must not come out empty when it holds text, so every profile ends with ``rescue``: when
its own passes kept nothing, trafilatura's defaults (balanced focus, comments kept, its baseline
rescue and recall escalation) run on the untouched page, and their text is kept. Precision focus
with comments off prunes comment-like containers and never runs the baseline, so blog posts whose
only text is readers' comments, guestbooks and pages whose text sits outside paragraph blocks came
out empty (8 of the 1,381 pages of ``bench/pages-1381.warc.gz``, where trafilatura's defaults
leave 1 empty). The rescue runs only on empty results, so it changes nothing on a page that had
text (figures in BENCHMARKS.md, section Extraction: held-out halves).

``fast`` differs from ``precision`` only in cost, not in the text it keeps: it takes metadata from
the tags the page declares (light_metadata.py) instead of trafilatura's metadata pass, which in
turn lets it delete what trafilatura's cleaning discards anyway *before* parsing and the raw-tree
passes (preclean.py); trafilatura's metadata pass needs the untouched tree, so ``precision`` cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class TrafilaturaProfile:
    """Settings passed explicitly to ``trafilatura.bare_extraction`` (no module globals)."""

    focus: Literal["precision", "balanced", "recall"]
    #: "always": trafilatura's full mode; "when_short": fast pass, full pass only if it kept too little
    fallback: Literal["always", "when_short"]
    #: "full": trafilatura's metadata (htmldate, author heuristics); "light": tags the page declares
    metadata: Literal["full", "light"]
    fallback_below_chars: int = 500
    #: delete what trafilatura's cleaning discards anyway before its passes (preclean.py)
    preclean: bool = False
    #: when the passes above kept nothing: trafilatura's defaults on the untouched page, comments included
    rescue: bool = True

    def __post_init__(self) -> None:
        if self.preclean and self.metadata == "full":
            raise ValueError("preclean removes what trafilatura's metadata pass reads: it needs metadata='light'")


PROFILES: dict[str, TrafilaturaProfile] = {
    "precision": TrafilaturaProfile(focus="precision", fallback="when_short", metadata="full"),
    "recall": TrafilaturaProfile(focus="recall", fallback="always", metadata="full"),
    "fast": TrafilaturaProfile(focus="precision", fallback="when_short", metadata="light", preclean=True),
}


def get_profile(name: str) -> TrafilaturaProfile:
    """The profile called ``name``; the error lists the valid names."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown extraction profile {name!r}; choose one of {sorted(PROFILES)}") from None
