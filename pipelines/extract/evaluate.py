"""Run an extractor over gold pages and score it: F1 (AEB metric), empty share, speed, worst pages.

Why it exists: ``lingoloom eval extract`` and the benchmark must measure the same thing the
pipeline does, so each page goes through the step's own path (charset detection, then the
extractor under the per-page time limit), timed per page. The peer, plain ``trafilatura.extract``
in each of its settings (``RAW_SETTINGS``), is scored on the same bytes by the same code, so that
"our default is at least as good as trafilatura's best setting" can be checked on any gold set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from lingoloom.pipelines.extract.result import Extractor
from lingoloom.pipelines.extract.charset import decode_body
from lingoloom.pipelines.extract.gold import GoldPage
from lingoloom.pipelines.extract.metric import PageScore, Scores, aggregate, score_page
from lingoloom.pipelines.extract.timelimit import TimeLimitExceeded, time_limit


@dataclass
class PageResult:
    """One page's outcome."""

    id: str
    score: PageScore
    seconds: float  # CPU time of this process (robust to other load on the machine)
    output_chars: int
    status: str  # ok | empty | undecodable | timeout | failed
    url: str | None = None


@dataclass
class EvalReport:
    """What ``eval extract`` prints."""

    scores: Scores
    pages: list[PageResult] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def pages_per_second(self) -> float:
        """Pages per CPU second of one core: the throughput figure, insensitive to other load."""
        return len(self.pages) / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def wall_pages_per_second(self) -> float:
        return len(self.pages) / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def empty_share(self) -> float:
        return sum(1 for p in self.pages if p.output_chars == 0) / len(self.pages) if self.pages else 0.0

    def worst(self, n: int = 10) -> list[PageResult]:
        return sorted(self.pages, key=lambda p: (p.score.f1, p.id))[:n]


def extract_page(extractor: Extractor, body: bytes, time_limit_seconds: float) -> tuple[str, str]:
    """(text, status) for one page: charset detection and extraction under the time limit, as in the
    step (whose cheap pre-checks for non-HTML bodies are left out: gold pages are HTML)."""
    decoded = decode_body(body)
    if decoded is None:
        return "", "undecodable"
    try:
        with time_limit(time_limit_seconds):
            extracted = extractor.extract(decoded.text)
    except TimeLimitExceeded:
        return "", "timeout"
    except Exception:
        return "", "failed"
    text = extracted.text if extracted is not None else ""
    return text, "ok" if text.strip() else "empty"


#: plain ``trafilatura.extract`` settings the default is compared with (``evaluate_raw``)
RAW_SETTINGS: dict[str, dict[str, bool]] = {
    "defaults": {},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
}


def raw_page(settings: dict[str, bool], body: bytes, time_limit_seconds: float) -> tuple[str, str]:
    """(text, status) of plain ``trafilatura.extract(body, **settings)`` on the raw bytes (its own
    charset handling), under the same time limit as ours."""
    import trafilatura

    try:
        with time_limit(time_limit_seconds):
            text = trafilatura.extract(body, **settings) or ""
    except TimeLimitExceeded:
        return "", "timeout"
    except Exception:
        return "", "failed"
    return text, "ok" if text.strip() else "empty"


def evaluate(extractor: Extractor, pages: list[GoldPage], time_limit_seconds: float = 10.0) -> EvalReport:
    """Extract every page through the step's path and score it (see ``evaluate_pages``)."""
    return evaluate_pages(lambda body: extract_page(extractor, body, time_limit_seconds), pages)


def evaluate_raw(settings: dict[str, bool], pages: list[GoldPage], time_limit_seconds: float = 10.0) -> EvalReport:
    """Plain ``trafilatura.extract`` with ``settings`` on the same bytes, scored the same way."""
    return evaluate_pages(lambda body: raw_page(settings, body, time_limit_seconds), pages)


def evaluate_pages(run: Callable[[bytes], tuple[str, str]], pages: list[GoldPage]) -> EvalReport:
    """Run ``run`` (page bytes -> (text, status)) on every page (bytes read up front, so only
    extraction is timed) and score it.

    The first page is extracted once untimed beforehand, so one-off costs (imports, compiled
    patterns, lazily built options) do not count against pages/s.
    """
    bodies = [page.read_bytes() for page in pages]
    if bodies:
        run(bodies[0])
    results: list[PageResult] = []
    cpu_total = wall_total = 0.0
    for page, body in zip(pages, bodies):
        wall, cpu = time.perf_counter(), time.process_time()
        text, status = run(body)
        cpu = time.process_time() - cpu
        wall_total += time.perf_counter() - wall
        cpu_total += cpu
        results.append(PageResult(page.id, score_page(page.text, text), cpu, len(text), status, page.url))
    return EvalReport(aggregate([r.score for r in results]), results, cpu_total, wall_total)
