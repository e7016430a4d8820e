"""Remove what trafilatura discards anyway before it parses and walks the page.

Why it exists: on the shared benchmark pages about 60% of the HTML characters are inline
scripts, styles and comments, and trafilatura runs its raw-tree XPath passes (comment and
infinite-scroll pruning) and copies the tree *before* its own cleaning deletes ``<nav>``,
``<footer>``, ``<aside>``, form controls and the like. Doing that deletion first
makes every later pass walk a much smaller tree; the extracted text is unchanged (identical
output on all 204 scrapinghub_aeb + newspaper4k pages, see BENCHMARKS.md, Extraction).

Two passes:

1. ``strip_raw_blocks`` (on the string, before parsing): ``<script>`` and ``<style>`` blocks and
   ``<!-- -->`` comments are cut with a linear scan. Their content is raw text for the HTML
   parser, so each ends at the first closing tag exactly as the parser would end it. JSON-LD
   scripts are kept: trafilatura reads them to recognise forum threads.
2. ``precleaned_tree``: the page parsed with trafilatura's own loader, then every element
   trafilatura's cleaning deletes unconditionally is removed with its subtree (tail text kept,
   as trafilatura does). Elements its cleaning treats conditionally stay: ``<form>`` (kept when
   it wraps the main content), ``<figure>`` (kept as a block when it holds a table), ``<math>``
   (turned into LaTeX first) and, when images are kept, ``<figure>``/``<picture>``/``<source>``;
   ``<head>`` stays for its JSON-LD.

trafilatura's metadata pass reads what pass 1 and 2 remove (``<meta>`` tags, ``<time>``
elements, scripts), so metadata must come from the original string (light_metadata.py): only
profiles with ``metadata="light"`` pre-clean.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

_OPENING = re.compile(r"<(?:(script|style)(?=[\s/>])([^>]*)>|!--)", re.IGNORECASE)
_CLOSING = {
    "script": re.compile(r"</script(?=[\s/>])[^>]*>", re.IGNORECASE),
    "style": re.compile(r"</style(?=[\s/>])[^>]*>", re.IGNORECASE),
}
_JSON_LD = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.IGNORECASE)
#: trafilatura's cleaning keeps these in some cases (see module docstring), so they stay for it to judge;
#: ``<head>`` and ``<script>`` stay for the JSON-LD that trafilatura reads before its cleaning
_KEPT = frozenset({"form", "figure", "math", "head", "script"})
_KEPT_WITH_IMAGES = frozenset({"figure", "picture", "source"})


def strip_raw_blocks(html: str) -> str:
    """``html`` without ``<script>`` (except JSON-LD) and ``<style>`` blocks and comments.

    An unterminated block or comment is left in place for the parser to handle.
    """
    parts: list[str] = []
    position = 0
    while (match := _OPENING.search(html, position)) is not None:
        tag = match.group(1)
        if tag is None:
            end = html.find("-->", match.end())
            if end < 0:
                break
            end += 3
        else:
            closing = _CLOSING[tag.lower()].search(html, match.end())
            if closing is None:
                break
            end = closing.end()
            if tag.lower() == "script" and _JSON_LD.search(match.group(2)):
                parts.append(html[position:end])
                position = end
                continue
        parts.append(html[position : match.start()])
        position = end
    if not parts:
        return html
    parts.append(html[position:])
    return "".join(parts)


def discarded_tags(images: bool = False) -> tuple[str, ...]:
    """The tags trafilatura's cleaning deletes whatever they hold (from its own list)."""
    from trafilatura.settings import MANUALLY_CLEANED

    kept = _KEPT | (_KEPT_WITH_IMAGES if images else frozenset())
    return tuple(tag for tag in MANUALLY_CLEANED if tag not in kept)


def precleaned_tree(html: str, tags: tuple[str, ...]) -> HtmlElement | None:
    """``html`` (already through ``strip_raw_blocks``) parsed by trafilatura's loader, without
    the elements named in ``tags``; None when it does not parse as HTML."""
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None
    etree.strip_elements(tree, *tags, with_tail=False)
    return tree
