"""URL block-list: drop documents from blocked domains or URLs, before any text is measured.

Why it exists: some sites should never enter a dataset whatever their text looks like (adult
content, known spam farms, sites that asked to be excluded). This wraps datatrove's
``URLFilter`` (domain, sub-domain and URL lists, banned words in URLs, and optionally its
integrated UT1 block-lists shipped inside datatrove) with two offline fixes: the public-suffix
list is tldextract's bundled snapshot (the default fetches it over the network), and documents
without a URL are kept rather than failing an assertion.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import get_filter_result


def read_list_file(path: str | Path) -> list[str]:
    """Entries of a block-list file: one per line, ``#`` comments and blank lines ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


class UrlBlocklist:
    """Decide whether a document's URL is blocked; the datatrove filter is built lazily (picklable)."""

    def __init__(self, domains: list[str], urls: list[str] | None = None, builtin_lists: bool = False):
        self.domains = sorted({d.strip().lower().lstrip(".") for d in domains if d.strip()})
        self.urls = sorted(set(urls or []))
        self.builtin_lists = builtin_lists
        self._filter = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_filter": None}

    @property
    def active(self) -> bool:
        return bool(self.domains or self.urls or self.builtin_lists)

    def _stock(self):
        if self._filter is None:
            from datatrove.pipeline.filters import URLFilter
            from tldextract import TLDExtract

            stock = URLFilter(extra_domains=self.domains, extra_urls=self.urls, use_integrated_lists=self.builtin_lists)
            stock.tldextractor = TLDExtract(suffix_list_urls=(), cache_dir=None)
            self._filter = stock
        return self._filter

    def check(self, doc: Document) -> str | None:
        """``None`` when allowed, else datatrove's reason (``domain``, ``subdomain``, ``url``, ``hard_blacklisted``...)."""
        url = doc.metadata.get("url")
        if not url or not self.active:
            return None
        keep, reason = get_filter_result(self._stock().filter(doc))
        return None if keep else (reason or "blocked")
