"""Crash safety: ``kill -9`` the crawler at several moments, restart it, and lose or refetch nothing.

The crawler runs in a subprocess against a three-host site on 127.0.0.1 and is killed with
SIGKILL after different numbers of requests, then restarted into the same folder; a final run
finishes the crawl. Every page must be in the WARC files exactly once, and no page written by
an earlier run may be requested again by a later one. A second test cuts a WARC file at every
kind of position (inside a record, between records) and checks recovery keeps only whole pages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlsite import Host, Reply, html
from lingoloom.pipelines.crawl import warc
from lingoloom.pipelines.crawl.crawler import WARC_DIR
from lingoloom.schemas.crawl import CrawlSettings

PAGES_PER_HOST = 30
KILL_AFTER_REQUESTS = (8, 25, 45, 70)

_RUNNER = """
import json, sys
from lingoloom.pipelines.crawl import crawl
from lingoloom.schemas.crawl import CrawlSettings
crawl(CrawlSettings.model_validate_json(open(sys.argv[1]).read()), sys.argv[2])
"""


def _site() -> list[Host]:
    hosts = [Host() for _ in range(3)]
    for index, host in enumerate(hosts):
        other = hosts[(index + 1) % len(hosts)]
        for page in range(PAGES_PER_HOST):
            links = "".join(f'<a href="/p{n}.html">{n}</a>' for n in range(page + 1, min(page + 4, PAGES_PER_HOST)))
            links += f'<a href="{other.url(f"/p{page}.html")}">x</a>'
            reply = html(f"<p>page {page} of host {index}</p>{links}" + "<p>filler</p>" * 50)
            reply.delay = 0.01
            host.routes[f"/p{page}.html"] = reply
        host.routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    return hosts


def _total_requests(hosts: list[Host]) -> int:
    return sum(len(h.log) for h in hosts)


def _page_hits(hosts: list[Host], start: list[int], end: list[int]) -> set[str]:
    return {h.url(path) for h, s, e in zip(hosts, start, end) for _, path, _ in h.log[s:e] if path != "/robots.txt"}


def _warc_files(out: Path) -> dict[int, Path]:
    found = {}
    for path in (out / WARC_DIR).glob("*.warc.gz*"):
        found[int(path.name.split("-")[-1].split(".")[0])] = path
    return found


def test_kill_9_and_resume_loses_nothing_and_refetches_nothing(tmp_path):
    hosts = _site()
    try:
        out = tmp_path / "crawl"
        settings = CrawlSettings(
            seeds=[h.url("/p0.html") for h in hosts], allow_private_addresses=["127.0.0.1"],
            delay_seconds=0, per_host_concurrency=2, max_depth=PAGES_PER_HOST, warc_max_bytes=20_000,
        )
        config = tmp_path / "settings.json"
        config.write_text(settings.model_dump_json())
        command = [sys.executable, "-c", _RUNNER, str(config), str(out)]
        boundaries = [[0, 0, 0]]
        file_run: dict[int, int] = {}
        for run, kill_after in enumerate(KILL_AFTER_REQUESTS + (None,)):
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if kill_after is None:
                _, stderr = process.communicate(timeout=60)
                assert process.returncode == 0, stderr.decode()
            else:
                deadline = time.monotonic() + 30
                while _total_requests(hosts) < kill_after and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            boundaries.append([len(h.log) for h in hosts])
            for serial in _warc_files(out):
                file_run.setdefault(serial, run)

        written: dict[str, int] = {}
        for serial, path in sorted(_warc_files(out).items()):
            assert path.name.endswith(".warc.gz"), f"{path.name} left open"
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type == "response":
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        assert url not in written, f"{url} written twice"
                        written[url] = file_run[serial]
        every_page = {h.url(f"/p{n}.html") for h in hosts for n in range(PAGES_PER_HOST)}
        assert set(written) == every_page
        for url, run in written.items():
            for later in range(run + 1, len(boundaries) - 1):
                assert url not in _page_hits(hosts, boundaries[later], boundaries[later + 1]), (
                    f"{url} written by run {run} was fetched again by run {later}"
                )
        assert len(file_run) > len(KILL_AFTER_REQUESTS)  # rotation and restarts made several files
    finally:
        for host in hosts:
            host.close()


def _page_response(url: str):
    from datetime import datetime, timezone

    from lingoloom.pipelines.crawl.fetch import Response

    return Response(
        url=url, status=200, reason="OK", headers=[("Content-Type", "text/html")], body=b"<p>" + url.encode() * 20 + b"</p>",
        request_line="GET / HTTP/1.1", request_headers=[("Host", "h")], ip="127.0.0.1",
        fetch_date=datetime.now(timezone.utc), wire_bytes=10,
    )


def test_recovery_cuts_torn_tails_back_to_whole_pages(tmp_path):
    source = tmp_path / "source"
    writer = warc.RotatingWarcWriter(source, "t", 10**9, {"software": "test"})
    ends = []
    for n in range(3):
        writer.write_page(_page_response(f"http://h/{n}"), {"url": f"http://h/{n}", "depth": 0, "outlinks": []})
        ends.append(writer.current.stat().st_size)
    data = writer.current.read_bytes()
    writer.close()
    cuts = sorted({1, 50, ends[0] - 1, ends[0], ends[0] + 1, (ends[0] + ends[1]) // 2, ends[1], ends[2] - 5, ends[2]})
    for cut in cuts:
        folder = tmp_path / f"cut-{cut}"
        folder.mkdir()
        (folder / "t-00000.warc.gz.open").write_bytes(data[:cut])
        recovered = dict(warc.recover(folder, "t"))
        complete = sum(1 for end in ends if end <= cut)
        pages = recovered.get("t-00000.warc.gz", [])
        assert [p["url"] for p in pages] == [f"http://h/{n}" for n in range(complete)], cut
        assert not list(folder.glob("*.open"))
        if pages:
            with open(folder / "t-00000.warc.gz", "rb") as stream:
                types = [r.rec_type for r in ArchiveIterator(stream)]
            assert types == ["warcinfo"] + ["response", "request", "metadata"] * complete
