"""A quick estimate of how much visible text a page's markup holds, without parsing it.

Why it exists: redirect stubs, frame sets, script-only single-page apps and error shells cannot
hold main text; rejecting them with a regular-expression scan costs a fraction of a parse.
"""

from __future__ import annotations

import re

# invisible blocks, comments and tags are skipped; group 2 is a run of text between tags
_TOKENS = re.compile(
    r"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|([^<]+)",
    re.IGNORECASE | re.DOTALL,
)
_SPACE = re.compile(r"\s+")


def has_visible_text(html: str, min_chars: int) -> bool:
    """True when the markup holds at least ``min_chars`` non-space characters outside tags,
    scripts and styles; stops scanning as soon as that many are found."""
    if min_chars <= 0:
        return True
    seen = 0
    for match in _TOKENS.finditer(html):
        run = match.group(2)
        if run:
            seen += len(_SPACE.sub("", run))
            if seen >= min_chars:
                return True
    return False
