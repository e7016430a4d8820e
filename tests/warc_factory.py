"""Build small real WARC files for tests (warcio writer), including deliberately damaged records."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def response_record_bytes(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                          status: str = "200 OK", gzip: bool = True, date: str = "2024-05-01T12:00:00Z") -> bytes:
    """One WARC response record (its own gzip member when ``gzip``)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip, warc_version="WARC/1.1")
    http = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)
    return buffer.getvalue()


def write_warc(path: Path, pages: list[tuple[str, bytes] | tuple[str, bytes, str]], gzip: bool = True) -> Path:
    """Write ``pages`` (url, body[, content type]) as a WARC file."""
    with open(path, "wb") as out:
        for page in pages:
            url, body = page[0], page[1]
            content_type = page[2] if len(page) > 2 else "text/html; charset=utf-8"
            out.write(response_record_bytes(url, body, content_type, gzip=gzip))
    return path
