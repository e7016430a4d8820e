"""Polite, resumable web crawling into WARC/1.1 (local asyncio engine and a Beam job keyed by host).

Public API: :func:`crawl` (blocking) and :class:`CrawlResult`; settings in
:class:`lingoloom.schemas.crawl.CrawlSettings`.
"""

from lingoloom.pipelines.crawl.crawler import CrawlResult, crawl

__all__ = ["CrawlResult", "crawl"]
