"""Run any per-record datatrove step inside Apache Beam, with its stats as Beam metrics.

Why it exists: every per-record stage of lingoloom is a datatrove ``PipelineStep`` (mostly a
:class:`~lingoloom.pipelines.steps.RecordStep`). Rather than writing each stage twice, this
adapter runs the very same step objects in a ``DoFn`` over batches of records, so a stage
added for the local engine runs on the FnApiRunner and on Dataflow for free.

- Records travel between transforms as plain dicts (:func:`to_element` / :func:`to_document`):
  ``id``, ``text`` and every metadata key, including internal ``_`` keys such as ``_body``.
- The steps are pickled once when the graph is built (so a step that does not pickle fails
  before any worker starts) and unpickled once per worker in ``setup()``; models inside the
  steps load lazily on first use, hence once per worker.
- Whatever a step counts with ``stat_update`` becomes a Beam counter named like the stat key
  (``in``, ``kept/<lang>``, ``dropped/<reason>/<lang>``) in the namespace
  ``lingoloom:<stage>`` (see :func:`stage_name`); :func:`stats_from_metrics` turns a finished pipeline's counters back
  into ``{stage: {stat_key: count}}``, the structure the local engine collects from datatrove.
- Dropped records can leave on the tagged output ``dropped`` (with ``drop_stage`` and
  ``drop_reason``) for an audit sink.
- What steps aggregate while they run (:func:`~lingoloom.pipelines.steps.take_summaries`, e.g. the
  language scores of :class:`~lingoloom.langid.step.LanguageId`) can leave, once per batch, on the
  tagged output ``summaries`` as ``(stage, summary)`` for a global stage to merge.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Iterator, Mapping, Sequence

import apache_beam as beam
import cloudpickle
from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.runners.runner import PipelineResult
from datatrove.data import Document
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.stats import MetricStatsDict

from lingoloom.pipelines.stats import stage_name as stats_stage_name
from lingoloom.pipelines.steps import RecordStep, run_steps, take_summaries

#: Every lingoloom counter lives in a namespace ``lingoloom:<stage>``.
NAMESPACE_PREFIX = "lingoloom:"
#: Tag of the side output that carries dropped records (audit).
DROPPED_TAG = "dropped"
#: Tag of the side output that carries the steps' summaries, ``(stage, summary)`` per batch.
SUMMARIES_TAG = "summaries"

Element = dict[str, Any]


def to_element(doc: Document) -> Element:
    """A Document as the plain dict that travels between Beam transforms."""
    element = dict(doc.metadata)
    element["id"] = doc.id
    element["text"] = doc.text
    return element


def to_document(element: Mapping[str, Any]) -> Document:
    """The inverse of :func:`to_element` (the dict is copied, so the input stays untouched)."""
    metadata = {key: value for key, value in element.items() if key not in ("id", "text")}
    return Document(text=element.get("text") or "", id=element.get("id") or "", metadata=metadata)


def stage_name(step: PipelineStep) -> str:
    """The stage a step's stats belong to, by the rule the local engine's stats files use."""
    return stats_stage_name(step.stats.name)


def namespace(stage: str) -> str:
    """The Beam metrics namespace of a stage."""
    return f"{NAMESPACE_PREFIX}{stage}"


class StatsToCounters:
    """Moves datatrove stats accumulated on a step into Beam counters, then clears them.

    A stat's ``total`` is its count for plain ``stat_update(key)`` calls and the sum of values
    for ``stat_update(key, value=n)``; counters hold integers, so totals are rounded.
    """

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str], Any] = {}

    def counter(self, stage: str, key: str):
        found = self._counters.get((stage, key))
        if found is None:
            found = self._counters[(stage, key)] = Metrics.counter(namespace(stage), key)
        return found

    def flush(self, steps: Iterable[PipelineStep]) -> None:
        for step in steps:
            stats = step.stats.stats
            if not stats:
                continue
            stage = stage_name(step)
            for key, metric in stats.items():
                total = int(round(metric.total))
                if total:
                    self.counter(stage, key).inc(total)
            step.stats.stats = MetricStatsDict()


class RunDatatroveSteps(beam.DoFn):
    """Runs a chain of per-record datatrove steps over batches (lists) of record dicts.

    Outputs the surviving records on the main output and, when ``audit`` is true, every record a
    :class:`RecordStep` drops on the ``dropped`` tagged output; when ``summaries`` is true, the
    steps' summaries of each batch on the ``summaries`` tagged output.
    """

    def __init__(self, steps: Sequence[PipelineStep], audit: bool = False, summaries: bool = False):
        super().__init__()
        try:
            self._payload = cloudpickle.dumps(list(steps))
        except Exception as err:  # noqa: BLE001 - any pickling failure means the same thing
            raise TypeError(
                f"the pipeline steps cannot be pickled for Beam workers ({err}); keep models and open "
                "files out of a step's pickled state (load them lazily, drop them in __getstate__)"
            ) from err
        self._audit = audit
        self._summaries = summaries
        self._steps: list[PipelineStep] = []
        self._dropped: list[Document] = []
        self._stats = StatsToCounters()

    def setup(self) -> None:
        self._steps = cloudpickle.loads(self._payload)
        self._dropped = []
        self._stats = StatsToCounters()
        for step in self._steps:
            step.stats.stats = MetricStatsDict()
            if self._audit and isinstance(step, RecordStep):
                step.audit = self._dropped.append

    def process(self, batch: list[Element]) -> Iterator[Any]:
        docs = [to_document(element) for element in batch]
        for doc in run_steps(self._steps, docs):
            yield to_element(doc)
        self._stats.flush(self._steps)
        if self._summaries:
            for stage, summary in take_summaries(self._steps).items():
                yield beam.pvalue.TaggedOutput(SUMMARIES_TAG, (stage, summary))
        if self._dropped:
            for doc in self._dropped:
                yield beam.pvalue.TaggedOutput(DROPPED_TAG, to_element(doc))
            self._dropped.clear()


class ApplySteps(beam.PTransform):
    """``records | ApplySteps(steps)``: batch the records and run the steps on each batch.

    Returns the surviving records, or with ``audit=True`` a tuple ``(kept, dropped)``, or with
    ``summaries=True`` a tuple ``(kept, summaries)`` (``(kept, dropped, summaries)`` with both).
    """

    def __init__(
        self,
        steps: Sequence[PipelineStep],
        min_batch_size: int = 16,
        max_batch_size: int = 256,
        audit: bool = False,
        label: str | None = None,
        summaries: bool = False,
    ):
        super().__init__(label)
        self._steps = list(steps)
        self._min_batch_size = min_batch_size
        self._max_batch_size = max_batch_size
        self._audit = audit
        self._summaries = summaries

    def expand(self, records):
        batches = records | "Batch" >> beam.BatchElements(
            min_batch_size=self._min_batch_size, max_batch_size=self._max_batch_size
        )
        run = RunDatatroveSteps(self._steps, audit=self._audit, summaries=self._summaries)
        if not (self._audit or self._summaries):
            return batches | "RunSteps" >> beam.ParDo(run)
        outputs = batches | "RunSteps" >> beam.ParDo(run).with_outputs(DROPPED_TAG, SUMMARIES_TAG, main="kept")
        return (outputs.kept, *([outputs[DROPPED_TAG]] if self._audit else []),
                *([outputs[SUMMARIES_TAG]] if self._summaries else []))


def count(stage: str, *keys: str, value: int = 1) -> None:
    """Increment lingoloom counters from a Beam-native stage (same naming as the adapter)."""
    for key in keys:
        Metrics.counter(namespace(stage), key).inc(value)


def stats_from_metrics(result: PipelineResult) -> dict[str, dict[str, int]]:
    """``{stage: {stat_key: count}}`` from the committed (attempted, if none) counters of a run."""
    stats: dict[str, dict[str, int]] = defaultdict(dict)
    for counter in result.metrics().query(MetricsFilter())["counters"]:
        ns = counter.key.metric.namespace
        if not ns.startswith(NAMESPACE_PREFIX):
            continue
        value = counter.committed if counter.committed is not None else counter.attempted
        stage = ns[len(NAMESPACE_PREFIX) :]
        key = counter.key.metric.name
        stats[stage][key] = stats[stage].get(key, 0) + int(value or 0)
    return {stage: dict(sorted(keys.items())) for stage, keys in sorted(stats.items())}
