"""Source type of a page (news, forum, encyclopedia, religious, government, commerce) from its URL.

Why it exists: a language whose web text is mostly Bible translations or one government portal
is a different dataset from one made of news and forums, and downloaders should see that. Full
classification needs a model; host and path conventions catch the large, well-known cases, and
the card reports the share each type has per language. The rules are deliberately conservative:
anything not matched is ``other``.
"""

from __future__ import annotations

import functools
import re

SOURCE_TYPES = ("encyclopedia", "religious", "government", "forum", "news", "commerce", "other")

# Host-label and path patterns, checked in the order of SOURCE_TYPES (first match wins).
_RULES: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    "encyclopedia": (
        re.compile(r"(^|\.)(wikipedia|wikimedia|wiktionary|wikisource|wikibooks|britannica|encyclopedia|baike|namu)\."),
        re.compile(r"^/wiki/"),
    ),
    "religious": (
        re.compile(
            r"(^|\.)(bible\w*|\w*bible|jw|lds|churchofjesuschrist|vatican|quran\w*|\w*quran|islam\w*|sunnah|hadith\w*"
            r"|church\w*|\w*church|sermon\w*|gospel\w*|catholic\w*|bahai|dhamma\w*|sutta\w*)\."
        ),
        re.compile(r"/(bible|quran|sermons?|scriptures?|hadith|gospel)(/|$)"),
    ),
    "government": (
        re.compile(r"(^|\.)(gov|gob|gouv|go|govt|gv|mil|parliament|parlament|europa)(\.[a-z]{2})?$|(^|\.)gc\.ca$"),
        None,
    ),
    "forum": (
        re.compile(r"(^|\.)(forums?|board|boards|community|discuss|reddit|stackexchange|stackoverflow|quora|tieba|webtretho)\."),
        re.compile(r"/(forums?|threads?|topic|showthread\.php|viewtopic\.php|t)/|showthread\.php|viewtopic\.php"),
    ),
    "news": (
        re.compile(
            r"(^|\.)(news|\w*news|\w*times|\w*post|\w*herald|\w*tribune|\w*daily|\w*gazette|\w*press|bbc|cnn|reuters"
            r"|apnews|aljazeera|vnexpress|tuoitre|thanhnien|dantri|xinhua\w*|people|chinadaily|noticias|nachrichten|akhbar)\."
        ),
        re.compile(r"/(news|noticias|nachrichten|actualites|tin-tuc|xinwen)/"),
    ),
    "commerce": (
        re.compile(
            r"(^|\.)(shop\w*|\w*shop|store|\w*store|buy\w*|amazon|ebay|etsy|aliexpress|alibaba|taobao|jd|shopee|lazada"
            r"|tokopedia|rakuten|mercadolibre|market\w*|\w*mart)\."
        ),
        re.compile(r"/(shop|store|products?|cart|checkout|buy)/"),
    ),
}


# scheme://[userinfo@]host[:port]/path — enough to find host and path without urlsplit's cost per record.
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::\d*)?([^?#]*)")


@functools.lru_cache(maxsize=65536)
def _host_kinds(host: str) -> frozenset[str]:
    """The source types whose host rule matches ``host`` (hosts repeat a lot: cached)."""
    return frozenset(kind for kind, (host_rx, _) in _RULES.items() if host_rx.search(host))


def source_type(url: str | None) -> str:
    """One of :data:`SOURCE_TYPES` for a URL (``other`` when no rule matches or the URL is empty)."""
    match = _URL.match(url) if url else None
    if match is None:
        return "other"
    host_kinds = _host_kinds(match.group(1).lower())
    path = match.group(2).lower() or "/"
    for kind, (_, path_rx) in _RULES.items():
        if kind in host_kinds or (path_rx is not None and path_rx.search(path)):
            return kind
    return "other"
