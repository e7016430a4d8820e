"""Main-content extractors behind one interface: decoded HTML in, text and page metadata out.

Why it exists: the step, the evaluation and the benchmark must run any extractor the same way,
so that F1 and speed compare like for like. trafilatura is the default; resiliparse is an
optional second opinion (``pip install lingoloom[resiliparse]``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Protocol

from lingoloom.pipelines.extract.profiles import get_profile


@dataclass
class Extracted:
    """What an extractor found on one page (``text`` may be empty when nothing qualified)."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    canonical_url: str | None = None


class Extractor(Protocol):
    """The interface every backend implements."""

    name: str

    def extract(self, html: str) -> Extracted | None:
        """Main text and metadata of ``html``, or None when the extractor found nothing."""


class TrafilaturaExtractor:
    """trafilatura 2.x with a named profile; options are built once and passed explicitly."""

    name = "trafilatura"

    def __init__(self, profile: str = "precision", markdown: bool = True, with_metadata: bool = True):
        self.profile = get_profile(profile)
        self.profile_name = profile
        self.markdown = markdown
        self.with_metadata = with_metadata
        self._options = None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_options"] = None  # rebuilt lazily; ConfigParser state does not need to travel
        return state

    def _build_options(self):
        from trafilatura.settings import DEFAULT_CONFIG, Extractor as Options, set_date_params

        profile = self.profile
        return Options(
            config=DEFAULT_CONFIG,
            output_format="python",
            fast=profile.fast,
            precision=profile.focus == "precision",
            recall=profile.focus == "recall",
            comments=False,
            formatting=self.markdown,
            links=False,
            images=False,
            tables=True,
            dedup=False,
            with_metadata=self.with_metadata,
            date_params=set_date_params(profile.extensive_date_search),
        )

    def extract(self, html: str) -> Extracted | None:
        from trafilatura import bare_extraction

        if self._options is None:
            self._options = self._build_options()
        document = bare_extraction(html, options=self._options)
        if document is None:
            return None
        return Extracted(
            text=unicodedata.normalize("NFC", document.text or ""),
            title=document.title or None,
            author=document.author or None,
            published=document.date or None,
            canonical_url=document.url or None,
        )


def make_extractor(backend: str, profile: str = "precision", markdown: bool = True,
                   with_metadata: bool = True) -> Extractor:
    """The extractor named ``backend`` configured with ``profile``."""
    if backend == "trafilatura":
        return TrafilaturaExtractor(profile=profile, markdown=markdown, with_metadata=with_metadata)
    if backend == "resiliparse":
        from lingoloom.pipelines.extract.resiliparse_backend import ResiliparseExtractor

        return ResiliparseExtractor(markdown=markdown)
    raise ValueError(f"unknown extraction backend {backend!r}; choose 'trafilatura' or 'resiliparse'")
