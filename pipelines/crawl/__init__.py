"""Polite, resumable web crawling into WARC/1.1 (local asyncio engine and a Beam job keyed by host).

Public API: :func:`crawl` (blocking) and :class:`CrawlResult`; settings in
:class:`lingoloom.schemas.crawl.CrawlSettings`. Imported lazily so that ``lingoloom --help``
does not load the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingoloom.pipelines.crawl.crawler import CrawlResult, crawl

__all__ = ["CrawlResult", "crawl"]


def __getattr__(name: str):
    if name in __all__:
        from lingoloom.pipelines.crawl import crawler

        return getattr(crawler, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
