"""Beam sources read WARC, JSONL and Parquet inputs into the same raw records as the local reader."""

from __future__ import annotations

import gzip
import json

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from lingoloom.pipelines.engines.beam_adapter import stats_from_metrics
from lingoloom.pipelines.sources.beam_io import ReadInputs
from lingoloom.pipelines.sources.inputs import InputFile, InputReader
from lingoloom.schemas.config import TableInput
from warc_factory import response_record_bytes


def _run(files, expected_rows):
    """Run ReadInputs on the FnApiRunner, assert its (url, text, body, source) rows, return the read stats."""
    options = PipelineOptions(["--direct_num_workers=1", "--direct_running_mode=in_memory"])
    with beam.Pipeline(runner="FnApiRunner", options=options) as pipeline:
        records = pipeline | ReadInputs(files)
        rows = records | beam.Map(lambda e: (e["url"], e["text"], e.get("_body"), e["source"]))
        assert_that(rows, equal_to(expected_rows))
    return stats_from_metrics(pipeline.result)["read"]


def _local(files):
    reader = InputReader(files)
    docs = list(reader.run(None))
    rows = sorted(((d.metadata["url"], d.text, d.metadata.get("_body"), d.metadata["source"]) for d in docs),
                  key=lambda r: r[0] or "")
    stats = {k: int(v.total) for k, v in reader.stats.stats.items()}
    return rows, stats


@pytest.fixture()
def warc_files(tmp_path):
    first = tmp_path / "a.warc.gz"
    first.write_bytes(
        response_record_bytes("https://example.org/one", b"<html><p>one</p></html>")
        + response_record_bytes("https://example.org/missing", b"gone", status="404 Not Found")
        + response_record_bytes("https://example.org/two", "<p>deux é</p>".encode())
    )
    second = tmp_path / "b.warc"
    second.write_bytes(response_record_bytes("https://example.net/three", b"<p>three</p>", gzip=False))
    return tmp_path


def test_warc_glob_reads_like_the_local_reader(warc_files):
    files = [InputFile(str(warc_files / "*.warc*"), "warc", "test-crawl")]
    local_files = [InputFile(str(p), "warc", "test-crawl") for p in sorted(warc_files.glob("*.warc*"))]
    local_rows, local_stats = _local(local_files)
    assert [r[0] for r in local_rows] == ["https://example.net/three", "https://example.org/one",
                                          "https://example.org/two"]
    beam_stats = _run(files, local_rows)
    assert beam_stats == local_stats
    assert beam_stats["dropped/http_status_404/und"] == 1 and beam_stats["kept"] == 3


def test_jsonl_and_parquet_tables(tmp_path):
    lines = [json.dumps({"body": "hello", "link": "https://a.example/1"}), "{not json", "",
             json.dumps({"link": "https://a.example/2"}), json.dumps({"body": "<p>hi</p>", "link": None})]
    with gzip.open(tmp_path / "rows.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    pq.write_table(pa.table({"html": ["<p>x</p>", None], "url": ["https://b.example/", "https://b.example/n"]}),
                   tmp_path / "pages.parquet")
    jsonl = TableInput(type="jsonl", paths=[str(tmp_path / "*.jsonl.gz")], content_field="body", url_field="link",
                       source="dump")
    parquet = TableInput(type="parquet", paths=[str(tmp_path / "pages.parquet")], content="html",
                         content_field="html", source="pages")
    files = [InputFile(jsonl.paths[0], "jsonl", "dump", jsonl), InputFile(parquet.paths[0], "parquet", "pages", parquet)]
    stats = _run(files, [
        (None, "<p>hi</p>", None, "dump"),
        ("https://a.example/1", "hello", None, "dump"),
        ("https://b.example/", "", b"<p>x</p>", "pages"),
    ])
    assert stats["dropped/malformed_json/und"] == 1
    assert stats["dropped/missing_content_field/und"] == 2
    assert stats["in"] == 6 and stats["kept"] == 3


def test_missing_input_names_the_pattern(tmp_path):
    with pytest.raises(Exception, match="matches no file"):
        _run([InputFile(str(tmp_path / "nothing-*.warc.gz"), "warc", "x")], [])
