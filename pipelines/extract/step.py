"""The extraction stage: raw HTTP body -> main text and page metadata, or a counted drop.

Why it exists: it is the first stage that looks inside pages and the most expensive one. It
runs the cheap checks first (checks.py), decodes without trusting a wrong charset (charset.py),
rejects markup without visible text (visible.py), then extracts under a per-page time limit
(timelimit.py) with the configured backend and profile (backends.py, profiles.py).

Input (from any reader): ``doc.text == ""`` and metadata ``_body`` (bytes, de-chunked and
content-decoded), ``_content_type`` (header or None), ``_http_headers`` (lower-case names).
Records already holding text (``_is_extracted_text``, e.g. WET) pass through unchanged.
Output: ``doc.text`` and metadata ``title``, ``author``, ``published``, ``canonical_url``,
``declared_language``; ``_body`` is removed to free memory.

Drop reasons: ``empty_body``, ``oversize``, ``not_html``, ``undecodable``, ``no_visible_text``,
``extract_timeout``, ``extract_failed``, ``empty_text``.
"""

from __future__ import annotations

import importlib.util
import logging
from urllib.parse import urljoin

from datatrove.data import Document

from lingoloom.pipelines.extract.backends import make_extractor
from lingoloom.pipelines.extract.charset import UNDECODABLE, decode_body
from lingoloom.pipelines.extract.checks import precheck
from lingoloom.pipelines.extract.language_tags import declared_language
from lingoloom.pipelines.extract.result import Extractor
from lingoloom.pipelines.extract.timelimit import TimeLimitExceeded, time_limit
from lingoloom.pipelines.extract.visible import has_visible_text
from lingoloom.pipelines.steps import RecordStep
from lingoloom.schemas.extract import ExtractSettings

NO_VISIBLE_TEXT = "no_visible_text"
EXTRACT_TIMEOUT = "extract_timeout"
EXTRACT_FAILED = "extract_failed"
EMPTY_TEXT = "empty_text"

BODY_KEY = "_body"
CONTENT_TYPE_KEY = "_content_type"
HEADERS_KEY = "_http_headers"
#: set by readers whose records already hold main text (WET records, text columns): passed through
EXTRACTED_TEXT_KEY = "_is_extracted_text"

logger = logging.getLogger(__name__)


class Extract(RecordStep):
    """Main text from HTML with trafilatura (or resiliparse), each rejected page counted by reason."""

    name = "📄 extract"
    stage = "extract"

    def __init__(self, settings: ExtractSettings | None = None, audit=None):
        super().__init__(batch_size=1, audit=audit)
        self.settings = settings or ExtractSettings()
        if self.settings.backend == "resiliparse" and importlib.util.find_spec("resiliparse") is None:
            raise ImportError("extract.backend 'resiliparse' needs the optional extra: pip install 'lingoloom[resiliparse]'")
        self.allowed_types = frozenset(t.lower() for t in self.settings.allowed_content_types)
        self._extractor: Extractor | None = None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_extractor"] = None  # built lazily in each worker
        return state

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            s = self.settings
            self._extractor = make_extractor(s.backend, profile=s.profile, markdown=s.markdown)
        return self._extractor

    def process(self, doc: Document) -> str | None:
        meta = doc.metadata
        body = meta.pop(BODY_KEY, None)
        if meta.pop(EXTRACTED_TEXT_KEY, False):
            self.stat_update("passed_through")
            return None if doc.text and doc.text.strip() else EMPTY_TEXT
        s = self.settings
        reason = precheck(body, meta.get(CONTENT_TYPE_KEY), self.allowed_types, s.max_body_bytes, s.min_body_bytes)
        if reason is not None:
            return reason
        decoded = decode_body(body, meta.get(CONTENT_TYPE_KEY))
        del body
        if decoded is None:
            return UNDECODABLE
        self.stat_update(f"charset/{decoded.method}")
        html = decoded.text
        if not has_visible_text(html, s.min_visible_chars):
            return NO_VISIBLE_TEXT
        try:
            with time_limit(s.time_limit_seconds):
                extracted = self.extractor.extract(html)
        except TimeLimitExceeded:
            return EXTRACT_TIMEOUT
        except Exception as err:  # a bad page must not end the run: count it and go on
            logger.debug("extraction failed for %s: %r", meta.get("url"), err)
            return EXTRACT_FAILED
        if extracted is None or not extracted.text.strip():
            return EMPTY_TEXT
        if extracted.rescued:
            self.stat_update("rescued")
        doc.text = extracted.text
        meta["title"] = extracted.title
        meta["author"] = extracted.author
        meta["published"] = extracted.published
        meta["canonical_url"] = _absolute(extracted.canonical_url, meta.get("url"))
        meta["declared_language"] = declared_language(html, meta.get(HEADERS_KEY))
        return None


def _absolute(link: str | None, page_url: str | None) -> str | None:
    """A canonical link made absolute against the page URL (pages often write ``href="/path"``)."""
    if not link:
        return None
    absolute = urljoin(page_url, link) if page_url else link
    return absolute if absolute.startswith(("http://", "https://")) else None
