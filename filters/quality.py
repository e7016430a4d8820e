"""The quality stage: every per-language filter over one shared tokenisation, as one RecordStep.

Why it exists: running datatrove's Gopher, repetition and FineWeb filters one after another
re-splits every document per filter and applies English thresholds to all languages. This
step reads the document's language (set by language ID), takes that language's pack (or the
generic default), tokenises once with a tokenizer that fits the script, writes the quality
signals into ``doc.metadata["quality"]`` and drops with ``<filter>:<reason>``
(``gopher_quality:too_few_words``, ``gopher_repetition:dup_line_frac``...).

Order per document: URL block-list -> boilerplate line removal -> C4 line filters (where the
pack or the run enables them) -> one tokenisation -> Gopher quality -> Gopher repetition ->
FineWeb quality -> fastText quality classifier (optional) -> PII redaction of what is kept.
"""

from __future__ import annotations

import functools

import unicodedata
from dataclasses import dataclass

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import get_filter_result

from lingoloom.filters.boilerplate import remove_boilerplate_lines
from lingoloom.filters.classifier import QualityClassifier
from lingoloom.filters.heuristics import (
    FINEWEB_QUALITY,
    GOPHER_QUALITY,
    GOPHER_REPETITION,
    fineweb_quality,
    gopher_quality,
    gopher_repetition,
)
from lingoloom.filters.packs import pack_for
from lingoloom.filters.pii import PIIRedactor
from lingoloom.filters.signals import TextView, quality_signals
from lingoloom.filters.tokenize import WordTokenizer, script_tokenizer, tokenizer_for_pack
from lingoloom.filters.url_blocklist import UrlBlocklist, read_list_file
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


@functools.lru_cache(maxsize=512)
def language_context(label: str, packs_dir: str | None = None) -> LanguageContext:
    """Resolve pack, tokenizer and stopword set for ``label`` (``und`` gets the generic pack and script tokenizer).

    Cached per process: datatrove unpickles a fresh step for every task, and loading a
    tokenizer (spaCy, jieba, SudachiPy) costs far more than a task's documents.
    """
    pack = pack_for(label, packs_dir)
    tokenizer = script_tokenizer() if label == UNKNOWN_LANGUAGE else tokenizer_for_pack(pack, label)
    return LanguageContext(label, pack, tokenizer, frozenset(pack.stopwords))


class QualityFilter(RecordStep):
    """Per-language Gopher quality + repetition + FineWeb rules over one tokenisation per document."""

    stage = "quality"
    name = "quality"

    def __init__(self, settings: QualitySettings | None = None, audit=None):
        super().__init__(audit=audit)
        self.settings = settings = settings or QualitySettings()
        self._contexts: dict[str, LanguageContext] = {}
        domains = list(settings.url_blocklist)
        if settings.url_blocklist_file:
            domains += read_list_file(settings.url_blocklist_file)
        self.url_blocklist = UrlBlocklist(domains, builtin_lists=settings.url_blocklist_builtin)
        self.redactor = PIIRedactor(tuple(settings.pii_redaction)) if settings.pii_redaction else None
        self.classifier = (
            QualityClassifier(settings.classifier_model, settings.classifier_label, settings.classifier_threshold)
            if settings.classifier_model
            else None
        )
        self._c4: dict[str, object] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_contexts"] = {}
        state["_c4"] = {}
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
        settings = self.settings
        if not settings.enabled:
            return None
        reason = self.url_blocklist.check(doc)
        if reason:
            return f"url_blocklist:{reason}"
        ctx = self.context(language_of(doc))
        if settings.boilerplate_lines:
            doc.text, removed = remove_boilerplate_lines(doc.text)
            if removed:
                self.stat_update("boilerplate_lines_removed", value=removed)
                if not doc.text.strip():
                    return "boilerplate:nothing_left"
        if self.c4_enabled(ctx):
            reason = self.c4_lines(doc, ctx)
            if reason:
                return f"c4:{reason}"
        text = measured_text(doc.text)
        view = TextView(text, self.tokenize(ctx, text))
        reason = self.check(view, ctx)
        doc.metadata["quality"] = signals = quality_signals(
            view, ctx.pack, ctx.stopwords, ctx.label, complete=reason is None
        )
        if reason:
            return reason
        if self.classifier is not None:
            signals["quality_score"] = score = self.classifier.score(doc.text)
            if score < self.classifier.threshold:
                return "quality_classifier:low_score"
        if self.redactor is not None:
            doc.text, counts = self.redactor.redact(doc.text)
            for kind, count in counts.items():
                self.stat_update(f"pii/{kind}", value=count)
        return None

    def c4_enabled(self, ctx: LanguageContext) -> bool:
        """Whether C4 line filters run for this language (run setting, else the pack)."""
        mode = self.settings.c4_line_filters
        return ctx.pack.c4_line_filters if mode == "pack" else mode == "on"

    def c4_lines(self, doc: Document, ctx: LanguageContext) -> str | None:
        """datatrove's C4QualityFilter as FineWeb ran it (lines without terminal punctuation kept); edits ``doc.text``."""
        c4 = self._c4.get(ctx.label)
        if c4 is None:
            from datatrove.pipeline.filters import C4QualityFilter

            sentences = getattr(ctx.tokenizer, "stock", ctx.tokenizer)  # a datatrove WordTokenizer
            c4 = self._c4[ctx.label] = C4QualityFilter(filter_no_terminal_punct=False, language=sentences)
        try:
            keep, reason = get_filter_result(c4.filter(doc))
        except Exception:  # the sentence splitter failed on this text: skip the C4 rules for it, count it
            self.stat_update("c4_unavailable", f"c4_unavailable/{ctx.label}")
            return None
        return None if keep else (reason or "rejected")

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
