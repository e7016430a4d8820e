"""The crawl as a Beam job keyed by host: one worker owns a host at a time, so per-host politeness
holds across a cluster, and the fetch code is the local crawler's own.

Why it exists: one machine cannot crawl tens of thousands of hosts in reasonable time, but a
cluster must not hit one small server from many machines at once. Each round groups the frontier
by host (``CoGroupByKey`` with the URLs settled in earlier rounds); for each host a
:class:`~lingoloom.pipelines.crawl.crawler.Crawler` in host mode crawls that host's part of the
frontier (robots.txt, gates, limits, WARC writing: the local code) and hands the links to other
hosts to the next round. A link hop across hosts costs one round, so ``rounds`` defaults to
``max_depth + 1``::

    seeds -> [CoGroupByKey(host) -> CrawlHost] x rounds -> WARC files + outcome counts

Limits of this engine: a host's URLs are re-queued per round, so its robots.txt is read once per
round; ``max_pages`` is shared out evenly among the hosts of a round (never exceeded, possibly not
reached). A retried bundle rewrites its WARC files under the same names. Restart safety is Beam's
(failed bundles are retried); a job started again begins afresh, unlike the local crawler.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import apache_beam as beam
import fsspec
import xxhash

from lingoloom.pipelines.crawl.crawler import WARC_DIR, Crawler, CrawlResult, HostJob, seed_items
from lingoloom.pipelines.crawl.urls import InvalidURL, canonicalize, host_key
from lingoloom.pipelines.crawl.visit import Item
from lingoloom.schemas.crawl import CrawlSettings

SUMMARY_FILE = "crawl-summary.json"


def _to_tuple(item: Item) -> tuple:
    return (item.url, item.depth, item.kind, item.attempt, list(item.via))


def _from_tuple(value: Sequence) -> Item:
    url, depth, kind, attempt, via = value
    return Item(url, depth, kind, attempt, tuple(via))


class CrawlHostFn(beam.DoFn):
    """Crawl one host's share of a round; outputs settled URLs (main), ``links`` to other hosts,
    the ``warc`` files written and the host's ``pace`` (when it may be contacted again), which the
    next round honours so the spacing holds across rounds and workers."""

    def __init__(self, settings: CrawlSettings, out_dir: str, round_index: int, scope_urls: list[str]):
        self.settings = settings
        self.out_dir = out_dir.rstrip("/")
        self.round_index = round_index
        self.scope_urls = scope_urls

    def process(self, element, fetched_before: int, hosts_in_round: int) -> Iterable:
        host, grouped = element
        items = [_from_tuple(v) for v in grouped["items"]]
        if not items:
            return
        settled = list(grouped["settled"])
        not_before = max(grouped["pace"], default=0.0)
        remaining = max(0, self.settings.max_pages - fetched_before)
        slug = xxhash.xxh64_hexdigest(host.encode())[:12]
        job = HostJob(
            host=host,
            items=items,
            settled_elsewhere=[url for url, _, _ in settled],
            scope_urls=self.scope_urls,
            max_pages=remaining // max(1, hosts_in_round),
            host_pages_before=sum(1 for _, state, _ in settled if state == "fetched"),
            warc_prefix=f"{self.settings.warc_prefix}-r{self.round_index:02d}-{slug}",
            not_before=not_before,
        )
        with tempfile.TemporaryDirectory(prefix="lingoloom-crawl-") as tmp:
            crawler = Crawler(self.settings, Path(tmp), host_job=job)
            result = asyncio.run(crawler.run())
            for path in result.warc_paths:
                target = f"{self.out_dir}/{WARC_DIR}/{path.name}"
                with open(path, "rb") as source, fsspec.open(target, "wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
                yield beam.pvalue.TaggedOutput("warc", target)
            for url, state, reason in crawler.frontier.settled():
                yield (host_key(url), (url, state, reason))
            for link in crawler.frontier.foreign:
                yield beam.pvalue.TaggedOutput("links", (host_key(link.url), _to_tuple(link)))
            yield beam.pvalue.TaggedOutput("pace", (host, crawler.next_contact(host)))
            crawler.frontier.close()


def _summary(settled: Iterable[tuple[str, tuple[str, str, str | None]]]) -> str:
    """Outcome counts over distinct URLs (a link refused by several host workers counts once)."""
    outcome: dict[str, tuple[str, str | None]] = {}
    for _, (url, state, reason) in settled:
        if url not in outcome or state == "fetched":
            outcome[url] = (state, reason)
    counts = Counter(f"{state}/{reason or ''}" for state, reason in outcome.values())
    return json.dumps(dict(sorted(counts.items())))


def build_crawl(pipeline: beam.Pipeline, settings: CrawlSettings, out_dir: str, rounds: int) -> None:
    """Add the crawl rounds and the summary writer to ``pipeline``."""

    def canonical(url: str) -> str | None:
        try:
            return canonicalize(url, None, settings.tracking_params)
        except InvalidURL:
            return None

    seeds = seed_items(settings, canonical)
    scope_urls = [item.url for item in seeds]
    frontier = pipeline | "seeds" >> beam.Create([(host_key(i.url), _to_tuple(i)) for i in seeds])
    settled = pipeline | "nothing settled yet" >> beam.Create([])
    pace = pipeline | "no pace yet" >> beam.Create([])
    for r in range(rounds):
        grouped = {"items": frontier, "settled": settled, "pace": pace} | f"by host r{r}" >> beam.CoGroupByKey()
        fetched_before = (
            settled
            | f"fetched r{r}" >> beam.Filter(lambda kv: kv[1][1] == "fetched")
            | f"count fetched r{r}" >> beam.combiners.Count.Globally()
        )
        hosts = (
            grouped
            | f"hosts with work r{r}" >> beam.Filter(lambda kv: bool(list(kv[1]["items"])))
            | f"count hosts r{r}" >> beam.combiners.Count.Globally()
        )
        out = grouped | f"crawl r{r}" >> beam.ParDo(
            CrawlHostFn(settings, out_dir, r, scope_urls),
            fetched_before=beam.pvalue.AsSingleton(fetched_before),
            hosts_in_round=beam.pvalue.AsSingleton(hosts),
        ).with_outputs("links", "warc", "pace", main="settled")
        settled = (settled, out.settled) | f"settled after r{r}" >> beam.Flatten()
        pace = (pace, out.pace) | f"pace after r{r}" >> beam.Flatten()
        frontier = out.links
    (
        settled
        | "one summary" >> beam.combiners.ToList()
        | "count outcomes" >> beam.Map(_summary)
        | "write summary" >> beam.Map(_write_text, f"{out_dir.rstrip('/')}/{SUMMARY_FILE}")
    )


def _write_text(text: str, target: str) -> None:
    with fsspec.open(target, "w") as sink:
        sink.write(text)


def run_beam_crawl(
    settings: CrawlSettings,
    out_dir: Path | str,
    rounds: int | None = None,
    runner: str = "FnApiRunner",
    workers: int = 2,
    pipeline_args: Sequence[str] = (),
) -> CrawlResult:
    """Run the crawl as a Beam job and wait; WARC files land in ``<out_dir>/warc/``."""
    from lingoloom.pipelines.engines.beam import beam_options

    out = str(out_dir)
    if "://" not in out:
        Path(out, WARC_DIR).mkdir(parents=True, exist_ok=True)
    options = beam_options(runner, workers, pipeline_args)
    with beam.Pipeline(options=options) as pipeline:
        build_crawl(pipeline, settings, out, rounds if rounds is not None else settings.max_depth + 1)
    with fsspec.open(f"{out.rstrip('/')}/{SUMMARY_FILE}", "r") as source:
        counts = json.load(source)
    fs, warc_dir = fsspec.core.url_to_fs(f"{out.rstrip('/')}/{WARC_DIR}")
    protocol = fs.protocol[0] if isinstance(fs.protocol, (list, tuple)) else fs.protocol
    found = sorted(fs.glob(f"{warc_dir}/*.warc.gz"))
    by_state: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        state, _, reason = key.partition("/")
        by_state.setdefault(state, {})[reason] = n
    return CrawlResult(
        warc_paths=[Path(p) for p in found] if "://" not in out else [f"{protocol}://{p}" for p in found],
        fetched=sum(by_state.get("fetched", {}).values()),
        refused=dict(sorted(by_state.get("refused", {}).items())),
        redirected=sum(by_state.get("redirected", {}).values()),
        expanded=sum(by_state.get("expanded", {}).values()),
        queued=sum(by_state.get("queued", {}).values()),
    )
