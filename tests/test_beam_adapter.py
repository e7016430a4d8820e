"""The Beam adapter runs datatrove steps over batches and reports their stats as Beam metrics."""

from __future__ import annotations

import pickle
import sys
import threading

import apache_beam as beam
import cloudpickle
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to
from datatrove.data import Document

from lingoloom.filters.exact_dedup import content_hash
from lingoloom.pipelines.engines.beam_adapter import ApplySteps, RunDatatroveSteps, stats_from_metrics, to_document, to_element
from lingoloom.pipelines.engines.beam_stages import ExactDedup, WriteHubParquet
from lingoloom.pipelines.steps import RecordStep, run_steps
from lingoloom.pipelines.writers.shards import shard_of
from lingoloom.schemas.record import RECORD_SCHEMA

# Worker processes cannot import this test module: ship its classes by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class TagLanguage(RecordStep):
    """Sets ``language`` from the first word; drops texts shorter than ``min_chars``."""

    name = "tag"
    stage = "tag"

    def __init__(self, min_chars: int = 5):
        super().__init__(batch_size=4)
        self.min_chars = min_chars

    def process(self, doc: Document) -> str | None:
        doc.metadata["language"] = "fra_Latn" if doc.text.startswith("le ") else "eng_Latn"
        return "too_short" if len(doc.text) < self.min_chars else None


class LazyModel(RecordStep):
    """Loads a 'model' lazily and refuses to pickle it (the pattern every heavy step follows)."""

    name = "lazy"
    stage = "lazy"

    def __init__(self):
        super().__init__()
        self._model = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_model"] = None
        return state

    def process(self, doc: Document) -> str | None:
        if self._model is None:
            self._model = threading.Lock()  # unpicklable stand-in for a loaded model
        doc.metadata["_seen"] = True
        return None


def _options(mode: str = "in_memory") -> PipelineOptions:
    return PipelineOptions(["--direct_num_workers=2", f"--direct_running_mode={mode}"])


def _elements(texts: list[str]) -> list[dict]:
    return [to_element(Document(text=t, id=f"id{i:03d}", metadata={"source": "t"})) for i, t in enumerate(texts)]


TEXTS = ["le chat dort", "the cat sleeps", "no", "le", "a long english text", "le long texte"]


def test_element_round_trip_keeps_internal_keys():
    doc = Document(text="x", id="1", metadata={"url": "u", "_body": b"\x00"})
    back = to_document(to_element(doc))
    assert (back.text, back.id, back.metadata) == ("x", "1", {"url": "u", "_body": b"\x00"})


def test_adapter_matches_run_steps_and_counts_stats_per_language():
    expected_docs = list(run_steps([TagLanguage(), LazyModel()], [to_document(e) for e in _elements(TEXTS)]))
    expected = sorted((d.id, d.metadata["language"]) for d in expected_docs)

    with beam.Pipeline(runner="FnApiRunner", options=_options("multi_processing")) as pipeline:
        kept, dropped = (
            pipeline | beam.Create(_elements(TEXTS)) | ApplySteps([TagLanguage(), LazyModel()], audit=True)
        )
        assert_that(kept | beam.Map(lambda e: (e["id"], e["language"], e["_seen"])),
                    equal_to([(i, lang, True) for i, lang in expected]), label="kept")
        assert_that(dropped | beam.Map(lambda e: (e["text"], e["drop_stage"], e["drop_reason"])),
                    equal_to([("no", "tag", "too_short"), ("le", "tag", "too_short")]), label="dropped")
    stats = stats_from_metrics(pipeline.result)
    assert stats["tag"]["in"] == 6
    assert stats["tag"]["kept/fra_Latn"] == 2 and stats["tag"]["kept/eng_Latn"] == 2
    assert stats["tag"]["dropped/too_short/eng_Latn"] == 2 and stats["tag"]["dropped"] == 2
    assert stats["lazy"]["in"] == 4


def test_unpicklable_step_fails_when_the_graph_is_built():
    step = LazyModel()
    step.handle = threading.Lock()
    with pytest.raises(TypeError, match="cannot be pickled"):
        RunDatatroveSteps([step])


def _dedup_element(doc_id, text, language, score):
    return {"id": doc_id, "text": text, "language": language, "content_hash": content_hash(text),
            "quality": {"quality_score": score}, "source": "t"}


def test_exact_dedup_keeps_self_canonical_then_best_quality_then_smallest_id():
    canonical = dict(_dedup_element("q", "print view or original?", "eng_Latn", 0.1),
                     url="https://news.example/a", canonical_url="https://news.example/a")
    print_view = dict(_dedup_element("p", "Print view, or original", "eng_Latn", 0.9),
                      url="https://news.example/a?print=1", canonical_url="https://news.example/a")
    records = [canonical, print_view,
        _dedup_element("b", "Same text!", "eng_Latn", 0.5),
        _dedup_element("c", "same   TEXT", "eng_Latn", 0.9),  # best score wins despite larger id
        _dedup_element("a", "same text", "fra_Latn", 0.9),  # equal score: smaller id wins
        _dedup_element("z", "unique", "eng_Latn", None),
        _dedup_element("y", "twin", "eng_Latn", None),
        _dedup_element("x", "twin", "eng_Latn", None),
    ]
    with beam.Pipeline(runner="FnApiRunner", options=_options()) as pipeline:
        survivors = pipeline | beam.Create(records) | ExactDedup()
        assert_that(survivors | beam.Map(lambda e: e["id"]), equal_to(["a", "q", "x", "z"]))
    stats = stats_from_metrics(pipeline.result)["exact_dedup"]
    assert stats["in"] == 8 and stats["kept"] == 4
    assert stats["dropped/exact_duplicate/eng_Latn"] == 4
    assert "dropped/exact_duplicate/fra_Latn" not in stats


def test_parquet_sink_writes_hub_layout_with_the_shared_shard_rule(tmp_path):
    records = [dict(_dedup_element(f"id{i:02d}", f"text {i}", lang, 0.1), fetch_time="2024-01-02T03:04:05Z",
                    _body=b"internal keys are not written")
               for i, lang in zip(range(9), ["eng_Latn", "fra_Latn"] * 5)]
    with beam.Pipeline(runner="FnApiRunner", options=_options()) as pipeline:
        _ = pipeline | beam.Create(records[::-1]) | WriteHubParquet(str(tmp_path), max_rows_per_shard=2,
                                                                    max_bytes_per_shard=1 << 20)
    eng = sorted((tmp_path / "data" / "eng_Latn").iterdir())
    assert [p.name for p in eng] == ["train-00000-of-00003.parquet", "train-00001-of-00003.parquet",
                                     "train-00002-of-00003.parquet"]
    eng_ids = sorted(r["id"] for r in records if r["language"] == "eng_Latn")
    for index, path in enumerate(eng):
        ids = pq.read_table(path).column("id").to_pylist()
        assert ids == sorted(i for i in eng_ids if shard_of(i, 3) == index)
    fra = sorted((tmp_path / "data" / "fra_Latn").iterdir())
    assert len(fra) == 2
    table = pq.read_table(fra[0])
    assert table.schema.equals(RECORD_SCHEMA, check_metadata=False)
    assert str(table.column("fetch_time").type) == "timestamp[us, tz=UTC]"
    assert stats_from_metrics(pipeline.result)["write"]["kept/eng_Latn"] == 5
    assert not list(tmp_path.rglob("*.tmp"))
    pickle.dumps(records)  # records stay plain data
