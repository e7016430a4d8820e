"""Registered domain and TLD of a URL, offline.

Why it exists: balance and reports group documents by registered domain (``bbc.co.uk``, not
``www.bbc.co.uk``) and country-code TLD. tldextract is told to use its bundled public-suffix
list so nothing is fetched at run time.
"""

from __future__ import annotations

import functools

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=65536)
def domain_and_tld(url: str | None) -> tuple[str | None, str | None]:
    """``("example.co.uk", "co.uk")`` for a URL; IP hosts give the IP and no TLD; ``(None, None)`` if empty."""
    if not url:
        return None, None
    parts = _EXTRACT(url)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}".lower(), parts.suffix.lower()
    host = parts.domain or parts.ipv4 or None
    return (host.lower() if host else None), None
