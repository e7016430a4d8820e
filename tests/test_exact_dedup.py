"""Exact dedup keeps exactly one copy per normalised text, the same one whatever the file order."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from lingoloom.filters.decisions import ApplyDecisions
from lingoloom.filters.exact_dedup import ContentHash, content_hash, exact_duplicate_decisions, record_id
from lingoloom.pipelines.steps import run_steps
from lingoloom.pipelines.writers.parquet import write_rows_atomic, write_table_atomic
from lingoloom.schemas.record import row_to_document

TEXT = "The harvest festival fills the square with long tables and bread."


def row(url: str, text: str = TEXT, canonical: str | None = None, warc: str = "<urn:1>", score: float = 0.5) -> dict:
    digest = content_hash(text)
    return {"id": record_id(url, digest), "text": text, "url": url, "canonical_url": canonical, "source": "t",
            "language": "eng_Latn", "content_hash": digest, "warc_record_id": warc,
            "quality": {"quality_score": score}}


def kept_urls(files: list[Path], decision_file: Path) -> list[tuple[str, str]]:
    step = ApplyDecisions("exact_dedup", [str(decision_file)], default_reason="exact_duplicate")
    docs = [row_to_document(r) for f in files for r in pq.read_table(f).to_pylist()]
    return sorted((d.metadata["url"], d.metadata["warc_record_id"]) for d in run_steps([step], docs))


def test_normalisation_ignores_case_spacing_and_punctuation():
    assert content_hash("Hello,  World!") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello word")


def test_self_canonical_page_survives_over_print_and_amp_copies(tmp_path):
    original = row("http://s.test/a.html", canonical="/a.html", score=0.1)
    copies = [row("http://s.test/print/a.html", canonical="/a.html", score=0.9),
              row("http://s.test/amp/a.html", canonical="http://s.test/a.html", score=0.9)]
    for order in ([original, *copies], [*copies, original]):
        files = [write_rows_atomic([r], tmp_path / f"{i}.parquet") for i, r in enumerate(order)]
        decisions = tmp_path / "decisions.parquet"
        write_table_atomic(exact_duplicate_decisions([str(f) for f in files]), decisions)
        assert kept_urls(files, decisions) == [("http://s.test/a.html", "<urn:1>")]


def test_same_page_fetched_twice_is_kept_once(tmp_path):
    first, second = row("http://s.test/a", warc="<urn:b>"), row("http://s.test/a", warc="<urn:a>")
    assert first["id"] == second["id"]
    files = [write_rows_atomic([first], tmp_path / "0.parquet"), write_rows_atomic([second], tmp_path / "1.parquet")]
    decisions = tmp_path / "decisions.parquet"
    write_table_atomic(exact_duplicate_decisions([str(f) for f in files]), decisions)
    assert kept_urls(files, decisions) == [("http://s.test/a", "<urn:a>")]


def test_partitions_split_the_work_without_changing_the_result(tmp_path):
    rows = [row(f"http://s.test/{i}", text=f"{TEXT} {i % 3}") for i in range(9)]
    files = [write_rows_atomic(rows[i::3], tmp_path / f"{i}.parquet") for i in range(3)]
    whole = exact_duplicate_decisions([str(f) for f in files])
    parts = [exact_duplicate_decisions([str(f) for f in files], rank, 4) for rank in range(4)]
    assert sorted(whole.column("id").to_pylist()) == sorted(i for p in parts for i in p.column("id").to_pylist())
    assert whole.num_rows == 6


def test_content_hash_step_sets_hash_and_stable_id():
    doc = row_to_document({**row("http://s.test/a"), "id": "raw"})
    list(run_steps([ContentHash()], [doc]))
    assert doc.metadata["content_hash"] == content_hash(TEXT)
    assert doc.id == record_id("http://s.test/a", content_hash(TEXT))
