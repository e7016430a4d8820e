"""Read WARC (and WET) files into raw records, surviving the damage real archives contain.

Why it exists: every input path (our crawler, Common Crawl, third-party archives) ends as WARC,
and real WARC files hold truncated gzip members, corrupt headers, revisit records and binary
bodies. One reader turns them into raw Documents for extraction and counts every record it
cannot use, with a reason, instead of crashing the run or skipping silently. The same
generator serves the local engine (through ``sources.inputs.InputReader``) and the Beam engine.

A raw Document has ``text == ""`` and metadata ``_body`` (bytes, transfer- and content-decoded),
``_content_type``, ``_http_headers`` plus the schema fields url, domain, tld, source, fetch_time
and warc_record_id. WET ``conversion`` records carry their text and ``_is_extracted_text``.
"""

from __future__ import annotations

import glob as _glob
import io
import zlib
from typing import BinaryIO, Callable, Iterator

import fsspec
from datatrove.data import Document
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from lingoloom.pipelines.urls import domain_and_tld

#: Hard cap on a decoded body; larger bodies are dropped as ``oversize_body`` (decompression-bomb guard).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
_SCAN_CHUNK = 1 << 20

DropCounter = Callable[[str], None]
_MALFORMED = (
    ArchiveLoadFailed, ValueError, OSError, EOFError, IndexError, KeyError, AttributeError, TypeError, zlib.error,
)


def _ignore(_: str) -> None:
    return None


def _find_next(stream: BinaryIO, start: int, marker: bytes) -> int | None:
    """Offset of the next ``marker`` at or after ``start``, or None at end of stream."""
    stream.seek(start)
    carry = b""
    position = start
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return position - len(carry) + found
        carry = data[-(len(marker) - 1) :]
        position += len(chunk)


def _read_bounded(record, limit: int) -> bytes | None:
    body = record.content_stream().read(limit + 1)
    return None if len(body) > limit else body


def _record_to_document(record, source: str, max_body_bytes: int, on_drop: DropCounter) -> Document | None:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    record_id = headers.get_header("WARC-Record-ID")
    fetch_time = headers.get_header("WARC-Date")
    metadata: dict = {"url": url, "source": source, "fetch_time": fetch_time, "warc_record_id": record_id}
    metadata["domain"], metadata["tld"] = domain_and_tld(url)
    doc_id = record_id or url or ""
    if record.rec_type == "conversion":
        raw = _read_bounded(record, max_body_bytes)
        if raw is None:
            on_drop("oversize_body")
            return None
        text = raw.decode("utf-8", errors="replace").strip()
        if not text:
            on_drop("empty_body")
            return None
        metadata["_is_extracted_text"] = True
        return Document(text=text, id=doc_id, metadata=metadata)
    status = record.http_headers.get_statuscode() if record.http_headers else None
    if status is not None and not str(status).startswith("2"):
        on_drop(f"http_status_{status}")
        return None
    body = _read_bounded(record, max_body_bytes)
    if body is None:
        on_drop("oversize_body")
        return None
    http = record.http_headers
    metadata["_body"] = body
    metadata["_content_type"] = http.get_header("Content-Type") if http else None
    metadata["_http_headers"] = {k.lower(): v for k, v in http.headers} if http else {}
    return Document(text="", id=doc_id, metadata=metadata)


def iter_warc_documents(
    stream: BinaryIO,
    source: str,
    origin: str = "<stream>",
    on_drop: DropCounter = _ignore,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Iterator[Document]:
    """Yield raw Documents from the response/conversion records of a WARC stream.

    ``stream`` may be plain or gzipped WARC. A malformed record is counted (``malformed_record``)
    and, when the stream is seekable, reading resumes at the next record; otherwise the rest
    of the file is counted once as ``malformed_record`` and reading stops. Non-document records
    (request, metadata, warcinfo, revisit) are skipped without a drop: they carry no page.
    """
    head = stream.read(4)
    seekable = stream.seekable() if hasattr(stream, "seekable") else False
    if not seekable:
        stream = io.BufferedReader(_Prepend(head, stream)) if head else stream
    else:
        stream.seek(0)
    marker = _GZIP_MAGIC if head.startswith(b"\x1f\x8b") else _WARC_MAGIC
    base = 0
    while True:
        if seekable:
            stream.seek(base)
        iterator = ArchiveIterator(stream, check_digests=False)
        try:
            for record in iterator:
                if record.rec_type is None:
                    raise ValueError("record without a WARC-Type: unreadable bytes between records")
                if record.rec_type not in ("response", "conversion"):
                    continue
                doc = _record_to_document(record, source, max_body_bytes, on_drop)
                if doc is not None:
                    doc.metadata["_origin"] = origin
                    yield doc
            if not seekable:
                return
            # warcio stops quietly at bytes it cannot read as a record (stray blank lines or junk
            # between gzip members): look past them so no later record is lost unseen.
            stopped_at = max(iterator.offset or 0, base)
            next_start = _find_next(stream, stopped_at, marker)
            if next_start is None or next_start <= base:
                return
            stream.seek(stopped_at)
            if stream.read(next_start - stopped_at).strip():
                on_drop("malformed_record")
            base = next_start
        except _MALFORMED:
            on_drop("malformed_record")
            if not seekable:
                return
            failed_at = max(iterator.offset or 0, base)
            next_start = _find_next(stream, failed_at + 1, marker)
            if next_start is None:
                return
            base = next_start


class _Prepend(io.RawIOBase):
    """A raw stream that replays ``head`` before the rest of ``tail`` (for non-seekable inputs)."""

    def __init__(self, head: bytes, tail: BinaryIO):
        self._head = head
        self._tail = tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._tail.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def expand_paths(patterns: list[str]) -> list[str]:
    """Resolve local paths, globs and fsspec URLs into a sorted, de-duplicated file list."""
    files: set[str] = set()
    for pattern in patterns:
        if "://" in pattern and not pattern.startswith("file://"):
            fs, _, paths = fsspec.get_fs_token_paths(pattern)
            protocol = fs.protocol[0] if isinstance(fs.protocol, (list, tuple)) else fs.protocol
            files.update(f"{protocol}://{p}" for p in paths)
            continue
        local = pattern.removeprefix("file://")
        matches = _glob.glob(local, recursive=True) if _glob.has_magic(local) else [local]
        files.update(matches)
    return sorted(files)
