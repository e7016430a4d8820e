"""The stage graph of a run: which per-record steps run, in which order, with which settings.

Why it exists: both engines must run the same stages with the same settings. They ask this
module for the per-record chain (:func:`record_steps`) and for the ordered list of global
stages, and differ only in how they move records between them. Before the global stages, both
engines run ``langid_threshold`` (:mod:`lingoloom.langid.calibrated`), which needs the language
scores that :class:`LanguageId` collects rather than the records alone.
"""

from __future__ import annotations

from datatrove.pipeline.base import PipelineStep

from lingoloom.filters.exact_dedup import ContentHash
from lingoloom.filters.quality import QualityFilter
from lingoloom.langid.step import LanguageId
from lingoloom.pipelines.extract import Extract
from lingoloom.schemas.config import RunConfig

#: Order of the stages in reports (read -> ... -> written).
STAGE_ORDER = ("crawl", "read", "extract", "langid", "quality", "content_hash", "langid_threshold", "exact_dedup",
               "minhash", "balance", "write")


def record_steps(config: RunConfig) -> list[PipelineStep]:
    """Extract -> language ID -> quality -> content hash: the per-record chain of every engine."""
    return [
        Extract(config.extract),
        LanguageId(config.langid, packs_dir=config.quality.packs_dir),
        QualityFilter(config.quality),
        ContentHash(),
    ]


def global_stages(config: RunConfig) -> list[str]:
    """The global (shuffle) stages this run enables, in order."""
    stages = []
    if config.dedup.exact:
        stages.append("exact_dedup")
    if config.dedup.minhash.enabled:
        stages.append("minhash")
    return stages
