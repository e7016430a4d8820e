"""The Beam crawl (FnApiRunner, never Prism) fetches what the local crawl fetches, politely.

Three hosts in three languages link to each other; one has a robots.txt rule. The job runs host
by host in rounds; the test checks it fetches the same pages as the local asyncio crawler, each
page once, keeps per-host spacing, and writes WARC that reads back.
"""

from __future__ import annotations

import sqlite3

from warcio.archiveiterator import ArchiveIterator

from crawlsite import Host, Reply, html
from lingoloom.pipelines.crawl import crawl
from lingoloom.pipelines.crawl.beam import run_beam_crawl
from lingoloom.schemas.crawl import CrawlSettings

DELAY = 0.05
TOLERANCE = 0.02


def _site() -> list[Host]:
    vi, sw, yo = Host(), Host(), Host()
    vi.routes.update({
        "/": html(f'<p>Tin tức</p><a href="/a.html">a</a><a href="{sw.url("/")}">sw</a><a href="/cam/x.html">x</a>'),
        "/a.html": html(f'<p>Hà Nội</p><a href="{yo.url("/ile.html")}">yo</a>'),
        "/cam/x.html": html("<p>forbidden</p>"),
        "/robots.txt": Reply(b"User-agent: *\nDisallow: /cam/\n", headers={"Content-Type": "text/plain"}),
    })
    sw.routes.update({
        "/": html(f'<p>Habari</p><a href="/b.html">b</a><a href="{vi.url("/a.html")}">vi</a>'),
        "/b.html": html(f'<p>Nairobi</p><a href="{yo.url("/")}">yo</a>'),
    })
    yo.routes.update({
        "/": html('<p>Ẹ kú àárọ̀</p><a href="/ile.html">ile</a>'),
        "/ile.html": html(f'<p>Ilé</p><a href="{vi.url("/")}">vi</a>'),
    })
    return [vi, sw, yo]


def _warc_urls(paths) -> list[str]:
    urls = []
    for path in paths:
        with open(path, "rb") as stream:
            urls += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream) if r.rec_type == "response"]
    return urls


def test_beam_crawl_matches_the_local_crawl(tmp_path):
    hosts = _site()
    try:
        settings = CrawlSettings(seeds=[hosts[0].url("/")], allowed_domains=["127.0.0.1"],
                                 allow_private_addresses=["127.0.0.1"], delay_seconds=DELAY, max_depth=4)
        local = crawl(settings, tmp_path / "local")
        start = [len(h.log) for h in hosts]
        result = run_beam_crawl(settings, tmp_path / "beam", workers=1,
                                pipeline_args=["--direct_running_mode=in_memory"])
        beam_urls = _warc_urls(result.warc_paths)
        assert len(beam_urls) == len(set(beam_urls)) == 6
        assert set(beam_urls) == set(_warc_urls(local.warc_paths))
        assert result.fetched == local.fetched == 6
        assert result.refused == local.refused == {"robots_disallowed": 1}
        for host, first in zip(hosts, start):
            pages = [path for _, path, _ in host.log[first:] if path != "/robots.txt"]
            assert len(pages) == len(set(pages))  # each page requested once
            log = host.log[first:]
            gaps = [(round(b[0] - a[0], 3), a[1], b[1]) for a, b in zip(log, log[1:])]
            assert all(gap >= DELAY - TOLERANCE for gap, _, _ in gaps), gaps
        with sqlite3.connect(tmp_path / "local" / "crawl-state.sqlite") as db:
            assert db.execute("SELECT COUNT(*) FROM urls WHERE state = 'fetched'").fetchone()[0] == 6
    finally:
        for host in hosts:
            host.close()
