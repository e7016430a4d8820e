"""`lingoloom crawl CONFIG` end to end, and the shipped run definitions load and resolve."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from crawlsite import Host, html
from lingoloom.pipelines.cli import app
from lingoloom.pipelines.commoncrawl import paths_file_url
from lingoloom.schemas.config import CommonCrawlInput, CrawlInput, load_run_config

RUNS = Path(__file__).resolve().parents[1] / "runs"


def test_shipped_run_definitions_resolve():
    sample = load_run_config(RUNS / "commoncrawl-sample.yaml")
    (cc,) = sample.inputs
    assert isinstance(cc, CommonCrawlInput) and cc.commoncrawl.sample_files >= 1
    assert paths_file_url(cc.commoncrawl) == f"https://data.commoncrawl.org/crawl-data/{cc.commoncrawl.dump}/warc.paths.gz"
    assert sample.langid.languages == []  # all languages

    vie = load_run_config(RUNS / "vie-crawl.yaml")
    (spec,) = vie.inputs
    assert isinstance(spec, CrawlInput)
    crawl = spec.crawl
    assert crawl.robots_sitemaps and crawl.feeds and len(crawl.seeds) >= 5
    assert all(url.startswith("https://") for url in crawl.seeds + crawl.feeds)
    assert crawl.delay_seconds >= 1 and crawl.allow_private_addresses == []
    assert vie.langid.languages == ["vie_Latn"]


def test_crawl_command_crawls_and_a_second_run_fetches_nothing(tmp_path):
    host = Host({
        "/": html('<p>Xin chào</p><a href="/a.html">a</a>'),
        "/a.html": html("<p>Trang A</p>"),
    })
    try:
        config = tmp_path / "site.yaml"
        config.write_text(yaml.safe_dump({
            "name": "site",
            "inputs": [{"type": "crawl", "crawl": {
                "seeds": [host.url("/")], "allow_private_addresses": ["127.0.0.1"], "delay_seconds": 0}}],
        }))
        out = tmp_path / "out"
        runner = CliRunner()
        first = runner.invoke(app, ["crawl", str(config), "--out", str(out)])
        assert first.exit_code == 0, first.output
        assert "fetched pages" in first.output and "2" in first.output
        warcs = list((out / "work" / "crawl-0" / "warc").glob("*.warc.gz"))
        assert len(warcs) == 1
        requests = len(host.log)
        second = runner.invoke(app, ["crawl", str(config), "--out", str(out)])
        assert second.exit_code == 0, second.output
        assert len(host.log) == requests  # everything already settled: no request at all
        bad = runner.invoke(app, ["crawl", str(config), "--out", str(out), "--engine", "nope"])
        assert bad.exit_code != 0
    finally:
        host.close()
