"""The Beam engine's MinHash dedup: a composite PTransform with the same stages and results as the local one.

Why it exists: on Dataflow no worker sees the whole corpus, so bucketing and clustering are
shuffles: GroupByKey on band keys gives candidate pairs, and connected components are found by
large-star / small-star rounds (:mod:`lingoloom.filters.minhash.graph`), each a GroupByKey on the
node. A Beam graph is static, so ``settings.beam_max_iterations`` rounds are unrolled (rounds
after the fixpoint change nothing) and a final check compares the last two rounds: if they
differ, the pipeline fails and says to raise the setting. Signatures, band keys and the survivor
rule (:mod:`lingoloom.filters.survivor`: self-canonical page, quality score, smallest id) are the same code as the local engine's, so both
engines find the same clusters and keep the same documents.

Usage::

    result = records | MinHashDedup(settings)
    result.kept      # records, minhash_cluster_size set
    result.removed   # records with drop_stage="minhash", drop_reason="near_duplicate", survivor_id
"""

from __future__ import annotations

import math

import apache_beam as beam
from apache_beam.metrics import Metrics

from lingoloom.filters.minhash.graph import large_star_node, small_star_node
from lingoloom.filters.minhash.local import DROP_REASON, DROP_STAGE
from lingoloom.filters.minhash.signature import Signer
from lingoloom.filters.survivor import survivor_key as _survivor_key
from lingoloom.schemas.minhash import MinHashSettings

REMOVED = "removed"
KEPT = "kept"


def survivor_key(record: dict) -> tuple:
    """The project's survivor rule (:func:`lingoloom.filters.survivor.survivor_key`) for a record dict."""
    score = (record.get("quality") or {}).get("quality_score")
    if isinstance(score, float) and math.isnan(score):
        score = None
    return _survivor_key(record["id"], record.get("url"), record.get("canonical_url"), score)


class _BandKeys(beam.DoFn):
    """(band key, id) for every band of every record of a batch, plus the URL key."""

    def __init__(self, settings: MinHashSettings):
        self.settings = settings
        self.no_shingles = Metrics.counter("minhash", "no_shingles")

    def setup(self):
        self.signer = Signer(self.settings)

    def process(self, batch: list[dict]):
        sigs, valid = self.signer.signatures([r.get("text") or "" for r in batch], [r.get("language") for r in batch])
        keys = self.signer.band_keys(sigs[valid])
        self.no_shingles.inc(int((~valid).sum()))
        records = [r for r, ok in zip(batch, valid) if ok]
        for record, row in zip(records, keys.tolist()):
            for key in row:
                yield key, record["id"]
        if self.settings.url_dedup:
            for record in batch:
                key = self.signer.url_key(record.get("url"))
                if key is not None:
                    yield key, record["id"]


def _bucket_edges(kv):
    ids = sorted(set(kv[1]))
    for other in ids[1:]:
        yield ids[0], other
        yield other, ids[0]


def _label(kv):
    u, neighbours = kv
    return u, min(min(neighbours), u)


def _survivors(kv):
    """Members of one component -> (member id, (survivor id, cluster size))."""
    _, members = kv
    members = list(members)
    survivor = min(members)[1]
    for _, member_id in members:
        yield member_id, (survivor, len(members))


class _Apply(beam.DoFn):
    """Annotate each record with its cluster size; route duplicates to the ``removed`` output."""

    def __init__(self):
        self.kept = Metrics.counter("minhash", "kept")
        self.removed = Metrics.counter("minhash", f"dropped/{DROP_REASON}")

    def process(self, kv):
        _, joined = kv
        resolved = list(joined["resolved"])
        for record in joined["record"]:
            survivor, size = resolved[0] if resolved else (record["id"], 1)
            record = dict(record, minhash_cluster_size=size)
            if survivor == record["id"]:
                self.kept.inc()
                yield record
            else:
                self.removed.inc()
                yield beam.pvalue.TaggedOutput(
                    REMOVED, dict(record, drop_stage=DROP_STAGE, drop_reason=DROP_REASON, survivor_id=survivor)
                )


def _not_converged(kv):
    raise RuntimeError(
        f"MinHash connected components did not converge (edge {kv[0]} differs between the last two rounds); "
        "raise dedup.minhash.beam_max_iterations."
    )


class MinHashDedup(beam.PTransform):
    """Near-duplicate removal over a PCollection of record dicts (RECORD_SCHEMA rows with unique ids)."""

    def __init__(self, settings: MinHashSettings, batch_size: int = 256):
        super().__init__()
        if settings.index_in or settings.index_out:
            raise NotImplementedError(
                "dedup.minhash.index_in / index_out (dedup against an earlier run) are local-engine features; "
                "run with the local engine or remove them"
            )
        self.settings = settings
        self.batch_size = batch_size

    def expand(self, records):
        entries = (
            records
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.batch_size)
            | "BandKeys" >> beam.ParDo(_BandKeys(self.settings))
        )
        edges = entries | "Buckets" >> beam.GroupByKey() | "BucketEdges" >> beam.FlatMap(_bucket_edges)
        previous = edges
        for i in range(self.settings.beam_max_iterations):
            previous = edges
            edges = (
                edges
                | f"LargeStarGroup{i}" >> beam.GroupByKey()
                | f"LargeStar{i}" >> beam.FlatMap(lambda kv: large_star_node(*kv))
                | f"SmallStarGroup{i}" >> beam.GroupByKey()
                | f"SmallStar{i}" >> beam.FlatMap(lambda kv: small_star_node(*kv))
            )
        (
            {
                "previous": previous | "PreviousPairs" >> beam.Map(lambda e: (e, 1)),
                "last": edges | "LastPairs" >> beam.Map(lambda e: (e, 1)),
            }
            | "CompareRounds" >> beam.CoGroupByKey()
            | "Changed" >> beam.Filter(lambda kv: bool(list(kv[1]["previous"])) != bool(list(kv[1]["last"])))
            | "FailIfNotConverged" >> beam.Map(_not_converged)
        )
        labels = edges | "LabelGroup" >> beam.GroupByKey() | "Label" >> beam.Map(_label)
        ranks = records | "SurvivorKey" >> beam.Map(lambda r: (r["id"], survivor_key(r)))
        resolved = (
            {"label": labels, "rank": ranks}
            | "JoinRanks" >> beam.CoGroupByKey()
            | "Members" >> beam.FlatMap(lambda kv: [(label, (rank, kv[0])) for label in kv[1]["label"] for rank in kv[1]["rank"]])
            | "Components" >> beam.GroupByKey()
            | "Survivors" >> beam.FlatMap(_survivors)
        )
        return (
            {"record": records | "KeyById" >> beam.Map(lambda r: (r["id"], r)), "resolved": resolved}
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_Apply()).with_outputs(REMOVED, main=KEPT)
        )
