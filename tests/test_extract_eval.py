"""`lingoloom eval extract`: gold JSONL in, AEB-comparable scores, speed and worst pages out."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest
from typer.testing import CliRunner

from lingoloom.pipelines.cli import app
from lingoloom.pipelines.extract.backends import make_extractor
from lingoloom.pipelines.extract.evaluate import evaluate
from lingoloom.pipelines.extract.gold import GoldPage, convert_folder, read_gold, write_gold
from lingoloom.pipelines.extract.light_metadata import light_metadata

from test_extract_step import PARAGRAPHS, article_html


@pytest.fixture()
def gold_dir(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    with gzip.open(pages / "bridge.html.gz", "wt", encoding="utf-8") as handle:
        handle.write(article_html())
    (pages / "empty.html").write_text("<html><body><select><option>Choose a country</option></select></body></html>")
    rows = [
        {"id": "bridge", "path": "pages/bridge.html.gz", "text": "\n".join(PARAGRAPHS)},
        {"id": "empty", "path": "pages/empty.html", "text": "The article that the page failed to show us."},
    ]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path


def test_evaluate_scores_pages_and_reports_empty_output(gold_dir):
    report = evaluate(make_extractor("trafilatura"), read_gold(gold_dir / "gold.jsonl"))
    by_id = {p.id: p for p in report.pages}
    assert by_id["bridge"].score.recall == 1.0 and by_id["bridge"].status == "ok"
    assert by_id["empty"].output_chars == 0 and by_id["empty"].status == "empty"
    assert report.empty_share == 0.5
    assert report.scores.precision == by_id["bridge"].score.precision  # empty output: recall only
    assert report.scores.recall == pytest.approx(0.5)
    assert report.worst(1)[0].id == "empty"
    assert report.pages_per_second > 0


def test_cli_prints_scores_and_worst_pages(gold_dir):
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(gold_dir / "gold.jsonl"), "--profile", "fast"])
    assert result.exit_code == 0, result.output
    assert "trafilatura/fast" in result.output and "worst pages" in result.output
    assert "50.0%" in result.output  # empty-output share


def test_cli_explains_bad_gold_files(tmp_path):
    (tmp_path / "gold.jsonl").write_text('{"path": "missing.html", "text": "x"}\n')
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(tmp_path / "gold.jsonl")])
    assert result.exit_code == 2 and "does not exist" in result.output
    (tmp_path / "gold.jsonl").write_text('{"text": "no path"}\n')
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(tmp_path / "gold.jsonl")])
    assert result.exit_code == 2 and "gold.jsonl:1" in result.output
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(tmp_path / "gold.jsonl"), "--profile", "nope"])
    assert result.exit_code == 2 and "unknown extraction profile" in result.output


def test_gold_round_trip_keeps_relative_paths(tmp_path):
    html = tmp_path / "site" / "a.html"
    html.parent.mkdir()
    html.write_text("<p>x</p>")
    out = tmp_path / "elsewhere" / "gold.jsonl"
    write_gold([GoldPage(id="a", html_path=html, text="gold", url="https://example.org/a")], out)
    assert json.loads(out.read_text())["path"] == "../site/a.html"
    (page,) = read_gold(out)
    assert page.html_path == html.resolve() and page.text == "gold" and page.url == "https://example.org/a"


def test_light_metadata_reads_declared_tags():
    meta = light_metadata(article_html(), "text")
    assert meta.title == "Alderbrook bridge reopens | The Valley Gazette"
    assert meta.author == "Mira Okafor"
    assert meta.published == "2024-07-03"
    assert meta.canonical_url == "https://gazette.example.org/news/alderbrook-bridge"


def test_resiliparse_backend_same_interface(gold_dir):
    pytest.importorskip("resiliparse")
    extractor = pickle.loads(pickle.dumps(make_extractor("resiliparse")))
    report = evaluate(extractor, read_gold(gold_dir / "gold.jsonl")[:1])
    assert report.scores.recall == 1.0


def test_shared_benchmark_subset_scores_high(shared_data, tmp_path):
    folder = shared_data / "extraction" / "scrapinghub_aeb"
    pages = list(convert_folder(folder))
    assert len(pages) == 181
    write_gold(pages[:10], tmp_path / "aeb.jsonl")
    report = evaluate(make_extractor("trafilatura"), read_gold(tmp_path / "aeb.jsonl"))
    assert report.scores.f1 > 0.9 and report.empty_share == 0.0


def test_cli_builds_gold_from_a_benchmark_folder(shared_data, tmp_path):
    out = tmp_path / "n4k" / "gold.jsonl"
    folder = shared_data / "extraction" / "newspaper4k"
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(out), "--build-from", str(folder),
                                      "--profile", "fast", "--worst", "3", "--limit", "4"])
    assert result.exit_code == 0, result.output
    assert "wrote 23 gold pages" in result.output
    assert len(read_gold(out)) == 23
    assert "(4 pages)" in result.output
