"""The extractors: trafilatura (default, with named profiles) and resiliparse (optional).

Why it exists: one place that turns a backend name and a profile into a configured extractor,
with trafilatura's options built once and passed explicitly (no module globals).
"""

from __future__ import annotations

import re
import unicodedata

from lingoloom.pipelines.extract.light_metadata import canonical_link, light_metadata
from lingoloom.pipelines.extract.preclean import discarded_tags, precleaned_tree, strip_raw_blocks
from lingoloom.pipelines.extract.profiles import get_profile
from lingoloom.pipelines.extract.result import Extracted, Extractor


#: trafilatura's Markdown output backslash-escapes characters that are Markdown syntax
#: (``@user\\_name``, ``5 \\* 3``); corpus text wants the characters themselves.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]<>()#+\-.!~])")


def unescape_markdown(text: str) -> str:
    """Undo Markdown backslash escapes (``\\_`` -> ``_``), keeping the structure (``#``, ``-``, ``|``)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


class TrafilaturaExtractor:
    """trafilatura 2.x configured by a profile (see profiles.py)."""

    name = "trafilatura"

    def __init__(self, profile: str = "precision", markdown: bool = True):
        self.profile_name = profile
        self.profile = get_profile(profile)
        self.markdown = markdown
        self._options = None
        self._fallback_options = None
        self._rescue_options = None
        self._discarded_tags: tuple[str, ...] = ()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_options"] = state["_fallback_options"] = state["_rescue_options"] = None  # rebuilt lazily in each worker
        return state

    def _build_options(self, fast: bool, with_metadata: bool, rescue: bool = False):
        """Options of the profile's passes; ``rescue``: trafilatura's default focus, comments kept."""
        from trafilatura.settings import DEFAULT_CONFIG, Extractor as Options, set_date_params

        profile = self.profile
        return Options(
            config=DEFAULT_CONFIG,
            # "txt": bare_extraction leaves the tree unserialised; _text() renders it once
            output_format="txt",
            fast=fast,
            precision=profile.focus == "precision" and not rescue,
            recall=profile.focus == "recall" and not rescue,
            comments=rescue,
            # bold/italic markup kept as <hi> changes trafilatura's block heuristics and costs F1 (0.963
            # vs 0.966 on the AEB); headings, lists and tables survive without it (see extract())
            formatting=False,
            links=False,
            images=False,
            tables=True,
            dedup=False,
            with_metadata=with_metadata,
            # htmldate's extensive search falls back to dateparser, seconds per new locale
            date_params=set_date_params(False),
        )

    def _text(self, document) -> str:
        """Plain text of an extraction (its comments after the main text when they were kept),
        headings/lists/tables rendered Markdown-like when asked."""
        if document is None or document.body is None:
            return ""
        text = self._render(document.body)
        comments = getattr(document, "commentsbody", None)
        if comments is not None and len(comments):
            text = "\n".join(part for part in (text, self._render(comments)) if part)
        return text

    def _render(self, element) -> str:
        from trafilatura.xml import xmltotxt

        if self.markdown:
            return unescape_markdown(xmltotxt(element, True))
        return xmltotxt(element, False)

    def extract(self, html: str) -> Extracted | None:
        from trafilatura import bare_extraction

        profile = self.profile
        if self._options is None:
            full_metadata = profile.metadata == "full"
            self._options = self._build_options(profile.fallback == "when_short", full_metadata)
            self._fallback_options = self._build_options(False, False)
            self._rescue_options = self._build_options(False, False, rescue=True)
            self._discarded_tags = discarded_tags(self._options.images)
        # pre-cleaning profiles parse the page without scripts, styles and comments (preclean.py)
        source = strip_raw_blocks(html) if profile.preclean else html
        if profile.preclean:
            tree = precleaned_tree(source, self._discarded_tags)
            document = bare_extraction(tree, options=self._options) if tree is not None else None
        else:
            document = bare_extraction(source, options=self._options)
        text = self._text(document)
        if profile.fallback == "when_short" and len(text) < profile.fallback_below_chars:
            # the full pass (readability-lxml, jusText) gets the whole page (scripts, styles and comments
            # aside), not the pre-cleaned tree
            retried = self._text(bare_extraction(source, options=self._fallback_options))
            if len(retried) > len(text):
                text = retried
        rescued = False
        if profile.rescue and not text.strip():
            # on the page without what trafilatura's cleaning always discards (navigation, footers, form
            # controls: never main text), since its baseline would otherwise return their text
            tree = precleaned_tree(strip_raw_blocks(html), self._discarded_tags)
            text = self._text(bare_extraction(tree, options=self._rescue_options)) if tree is not None else ""
            rescued = bool(text.strip())
        if not text.strip():
            return None
        text = unicodedata.normalize("NFC", text)
        if profile.metadata == "light":
            extracted = light_metadata(html, text)
            extracted.rescued = rescued
            return extracted
        return Extracted(
            text=text,
            title=getattr(document, "title", None) or None,
            author=getattr(document, "author", None) or None,
            published=getattr(document, "date", None) or None,
            canonical_url=canonical_link(html) or getattr(document, "url", None) or None,
            rescued=rescued,
        )


def make_extractor(backend: str, profile: str = "precision", markdown: bool = True) -> Extractor:
    """The extractor named ``backend``; ``profile`` applies to trafilatura."""
    if backend == "trafilatura":
        return TrafilaturaExtractor(profile=profile, markdown=markdown)
    if backend == "resiliparse":
        from lingoloom.pipelines.extract.resiliparse_backend import ResiliparseExtractor

        return ResiliparseExtractor(markdown=markdown)
    raise ValueError(f"unknown extraction backend {backend!r}; choose 'trafilatura' or 'resiliparse'")
