"""The ``langid_threshold`` stage on Beam: per-language thresholds from every score, then the filter.

Why it exists: a threshold calibrated from a language's own score distribution needs all of that
language's scores (see :mod:`lingoloom.langid.calibrated`). The per-record adapter emits, per
batch, the score histograms :class:`~lingoloom.langid.step.LanguageId` collected; a CombineFn
merges them (integer addition, so neither worker count nor order matters), the thresholds are
resolved with the local engine's function, written to ``stats/langid_thresholds.json`` (the same
bytes as the local engine's), and passed as a side input to a filter that drops, in calibrated
mode, the records below their language's threshold, counted like the local engine's
``ApplyLanguageThresholds`` (Beam counters under the stage ``langid_threshold``).
"""

from __future__ import annotations

from typing import Iterator

import apache_beam as beam

from lingoloom.langid.calibrated import (
    REPORT_PATH,
    STAGE,
    SUMMARY_KEY,
    below_threshold,
    deferred_thresholds,
    run_report,
    thresholds_for_run,
)
from lingoloom.langid.step import BELOW_THRESHOLD
from lingoloom.langid.thresholds import ScoreHistograms
from lingoloom.pipelines.engines.beam_adapter import Element
from lingoloom.pipelines.engines.beam_stages import CountedStage
from lingoloom.pipelines.steps import UNKNOWN_LANGUAGE
from lingoloom.pipelines.storage import join, write_bytes
from lingoloom.schemas.config import RunConfig


class MergeScoreHistograms(beam.CombineFn):
    """Merges ``ScoreHistograms`` into one (an empty one for no input)."""

    def create_accumulator(self) -> ScoreHistograms:
        return ScoreHistograms()

    def add_input(self, accumulator: ScoreHistograms, histograms: ScoreHistograms) -> ScoreHistograms:
        return accumulator.merge(histograms)

    def merge_accumulators(self, accumulators) -> ScoreHistograms:
        return ScoreHistograms.merged(accumulators)

    def extract_output(self, accumulator: ScoreHistograms) -> ScoreHistograms:
        return accumulator


def _resolve_and_report(histograms: ScoreHistograms, config: RunConfig, report_path: str) -> dict[str, float]:
    used = thresholds_for_run(histograms, config.langid, config.quality.packs_dir)
    write_bytes(report_path, run_report(used, config.langid).encode())
    return deferred_thresholds(used, config.langid)


class _SplitByThreshold(beam.DoFn):
    def process(self, element: Element, thresholds: dict[str, float]) -> Iterator:
        if below_threshold(element.get("language") or UNKNOWN_LANGUAGE, element.get("language_score"), thresholds):
            yield beam.pvalue.TaggedOutput("removed", {**element, "drop_reason": BELOW_THRESHOLD})
        else:
            yield element


class _Filter(beam.PTransform):
    def __init__(self, thresholds):
        super().__init__()
        self._thresholds = thresholds

    def expand(self, records):
        return records | "Split" >> beam.ParDo(
            _SplitByThreshold(), thresholds=beam.pvalue.AsSingleton(self._thresholds)
        ).with_outputs("removed", main="kept")


def apply_langid_thresholds(records, summaries, config: RunConfig, out_dir: str):
    """Resolve and report every language's threshold from the adapter's ``summaries``; in calibrated
    mode, return ``records`` without those below their language's threshold (else ``records``)."""
    thresholds = (
        summaries
        | "LanguageScores" >> beam.FlatMap(lambda item: [item[1]] if item[0] == SUMMARY_KEY else [])
        | "MergeScores" >> beam.CombineGlobally(MergeScoreHistograms())
        | "Thresholds" >> beam.Map(_resolve_and_report, config, join(out_dir, *REPORT_PATH.split("/")))
    )
    if config.langid.threshold_mode != "pack_or_calibrated":
        return records
    return records | STAGE >> CountedStage(STAGE, _Filter(thresholds))
