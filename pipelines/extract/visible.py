"""A quick estimate of how much visible text a page's markup holds, without parsing it.

Why it exists: redirect stubs, frame sets, script-only single-page apps and error shells cannot
hold main text; rejecting them with a regular-expression scan costs a fraction of a parse.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    r"<(script|style|noscript|template|svg|head)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&[#\w]+;|\s+",
    re.IGNORECASE | re.DOTALL,
)


def has_visible_text(html: str, min_chars: int) -> bool:
    """True when the markup holds at least ``min_chars`` characters outside tags/scripts/styles."""
    if min_chars <= 0:
        return True
    return len(_INVISIBLE.sub("", html)) >= min_chars
