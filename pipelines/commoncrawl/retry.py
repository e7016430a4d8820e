"""A read-only binary stream over any fsspec URL that retries transient failures where it stopped.

Why it exists: Common Crawl's servers answer ``503 Slow Down`` (https) or ``SlowDown`` (s3) when
many clients read at once, and a 1 GB WARC download is long enough to meet a reset connection.
Restarting a file from byte 0 wastes the work and may never finish; this stream reopens the file
at the current offset after a jittered exponential backoff, a bounded number of times in a row.
"""

from __future__ import annotations

import io
import logging
import random
import time
from typing import Callable

import aiohttp
import fsspec

from lingoloom.schemas.crawl import CommonCrawlSettings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_CODES = frozenset({"SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError", "ThrottlingException"})
BLOCK_SIZE = 8 * 1024 * 1024


def _retryable_one(error: BaseException) -> bool | None:
    """True/False when ``error`` alone decides; None when its cause must decide."""
    if isinstance(error, aiohttp.ClientResponseError):
        return error.status in RETRY_STATUSES
    details = getattr(error, "response", None)
    if isinstance(details, dict) and details.get("Error", {}).get("Code") in RETRY_CODES:
        return True
    if any(code in str(error) for code in RETRY_CODES):
        return True
    if isinstance(error, (FileNotFoundError, PermissionError, IsADirectoryError)):
        return None
    return isinstance(error, (aiohttp.ClientError, ConnectionError, TimeoutError, OSError)) or None


def is_retryable(error: BaseException) -> bool:
    """Transient: 429/5xx answers, S3 throttling codes, dropped or timed-out connections. The cause
    chain is followed because fsspec reports a failed size probe (even a 503) as FileNotFoundError."""
    seen = 0
    while error is not None and seen < 10:
        verdict = _retryable_one(error)
        if verdict is not None:
            return verdict
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def describe(error: BaseException) -> str:
    """``Type: message`` of an error and its causes, innermost last (fsspec hides a 503 in a cause)."""
    parts = []
    while error is not None and len(parts) < 5:
        parts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return " <- ".join(parts)


def backoff_seconds(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng.uniform(0, min(cap, base * 2**attempt))


def _open_at(url: str, offset: int):
    handle = fsspec.open(url, "rb", block_size=BLOCK_SIZE).open()
    if offset:
        handle.seek(offset)
    return handle


class RetryingReader(io.RawIOBase):
    """``read()`` from ``url``; a retryable error closes the file, waits, and reopens at the offset.
    Seekable by reopening (FastWARC and the malformed-record recovery of the WARC reader seek).

    After ``max_retries`` failures in a row the last error is raised with the URL and offset.
    """

    def __init__(
        self,
        url: str,
        max_retries: int = 6,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        opener: Callable[[str, int], io.IOBase] = _open_at,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ):
        self.url = url
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._opener = opener
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._offset = 0
        self._file = None
        self.retries = 0
        self._call(lambda: None)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._offset

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move the read position; the file is reopened there on the next read (a no-op seek is free)."""
        if whence == io.SEEK_CUR:
            offset += self._offset
        elif whence == io.SEEK_END:
            offset = self._call(lambda: self._file.seek(offset, io.SEEK_END))
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        if offset != self._offset or whence == io.SEEK_END:
            self._drop_file()
            self._offset = offset
        return offset

    def _call(self, action):
        failures = 0
        while True:
            try:
                if self._file is None:
                    self._file = self._opener(self.url, self._offset)
                return action()
            except Exception as error:  # noqa: BLE001 - classified right below
                self._drop_file()
                if not is_retryable(error) or failures >= self.max_retries:
                    raise OSError(
                        f"reading {self.url} at byte {self._offset} failed after {failures} retries: {describe(error)}"
                    ) from error
                wait = backoff_seconds(failures, self.backoff_base, self.backoff_max, self._rng)
                failures += 1
                self.retries += 1
                log.warning("%s at byte %d: %s; retry %d in %.1fs", self.url, self._offset, describe(error), failures, wait)
                self._sleep(wait)

    def _drop_file(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except Exception:  # noqa: BLE001 - closing a broken remote file may fail again; it is gone
                pass
            self._file = None

    def readinto(self, buffer) -> int:
        data = self._call(lambda: self._file.read(len(buffer)))
        buffer[: len(data)] = data
        self._offset += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_file()
        super().close()


def open_with_retries(url: str, settings: CommonCrawlSettings) -> io.BufferedReader:
    """A buffered binary stream of ``url`` (https, s3, gs, local path) with the settings' retry policy."""
    raw = RetryingReader(url, settings.max_retries, settings.backoff_base_seconds, settings.backoff_max_seconds)
    return io.BufferedReader(raw, buffer_size=1 << 20)
