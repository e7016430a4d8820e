"""The crawler against a misbehaving multi-host, multilingual site served on 127.0.0.1.

One crawl (module fixture) over four hosts: Vietnamese (robots.txt with a specific group for our
token, wildcards and Crawl-delay), Russian (windows-1251, a wrongly declared charset, redirects,
a loop, a too-long chain, a gzipped sitemap index), Thai (a feed, 404/500, slow and timed-out
pages, oversize bodies, gzip and brotli bombs, binary files, a 503 with Retry-After) and Arabic
(robots.txt answering 500: nothing may be fetched). The tests check what was fetched, what was
refused and why, request spacing per host, and that the WARC reads back.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlsite import Host, Reply, html
from lingoloom.pipelines.crawl import crawl
from lingoloom.pipelines.crawl.crawler import STATE_FILE
from lingoloom.pipelines.sources.warc import iter_warc_documents
from lingoloom.schemas.crawl import CrawlSettings

VI_DELAY = 0.3
DELAY = 0.1
TOLERANCE = 0.03
RU_TEXT = "Москва — столица России, крупнейший по численности населения город страны."


def _busy_then_ok(state={"calls": 0}):  # noqa: B006 - per-process call counter, intended
    def route(host, handler):
        state["calls"] += 1
        if state["calls"] == 1:
            return Reply(b"busy", 503, {"Content-Type": "text/plain", "Retry-After": "1"})
        return html("<p>ขอบคุณที่รอ บริการพร้อมแล้ว</p>", title="busy")

    return route


def _sites() -> dict[str, Host]:
    vi, ru, th, ar = Host(), Host(), Host(), Host()
    vi.routes.update({
        "/robots.txt": Reply(
            b"User-agent: *\nDisallow: /\n\n"
            b"User-agent: lingoloom-bot\nDisallow: /rieng/\nAllow: /rieng/cong-khai.html\nDisallow: /*.pdf$\n"
            b"Crawl-delay: 0.3\n",
            headers={"Content-Type": "text/plain"},
        ),
        "/": html(
            '<a href="/tin/1.html">1</a> <a href="/tin/2.html?utm_source=fb&amp;fbclid=x#binh-luan">2</a>'
            ' <a href="tin/2.html">2 again</a> <a href="/rieng/bi-mat.html">secret</a>'
            ' <a href="/rieng/cong-khai.html">public</a> <a href="/tai-lieu.pdf">pdf</a>'
            f' <a href="{ru.url("/")}">ru</a> <a href="http://example.com/">outside</a>'
            ' <a href="mailto:toa-soan@example.vn">mail</a> <a rel="nofollow" href="/quang-cao.html">ad</a>',
            title="Tin tức",
        ),
        "/tin/1.html": html('<p>Hà Nội là thủ đô của Việt Nam.</p><a href="/tin/3.html">3</a>'),
        "/tin/2.html": html("<p>Thành phố Hồ Chí Minh là thành phố lớn nhất Việt Nam.</p>"),
        "/tin/3.html": html('<p>Huế từng là kinh đô.</p><a href="/tin/4.html">4</a>'),
        "/tin/4.html": html("<p>Too deep.</p>"),
        "/rieng/cong-khai.html": html("<p>Trang công khai.</p>"),
        "/rieng/bi-mat.html": html("<p>secret</p>"),
        "/tai-lieu.pdf": Reply(b"%PDF-1.4", headers={"Content-Type": "application/pdf"}),
        "/quang-cao.html": html("<p>ad</p>"),
    })
    chain = {f"/r{i}": Reply(status=302, headers={"Location": f"/r{i + 1}"}) for i in range(8)}
    ru.routes.update(chain)
    ru.routes.update({
        "/": html(
            f'<meta charset="windows-1251"><p>{RU_TEXT}</p><a href="/statya.html">s</a>'
            ' <a href="/wrong-charset.html">w</a> <a href="/old">old</a> <a href="/loop-a">loop</a> <a href="/r0">chain</a>',
            charset="windows-1251",
        ),
        "/statya.html": html(f"<p>{RU_TEXT}</p>", charset="windows-1251"),
        "/wrong-charset.html": Reply(
            f"<html><body><p>{RU_TEXT} {RU_TEXT}</p></body></html>".encode("cp1251"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        ),
        "/old": Reply(status=301, headers={"Location": "/new.html"}),
        "/new.html": html("<p>Новая страница.</p>"),
        "/loop-a": Reply(status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Reply(status=302, headers={"Location": "/loop-a"}),
        "/sitemap-index.xml.gz": Reply(
            gzip.compress(
                b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + f"<sitemap><loc>{ru.url('/sitemap-1.xml')}</loc></sitemap></sitemapindex>".encode()
            ),
            headers={"Content-Type": "application/gzip"},
        ),
        "/sitemap-1.xml": Reply(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + f"<url><loc>{ru.url('/iz-karty.html')}</loc></url></urlset>".encode(),
            headers={"Content-Type": "application/xml"},
        ),
        "/iz-karty.html": html("<p>Страница из карты сайта.</p>"),
    })
    th.routes.update({
        "/robots.txt": Reply(b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}),
        "/": html(
            '<a href="/missing.html">404</a> <a href="/error.html">500</a> <a href="/slow.html">slow</a>'
            ' <a href="/timeout.html">timeout</a> <a href="/big.html">big</a> <a href="/big-stream.html">big2</a>'
            ' <a href="/bomb.html">bomb</a> <a href="/bomb-br.html">bomb br</a> <a href="/file.bin">bin</a>'
            ' <a href="/busy.html">busy</a> <a href="/gz.html">gz</a>'
        ),
        "/error.html": Reply(b"oops", 500, {"Content-Type": "text/plain"}),
        "/slow.html": Reply(html("<p>ช้าแต่มาถึง</p>").body, delay=0.3),
        "/timeout.html": Reply(html("<p>never</p>").body, delay=3.0),
        "/big.html": Reply(b"<html>" + b"x" * 300_000),
        "/big-stream.html": Reply(b"<html>" + b"y" * 300_000, send_length=False),
        "/bomb.html": Reply(
            gzip.compress(b"\0" * 10_000_000, 1), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        ),
        "/bomb-br.html": Reply(
            brotli.compress(b"\0" * 10_000_000, quality=4), headers={"Content-Type": "text/html", "Content-Encoding": "br"}
        ),
        "/file.bin": Reply(bytes(range(256)) * 10, headers={"Content-Type": "application/octet-stream"}),
        "/busy.html": _busy_then_ok(),
        "/gz.html": Reply(
            gzip.compress(html("<p>ภาษาไทยบีบอัด</p>").body),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        ),
        "/feed.xml": Reply(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>ข่าว</title>'
            f'<item><title>1</title><link>{th.url("/khao/1.html")}</link></item></channel></rss>'.encode(),
            headers={"Content-Type": "application/rss+xml"},
        ),
        "/atom.xml": Reply(
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b'<entry><title>2</title><link rel="alternate" href="/khao/2.html"/></entry></feed>',
            headers={"Content-Type": "application/atom+xml"},
        ),
        "/khao/1.html": html("<p>ข่าวที่หนึ่ง</p>"),
        "/khao/2.html": html("<p>ข่าวที่สอง</p>"),
    })
    ar.routes.update({
        "/robots.txt": Reply(b"down", 500, {"Content-Type": "text/plain"}),
        "/": html("<p>مرحبا بالعالم</p>"),
    })
    return {"vi": vi, "ru": ru, "th": th, "ar": ar}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    hosts = _sites()
    out = tmp_path_factory.mktemp("crawl")
    settings = CrawlSettings(
        seeds=[hosts[name].url("/") for name in ("vi", "ru", "th", "ar")],
        sitemaps=[hosts["ru"].url("/sitemap-index.xml.gz")],
        feeds=[hosts["th"].url("/feed.xml"), hosts["th"].url("/atom.xml")],
        allow_private_addresses=["127.0.0.1"],
        contact_url="https://example.org/our-crawler",
        delay_seconds=DELAY,
        max_depth=2,
        connect_timeout_seconds=1.0,
        read_timeout_seconds=1.0,
        total_timeout_seconds=1.5,
        max_body_bytes=100_000,
        max_redirects=3,
        max_retries=2,
        backoff_base_seconds=0.2,
    )
    result = crawl(settings, out)
    yield hosts, result, out
    for host in hosts.values():
        host.close()


def _states(out: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(out / STATE_FILE) as db:
        return {url: (state, reason) for url, state, reason in db.execute("SELECT url, state, reason FROM urls")}


def _responses(result) -> dict[str, object]:
    pages = {}
    for path in result.warc_paths:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    pages[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
    return pages


def test_fetches_exactly_the_allowed_pages(crawled):
    hosts, result, _ = crawled
    vi, ru, th = hosts["vi"], hosts["ru"], hosts["th"]
    expected = {
        vi.url("/"), vi.url("/tin/1.html"), vi.url("/tin/2.html"), vi.url("/tin/3.html"), vi.url("/rieng/cong-khai.html"),
        ru.url("/"), ru.url("/statya.html"), ru.url("/wrong-charset.html"), ru.url("/new.html"), ru.url("/iz-karty.html"),
        th.url("/"), th.url("/slow.html"), th.url("/busy.html"), th.url("/gz.html"),
        th.url("/khao/1.html"), th.url("/khao/2.html"),
    }
    assert set(_responses(result)) == expected
    assert result.fetched == len(expected)


def test_refusals_carry_their_reason(crawled):
    hosts, result, out = crawled
    vi, ru, th, ar = hosts["vi"], hosts["ru"], hosts["th"], hosts["ar"]
    states = _states(out)
    expected = {
        vi.url("/rieng/bi-mat.html"): "robots_disallowed",
        vi.url("/tai-lieu.pdf"): "robots_disallowed",
        vi.url("/tin/4.html"): "max_depth",
        "http://example.com/": "out_of_domain",
        ru.url("/loop-b"): "redirect_loop",
        ru.url("/r3"): "too_many_redirects",
        th.url("/missing.html"): "http_404",
        th.url("/error.html"): "http_500",
        th.url("/timeout.html"): "timeout",
        th.url("/big.html"): "too_large",
        th.url("/big-stream.html"): "too_large",
        th.url("/bomb.html"): "decompression_bomb",
        th.url("/bomb-br.html"): "decompression_bomb",
        th.url("/file.bin"): "content_type",
        ar.url("/"): "robots_unavailable",
    }
    assert {url: states[url] for url in expected} == {url: ("refused", r) for url, r in expected.items()}
    assert states[ru.url("/old")] == ("redirected", None)
    assert states[ru.url("/sitemap-index.xml.gz")][0] == "expanded"
    assert result.refused["decompression_bomb"] == 2 and result.refused["robots_unavailable"] == 1
    assert not any(url.startswith("mailto:") for url in states)
    assert vi.url("/quang-cao.html") not in states  # rel=nofollow


def test_never_requests_what_robots_or_scope_forbid(crawled):
    hosts, _, _ = crawled
    assert hosts["vi"].hits("/rieng/bi-mat.html") == 0
    assert hosts["vi"].hits("/tai-lieu.pdf") == 0
    assert [path for _, path, _ in hosts["ar"].log] == ["/robots.txt"] * 3  # 500: retried twice, then given up
    assert hosts["vi"].hits("/robots.txt") == 1


def test_url_variants_are_fetched_once(crawled):
    hosts, _, _ = crawled
    assert hosts["vi"].hits("/tin/2.html") == 1
    assert sum(1 for _, p, _ in hosts["vi"].log if p.startswith("/tin/2.html")) == 1
    assert hosts["ru"].hits("/loop-a") == 1 and hosts["ru"].hits("/loop-b") == 1


def test_requests_per_host_are_spaced(crawled):
    hosts, _, _ = crawled
    for name, delay in (("vi", VI_DELAY), ("th", DELAY), ("ru", DELAY)):
        times = [t for t, _, _ in hosts[name].log]
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(gaps) >= 3
        assert min(gaps) >= delay - TOLERANCE, (name, gaps)
    busy = [t for t, path, _ in hosts["th"].log if path == "/busy.html"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.0 - TOLERANCE  # Retry-After: 1


def test_hosts_are_crawled_in_parallel(crawled):
    hosts, _, _ = crawled
    spans = {name: (host.log[0][0], host.log[-1][0]) for name, host in hosts.items()}
    assert spans["th"][0] < spans["vi"][1] and spans["vi"][0] < spans["th"][1]  # the two slow hosts overlap
    assert spans["ru"][0] < spans["vi"][1]


def test_user_agent_names_us_and_our_contact(crawled):
    hosts, _, _ = crawled
    agents = {agent for host in hosts.values() for _, _, agent in host.log}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("lingoloom-bot/") and "+https://example.org/our-crawler" in agent


def test_warc_reads_back_with_request_response_and_metadata(crawled):
    hosts, result, _ = crawled
    records = []
    for path in result.warc_paths:
        assert path.name.endswith(".warc.gz")
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                records.append((record.rec_type, record.rec_headers, record.content_stream().read()))
    assert all(headers.protocol == "WARC/1.1" for _, headers, _ in records)
    responses = {h.get_header("WARC-Record-ID"): h for t, h, _ in records if t == "response"}
    for kind in ("request", "metadata"):
        linked = {h.get_header("WARC-Concurrent-To") for t, h, _ in records if t == kind}
        assert linked == set(responses)
    meta = {h.get_header("WARC-Target-URI"): json.loads(body) for t, h, body in records if t == "metadata"}
    wrong = meta[hosts["ru"].url("/wrong-charset.html")]
    assert wrong["declared_charset"] == "utf-8" and wrong["declared_was_wrong"] and wrong["charset"] == "cp1251"
    home = meta[hosts["vi"].url("/")]
    assert home["robots"].startswith("allowed") and home["timing"]["total_seconds"] >= 0
    assert hosts["vi"].url("/tin/2.html") in [link[0] for link in home["outlinks"]]


def test_pipeline_reader_gets_decoded_bodies(crawled):
    hosts, result, _ = crawled
    docs = {}
    for path in result.warc_paths:
        with open(path, "rb") as stream:
            docs.update({d.metadata["url"]: d for d in iter_warc_documents(stream, "crawl", str(path))})
    assert len(docs) == result.fetched
    assert "ภาษาไทยบีบอัด".encode() in docs[hosts["th"].url("/gz.html")].metadata["_body"]
    assert RU_TEXT.encode("cp1251") in docs[hosts["ru"].url("/statya.html")].metadata["_body"]
