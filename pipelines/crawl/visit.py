"""Visit one frontier item: robots.txt, the polite fetch, and what the answer means.

Why it exists: this is the crawl step that the local asyncio crawler and the Beam host workers
share. Given an item it returns an :class:`Outcome` (fetched page, redirect, refusal with a
reason, retry later, or the entries of a sitemap/feed) and the links it found; it never touches
the frontier or the WARC files, so both engines persist outcomes their own way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from lingoloom.pipelines.crawl.fetch import Fetcher, Response
from lingoloom.pipelines.crawl.parse import decode_body, html_links, parse_feed, parse_sitemap
from lingoloom.pipelines.crawl.politeness import HostGate, retry_after_seconds
from lingoloom.pipelines.crawl.robots import RobotsCache, RobotsRules
from lingoloom.pipelines.crawl.safety import Refused, media_type
from lingoloom.pipelines.crawl.urls import InvalidURL, canonicalize, host_key, origin
from lingoloom.schemas.crawl import CrawlSettings

log = logging.getLogger(__name__)

Kind = Literal["page", "sitemap", "feed"]
State = Literal["fetched", "expanded", "redirected", "refused", "retry"]
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_RETRY_STATUSES = (429, 503)
_RETRY_ERRORS = ("connect_error", "network_error")
_MAX_ROBOTS_REDIRECTS = 5


@dataclass(frozen=True)
class Item:
    """A URL to visit: canonical ``url``, link ``depth`` from a seed, ``kind`` of document,
    retry ``attempt``, and the redirect chain ``via`` that led here."""

    url: str
    depth: int = 0
    kind: Kind = "page"
    attempt: int = 0
    via: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What visiting an item produced."""

    item: Item
    state: State
    reason: str | None = None
    response: Response | None = None
    links: list[Item] = field(default_factory=list)
    retry_after: float | None = None
    robots: str = ""
    charset: dict = field(default_factory=dict)


class Visitor:
    """Robots cache, host gates and a fetcher: everything one crawl worker needs."""

    def __init__(self, settings: CrawlSettings, fetcher: Fetcher):
        self.settings = settings
        self.fetcher = fetcher
        self.token = settings.user_agent
        self.global_slots = asyncio.Semaphore(settings.concurrency)
        self.gates: dict[str, HostGate] = {}
        self.robots = RobotsCache(self._fetch_robots, settings.max_retries, settings.backoff_base_seconds)

    def gate(self, host: str) -> HostGate:
        if host not in self.gates:
            self.gates[host] = HostGate(self.settings.delay_seconds, self.settings.per_host_concurrency)
        return self.gates[host]

    def canonical(self, url: str, base: str | None = None) -> str | None:
        try:
            return canonicalize(url, base, self.settings.tracking_params)
        except InvalidURL:
            return None

    async def _fetch_robots(self, robots_origin: str) -> tuple[int | None, bytes]:
        url = robots_origin + "/robots.txt"
        for _ in range(_MAX_ROBOTS_REDIRECTS + 1):
            try:
                async with self.gate(host_key(url)).slot(self.global_slots):
                    response = await self.fetcher.get(url, accept=None)
            except Refused as refused:
                if refused.reason == "ssrf_blocked":
                    raise
                return None, b""
            location = response.header("Location")
            if 300 <= response.status < 400 and location:
                url = self.canonical(location, url)
                if url is None:
                    return None, b""
                continue
            return response.status, response.body
        return None, b""

    async def _rules(self, url: str) -> tuple[RobotsRules, list[Item]]:
        rules, loaded = await self.robots.get(origin(url))
        extra: list[Item] = []
        if loaded:
            delay = rules.crawl_delay(self.token)
            gate = self.gate(host_key(url))
            if delay is not None:
                gate.set_delay(max(self.settings.delay_seconds, min(delay, self.settings.max_crawl_delay_seconds)))
            if self.settings.robots_sitemaps:
                extra = [Item(u, 0, "sitemap") for u in (self.canonical(s) for s in rules.sitemaps) if u]
        return rules, extra

    async def visit(self, item: Item) -> Outcome:
        """Visit ``item`` once, politely. Never raises for anything a server can do."""
        rules, extra = await self._rules(item.url)
        robots_origin = origin(item.url)
        while rules.status == "unavailable" and not self.robots.given_up(robots_origin):
            await asyncio.sleep(max(0.0, self.robots.retry_at(robots_origin) - time.monotonic()))
            rules, more = await self._rules(item.url)
            extra += more
        if not rules.allowed(item.url, self.token):
            return Outcome(item, "refused", rules.refusal(), links=extra, robots=f"disallowed ({rules.status})")
        robots = f"allowed ({rules.status})"
        accept = tuple(self.settings.content_types) if item.kind == "page" else None
        gate = self.gate(host_key(item.url))
        try:
            async with gate.slot(self.global_slots):
                response = await self.fetcher.get(item.url, accept)
        except Refused as refused:
            if refused.reason in _RETRY_ERRORS and item.attempt < self.settings.max_retries:
                wait = self.settings.backoff_base_seconds * 2**item.attempt
                gate.pause_until(time.monotonic() + wait)
                return Outcome(item, "retry", refused.reason, links=extra, retry_after=wait, robots=robots)
            return Outcome(item, "refused", refused.reason, links=extra, robots=robots)
        try:
            outcome = self._interpret(item, response, gate)
        except Exception as err:  # noqa: BLE001 - a hostile body must cost one URL, never the crawl
            log.warning("cannot interpret %s: %s: %s", item.url, type(err).__name__, err, exc_info=log.isEnabledFor(logging.DEBUG))
            outcome = Outcome(item, "refused", "parse_error", response)
        outcome.robots = robots
        outcome.links = extra + outcome.links
        return outcome

    def _interpret(self, item: Item, response: Response, gate: HostGate) -> Outcome:
        status = response.status
        if 300 <= status < 400:
            target = self.canonical(response.header("Location") or "", item.url)
            if target is None:
                return Outcome(item, "refused", "bad_redirect", response)
            via = item.via + (item.url,)
            if target in via:
                return Outcome(item, "refused", "redirect_loop", response)
            if len(via) > self.settings.max_redirects:
                return Outcome(item, "refused", "too_many_redirects", response)
            return Outcome(item, "redirected", None, response, [Item(target, item.depth, item.kind, 0, via)])
        if status in _RETRY_STATUSES:
            wait = retry_after_seconds(response.header("Retry-After"))
            if wait is None:
                wait = self.settings.backoff_base_seconds * 2**item.attempt
            if item.attempt >= self.settings.max_retries or wait > self.settings.max_retry_after_seconds:
                return Outcome(item, "refused", f"http_{status}", response)
            gate.pause_until(time.monotonic() + wait)
            return Outcome(item, "retry", f"http_{status}", response, retry_after=wait)
        if not 200 <= status < 300:
            return Outcome(item, "refused", f"http_{status}", response)
        if item.kind == "sitemap":
            entries = parse_sitemap(response.body, self.settings.max_decoded_bytes)
            links = [Item(u, 0, "page") for u in map(self.canonical, entries.pages) if u]
            links += [Item(u, 0, "sitemap") for u in map(self.canonical, entries.sitemaps) if u]
            return Outcome(item, "expanded", None, response, links)
        if item.kind == "feed":
            links = [Item(u, 0, "page") for u in map(self.canonical, parse_feed(response.body, item.url)) if u]
            return Outcome(item, "expanded", None, response, links)
        content_type = response.header("Content-Type")
        decoded = decode_body(response.body, content_type)
        charset = {"charset": decoded.charset, "declared_charset": decoded.declared, "declared_was_wrong": decoded.declared_was_wrong}
        links: list[Item] = []
        if media_type(content_type) in _HTML_TYPES:
            found = (self.canonical(u) for u in html_links(decoded.text, item.url))
            links = [Item(u, item.depth + 1, "page") for u in dict.fromkeys(found) if u]
        return Outcome(item, "fetched", None, response, links, charset=charset)
