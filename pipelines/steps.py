"""The shape every lingoloom stage has: a datatrove step that keeps or drops records, and counts why.

Why it exists: the design promises that nothing is silently lost. Every per-record stage
(extraction, language ID, quality filters, dedup-apply) derives from :class:`RecordStep`, so
drops are counted the same way on every engine: per stage, per reason and per language, in
datatrove's stats (the local engine) or Beam counters (the Beam engine reads the same stats).

Stat keys (``STAT_*`` below) are the contract that the summary, the manifest and the card read.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter, get_filter_result
from datatrove.utils.batching import batched

UNKNOWN_LANGUAGE = "und"

STAT_IN = "in"
STAT_KEPT = "kept"
STAT_DROPPED = "dropped"


def language_of(doc: Document) -> str:
    """The record's language label, or ``und`` before language ID has run."""
    return doc.metadata.get("language") or UNKNOWN_LANGUAGE


def drop_key(reason: str, language: str | None = None) -> str:
    """``dropped/<reason>`` or ``dropped/<reason>/<language>``."""
    return f"{STAT_DROPPED}/{reason}" if language is None else f"{STAT_DROPPED}/{reason}/{language}"


def kept_key(language: str) -> str:
    """``kept/<language>``."""
    return f"{STAT_KEPT}/{language}"


class RecordStep(PipelineStep):
    """A per-record stage: annotate each document in place, or drop it with a reason.

    Subclasses implement :meth:`process` (or :meth:`process_batch` when batching pays, e.g. a
    model), returning ``None`` to keep the document or a short reason string to drop it.
    Dropped documents are passed to ``audit`` (any callable taking a Document) with
    ``drop_stage`` and ``drop_reason`` set, so a run can keep them for inspection.
    Stats are reported under the step's ``stage`` name (``extract``, ``langid``, ...).
    """

    type = "🧵 - LINGOLOOM"
    stage: str = "step"

    def __init__(self, batch_size: int = 1, audit=None):
        super().__init__()
        self.batch_size = batch_size
        self.audit = audit

    @abstractmethod
    def process(self, doc: Document) -> str | None:
        """Annotate ``doc`` in place; return ``None`` to keep it or a drop reason."""

    def process_batch(self, docs: list[Document]) -> list[str | None]:
        """Batched :meth:`process`; override when a batch is cheaper than its parts."""
        return [self.process(doc) for doc in docs]

    def record_drop(self, doc: Document, reason: str) -> None:
        """Count one drop (total, per reason, per reason and language) and hand it to the audit."""
        language = language_of(doc)
        self.stat_update(STAT_DROPPED, drop_key(reason), drop_key(reason, language))
        if self.audit is not None:
            doc.metadata["drop_stage"] = self.stage
            doc.metadata["drop_reason"] = reason
            self.audit(doc)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        self.stats.name = self.stage
        for batch in batched(data, self.batch_size):
            with self.track_time("batch" if self.batch_size > 1 else None):
                reasons = self.process_batch(batch)
            for doc, reason in zip(batch, reasons):
                self.stat_update(STAT_IN)
                if reason is None:
                    self.stat_update(STAT_KEPT, kept_key(language_of(doc)))
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.record_drop(doc, reason)


class StockFilter(RecordStep):
    """Runs one of datatrove's stock filters (Gopher, FineWeb, C4, ...) with our drop accounting."""

    def __init__(self, inner: BaseFilter, stage: str, audit=None):
        super().__init__(batch_size=max(1, getattr(inner, "batch_size", 1)), audit=audit)
        self.inner = inner
        self.stage = stage
        self.name = f"{stage}: {type(inner).__name__}"

    def process_batch(self, docs: list[Document]) -> list[str | None]:
        results = self.inner.filter_batch(docs)
        reasons: list[str | None] = []
        for result in results:
            keep, reason = get_filter_result(result)
            reasons.append(None if keep else f"{type(self.inner).__name__}:{reason or 'rejected'}")
        return reasons

    def process(self, doc: Document) -> str | None:
        return self.process_batch([doc])[0]


def take_summaries(steps: Iterable[PipelineStep]) -> dict[str, object]:
    """``{stage: summary}`` of the steps that aggregate while they run (a ``take_summary()`` method returning
    a mergeable object with ``to_json()``, or None) and collected something since the last call."""
    found = {}
    for step in steps:
        take = getattr(step, "take_summary", None)
        summary = take() if take is not None else None
        if summary is not None:
            found[step.stage] = summary
    return found


def run_steps(steps: Iterable[PipelineStep], docs: Iterable[Document], rank: int = 0, world_size: int = 1):
    """Chain steps over ``docs`` exactly as datatrove's executors do (used by tests and the Beam adapter)."""
    pipeline: DocumentsPipeline = iter(docs)
    for step in steps:
        pipeline = step(pipeline, rank, world_size)
    return pipeline
