"""The persisted frontier and seen-set of a crawl (SQLite), with per-host queues in memory.

Why it exists: a crawl that runs for days is killed, rebooted and restarted. Every URL the crawl
ever met is a row here with its state (queued, fetched, expanded, redirected, refused) and the
reason, so a restart continues where the last run stopped, a URL is never queued twice, and the
counts of what was fetched or refused and why survive across restarts. Scope and depth are
applied when a link is added, so the same rules hold for live links and for replayed ones.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
from pathlib import Path

from lingoloom.pipelines.crawl.urls import Scope, host_key
from lingoloom.pipelines.crawl.visit import Item
from lingoloom.schemas.crawl import CrawlSettings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    attempt INTEGER NOT NULL DEFAULT 0,
    via TEXT NOT NULL DEFAULT '[]',
    warc TEXT
);
CREATE INDEX IF NOT EXISTS urls_state ON urls(state);
CREATE TABLE IF NOT EXISTS replayed (name TEXT PRIMARY KEY);
"""


class Frontier:
    """SQLite-backed frontier; ``queues[host]`` holds the queued items of each host in order.

    With ``only_host`` (a Beam worker owning one host), in-scope links to other hosts are not
    queued but collected in ``foreign`` for the worker to hand on.
    """

    def __init__(self, path: Path | str, settings: CrawlSettings, scope: Scope, only_host: str | None = None):
        self.settings = settings
        self.scope = scope
        self.only_host = only_host
        self.foreign: list[Item] = []
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL" if settings.fsync else "PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.queues: dict[str, deque[Item]] = {}
        for url, depth, kind, attempt, via in self.db.execute(
            "SELECT url, depth, kind, attempt, via FROM urls WHERE state = 'queued' ORDER BY seq"
        ):
            self._push(Item(url, depth, kind, attempt, tuple(json.loads(via))))
        self.pages_per_host: dict[str, int] = dict(
            self.db.execute("SELECT host, COUNT(*) FROM urls WHERE state = 'fetched' GROUP BY host").fetchall()
        )
        self.pages = sum(self.pages_per_host.values())

    def close(self) -> None:
        self.db.close()

    def _push(self, item: Item, front: bool = False) -> None:
        queue = self.queues.setdefault(host_key(item.url), deque())
        queue.appendleft(item) if front else queue.append(item)

    def _insert(self, item: Item, state: str, reason: str | None = None) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO urls (url, host, depth, kind, state, reason, via) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item.url, host_key(item.url), item.depth, item.kind, state, reason, json.dumps(list(item.via))),
        )
        return cursor.rowcount == 1

    def _add(self, items: list[Item]) -> list[Item]:
        added = []
        for item in items:
            if item.depth > self.settings.max_depth:
                self._insert(item, "refused", "max_depth")
                continue
            reason = self.scope.reason(item.url)
            if reason is not None:
                self._insert(item, "refused", reason)
                continue
            if self.only_host is not None and host_key(item.url) != self.only_host:
                self.foreign.append(item)
                continue
            if self._insert(item, "queued"):
                self._push(item, front=bool(item.via))
                added.append(item)
        return added

    def add(self, items: list[Item]) -> list[Item]:
        """Queue new in-scope items (one transaction); returns those not seen before."""
        with self.db:
            return self._add(items)

    def settle(self, item: Item, state: str, reason: str | None, links: list[Item], warc: str | None = None) -> list[Item]:
        """Record the outcome of ``item`` and queue its links, atomically; returns the new items."""
        with self.db:
            if state == "retry":
                self.db.execute("UPDATE urls SET attempt = ?, reason = ? WHERE url = ?", (item.attempt + 1, reason, item.url))
                self._push(Item(item.url, item.depth, item.kind, item.attempt + 1, item.via))
            else:
                self.db.execute("UPDATE urls SET state = ?, reason = ?, warc = ? WHERE url = ?", (state, reason, warc, item.url))
            if state == "fetched":
                host = host_key(item.url)
                self.pages_per_host[host] = self.pages_per_host.get(host, 0) + 1
                self.pages += 1
            return self._add(links)

    def replay(self, warc_name: str, pages: list[dict]) -> None:
        """Bring the frontier in line with a WARC file found on disk (idempotent, once per file)."""
        if self.db.execute("SELECT 1 FROM replayed WHERE name = ?", (warc_name,)).fetchone():
            return
        for page in pages:
            item = Item(page["url"], page["depth"], "page", 0, tuple(page.get("via", ())))
            state = self.db.execute("SELECT state FROM urls WHERE url = ?", (item.url,)).fetchone()
            if state is None or state[0] != "fetched":
                self._insert(item, "queued")
                self._drop_queued(item.url)
                links = [Item(u, d, k) for u, d, k in page.get("outlinks", [])]
                self.settle(item, "fetched", None, links, warc_name)
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO replayed (name) VALUES (?)", (warc_name,))

    def _drop_queued(self, url: str) -> None:
        queue = self.queues.get(host_key(url))
        if queue:
            for queued in [q for q in queue if q.url == url]:
                queue.remove(queued)

    def mark_replayed(self, warc_name: str) -> None:
        """Note that every page of a closed WARC file is already settled here."""
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO replayed (name) VALUES (?)", (warc_name,))

    def mark_seen_elsewhere(self, urls: list[str]) -> None:
        """Record URLs another worker or round already settled, so they are never queued here."""
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO urls (url, host, depth, kind, state) VALUES (?, ?, 0, 'page', 'elsewhere')",
                [(url, host_key(url)) for url in urls],
            )

    def settled(self) -> list[tuple[str, str, str | None]]:
        """``(url, state, reason)`` of every URL met here, except those settled elsewhere."""
        return self.db.execute("SELECT url, state, reason FROM urls WHERE state != 'elsewhere' ORDER BY seq").fetchall()

    def counts(self) -> dict[str, dict[str, int]]:
        """``{state: {reason or "": n}}`` over every URL ever met (pages, sitemaps and feeds)."""
        out: dict[str, dict[str, int]] = {}
        for state, reason, n in self.db.execute("SELECT state, COALESCE(reason, ''), COUNT(*) FROM urls GROUP BY 1, 2"):
            out.setdefault(state, {})[reason] = n
        return out
