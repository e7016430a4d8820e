"""The WARC reader survives damaged archives and counts every record it cannot use."""

from __future__ import annotations

import io

from warc_factory import response_record_bytes

from lingoloom.pipelines.sources.warc import iter_warc_documents


def read(data: bytes, **kwargs):
    drops: list[str] = []
    docs = list(iter_warc_documents(io.BytesIO(data), "test", "mem", on_drop=drops.append, **kwargs))
    return docs, drops


def test_reads_plain_and_gzipped_responses_with_metadata():
    for gzip in (True, False):
        data = response_record_bytes("https://www.example.co.uk/a", b"<p>hello</p>", gzip=gzip)
        docs, drops = read(data)
        assert drops == []
        (doc,) = docs
        assert doc.metadata["_body"] == b"<p>hello</p>"
        assert doc.metadata["domain"] == "example.co.uk" and doc.metadata["tld"] == "co.uk"
        assert doc.metadata["warc_record_id"].startswith("<urn:uuid:")
        assert doc.metadata["_content_type"].startswith("text/html")


def test_corrupt_gzip_member_is_counted_and_reading_resumes():
    good1 = response_record_bytes("http://a.test/1", b"one")
    bad = bytearray(response_record_bytes("http://a.test/2", b"two" * 200))
    bad[30:70] = b"\x00" * 40
    good3 = response_record_bytes("http://a.test/3", b"three")
    docs, drops = read(good1 + bytes(bad) + good3)
    assert [d.metadata["url"] for d in docs] == ["http://a.test/1", "http://a.test/3"]
    assert drops == ["malformed_record"]


def test_truncated_file_is_counted_not_raised():
    data = response_record_bytes("http://a.test/1", b"one") + response_record_bytes("http://a.test/2", b"two" * 500)
    docs, drops = read(data[:-200])
    assert [d.metadata["url"] for d in docs] == ["http://a.test/1"]
    assert drops == ["malformed_record"]


def test_http_errors_and_oversize_bodies_are_drops_with_reasons():
    data = (response_record_bytes("http://a.test/404", b"missing", status="404 Not Found")
            + response_record_bytes("http://a.test/big", b"x" * 5000)
            + response_record_bytes("http://a.test/ok", b"fine"))
    docs, drops = read(data, max_body_bytes=1000)
    assert [d.metadata["url"] for d in docs] == ["http://a.test/ok"]
    assert sorted(drops) == ["http_status_404", "oversize_body"]


def test_non_seekable_stream_is_read():
    data = response_record_bytes("http://a.test/1", b"one") + response_record_bytes("http://a.test/2", b"two")

    class OneWay(io.RawIOBase):
        def __init__(self, payload):
            self._inner = io.BytesIO(payload)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    docs = list(iter_warc_documents(OneWay(data), "test"))
    assert [d.metadata["url"] for d in docs] == ["http://a.test/1", "http://a.test/2"]


def test_junk_between_records_loses_no_later_record():
    for gzip in (True, False):
        first = response_record_bytes("http://a.test/1", b"one", gzip=gzip)
        last = response_record_bytes("http://a.test/3", b"three", gzip=gzip)
        for junk in (b"stray bytes\n", b"\n\n", b"\r\n\r\n\r\n", b"\x00" * 40):
            docs, drops = read(first + junk + last)
            assert [d.metadata["url"] for d in docs] == ["http://a.test/1", "http://a.test/3"], (gzip, junk)
            assert drops in ([], ["malformed_record"]), (gzip, junk, drops)
