"""robots.txt per origin, parsed with protego (wildcards, Allow/Disallow precedence, Crawl-delay).

Why it exists: robots.txt is the site owner's word on what we may fetch and how fast. RFC 9309
fixes what a crawler must do when it cannot read the file: a 4xx means no rules (everything is
allowed), a 5xx or an unreachable server means everything is disallowed until it can be read.
Our product token is matched before ``*`` (protego picks the most specific group).
"""

from __future__ import annotations

import asyncio
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
    """One :class:`RobotsRules` per origin, fetched once even when many workers ask at the same time."""

    def __init__(self, fetch_robots):
        """``fetch_robots(origin) -> (status | None, body)`` performs the (polite) request."""
        self._fetch = fetch_robots
        self._rules: dict[str, asyncio.Future] = {}

    async def get(self, origin: str) -> tuple[RobotsRules, bool]:
        """Rules of ``origin`` and whether this call loaded them (first time)."""
        future = self._rules.get(origin)
        if future is not None:
            return await future, False
        future = asyncio.get_running_loop().create_future()
        self._rules[origin] = future
        try:
            status, body = await self._fetch(origin)
            rules = rules_from_response(status, body)
        except Refused as refused:
            rules = RobotsRules("ssrf_blocked" if refused.reason == "ssrf_blocked" else "unavailable")
        future.set_result(rules)
        return rules, True
