"""URL canonicalisation and crawl scope.

Why it exists: the same page is linked under many spellings (``HTTP://Site:80/a/../b#top``,
``?utm_source=...``); without one canonical form the crawler fetches it repeatedly and the
seen-set lies. Scope (allowed domains, include/exclude patterns) is decided on the canonical
form, so a rule cannot be dodged by spelling.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from lingoloom.schemas.crawl import CrawlSettings

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/%!$&'()*+,;=:@~-._"


class InvalidURL(ValueError):
    """A URL the crawler cannot fetch (not http(s), no host, bad port)."""


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    normalised = posixpath.normpath(path)
    normalised = "/" + normalised.lstrip("/") if normalised != "." else "/"
    if trailing and not normalised.endswith("/"):
        normalised += "/"
    return quote(unquote(normalised), safe=_PATH_SAFE)


def canonicalize(url: str, base: str | None = None, tracking_params: list[str] | tuple[str, ...] = ()) -> str:
    """Absolute canonical form of ``url`` (resolved against ``base``): lower-case scheme and host,
    no default port, dot-segments resolved, no fragment, tracking parameters removed, the rest of
    the query sorted. Raises :class:`InvalidURL` for anything but a fetchable http(s) URL."""
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURL(f"URL without a host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
        port = parts.port
    except (UnicodeError, ValueError) as err:
        raise InvalidURL(f"bad host or port in {url!r}: {err}") from err
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not any(fnmatch.fnmatchcase(key.lower(), pattern.lower()) for pattern in tracking_params)
    ]
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), urlencode(sorted(query)), ""))


def host_key(url: str) -> str:
    """The unit of politeness: ``host[:port]`` of a canonical URL (one robots.txt, one delay)."""
    return urlsplit(url).netloc


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, where its robots.txt lives."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Scope:
    """Decides whether a canonical URL may be crawled; ``reason(url)`` is None when it may."""

    def __init__(self, settings: CrawlSettings, extra_hosts: list[str] = ()):
        domains = [d.lower().strip(".") for d in settings.allowed_domains]
        if not domains:
            domains = sorted({urlsplit(u).hostname or "" for u in extra_hosts} - {""})
        self.domains = tuple(domains)
        self.include = [re.compile(p) for p in settings.include_patterns]
        self.exclude = [re.compile(p) for p in settings.exclude_patterns]

    def domain_allowed(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def reason(self, url: str) -> str | None:
        """``None`` if in scope, else ``out_of_domain`` / ``excluded_pattern`` / ``not_included``."""
        if not self.domain_allowed(url):
            return "out_of_domain"
        if any(p.search(url) for p in self.exclude):
            return "excluded_pattern"
        if self.include and not any(p.search(url) for p in self.include):
            return "not_included"
        return None
