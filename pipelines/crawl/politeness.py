"""Per-host pacing: minimum spacing between request starts, per-host concurrency, backoff.

Why it exists: politeness is a promise made per host (one robots.txt, one Crawl-delay, one
server that may be small). Every request to a host, robots.txt included, passes through that
host's gate, so the spacing holds whatever the number of hosts or workers in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone


class HostGate:
    """At most ``concurrency`` requests in flight, and a request starts only ``delay`` seconds after
    both the previous start and the end of the last request (the server has rested ``delay``)."""

    def __init__(self, delay: float, concurrency: int):
        self.delay = delay
        self._slots = asyncio.Semaphore(concurrency)
        self._starts = asyncio.Lock()
        self._next_start = 0.0

    def set_delay(self, delay: float) -> None:
        """Change the spacing (e.g. to a robots.txt Crawl-delay), counting from the last start."""
        self._next_start += delay - self.delay
        self.delay = delay

    @property
    def next_start(self) -> float:
        """Monotonic time before which no request to this host may start."""
        return self._next_start

    def pause_until(self, when: float) -> None:
        """No request to this host starts before monotonic time ``when`` (backoff)."""
        self._next_start = max(self._next_start, when)

    @contextlib.asynccontextmanager
    async def slot(self, global_slots: asyncio.Semaphore) -> AsyncIterator[None]:
        """Hold a request slot: waits for the host's turn, then for a global slot."""
        async with self._slots:
            async with self._starts:
                wait = self._next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                await global_slots.acquire()
                self._next_start = time.monotonic() + self.delay
            try:
                yield
            finally:
                global_slots.release()
                self._next_start = max(self._next_start, time.monotonic() + self.delay)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
