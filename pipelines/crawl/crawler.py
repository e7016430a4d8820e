"""The local crawl: many hosts in parallel on one asyncio loop, each host polite, resumable.

Why it exists: targeted crawls of under-served languages run on one machine for hours or days.
This scheduler keeps one or more workers per host (each passing through the host's gate), writes
every fetched page to WARC *before* recording it in the frontier, and on start repairs the WARC
files and replays them into the frontier, so a ``kill -9`` at any moment loses no page and
fetches none twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lingoloom.pipelines.crawl import warc
from lingoloom.pipelines.crawl.fetch import Fetcher, user_agent
from lingoloom.pipelines.crawl.frontier import Frontier
from lingoloom.pipelines.crawl.urls import Scope, host_key
from lingoloom.pipelines.crawl.visit import Item, Outcome, Visitor
from lingoloom.schemas.crawl import CrawlSettings

log = logging.getLogger(__name__)

STATE_FILE = "crawl-state.sqlite"
LOCK_FILE = "crawl.lock"
PROGRESS_EVERY = 100  # pages between two progress lines (INFO)
WARC_DIR = "warc"


@dataclass
class HostJob:
    """One host's share of a Beam crawl round (see :class:`Crawler`)."""

    host: str
    items: list[Item]
    settled_elsewhere: list[str]
    scope_urls: list[str]
    max_pages: int
    host_pages_before: int
    warc_prefix: str
    not_before: float = 0.0  # wall-clock time before which the host may not be contacted (pace of the last round)


@dataclass
class CrawlResult:
    """What a crawl (all runs into the same folder, resumes included) produced."""

    warc_paths: list[Path]  # fsspec URLs (str) when a Beam crawl writes to gs:// or s3://
    fetched: int
    refused: dict[str, int] = field(default_factory=dict)
    redirected: int = 0
    expanded: int = 0
    queued: int = 0
    state_path: Path | None = None


def read_seed_file(path: Path) -> list[str]:
    """URLs of a seed list: one per line, blank lines and ``#`` comments ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def seed_items(settings: CrawlSettings, canonical) -> list[Item]:
    """Depth-0 items of every seed source (URL lists, seed files, sitemaps, feeds)."""
    urls = list(settings.seeds)
    for path in settings.seed_files:
        urls += read_seed_file(Path(path))
    items = [Item(u, 0, "page") for u in map(canonical, urls) if u]
    items += [Item(u, 0, "sitemap") for u in map(canonical, settings.sitemaps) if u]
    items += [Item(u, 0, "feed") for u in map(canonical, settings.feeds) if u]
    return items


def page_metadata(outcome: Outcome) -> dict:
    """The JSON of a page's WARC metadata record: fetch timing, robots decision, charset, outlinks."""
    item, response = outcome.item, outcome.response
    return {
        "url": item.url,
        "depth": item.depth,
        "via": list(item.via),
        "robots": outcome.robots,
        "timing": response.timing,
        "wire_bytes": response.wire_bytes,
        "status": response.status,
        **outcome.charset,
        "outlinks": [[link.url, link.depth, link.kind] for link in outcome.links],
    }


class Crawler:
    """One crawl into ``out_dir`` (``warc/`` and ``crawl-state.sqlite``); ``await run()`` until done.

    The Beam engine runs one Crawler per host and round with ``host_job``: the given items as
    seeds, the frontier in memory, links to other hosts collected in ``frontier.foreign``, URLs
    settled in earlier rounds never queued, and its own page budget.
    """

    def __init__(self, settings: CrawlSettings, out_dir: Path, host_job: HostJob | None = None):
        self.settings = settings
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.warc_dir = self.out_dir / WARC_DIR
        self.job = host_job
        self.max_pages = host_job.max_pages if host_job else settings.max_pages
        self.warc_prefix = host_job.warc_prefix if host_job else settings.warc_prefix
        self._workers: dict[str, int] = {}
        self._tasks: set[asyncio.Task] = set()
        self._reserved: dict[str, int] = {}

    def _open_frontier(self, canonical) -> Frontier:
        job = self.job
        if job is None:
            seeds = seed_items(self.settings, canonical)
            scope = Scope(self.settings, [item.url for item in seeds])
            frontier = Frontier(self.out_dir / STATE_FILE, self.settings, scope)
            for name, pages in warc.recover(self.warc_dir, self.warc_prefix):
                frontier.replay(name, pages)
        else:
            seeds = list(job.items)
            frontier = Frontier(":memory:", self.settings, Scope(self.settings, job.scope_urls), only_host=job.host)
            frontier.mark_seen_elsewhere(job.settled_elsewhere)
            frontier.pages_per_host[job.host] = job.host_pages_before
        frontier.add(seeds)
        return frontier

    async def run(self) -> CrawlResult:
        s = self.settings
        async with Fetcher(s) as fetcher:
            self.visitor = Visitor(s, fetcher)
            if self.job is not None:
                self.visitor.gate(self.job.host).pause_until(time.monotonic() + self.job.not_before - time.time())
            self.frontier = self._open_frontier(self.visitor.canonical)
            self.writer = warc.RotatingWarcWriter(
                self.warc_dir, self.warc_prefix, s.warc_max_bytes,
                {"software": "lingoloom crawler", "http-header-user-agent": user_agent(s), "robots": "obey",
                 "operator": s.contact_url, "format": "WARC File Format 1.1"},
                fsync=s.fsync,
            )
            try:
                for host in list(self.frontier.queues):
                    self._spawn(host)
                while self._tasks:
                    done, _ = await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        self._tasks.discard(task)
                        task.result()
            finally:
                for task in self._tasks:
                    task.cancel()
                self.writer.close()
                for path in self.writer.closed_paths:
                    self.frontier.mark_replayed(path.name)
        result = self.result()
        if self.job is None:
            self.frontier.close()
        return result

    def next_contact(self, host: str) -> float:
        """Wall-clock time from which ``host`` may be contacted again (its gate's pace)."""
        gate = self.visitor.gates.get(host)
        return time.time() + (gate.next_start - time.monotonic()) if gate else 0.0

    def result(self) -> CrawlResult:
        counts = self.frontier.counts()
        return CrawlResult(
            warc_paths=sorted(self.warc_dir.glob(f"{self.warc_prefix}-*.warc.gz")),
            fetched=sum(counts.get("fetched", {}).values()),
            refused=dict(sorted(counts.get("refused", {}).items())),
            redirected=sum(counts.get("redirected", {}).values()),
            expanded=sum(counts.get("expanded", {}).values()),
            queued=sum(counts.get("queued", {}).values()),
            state_path=self.out_dir / STATE_FILE,
        )

    def _spawn(self, host: str) -> None:
        queue = self.frontier.queues.get(host)
        while queue and self._workers.get(host, 0) < min(self.settings.per_host_concurrency, len(queue)):
            self._workers[host] = self._workers.get(host, 0) + 1
            self._tasks.add(asyncio.create_task(self._host_worker(host), name=f"crawl {host}"))

    def _page_budget(self, host: str) -> bool:
        reserved = sum(self._reserved.values())
        return (
            self.frontier.pages + reserved < self.max_pages
            and self.frontier.pages_per_host.get(host, 0) + self._reserved.get(host, 0) < self.settings.max_pages_per_host
        )

    async def _host_worker(self, host: str) -> None:
        queue = self.frontier.queues[host]
        try:
            while queue:
                if queue[0].kind == "page" and not self._page_budget(host):
                    return
                item = queue.popleft()
                is_page = item.kind == "page"
                if is_page:
                    self._reserved[host] = self._reserved.get(host, 0) + 1
                try:
                    outcome = await self.visitor.visit(item)
                finally:
                    if is_page:
                        self._reserved[host] -= 1
                self._settle(outcome)
        finally:
            self._workers[host] -= 1

    def _settle(self, outcome: Outcome) -> None:
        item = outcome.item
        warc_name = None
        closed_before = len(self.writer.closed_paths)
        if outcome.state == "fetched":
            warc_name = self.writer.write_page(outcome.response, page_metadata(outcome))
        log.debug("%s %s %s", outcome.state, outcome.reason or "", item.url)
        new = self.frontier.settle(item, outcome.state, outcome.reason, outcome.links, warc_name)
        if outcome.state == "fetched" and self.frontier.pages % PROGRESS_EVERY == 0:
            queued = sum(len(q) for q in self.frontier.queues.values())
            log.info("%d pages fetched, %d URLs queued, %d hosts being crawled", self.frontier.pages, queued,
                     sum(1 for n in self._workers.values() if n))
        for path in self.writer.closed_paths[closed_before:]:
            self.frontier.mark_replayed(path.name)
        for host in dict.fromkeys(host_key(i.url) for i in new):
            self._spawn(host)
        if outcome.state == "retry":
            self._spawn(host_key(item.url))


@contextlib.contextmanager
def exclusive(out_dir: Path) -> Iterator[None]:
    """Hold ``<out_dir>/crawl.lock`` for the crawl: two crawlers in one folder would interleave
    WARC names and the frontier. The OS drops the lock when the process dies, even by ``kill -9``."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(out_dir) / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another crawl is running in {out_dir}: wait for it to finish, or crawl into another folder"
            ) from None
        yield


def crawl(settings: CrawlSettings, out_dir: Path) -> CrawlResult:
    """Crawl from the settings' seeds into ``out_dir`` (resuming what is there); blocks until done."""
    with exclusive(out_dir):
        return asyncio.run(Crawler(settings, Path(out_dir)).run())
