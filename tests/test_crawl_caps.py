"""Page caps (per host and in total) hold and survive a restart; per-host concurrency and the
Crawl-delay cap hold; robots.txt sitemaps, seed files and URL patterns work; 429 answers and a
robots.txt outage are retried; one crawler per folder."""

from __future__ import annotations

import pytest

from crawlsite import Host, Reply, html
from lingoloom.pipelines.crawl import crawl
from lingoloom.pipelines.crawl.crawler import exclusive
from lingoloom.schemas.crawl import CrawlSettings


def _host(pages: int = 5) -> Host:
    host = Host()
    host.routes["/"] = html("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(pages)))
    for i in range(pages):
        host.routes[f"/p{i}.html"] = html(f"<p>page {i}</p>")
    return host


def test_caps_hold_and_a_restart_with_higher_caps_continues(tmp_path):
    hosts = [_host(), _host()]
    try:
        base = dict(seeds=[h.url("/") for h in hosts], allow_private_addresses=["127.0.0.1"], delay_seconds=0)
        first = crawl(CrawlSettings(**base, max_pages_per_host=2, max_pages=3), tmp_path)
        assert first.fetched == 3 and first.queued > 0
        assert all(sum(1 for _, p, _ in h.log if p != "/robots.txt") <= 2 for h in hosts)
        second = crawl(CrawlSettings(**base, max_pages_per_host=100, max_pages=100), tmp_path)
        assert second.fetched == 12 and second.queued == 0
        for host in hosts:
            pages = [p for _, p, _ in host.log if p != "/robots.txt"]
            assert len(pages) == len(set(pages)) == 6  # nothing fetched twice across the restart
    finally:
        for host in hosts:
            host.close()


def test_robots_sitemaps_and_429_retry_after(tmp_path):
    host = Host()
    calls = {"n": 0}

    def limited(_host, _handler):
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(b"slow down", 429, {"Content-Type": "text/plain", "Retry-After": "1"})
        return html("<p>ok now</p>")

    try:
        host.routes.update({
            "/robots.txt": Reply(f"User-agent: *\nAllow: /\nSitemap: {host.url('/sm.xml')}\n".encode(),
                                 headers={"Content-Type": "text/plain"}),
            "/": html("<p>home</p>"),
            "/sm.xml": Reply(f"<urlset><url><loc>{host.url('/from-sitemap.html')}</loc></url></urlset>".encode(),
                             headers={"Content-Type": "application/xml"}),
            "/from-sitemap.html": Reply(status=302, headers={"Location": "/limited.html"}),
            "/limited.html": limited,
        })
        settings = CrawlSettings(seeds=[host.url("/")], robots_sitemaps=True, allow_private_addresses=["127.0.0.1"],
                                 delay_seconds=0)
        result = crawl(settings, tmp_path)
        assert result.fetched == 2 and result.expanded == 1 and result.redirected == 1
        hits = [t for t, p, _ in host.log if p == "/limited.html"]
        assert len(hits) == 2 and hits[1] - hits[0] >= 0.97
    finally:
        host.close()


def test_per_host_concurrency_is_a_ceiling_and_is_used(tmp_path):
    host = _host(8)
    for i in range(8):
        host.routes[f"/p{i}.html"].delay = 0.2
    try:
        settings = CrawlSettings(seeds=[host.url("/")], allow_private_addresses=["127.0.0.1"], delay_seconds=0,
                                 per_host_concurrency=2)
        assert crawl(settings, tmp_path).fetched == 9
        assert host.max_in_flight == 2
    finally:
        host.close()


def test_crawl_delay_is_capped(tmp_path):
    host = _host(3)
    host.routes["/robots.txt"] = Reply(b"User-agent: *\nCrawl-delay: 3600\n", headers={"Content-Type": "text/plain"})
    try:
        settings = CrawlSettings(seeds=[host.url("/")], allow_private_addresses=["127.0.0.1"], delay_seconds=0,
                                 max_crawl_delay_seconds=0.2)
        assert crawl(settings, tmp_path).fetched == 4
        times = [t for t, _, _ in host.log]
        assert all(0.17 <= b - a < 2 for a, b in zip(times, times[1:]))
    finally:
        host.close()


def test_a_passing_robots_outage_costs_a_delay_not_the_site(tmp_path):
    host = _host(2)
    calls = {"n": 0}

    def robots(_host, _handler):
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(b"busy", 503, {"Content-Type": "text/plain"})
        return Reply(b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})

    host.routes["/robots.txt"] = robots
    try:
        settings = CrawlSettings(seeds=[host.url("/")], allow_private_addresses=["127.0.0.1"], delay_seconds=0,
                                 backoff_base_seconds=0.3)
        result = crawl(settings, tmp_path)
        assert result.fetched == 3 and result.refused == {}
        robots_times = [t for t, p, _ in host.log if p == "/robots.txt"]
        assert len(robots_times) == 2 and robots_times[1] - robots_times[0] >= 0.27
    finally:
        host.close()


def test_seed_file_and_url_patterns(tmp_path):
    host = _host(4)
    try:
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"# seed list\n{host.url('/p0.html')}  # first\n\n{host.url('/')}\n")
        settings = CrawlSettings(seed_files=[str(seeds)], allow_private_addresses=["127.0.0.1"], delay_seconds=0,
                                 exclude_patterns=[r"/p[23]\.html$"])
        result = crawl(settings, tmp_path / "out")
        assert result.fetched == 3 and result.refused == {"excluded_pattern": 2}
        assert host.hits("/p2.html") == host.hits("/p3.html") == 0
    finally:
        host.close()


def test_a_second_crawler_in_the_same_folder_is_refused(tmp_path):
    with exclusive(tmp_path):
        with pytest.raises(RuntimeError, match="another crawl is running"):
            crawl(CrawlSettings(seeds=["http://127.0.0.1:9/"]), tmp_path)
