"""The crawler's building blocks on their own: URL canonicalisation, scope, the SSRF guard,
bounded decoding, robots.txt precedence, Retry-After, sitemap/feed/charset parsing."""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import brotli
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from crawlsite import Host, html
from lingoloom.pipelines.crawl import crawl
from lingoloom.pipelines.crawl.parse import decode_body, html_links, parse_feed, parse_sitemap
from lingoloom.pipelines.crawl.politeness import retry_after_seconds
from lingoloom.pipelines.crawl.robots import rules_from_response
from lingoloom.pipelines.crawl.safety import AddressPolicy, BoundedDecoder, Refused
from lingoloom.pipelines.crawl.urls import InvalidURL, Scope, canonicalize
from lingoloom.schemas.crawl import DEFAULT_TRACKING_PARAMS, CrawlSettings


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://Example.COM:80/a/../b/./c.html#top", "http://example.com/b/c.html"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com/p?utm_source=x&b=2&a=1&fbclid=y", "http://example.com/p?a=1&b=2"),
        ("http://example.com/tiếng việt", "http://example.com/ti%E1%BA%BFng%20vi%E1%BB%87t"),
        ("http://example.com/%7Euser", "http://example.com/~user"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
    ],
)
def test_canonical_form(raw, canonical):
    assert canonicalize(raw, tracking_params=DEFAULT_TRACKING_PARAMS) == canonical


def test_relative_links_and_bad_urls():
    assert canonicalize("../x.html?b=1#f", "http://h.example/a/b/c.html") == "http://h.example/a/x.html?b=1"
    for bad in ("mailto:a@b.c", "javascript:void(0)", "ftp://h/x", "http:///nohost", "http://h:99999/"):
        with pytest.raises(InvalidURL):
            canonicalize(bad)


@hyp_settings(max_examples=100, deadline=None)
@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(com|vn|org)", fullmatch=True),
    path=st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6), max_size=4),
    query=st.dictionaries(st.from_regex(r"[a-z_]{1,6}", fullmatch=True), st.text(max_size=5), max_size=3),
    fragment=st.text(max_size=5),
)
def test_canonicalisation_is_idempotent(host, path, query, fragment):
    from urllib.parse import quote, urlencode

    url = f"http://{host}/" + "/".join(quote(p) for p in path) + ("?" + urlencode(query) if query else "") + "#" + quote(fragment)
    once = canonicalize(url, tracking_params=DEFAULT_TRACKING_PARAMS)
    assert canonicalize(once, tracking_params=DEFAULT_TRACKING_PARAMS) == once
    assert "#" not in once


def test_scope_domains_and_patterns():
    scope = Scope(CrawlSettings(allowed_domains=["example.vn"], include_patterns=[r"/tin/"], exclude_patterns=[r"\.pdf$"]))
    assert scope.reason("https://www.example.vn/tin/1.html") is None
    assert scope.reason("https://example.vn/tin/a.pdf") == "excluded_pattern"
    assert scope.reason("https://example.vn/about.html") == "not_included"
    assert scope.reason("https://notexample.vn/tin/1.html") == "out_of_domain"
    assert Scope(CrawlSettings(), ["https://a.example/x"]).domains == ("a.example",)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.169.254", "224.0.0.1",
                "0.0.0.0", "::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1", "fc00::1"],
)
def test_ssrf_guard_refuses_non_public_addresses(address):
    with pytest.raises(Refused) as refused:
        AddressPolicy().check(address)
    assert refused.value.reason == "ssrf_blocked"


def test_ssrf_guard_allows_public_and_explicitly_allowed_addresses():
    AddressPolicy().check("93.184.216.34")
    AddressPolicy(["127.0.0.0/8"]).check("127.0.0.5")
    AddressPolicy(["127.0.0.1"]).check("::ffff:127.0.0.1")
    with pytest.raises(ValueError, match="allow_private_addresses"):
        AddressPolicy(["not-a-network"])


def test_crawler_refuses_loopback_names_and_private_literals_without_connecting(tmp_path):
    host = Host({"/": html("<p>internal admin</p>")})
    try:
        port = host.base.rsplit(":", 1)[1]
        settings = CrawlSettings(seeds=[f"http://localhost:{port}/", "http://10.255.255.1/", "http://[::1]:1/"],
                                 delay_seconds=0)
        result = crawl(settings, tmp_path)
        assert result.fetched == 0 and result.refused == {"ssrf_blocked": 3}
        assert host.log == []
    finally:
        host.close()


def _decode(encoding: str, payload: bytes, max_bytes: int = 10**7, ratio: float = 100.0) -> bytes:
    decoder = BoundedDecoder(encoding, max_bytes, ratio)
    for start in range(0, len(payload), 1000):
        decoder.feed(payload[start : start + 1000])
    return decoder.finish()


@given(st.binary(max_size=5000))
def test_decoder_round_trips_every_encoding(data):
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    encoded = {
        "gzip": gzip.compress(data),
        "deflate": zlib.compress(data),
        "br": brotli.compress(data),
        "identity": data,
    }
    for encoding, payload in encoded.items():
        assert _decode(encoding, payload) == data
    assert _decode("deflate", raw_deflate.compress(data) + raw_deflate.flush()) == data


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decoder_stops_bombs_early(encoding):
    zeros = b"\0" * 12_000_000
    payload = {"gzip": gzip.compress, "deflate": zlib.compress, "br": lambda d: brotli.compress(d, quality=1)}[encoding](zeros)
    decoder = BoundedDecoder(encoding, 10_000_000, 100.0)
    with pytest.raises(Refused) as refused:
        for start in range(0, len(payload), 4096):
            decoder.feed(payload[start : start + 4096])
        decoder.finish()
    assert refused.value.reason == "decompression_bomb"
    assert decoder.produced <= 2 * 1024 * 1024  # stopped by the ratio test, long before the 10 MB cap


def test_decoder_refuses_unknown_and_corrupt_encodings():
    with pytest.raises(Refused, match="unsupported_encoding"):
        BoundedDecoder("compress", 100, 10)
    with pytest.raises(Refused, match="bad_encoding"):
        _decode("gzip", b"\x1f\x8b\x08\x00garbage-garbage-garbage")


ROBOTS = b"""
User-agent: *
Disallow: /

User-agent: lingoloom-bot
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/open*
Crawl-delay: 4

Sitemap: https://h.example/sitemap.xml
"""


def test_robots_specific_group_before_star_with_wildcards():
    rules = rules_from_response(200, ROBOTS)
    token = "lingoloom-bot"
    assert rules.allowed("https://h.example/news/1.html", token)
    assert not rules.allowed("https://h.example/private/x.html", token)
    assert rules.allowed("https://h.example/private/open-data.html", token)
    assert not rules.allowed("https://h.example/doc.pdf", token)
    assert rules.allowed("https://h.example/doc.pdf?download=1", token)
    assert not rules.allowed("https://h.example/news/1.html", "otherbot")
    assert rules.crawl_delay(token) == 4 and rules.sitemaps == ["https://h.example/sitemap.xml"]


def test_robots_unreadable_follows_rfc_9309():
    assert rules_from_response(404, b"").allowed("https://h.example/x", "lingoloom-bot")
    assert not rules_from_response(503, b"").allowed("https://h.example/x", "lingoloom-bot")
    assert not rules_from_response(None, b"").allowed("https://h.example/x", "lingoloom-bot")
    assert rules_from_response(503, b"").refusal() == "robots_unavailable"


def test_retry_after_forms():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_sitemaps_index_gzip_text_and_hostile_xml():
    index = gzip.compress(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          b"<sitemap><loc> https://h.example/s1.xml </loc></sitemap></sitemapindex>")
    assert parse_sitemap(index, 10**6).sitemaps == ["https://h.example/s1.xml"]
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://h.example/a</loc></url></urlset>'
    assert parse_sitemap(urlset, 10**6).pages == ["https://h.example/a"]
    assert parse_sitemap(b"https://h.example/1\nhttps://h.example/2\n", 10**6).pages == ["https://h.example/1", "https://h.example/2"]
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<urlset><url><loc>&e;</loc></url></urlset>')
    assert all("root:" not in page for page in parse_sitemap(xxe, 10**6).pages)
    assert parse_sitemap(gzip.compress(b"\0" * 5_000_000), 1_000_000).pages == []


def test_feeds_rss_and_atom():
    rss = b"<rss><channel><item><link>https://h.example/1</link></item><item><link> /2 </link></item></channel></rss>"
    assert parse_feed(rss, "https://h.example/feed") == ["https://h.example/1", "https://h.example/2"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/a"/>'
            b'<link rel="edit" href="/edit"/></entry></feed>')
    assert parse_feed(atom, "https://h.example/feed") == ["https://h.example/a"]
    assert parse_feed(b"not xml at all", "https://h.example/") == []


@hyp_settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=3000), content_type=st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                                                   "text/html; charset=bogus-9", "text/html; charset=utf-16"]))
def test_parsers_never_raise_on_arbitrary_bytes(body, content_type):
    decoded = decode_body(body, content_type)
    assert isinstance(decoded.text, str)
    html_links(decoded.text, "http://h.example/")
    parse_sitemap(body, 10**6)
    parse_feed(body, "http://h.example/")


def test_charset_declared_detected_and_wrong():
    text = "Xin chào, đây là một trang tiếng Việt có dấu đầy đủ. " * 5
    assert decode_body(text.encode(), "text/html; charset=utf-8").charset == "utf-8"
    legacy = "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 5
    meta = b'<meta charset="windows-1251">' + legacy.encode("cp1251")
    decoded = decode_body(meta, "text/html")
    assert decoded.charset == "cp1251" and legacy in decoded.text and not decoded.declared_was_wrong
    wrong = decode_body(legacy.encode("cp1251"), "text/html; charset=utf-8")
    assert wrong.declared_was_wrong and wrong.charset == "cp1251" and legacy in wrong.text
