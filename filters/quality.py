"""The quality stage: every per-language filter over one shared tokenisation, as one RecordStep.

Why it exists: running datatrove's Gopher, repetition and FineWeb filters one after another
re-splits every document per filter and applies English thresholds to all languages. This
step reads the document's language (set by language ID), takes that language's pack (or the
generic default), tokenises once with a tokenizer that fits the script, writes the quality
signals into ``doc.metadata["quality"]`` and drops with ``<filter>:<reason>``
(``gopher_quality:too_few_words``, ``gopher_repetition:dup_line_frac``...).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from datatrove.data import Document

from lingoloom.filters.heuristics import (
    FINEWEB_QUALITY,
    GOPHER_QUALITY,
    GOPHER_REPETITION,
    fineweb_quality,
    gopher_quality,
    gopher_repetition,
)
from lingoloom.filters.packs import pack_for
from lingoloom.filters.signals import TextView, quality_signals
from lingoloom.filters.tokenize import WordTokenizer, script_tokenizer, tokenizer_for_pack
from lingoloom.pipelines.steps import UNKNOWN_LANGUAGE, RecordStep, language_of
from lingoloom.schemas.language_pack import LanguagePack
from lingoloom.schemas.quality import QualitySettings


def measured_text(text: str) -> str:
    """The text the signals are measured on: NFC-normalised, so that decomposed accents
    (common in Vietnamese) are not split off as separate "words". Web text is almost always
    NFC already, and then this is the text itself."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class LanguageContext:
    """What the filter needs per language, resolved once per process."""

    label: str
    pack: LanguagePack
    tokenizer: WordTokenizer
    stopwords: frozenset[str]


def language_context(label: str, packs_dir: str | None = None) -> LanguageContext:
    """Resolve pack, tokenizer and stopword set for ``label`` (``und`` gets the generic pack and script tokenizer)."""
    pack = pack_for(label, packs_dir)
    tokenizer = script_tokenizer() if label == UNKNOWN_LANGUAGE else tokenizer_for_pack(pack, label)
    return LanguageContext(label, pack, tokenizer, frozenset(pack.stopwords))


class QualityFilter(RecordStep):
    """Per-language Gopher quality + repetition + FineWeb rules over one tokenisation per document."""

    stage = "quality"
    name = "quality: per-language filters"

    def __init__(self, settings: QualitySettings | None = None, audit=None):
        super().__init__(audit=audit)
        self.settings = settings or QualitySettings()
        self._contexts: dict[str, LanguageContext] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_contexts"] = {}
        return state

    def context(self, label: str) -> LanguageContext:
        """The cached :class:`LanguageContext` for ``label``."""
        ctx = self._contexts.get(label)
        if ctx is None:
            ctx = self._contexts[label] = language_context(label, self.settings.packs_dir)
        return ctx

    def use_pack(self, pack: LanguagePack) -> None:
        """Use ``pack`` for its label instead of the registry's (checks and calibration of unsaved packs)."""
        self._contexts[pack.label] = LanguageContext(
            pack.label, pack, tokenizer_for_pack(pack), frozenset(pack.stopwords)
        )

    def tokenize(self, ctx: LanguageContext, text: str) -> list[str]:
        """Words of ``text``; a tokenizer failure falls back to the script tokenizer (counted), never crashes."""
        try:
            return ctx.tokenizer.word_tokenize(text)
        except Exception:  # third-party tokenizers can fail on odd input; measure with the fallback instead
            self.stat_update("tokenizer_fallback", f"tokenizer_fallback/{ctx.label}")
            return script_tokenizer().word_tokenize(text)

    def process(self, doc: Document) -> str | None:
        if not self.settings.enabled:
            return None
        ctx = self.context(language_of(doc))
        text = measured_text(doc.text)
        view = TextView(text, self.tokenize(ctx, text))
        doc.metadata["quality"] = quality_signals(view, ctx.pack, ctx.stopwords, ctx.label)
        return self.check(view, ctx)

    def check(self, view: TextView, ctx: LanguageContext) -> str | None:
        """Apply the enabled rule families in datatrove's order; the first failure is the reason."""
        settings, pack = self.settings, ctx.pack
        if settings.gopher_quality:
            reason = gopher_quality(view, pack.gopher_quality, ctx.stopwords)
            if reason:
                return f"{GOPHER_QUALITY}:{reason}"
        if settings.gopher_repetition:
            reason = gopher_repetition(view, pack.gopher_repetition)
            if reason:
                return f"{GOPHER_REPETITION}:{reason}"
        if settings.fineweb_quality:
            reason = fineweb_quality(view, pack.fineweb_quality)
            if reason:
                return f"{FINEWEB_QUALITY}:{reason}"
        return None
