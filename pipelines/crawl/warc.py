"""WARC/1.1 output of the crawler: request + response + metadata per page, rotated, crash-safe.

Why it exists: WARC is what every later stage (and every other tool) reads, so the crawler's
only durable product is a WARC file that is valid at every instant. Each page's three records
are written in one append and flushed (fsync optional); the file being written carries a
``.open`` suffix and is renamed when full. After a crash, :func:`recover` cuts a torn tail back
to the last complete page and hands back the metadata of every page found, so the frontier can
be brought in line with what is really on disk.
"""

from __future__ import annotations

import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lingoloom.pipelines.crawl.fetch import Response

OPEN_SUFFIX = ".open"
METADATA_PROFILE = "https://lingoloom.dev/warc/crawl-metadata/1"
_NAME = re.compile(r"-(\d{5})\.warc\.gz(?:\.open)?$")


def _iso(date: datetime) -> str:
    return date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def page_records(response: Response, metadata: dict) -> bytes:
    """The gzipped request, response and metadata records of one page, as one byte string."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    date = _iso(response.fetch_date)
    warc_headers = {"WARC-Date": date}
    if response.ip:
        warc_headers["WARC-IP-Address"] = response.ip
    http = StatusAndHeaders(f"{response.status} {response.reason}".strip(), response.warc_headers(), protocol=response.http_version)
    record = writer.create_warc_record(
        response.url, "response", payload=io.BytesIO(response.body), http_headers=http, warc_headers_dict=warc_headers
    )
    response_id = record.rec_headers.get_header("WARC-Record-ID")
    request_http = StatusAndHeaders(response.request_line, response.request_headers, is_http_request=True)
    request = writer.create_warc_record(
        response.url, "request", payload=io.BytesIO(b""), http_headers=request_http,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    meta = writer.create_warc_record(
        response.url, "metadata", payload=io.BytesIO(json.dumps(metadata, ensure_ascii=False).encode("utf-8")),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id, "WARC-Profile": METADATA_PROFILE},
    )
    for item in (record, request, meta):
        writer.write_record(item)
    return buffer.getvalue()


def _warcinfo(name: str, info: dict) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record(name, info))
    return buffer.getvalue()


class RotatingWarcWriter:
    """Appends page groups to ``<dir>/<prefix>-<NNNNN>.warc.gz.open``; past ``max_bytes`` the file is
    renamed to ``.warc.gz`` and the next one started. Serial numbers continue after existing files."""

    def __init__(self, directory: Path, prefix: str, max_bytes: int, info: dict, fsync: bool = False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info
        self.fsync = fsync
        self._file = None
        self._path: Path | None = None
        self.closed_paths: list[Path] = []
        serials = [int(m.group(1)) for p in self.directory.iterdir() if (m := _NAME.search(p.name))]
        self._serial = max(serials, default=-1) + 1

    @property
    def current(self) -> Path | None:
        return self._path

    def write_page(self, response: Response, metadata: dict) -> str:
        """Append one page (atomically with respect to crashes); returns the final file name."""
        if self._file is None:
            name = f"{self.prefix}-{self._serial:05d}.warc.gz"
            self._serial += 1
            self._path = self.directory / (name + OPEN_SUFFIX)
            self._file = open(self._path, "ab")
            self._append(_warcinfo(name, self.info))
        self._append(page_records(response, metadata))
        final = self._path.name.removesuffix(OPEN_SUFFIX)
        if self._file.tell() >= self.max_bytes:
            self.close()
        return final

    def _append(self, data: bytes) -> None:
        self._file.write(data)
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        """Finish the current file (rename ``.open`` away)."""
        if self._file is None:
            return
        self._file.close()
        final = self._path.with_name(self._path.name.removesuffix(OPEN_SUFFIX))
        os.replace(self._path, final)
        self.closed_paths.append(final)
        self._file = None
        self._path = None


def _member_complete(stream, offset: int, length: int) -> bool:
    """True if the gzip member at ``offset`` is whole (trailer included): a torn write may leave a
    member whose content decodes but whose CRC/size trailer is cut."""
    position = stream.tell()
    stream.seek(offset)
    data = stream.read(length)
    stream.seek(position)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inflater.decompress(data)
    except zlib.error:
        return False
    return inflater.eof and len(data) == length


def _read_metadata(path: Path) -> tuple[int, list[dict]]:
    """(end offset of the last complete page group, metadata of every complete page) in a WARC file."""
    pages: list[dict] = []
    good_end = 0
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=False)
        try:
            for record in iterator:
                payload = record.content_stream().read()
                iterator.read_to_end(record)
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                ends_group = record.rec_type == "warcinfo" or (
                    record.rec_type == "metadata" and record.rec_headers.get_header("WARC-Profile") == METADATA_PROFILE
                )
                if ends_group:
                    if not _member_complete(stream, offset, length):
                        break
                    if record.rec_type == "metadata":
                        pages.append(json.loads(payload))
                    good_end = offset + length
        except Exception:  # noqa: BLE001 - any parse failure marks the torn tail of a crashed write
            pass
    return good_end, pages


def recover(directory: Path, prefix: str) -> Iterator[tuple[str, list[dict]]]:
    """Repair the crawler's WARC files after a crash: each ``.open`` file is cut back to its last
    complete page and renamed to ``.warc.gz``. Yields ``(final name, page metadata)`` for every
    finished file in serial order, so the caller can replay what is on disk."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    for path in sorted(directory.glob(f"{prefix}-*.warc.gz{OPEN_SUFFIX}")):
        good_end, _ = _read_metadata(path)
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        if good_end == 0:
            path.unlink()
            continue
        with open(path, "r+b") as stream:
            stream.truncate(good_end)
        os.replace(path, final)
    for path in sorted(directory.glob(f"{prefix}-*.warc.gz")):
        yield path.name, _read_metadata(path)[1]

