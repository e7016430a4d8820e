"""Raw Documents from a WARC/WET stream with FastWARC when installed, warcio otherwise.

Why it exists: parsing dominates the cost of reading Common Crawl (a dump is ~90,000 files of
~1 GB); FastWARC parses several times faster than warcio (figures in BENCHMARKS.md) but is an
optional compiled dependency. Both backends return the same Documents (a test holds them to
it), built by the same rules as :func:`lingoloom.pipelines.sources.warc.iter_warc_documents`:
2xx responses with their decoded body, WET ``conversion`` records as already-extracted text
(``_is_extracted_text=True``: extraction passes them through), a counted drop for the rest.
"""

from __future__ import annotations

import importlib.util
import itertools
from typing import BinaryIO, Iterator, Literal

from datatrove.data import Document

from lingoloom.pipelines.crawl.safety import BoundedDecoder, Refused
from lingoloom.pipelines.sources.warc import DEFAULT_MAX_BODY_BYTES, DropCounter, iter_warc_documents
from lingoloom.pipelines.urls import domain_and_tld
from lingoloom.schemas.crawl import CommonCrawlSettings

Reader = Literal["auto", "fastwarc", "warcio"]


def _ignore(_: str) -> None:
    return None


def available_reader(preference: Reader = "auto") -> str:
    """``fastwarc`` when asked for (or 'auto') and importable, else ``warcio``; asking for an
    absent FastWARC explicitly is an error that says how to install it."""
    installed = importlib.util.find_spec("fastwarc") is not None
    if preference == "fastwarc" and not installed:
        raise RuntimeError("reader 'fastwarc' requested but FastWARC is not installed: pip install 'lingoloom[fastwarc]'")
    return "fastwarc" if preference != "warcio" and installed else "warcio"


def _bounded(reader, limit: int) -> bytes | None:
    body = reader.read(limit + 1)
    return None if len(body) > limit else body


def _content_decoded(body: bytes, encoding: str | None, limit: int) -> bytes | None:
    """Undo gzip/deflate/br like warcio: unknown or undecodable codings give the raw bytes; None if
    the decoded body exceeds ``limit``."""
    if (encoding or "identity").strip().lower() not in ("gzip", "x-gzip", "deflate", "br"):
        return body
    decoder = BoundedDecoder(encoding, limit, float("inf"))
    try:
        decoder.feed(body)
        return decoder.finish()
    except Refused as refused:
        return None if refused.reason in ("decompression_bomb", "too_large") else body


def iter_fastwarc_documents(
    stream: BinaryIO,
    source: str,
    origin: str = "<stream>",
    on_drop: DropCounter = _ignore,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Iterator[Document]:
    """FastWARC twin of ``iter_warc_documents`` (same Documents, same drop reasons)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = WarcRecordType.response | WarcRecordType.conversion
    for record in ArchiveIterator(stream, record_types=wanted, parse_http=False):
        headers = record.headers
        url = headers.get("WARC-Target-URI")
        record_id = headers.get("WARC-Record-ID")
        metadata: dict = {"url": url, "source": source, "fetch_time": headers.get("WARC-Date"), "warc_record_id": record_id}
        metadata["domain"], metadata["tld"] = domain_and_tld(url)
        doc_id = record_id or url or ""
        if record.record_type == WarcRecordType.conversion:
            raw = _bounded(record.reader, max_body_bytes)
            if raw is None:
                on_drop("oversize_body")
                continue
            text = raw.decode("utf-8", errors="replace").strip()
            if not text:
                on_drop("empty_body")
                continue
            metadata["_is_extracted_text"] = True
            metadata["_origin"] = origin
            yield Document(text=text, id=doc_id, metadata=metadata)
            continue
        is_http = (headers.get("Content-Type") or "").startswith("application/http")
        http = None
        if is_http:
            # FastWARC 2.0's auto_decode="all" loses the record boundary on chunked+gzip bodies:
            # undo the transfer coding there and the content coding here, as warcio does.
            record.parse_http(auto_decode="transfer", strict_mode=False)
            http = record.http_headers
            status = http.status_code
            if status is not None and not str(status).startswith("2"):
                on_drop(f"http_status_{status}")
                continue
        body = _bounded(record.reader, max_body_bytes)
        if body is not None and http is not None:
            body = _content_decoded(body, http.get("Content-Encoding"), max_body_bytes)
        if body is None:
            on_drop("oversize_body")
            continue
        metadata["_body"] = body
        metadata["_content_type"] = http.get("Content-Type") if http is not None else None
        metadata["_http_headers"] = {k.lower(): v for k, v in http.astuples()} if http is not None else {}
        metadata["_origin"] = origin
        yield Document(text="", id=doc_id, metadata=metadata)


def iter_documents(
    stream: BinaryIO,
    source: str,
    origin: str = "<stream>",
    reader: Reader = "auto",
    on_drop: DropCounter = _ignore,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Iterator[Document]:
    """Raw Documents of a WARC/WET stream with the chosen (or best available) parser."""
    if available_reader(reader) == "fastwarc":
        return iter_fastwarc_documents(stream, source, origin, on_drop, max_body_bytes)
    return iter_warc_documents(stream, source, origin, on_drop, max_body_bytes)


def iter_commoncrawl_file(
    url: str,
    settings: CommonCrawlSettings,
    source: str | None = None,
    on_drop: DropCounter = _ignore,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Iterator[Document]:
    """Documents of one sampled WARC/WET file: streamed with the settings' retry policy, parsed
    with their reader, at most ``max_records_per_file``; ``source`` defaults to the dump id."""
    from lingoloom.pipelines.commoncrawl.retry import open_with_retries

    with open_with_retries(url, settings) as stream:
        documents = iter_documents(stream, source or settings.dump, url, settings.reader, on_drop, max_body_bytes)
        yield from itertools.islice(documents, settings.max_records_per_file)
