"""MinHash dedup on Beam (FnApiRunner): the same clusters and survivors as the local engine."""

from __future__ import annotations

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from lingoloom.filters.minhash.beam import MinHashDedup
from lingoloom.filters.minhash.neardup import synthetic_corpus
from lingoloom.filters.minhash.run_local import run_minhash_local
from lingoloom.schemas.minhash import MinHashSettings
from lingoloom.schemas.record import rows_to_table


def _pipeline() -> BeamTestPipeline:
    return BeamTestPipeline(runner="FnApiRunner")


def test_beam_finds_the_same_clusters_and_survivors_as_the_local_engine(tmp_path):
    corpus = synthetic_corpus(240, seed=11, duplicate_share=0.4, words=(40, 120))
    rows = [{c: v for c, v in r.items() if not c.startswith("_")} for r in corpus]
    # a shared URL links two otherwise different documents in both engines
    rows[1]["url"] = rows[0]["url"].replace("https://", "http://www.")
    settings = MinHashSettings(beam_max_iterations=6)
    paths = []
    for k in range(2):
        path = tmp_path / f"in-{k}.parquet"
        pq.write_table(rows_to_table(rows[k::2]), path)
        paths.append(str(path))
    run_minhash_local(paths, str(tmp_path / "decisions"), str(tmp_path / "work"), settings, 1)
    local = {}
    for path in (tmp_path / "decisions").glob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            local[row["id"]] = row
    expected_kept = sorted((i, r["minhash_cluster_size"]) for i, r in local.items() if r["keep"])
    expected_removed = sorted((i, r["survivor_id"], r["minhash_cluster_size"]) for i, r in local.items() if not r["keep"])
    assert expected_removed and any(size > 2 for _, size in expected_kept)

    with _pipeline() as p:
        result = p | beam.Create(rows[::-1]) | MinHashDedup(settings)
        kept = result.kept | "Kept" >> beam.Map(lambda r: (r["id"], r["minhash_cluster_size"]))
        removed = result.removed | "Removed" >> beam.Map(
            lambda r: (r["id"], r["survivor_id"], r["minhash_cluster_size"]) if (r["drop_stage"], r["drop_reason"]) == ("minhash", "near_duplicate") else None
        )
        assert_that(kept, equal_to(expected_kept), label="KeptMatchesLocal")
        assert_that(removed, equal_to(expected_removed), label="RemovedMatchesLocal")


def test_beam_fails_clearly_when_rounds_are_too_few():
    # a long chain: document i is a near-duplicate of i+1 only, so components need several rounds
    words = [f"w{i}" for i in range(400)]
    rows = []
    for i in range(24):
        text = " ".join(words[i * 6 : i * 6 + 60])
        rows.append({"id": f"c{i:03d}", "text": text, "language": "eng_Latn", "quality": None, "url": None})
    with pytest.raises(Exception, match="beam_max_iterations"):
        with _pipeline() as p:
            _ = p | beam.Create(rows) | MinHashDedup(MinHashSettings(beam_max_iterations=1, bands=30, rows=1))
