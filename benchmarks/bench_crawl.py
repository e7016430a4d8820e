"""Crawler and WARC-reading throughput: `python -m benchmarks.run_all crawl`.

Why it exists: the crawler's promises (robots.txt, per-host gates, a persisted frontier, crash-safe
WARC) cost something per page; this measures how much against a bare asyncio fetch loop over
the same URLs, and how fast the two WARC parsers read the same file.

1. pages/s: a multi-host site (per-host delay zero) served by a separate process on 127.0.0.1;
   lingoloom's crawler (robots, gates, SQLite frontier, WARC writing, link parsing) vs bare
   aiohttp GETs of the same URL list at the same concurrency (no politeness, nothing written).
2. politeness bookkeeping per URL: HostGate slot, protego can_fetch, frontier settle (SQLite).
3. WARC records/s: warcio vs FastWARC on the same file, raw iteration and to Documents.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import statistics
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOSTS = 6
PAGES = 150
REPEATS = 3


def _serve(ports: multiprocessing.Queue, hosts: int, pages: int) -> None:
    import threading

    filler = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40 + "</p>"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            if self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                n = int(self.path.strip("/p.html") or 0)
                wanted = range(1, pages) if n == 0 else range(n + 1, min(n + 4, pages))  # p0 is the site index
                links = "".join(f'<a href="/p{k}.html">{k}</a>' for k in wanted)
                body, kind = f"<html><body>{filler}{links}</body></html>".encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            """Quiet."""

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(hosts)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.put([s.server_address[1] for s in servers])
    threading.Event().wait()


def _crawl_once(bases: list[str], out: Path) -> tuple[float, float, int, list[Path]]:
    from lingoloom.pipelines.crawl import crawl
    from lingoloom.schemas.crawl import CrawlSettings

    settings = CrawlSettings(seeds=[b + "/p0.html" for b in bases], allow_private_addresses=["127.0.0.1"],
                             delay_seconds=0, per_host_concurrency=4, concurrency=24, max_depth=PAGES,
                             max_pages=HOSTS * PAGES, max_pages_per_host=PAGES)
    started, cpu = time.perf_counter(), time.process_time()
    result = crawl(settings, out)
    return time.perf_counter() - started, time.process_time() - cpu, result.fetched, result.warc_paths


async def _bare(urls: list[str], concurrency: int) -> None:
    import aiohttp

    limit = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as session:
        async def get(url: str) -> None:
            async with limit, session.get(url) as response:
                await response.read()

        await asyncio.gather(*(get(u) for u in urls))


def _bookkeeping(n: int = 20_000) -> dict[str, float]:
    from protego import Protego

    from lingoloom.pipelines.crawl.frontier import Frontier
    from lingoloom.pipelines.crawl.politeness import HostGate
    from lingoloom.pipelines.crawl.urls import Scope, canonicalize
    from lingoloom.pipelines.crawl.visit import Item
    from lingoloom.schemas.crawl import CrawlSettings

    async def gates() -> float:
        gate, slots = HostGate(0.0, 4), asyncio.Semaphore(32)
        started = time.perf_counter()
        for _ in range(n):
            async with gate.slot(slots):
                pass
        return (time.perf_counter() - started) / n

    robots = Protego.parse("User-agent: *\nDisallow: /private/\nDisallow: /*.pdf$\nAllow: /private/open*\nCrawl-delay: 1\n")
    urls = [f"https://h.example/news/{i}/page.html?id={i}" for i in range(n)]
    started = time.perf_counter()
    for url in urls:
        robots.can_fetch(url, "lingoloom-bot")
    per_robots = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for url in urls:
        canonicalize(url)
    per_canonical = (time.perf_counter() - started) / n
    settings = CrawlSettings(seeds=["https://h.example/"], max_depth=10)
    with tempfile.TemporaryDirectory() as tmp:
        frontier = Frontier(Path(tmp) / "f.sqlite", settings, Scope(settings))
        items = [Item(u, 1) for u in urls[: n // 4]]
        frontier.add(items)
        started = time.perf_counter()
        for item in items:
            frontier.settle(item, "fetched", None, [Item(item.url + "&next=1", 2)])
        per_settle = (time.perf_counter() - started) / len(items)
        frontier.close()
    return {
        "HostGate.slot": asyncio.run(gates()) * 1e6,
        "robots can_fetch": per_robots * 1e6,
        "canonicalize": per_canonical * 1e6,
        "frontier settle + 1 link (SQLite)": per_settle * 1e6,
    }


def _warc_rates(path: Path) -> dict[str, float]:
    import fastwarc.warc as fw
    from warcio.archiveiterator import ArchiveIterator

    from lingoloom.pipelines.commoncrawl.reader import iter_fastwarc_documents
    from lingoloom.pipelines.sources.warc import iter_warc_documents

    data = path.read_bytes()

    def warcio_raw() -> int:
        n = 0
        for record in ArchiveIterator(io.BytesIO(data)):
            record.content_stream().read()
            n += 1
        return n

    def fastwarc_raw() -> int:
        n = 0
        for record in fw.ArchiveIterator(io.BytesIO(data), parse_http=False):
            record.reader.read()
            n += 1
        return n

    runs = {
        "warcio records": warcio_raw,
        "FastWARC records": fastwarc_raw,
        "warcio -> Documents": lambda: sum(1 for _ in iter_warc_documents(io.BytesIO(data), "b")),
        "FastWARC -> Documents": lambda: sum(1 for _ in iter_fastwarc_documents(io.BytesIO(data), "b")),
    }
    rates = {}
    for name, run in runs.items():
        times, count = [], 0
        for _ in range(REPEATS):
            started = time.perf_counter()
            count = run()
            times.append(time.perf_counter() - started)
        rates[name] = count / statistics.median(times)
    return rates


def main() -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(queue, HOSTS, PAGES), daemon=True)
    server.start()
    try:
        bases = [f"http://127.0.0.1:{port}" for port in queue.get(timeout=30)]
        urls = [f"{b}/p{k}.html" for b in bases for k in range(PAGES)]
        ours, bare, ours_cpu, bare_cpu, warc_path = [], [], [], [], None
        with tempfile.TemporaryDirectory() as tmp:
            for repeat in range(REPEATS):
                seconds, cpu, fetched, warcs = _crawl_once(bases, Path(tmp) / f"crawl{repeat}")
                assert fetched == len(urls), f"crawled {fetched} of {len(urls)} pages"
                ours.append(fetched / seconds)
                ours_cpu.append(cpu / fetched * 1e3)
                started, cpu = time.perf_counter(), time.process_time()
                asyncio.run(_bare(urls, 24))
                bare.append(len(urls) / (time.perf_counter() - started))
                bare_cpu.append((time.process_time() - cpu) / len(urls) * 1e3)
                warc_path = warcs[0]
            print(f"site: {HOSTS} hosts x {PAGES} pages on 127.0.0.1 (server in its own process), "
                  f"delay 0, concurrency 24, per host 4; median of {REPEATS}")
            print(f"  lingoloom crawler (robots, gates, SQLite frontier, WARC, links): {statistics.median(ours):8.0f} pages/s")
            print(f"  bare aiohttp GET loop, same URLs, nothing written:            {statistics.median(bare):8.0f} pages/s")
            print(f"  ratio crawler / bare: {statistics.median(ours) / statistics.median(bare):.2f} "
                  "(the one-process test server is the bottleneck of both)")
            print(f"  client CPU per page: crawler {statistics.median(ours_cpu):.2f} ms, "
                  f"bare {statistics.median(bare_cpu):.2f} ms "
                  f"(crawler bookkeeping + WARC + parsing = {statistics.median(ours_cpu) - statistics.median(bare_cpu):.2f} ms/page)")
            print("politeness bookkeeping per URL (microseconds):")
            for name, micros in _bookkeeping().items():
                print(f"  {name:38s} {micros:8.1f} us")
            big = Path(tmp) / "big.warc.gz"
            big.write_bytes(warc_path.read_bytes() * 5)
            rates = _warc_rates(big)
            print(f"WARC parsing, {big.stat().st_size / 1e6:.1f} MB gzipped WARC (crawler output x5), median of {REPEATS}:")
            for name, rate in rates.items():
                print(f"  {name:24s} {rate:10.0f} records/s")
            print(f"  FastWARC / warcio: raw {rates['FastWARC records'] / rates['warcio records']:.1f}x, "
                  f"to Documents {rates['FastWARC -> Documents'] / rates['warcio -> Documents']:.1f}x")
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
