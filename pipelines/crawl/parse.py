"""What the crawler reads out of a fetched body: charset, links, sitemap entries, feed entries.

Why it exists: discovery is where a crawler meets hostile markup. Servers declare the wrong
charset, sitemaps come gzipped or as indexes of indexes, feeds come as RSS or Atom. These parsers
never raise on bad input: they return what they can (possibly nothing), and XML is parsed with
entity resolution and network access off.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import charset_normalizer
from lxml import etree, html

from lingoloom.pipelines.crawl.safety import BoundedDecoder, Refused

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class Decoded:
    """Text of a body and how it was decoded."""

    text: str
    charset: str
    declared: str | None
    declared_was_wrong: bool


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """Charset declared by a BOM, the Content-Type header or a ``<meta>`` tag, in that order."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    match = _HEADER_CHARSET.search(content_type or "")
    if match:
        return match.group(1).lower()
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_body(body: bytes, content_type: str | None) -> Decoded:
    """Decode with the declared charset when it decodes cleanly, else with the detected one."""
    declared = declared_charset(body, content_type)
    codec = _codec(declared)
    if codec:
        try:
            return Decoded(body.decode(codec), codec, declared, False)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(body.decode("utf-8"), "utf-8", declared, declared is not None and codec != "utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    name = _codec(best.encoding if best else None) or "utf-8"
    return Decoded(body.decode(name, errors="replace"), name, declared, declared is not None)


def html_links(text: str, base_url: str) -> list[str]:
    """``href`` of ``<a>``/``<area>`` (not rel=nofollow) resolved against ``<base href>`` or the URL, in page order."""
    try:
        tree = html.fromstring(text.encode("utf-8", errors="replace"), parser=html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return []
    base = tree.find(".//base[@href]")
    base_url = urljoin(base_url, base.get("href").strip()) if base is not None else base_url
    links = []
    for element in tree.iter("a", "area"):
        href = element.get("href")
        if href and "nofollow" not in (element.get("rel") or "").lower():
            links.append(urljoin(base_url, href.strip()))
    return links


def ungzip(body: bytes, max_bytes: int) -> bytes:
    """Gunzip a ``.gz`` file body (a sitemap), bounded like any other decoding."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    decoder = BoundedDecoder("gzip", max_bytes, float("inf"))
    decoder.feed(body)
    return decoder.finish()


def _xml_root(body: bytes):
    try:
        return etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


@dataclass(frozen=True)
class SitemapEntries:
    """Pages and nested sitemaps listed by a sitemap file."""

    pages: list[str]
    sitemaps: list[str]


def parse_sitemap(body: bytes, max_bytes: int) -> SitemapEntries:
    """Entries of an XML urlset or sitemap index (plain or gzipped) or of a plain-text sitemap."""
    try:
        body = ungzip(body, max_bytes)
    except Refused:
        return SitemapEntries([], [])
    root = _xml_root(body)
    if root is None:
        lines = body.decode("utf-8", errors="replace").split()
        return SitemapEntries([u for u in lines if u.startswith(("http://", "https://"))], [])
    kind = _local(root.tag)
    locs = [
        (loc.text or "").strip()
        for child in root
        if _local(child.tag) in ("url", "sitemap")
        for loc in child
        if _local(loc.tag) == "loc"
    ]
    locs = [u for u in locs if u]
    return SitemapEntries([], locs) if kind == "sitemapindex" else SitemapEntries(locs, [])


def parse_feed(body: bytes, base_url: str) -> list[str]:
    """Entry links of an RSS 2.0 / RSS 1.0 / Atom feed."""
    root = _xml_root(body)
    if root is None:
        return []
    links = []
    for element in root.iter():
        name = _local(element.tag)
        if name not in ("item", "entry"):
            continue
        for child in element:
            if _local(child.tag) != "link":
                continue
            href = child.get("href")
            if href is not None:
                if (child.get("rel") or "alternate") == "alternate":
                    links.append(urljoin(base_url, href.strip()))
            elif child.text and child.text.strip():
                links.append(urljoin(base_url, child.text.strip()))
    return links

