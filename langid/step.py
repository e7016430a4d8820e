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
calibrated or fixed; see :mod:`lingoloom.langid.thresholds`). A language whose threshold the run
calibrates from its own scores is only dropped below the rule's floor here (no calibrated threshold
can be lower); the global stage ``langid_threshold`` (:mod:`lingoloom.langid.calibrated`) applies the
rest once every score is known.

The step also counts every score of a selected language, before any threshold, in a
:class:`~lingoloom.langid.thresholds.ScoreHistograms` that the engines collect per task or per
batch with :meth:`LanguageId.take_summary`.
"""

from __future__ import annotations

from typing import Mapping

from datatrove.data import Document, DocumentsPipeline

from lingoloom.langid.labeller import Labeller, LangResult
from lingoloom.langid.labels import UNKNOWN
from lingoloom.langid.thresholds import CONFIGURED, FLOOR, PACK, ScoreHistograms, threshold_for
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
        self.calibrate = settings.threshold_mode == "pack_or_calibrated"
        self.scores = ScoreHistograms()

    def _pack_threshold(self, label: str) -> None:
        if self.fixed_packs or label in self.pack_thresholds or label == UNKNOWN:
            return
        from lingoloom.filters.packs import has_pack, pack_for

        if has_pack(label, self.packs_dir):
            self.pack_thresholds[label] = pack_for(label, self.packs_dir).langid_threshold

    def known_threshold(self, label: str) -> tuple[float, str] | None:
        """``(threshold, origin)`` from the run's ``thresholds`` (``configured``) or the language's pack
        (``pack``); None when the run's scores or the fixed default decide."""
        if label in self.settings.thresholds:
            return self.settings.thresholds[label], CONFIGURED
        self._pack_threshold(label)
        if label in self.pack_thresholds:
            return self.pack_thresholds[label], PACK
        return None

    def threshold(self, label: str) -> float:
        """The threshold of ``label`` without calibration (run setting > language pack > default)."""
        self._pack_threshold(label)
        return threshold_for(label, self.settings.thresholds, self.pack_thresholds, self.settings.default_threshold)

    def record_threshold(self, label: str) -> float:
        """The threshold this step applies: the known or fixed one, or for a language the run calibrates,
        the rule's floor (never above the fixed fallback)."""
        if self.calibrate and self.known_threshold(label) is None:
            return min(FLOOR, self.settings.default_threshold)
        return self.threshold(label)

    def take_summary(self) -> ScoreHistograms | None:
        """The scores counted since the last call (None when there are none), for the engines to merge."""
        scores, self.scores = self.scores, ScoreHistograms()
        return scores or None

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
        self.scores.add(result.language, meta["language_score"])
        if meta["language_score"] < self.record_threshold(result.language):
            return BELOW_THRESHOLD
        return None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self.scores = ScoreHistograms()
        yield from super().run(data, rank, world_size)

    def process_batch(self, docs: list[Document]) -> list[str | None]:
        results = self.labeller.label([doc.text for doc in docs])
        return [self._annotate(doc, result) for doc, result in zip(docs, results)]

    def process(self, doc: Document) -> str | None:
        return self.process_batch([doc])[0]
