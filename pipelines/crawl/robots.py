"""robots.txt per origin, parsed with protego (wildcards, Allow/Disallow precedence, Crawl-delay).

Why it exists: robots.txt is the site owner's word on what we may fetch and how fast. RFC 9309
fixes what a crawler must do when it cannot read the file: a 4xx means no rules (everything is
allowed), a 5xx or an unreachable server means everything is disallowed until it can be read
(we try again with backoff, then give the origin up).
Our product token is matched before ``*`` (protego picks the most specific group).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from protego import Protego

from lingoloom.pipelines.crawl.safety import Refused

#: Parsed robots.txt bodies above this size are truncated (Google's limit is 500 KiB).
MAX_ROBOTS_BYTES = 500 * 1024


@dataclass
class RobotsRules:
    """What an origin's robots.txt says for our token; ``status`` explains where it came from."""

    #: "parsed"; "missing" (4xx: allow all); "unavailable" (5xx/unreachable: disallow all);
    #: "ssrf_blocked" (the host itself is forbidden).
    status: str
    parser: Protego | None = None
    sitemaps: list[str] = field(default_factory=list)

    def refusal(self) -> str:
        """Drop reason of a URL these rules forbid."""
        return {"unavailable": "robots_unavailable", "ssrf_blocked": "ssrf_blocked"}.get(self.status, "robots_disallowed")

    def allowed(self, url: str, token: str) -> bool:
        if self.status in ("unavailable", "ssrf_blocked"):
            return False
        return self.parser is None or self.parser.can_fetch(url, token)

    def crawl_delay(self, token: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(token)
        rate = self.parser.request_rate(token)
        if rate is not None and rate.requests:
            delay = max(delay or 0.0, rate.seconds / rate.requests)
        return delay


def rules_from_response(status: int | None, body: bytes) -> RobotsRules:
    """Rules for a robots.txt answer (``status`` None = unreachable)."""
    if status is None or status >= 500 or status == 429:
        return RobotsRules("unavailable")
    if 400 <= status < 500:
        return RobotsRules("missing")
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    parser = Protego.parse(text)
    return RobotsRules("parsed", parser, list(parser.sitemaps))


class RobotsCache:
    """One :class:`RobotsRules` per origin, fetched once even when many workers ask at the same time.

    An unavailable robots.txt (5xx, unreachable) disallows everything *for now*: it is fetched
    again after a backoff (``backoff_base * 2**failures``), up to ``max_retries`` more times; only
    then is the origin given up (:meth:`given_up`). A passing outage thus costs a delay, not a site.
    """

    def __init__(self, fetch_robots, max_retries: int = 3, backoff_base: float = 2.0):
        """``fetch_robots(origin) -> (status | None, body)`` performs the (polite) request."""
        self._fetch = fetch_robots
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self._rules: dict[str, asyncio.Future] = {}
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}

    def given_up(self, origin: str) -> bool:
        """True once the origin's robots.txt failed ``max_retries + 1`` times in a row."""
        return self._failures.get(origin, 0) > self.max_retries

    def retry_at(self, origin: str) -> float:
        """Monotonic time at which an unavailable robots.txt will be fetched again."""
        return self._retry_at.get(origin, 0.0)

    def _stale(self, origin: str, future: asyncio.Future) -> bool:
        return (
            future.done()
            and future.result().status == "unavailable"
            and not self.given_up(origin)
            and time.monotonic() >= self._retry_at.get(origin, 0.0)
        )

    async def get(self, origin: str) -> tuple[RobotsRules, bool]:
        """Rules of ``origin`` and whether this call loaded them."""
        future = self._rules.get(origin)
        if future is not None and not self._stale(origin, future):
            return await future, False
        future = asyncio.get_running_loop().create_future()
        self._rules[origin] = future
        try:
            status, body = await self._fetch(origin)
            rules = rules_from_response(status, body)
        except Refused as refused:
            rules = RobotsRules("ssrf_blocked" if refused.reason == "ssrf_blocked" else "unavailable")
        if rules.status == "unavailable":
            failures = self._failures.get(origin, 0) + 1
            self._failures[origin] = failures
            self._retry_at[origin] = time.monotonic() + self.backoff_base * 2 ** (failures - 1)
        else:
            self._failures.pop(origin, None)
        future.set_result(rules)
        return rules, True
