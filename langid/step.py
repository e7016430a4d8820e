"""The language-identification stage of the pipeline (a :class:`RecordStep`).

Why it exists: every record must carry a language label before the per-language quality filters
and the language balance can do their work, and every document removed here must be counted with
its reason. The decision itself is :class:`~lingoloom.langid.labeller.Labeller`'s; this step writes
it into the record and applies the run's selection.

Sets ``language``, ``language_score``, ``top_languages`` (``[{label, score}]``: model
probabilities, or character shares for a mixed document) and ``language_mixed``; with an ensemble
also the internal keys ``_langid_disagreement`` and ``_langid_opinions`` (each model's top label).

Drops, in this order, with these reasons:
``empty_text`` (no letters left after removing URLs, numbers and markup),
``script_mismatch`` (the model's labels contradict the text's script and no candidate fits),
``language_not_selected`` (not in ``langid.languages``),
``language_score_below_threshold`` (below the language's threshold: run setting > language pack >
default; see :mod:`lingoloom.langid.thresholds`).
"""

from __future__ import annotations

from typing import Mapping

from datatrove.data import Document

from lingoloom.langid.labeller import Labeller, LangResult
from lingoloom.langid.labels import UNKNOWN
from lingoloom.langid.thresholds import threshold_for
from lingoloom.pipelines.steps import RecordStep
from lingoloom.schemas.langid import LangIdSettings

EMPTY_TEXT = "empty_text"
SCRIPT_MISMATCH = "script_mismatch"
NOT_SELECTED = "language_not_selected"
BELOW_THRESHOLD = "language_score_below_threshold"


class LanguageId(RecordStep):
    """Labels each document's language (see the module docstring for fields and drop reasons)."""

    name = "🌐 Language ID"
    stage = "langid"

    def __init__(
        self,
        settings: LangIdSettings | None = None,
        pack_thresholds: Mapping[str, float] | None = None,
        packs_dir: str | None = None,
        labeller: Labeller | None = None,
        audit=None,
    ):
        """``pack_thresholds`` fixes the language packs' thresholds; by default they are read from the
        packs themselves (:func:`lingoloom.filters.packs.pack_for`, ``packs_dir`` overriding)."""
        settings = settings or LangIdSettings()
        super().__init__(batch_size=settings.batch_size, audit=audit)
        self.settings = settings
        self.packs_dir = packs_dir
        self.fixed_packs = pack_thresholds is not None
        self.pack_thresholds = dict(pack_thresholds or {})
        self.labeller = labeller or Labeller(settings)
        self.selected = frozenset(settings.languages)

    def _pack_threshold(self, label: str) -> None:
        if self.fixed_packs or label in self.pack_thresholds or label == UNKNOWN:
            return
        from lingoloom.filters.packs import has_pack, pack_for

        if has_pack(label, self.packs_dir):
            self.pack_thresholds[label] = pack_for(label, self.packs_dir).langid_threshold

    def threshold(self, label: str) -> float:
        """The acceptance threshold applied to ``label``."""
        self._pack_threshold(label)
        return threshold_for(label, self.settings.thresholds, self.pack_thresholds, self.settings.default_threshold)

    def thresholds_used(self, labels) -> dict[str, float]:
        """``{label: threshold}`` for ``labels`` (for the run report)."""
        return {label: self.threshold(label) for label in sorted(labels)}

    def models_info(self) -> list[dict[str, str]]:
        """Model files, checksums and licences (for the manifest and the card)."""
        return self.labeller.models_info()

    def _annotate(self, doc: Document, result: LangResult) -> str | None:
        meta = doc.metadata
        meta["language"] = result.language
        meta["language_score"] = round(result.score, 4)
        meta["top_languages"] = [{"label": label, "score": round(float(score), 4)} for label, score in result.top]
        meta["language_mixed"] = result.mixed
        if result.disagreement is not None:
            meta["_langid_disagreement"] = result.disagreement
            meta["_langid_opinions"] = {name: (p[0][0] if p else UNKNOWN) for name, p in result.opinions.items()}
            if result.disagreement:
                self.stat_update("ensemble_disagreement", f"ensemble_rule/{result.ensemble_rule}")
        if result.script_action:
            self.stat_update(f"script_{result.script_action}")
        if result.mixed:
            self.stat_update("mixed_language")
        if result.empty:
            return EMPTY_TEXT
        if result.language == UNKNOWN:
            return SCRIPT_MISMATCH
        if self.selected and result.language not in self.selected:
            return NOT_SELECTED
        if result.score < self.threshold(result.language):
            return BELOW_THRESHOLD
        return None

    def process_batch(self, docs: list[Document]) -> list[str | None]:
        results = self.labeller.label([doc.text for doc in docs])
        return [self._annotate(doc, result) for doc, result in zip(docs, results)]

    def process(self, doc: Document) -> str | None:
        return self.process_batch([doc])[0]
