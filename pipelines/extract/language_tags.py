"""The language a page declares about itself (``<html lang>``, ``Content-Language``).

Why it exists: the declared language is a cheap, independent signal next to language ID (a
mismatch often means a template in one language around content in another); it is kept as the
record's ``declared_language`` field, never used to decide the language.
"""

from __future__ import annotations

import re

_HTML_LANG = re.compile(r"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
                        re.IGNORECASE)
_META_LANG = re.compile(
    r"<meta\b[^>]*?http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*?content\s*=\s*[\"']?\s*"
    r"([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.IGNORECASE,
)
_HEADER_LANG = re.compile(r"^\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)")
_SCAN_CHARS = 16_384


def _clean(tag: str) -> str:
    return tag.replace("_", "-")


def declared_language(html: str, headers: dict[str, str] | None = None) -> str | None:
    """The page's own language tag: ``<html lang>``, else ``<meta http-equiv=content-language>``,
    else the HTTP ``Content-Language`` header (its first tag). BCP-47 as written, ``_`` -> ``-``."""
    head = html[:_SCAN_CHARS]
    for pattern in (_HTML_LANG, _META_LANG):
        match = pattern.search(head)
        if match:
            return _clean(match.group(1))
    header = (headers or {}).get("content-language")
    if header:
        match = _HEADER_LANG.match(header)
        if match:
            return _clean(match.group(1))
    return None
