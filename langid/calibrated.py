"""The global stage ``langid_threshold``: decide each language's threshold from all its scores, then apply it.

Why it exists: a threshold calibrated from the run's own score distribution (FineWeb-2's rule, see
:mod:`lingoloom.langid.thresholds`) can only be known once every document has been labelled, so
per-record language ID keeps the documents of such languages down to the rule's floor and this
stage drops the ones below their language's final threshold, before deduplication (a duplicate
group must never lose its survivor to a later drop). Both engines use these functions: the local
engine merges per-task histogram files and runs :class:`ApplyLanguageThresholds` as a phase; the
Beam engine merges the histograms with a CombineFn and filters with the same rule
(:mod:`lingoloom.pipelines.engines.beam_langid`). Drops are counted under the stage
``langid_threshold`` with the reason ``language_score_below_threshold``, per language.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from datatrove.data import Document

from lingoloom.langid.step import BELOW_THRESHOLD, LanguageId
from lingoloom.langid.thresholds import (
    CALIBRATED,
    FIXED,
    ScoreHistograms,
    ThresholdUsed,
    read_report,
    report_json,
    resolve_thresholds,
)
from lingoloom.pipelines.steps import RecordStep, language_of
from lingoloom.schemas.langid import LangIdSettings

STAGE = "langid_threshold"
#: Where the thresholds used are reported, relative to the output folder.
REPORT_PATH = "stats/langid_thresholds.json"
#: The key of a per-task summary file (and of the Beam summary output) that holds language scores.
SUMMARY_KEY = LanguageId.stage


def thresholds_for_run(histograms: ScoreHistograms, settings: LangIdSettings, packs_dir: str | None = None,
                       labels: Iterable[str] = ()) -> dict[str, ThresholdUsed]:
    """The threshold of every language labelled in the run, and of ``labels`` (configured, pack,
    calibrated or fixed)."""
    step = LanguageId(settings, packs_dir=packs_dir)
    return resolve_thresholds(histograms, step.known_threshold, step.calibrate, settings.default_threshold,
                              settings.calibration_min_documents, labels)


def run_report(used: Mapping[str, ThresholdUsed], settings: LangIdSettings) -> str:
    """The text of ``stats/langid_thresholds.json``."""
    return report_json(used, settings.threshold_mode, settings.calibration_min_documents)


def thresholds_reported(folder) -> dict[str, ThresholdUsed]:
    """The thresholds a finished run reported, read from its output folder (an
    :class:`~lingoloom.pipelines.storage.OutputFolder`); empty when the run wrote no report."""
    return read_report(folder.read(REPORT_PATH).decode("utf-8")) if folder.exists(REPORT_PATH) else {}


def deferred_thresholds(used: Mapping[str, ThresholdUsed], settings: LangIdSettings) -> dict[str, float]:
    """``{language: threshold}`` this stage applies: the languages per-record language ID only floored."""
    if settings.threshold_mode != "pack_or_calibrated":
        return {}
    return {label: entry.threshold for label, entry in used.items() if entry.origin in (CALIBRATED, FIXED)}


def below_threshold(language: str, score: float | None, thresholds: Mapping[str, float]) -> bool:
    """Whether a record of ``language`` with ``score`` falls below its deferred threshold."""
    threshold = thresholds.get(language)
    return threshold is not None and (score or 0.0) < threshold


class ApplyLanguageThresholds(RecordStep):
    """Drops the records whose language score is below their language's deferred threshold."""

    name = "🌐 Language ID threshold"
    stage = STAGE

    def __init__(self, thresholds: Mapping[str, float]):
        super().__init__()
        self.thresholds = dict(thresholds)

    def process(self, doc: Document) -> str | None:
        if below_threshold(language_of(doc), doc.metadata.get("language_score"), self.thresholds):
            return BELOW_THRESHOLD
        return None
