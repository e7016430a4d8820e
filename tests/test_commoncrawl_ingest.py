"""Common Crawl ingestion against a local mirror and a local HTTP server that throttles.

Covers: reading ``warc.paths.gz``/``wet.paths.gz`` and choosing files deterministically; streaming
from https-like URLs through 503 "Slow Down" answers (retried with backoff) and from a local
mirror; resuming a broken stream at the right byte; WET records arriving as already-extracted
text; and FastWARC and warcio returning the same Documents from the same files.
"""

from __future__ import annotations

import gzip
import io
import random

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlsite import Host
from lingoloom.pipelines.commoncrawl import (
    RetryingReader,
    choose_paths,
    iter_commoncrawl_file,
    iter_documents,
    open_with_retries,
    read_paths,
    sample_paths,
)
from lingoloom.schemas.crawl import CommonCrawlSettings

DUMP = "CC-MAIN-2024-51"
PAGES = {
    "https://vi.example/tin.html": "<html><body><p>Hà Nội mùa thu.</p></body></html>",
    "https://sw.example/habari.html": "<html><body><p>Habari za asubuhi.</p></body></html>",
    "https://ar.example/": "<html><body><p>مرحبا بالعالم</p></body></html>",
}


def _chunked(data: bytes, size: int = 7) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def make_warc(index: int) -> bytes:
    """A Common-Crawl-like WARC: warcinfo, request/response/metadata per page (one gzip+chunked
    on the wire), a 404, a revisit."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record(f"file-{index}.warc.gz", {"software": "test"}))
    for n, (url, page) in enumerate(PAGES.items()):
        body = page.encode("utf-8")
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if n == 0:
            body = _chunked(gzip.compress(body))
            headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
        else:
            headers += [("Content-Length", str(len(body)))]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(f"{url}?f={index}", "response", payload=io.BytesIO(body), http_headers=http)
        request = writer.create_warc_record(
            f"{url}?f={index}", "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True),
        )
        writer.write_record(request)
        writer.write_record(record)
        writer.write_record(writer.create_warc_record(f"{url}?f={index}", "metadata", payload=io.BytesIO(b"fetchTimeMs: 5\r\n"),
                                                      warc_content_type="application/warc-fields"))
    missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://vi.example/gone", "response", payload=io.BytesIO(b"gone"), http_headers=missing))
    return buffer.getvalue()


def make_wet(index: int) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.0")
    writer.write_record(writer.create_warcinfo_record(f"file-{index}.warc.wet.gz", {"software": "test"}))
    texts = {"https://vi.example/tin.html": "Hà Nội mùa thu.", "https://sw.example/habari.html": "Habari za asubuhi.",
             "https://empty.example/": "   "}
    for url, text in texts.items():
        writer.write_record(writer.create_warc_record(
            url, "conversion", payload=io.BytesIO(text.encode("utf-8")), warc_content_type="text/plain"))
    return buffer.getvalue()


def _path(kind: str, index: int) -> str:
    suffix = "warc.wet.gz" if kind == "wet" else "warc.gz"
    folder = "wet" if kind == "wet" else "warc"
    return f"crawl-data/{DUMP}/segments/1733066035857.{index}/{folder}/CC-MAIN-2024-{index:05d}.{suffix}"


def _files(kind: str, count: int = 6) -> dict[str, bytes]:
    make = make_wet if kind == "wet" else make_warc
    return {_path(kind, i): make(i) for i in range(count)}


def _paths_file(files: dict[str, bytes]) -> bytes:
    return gzip.compress("\n".join(files).encode() + b"\n")


@pytest.fixture
def mirror(tmp_path):
    for kind in ("warc", "wet"):
        files = _files(kind)
        for rel, data in files.items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp_path / f"crawl-data/{DUMP}/{kind}.paths.gz").write_bytes(_paths_file(files))
    return tmp_path


def test_sample_is_deterministic_and_spread(mirror):
    settings = CommonCrawlSettings(dump=DUMP, base_url=str(mirror), sample_files=3, seed=7)
    first, again = sample_paths(settings), sample_paths(settings)
    assert first == again and len(first) == 3 and first == sorted(first)
    assert all(path.startswith(str(mirror)) for path in first)
    listed = read_paths(settings)
    assert choose_paths(listed, 3, 7) == choose_paths(list(reversed(listed)), 3, 7)
    by_seed = {tuple(choose_paths(listed, 3, seed)) for seed in range(10)}
    assert len(by_seed) > 1  # the seed matters
    assert choose_paths(listed, 100, 0) == sorted(listed)


def test_local_mirror_wet_documents_skip_extraction(mirror):
    settings = CommonCrawlSettings(dump=DUMP, base_url=str(mirror), kind="wet", sample_files=2)
    drops: list[str] = []
    docs = []
    for path in sample_paths(settings):
        with open_with_retries(path, settings) as stream:
            docs += list(iter_documents(stream, settings.dump, path, on_drop=drops.append))
    assert len(docs) == 4 and drops == ["empty_body", "empty_body"]
    assert all(d.metadata["_is_extracted_text"] and d.text for d in docs)
    assert {d.text for d in docs} == {"Hà Nội mùa thu.", "Habari za asubuhi."}
    assert {d.metadata["source"] for d in docs} == {DUMP}


def test_one_file_with_a_record_limit(mirror):
    settings = CommonCrawlSettings(dump=DUMP, base_url=str(mirror), sample_files=1, max_records_per_file=2)
    (url,) = sample_paths(settings)
    docs = list(iter_commoncrawl_file(url, settings))
    assert len(docs) == 2 and all(d.metadata["source"] == DUMP and d.metadata["_body"] for d in docs)


def test_https_stream_survives_slow_down_answers():
    host = Host()
    try:
        files = _files("warc", 3)
        for n, (rel, data) in enumerate(files.items()):
            host.serve_file("/" + rel, data, fail_first=3 if n == 0 else 0)
        host.serve_file(f"/crawl-data/{DUMP}/warc.paths.gz", _paths_file(files), fail_first=2)
        settings = CommonCrawlSettings(dump=DUMP, base_url=host.base + "/", sample_files=3,
                                       backoff_base_seconds=0.01, backoff_max_seconds=0.05)
        urls = sample_paths(settings)
        assert urls == sorted(host.url("/" + rel) for rel in files)
        drops: list[str] = []
        docs = []
        for url in urls:
            with open_with_retries(url, settings) as stream:
                docs += list(iter_documents(stream, DUMP, url, on_drop=drops.append))
        assert len(docs) == 9 and drops == ["http_status_404"] * 3
        assert host.hits("/" + next(iter(files))) >= 4  # three 503s, then success
        first = next(d for d in docs if d.metadata["url"].startswith("https://vi.example/tin.html"))
        assert first.metadata["_body"] == PAGES["https://vi.example/tin.html"].encode()
    finally:
        host.close()


def test_gives_up_after_max_retries_with_a_clear_error(caplog):
    host = Host()
    try:
        host.serve_file("/always-busy.warc.gz", b"x", fail_first=100)
        settings = CommonCrawlSettings(max_retries=2, backoff_base_seconds=0.001, backoff_max_seconds=0.001)
        with pytest.raises(OSError, match=r"always-busy.warc.gz at byte 0 failed after 2 retries: .*503"):
            open_with_retries(host.url("/always-busy.warc.gz"), settings).read()
        assert len([r for r in caplog.records if "retry" in r.getMessage()]) == 2
    finally:
        host.close()


def test_broken_stream_resumes_at_the_right_byte(tmp_path):
    data = make_warc(1) * 3
    path = tmp_path / "f.warc.gz"
    path.write_bytes(data)
    opened: list[int] = []

    class Flaky(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 1000 and len(opened) < 3:
                raise ConnectionResetError("reset by peer")
            return super().read(size)

    def opener(url, offset):
        opened.append(offset)
        handle = Flaky(path.read_bytes())
        handle.seek(offset)
        return handle

    waits: list[float] = []
    reader = RetryingReader(str(path), max_retries=5, opener=opener, sleep=waits.append, rng=random.Random(1))
    out = io.BufferedReader(reader, buffer_size=300).read()
    assert out == data
    assert opened[0] == 0 and all(offset >= 1000 for offset in opened[1:]) and reader.retries == 2
    assert all(0 <= w <= 2.0 for w in waits)


@pytest.mark.parametrize("kind", ["warc", "wet"])
def test_fastwarc_and_warcio_give_the_same_documents(kind, tmp_path):
    pytest.importorskip("fastwarc")
    data = next(iter(_files(kind, 1).values()))
    results = {}
    for reader in ("fastwarc", "warcio"):
        drops: list[str] = []
        docs = list(iter_documents(io.BytesIO(data), "cc", "origin", reader=reader, on_drop=drops.append))
        results[reader] = ([(d.id, d.text, d.metadata) for d in docs], drops)
    assert results["fastwarc"] == results["warcio"]
    assert len(results["warcio"][0]) == (2 if kind == "wet" else 3)
