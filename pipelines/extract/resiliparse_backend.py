"""resiliparse's main-content extraction behind the common extractor interface (optional).

Why it exists: a second, much faster extractor to compare against trafilatura on the same pages
(F1 and speed side by side in BENCHMARKS.md). Install with ``pip install lingoloom[resiliparse]``
(Apache-2.0, prebuilt wheels); trafilatura stays the default.
"""

from __future__ import annotations

from lingoloom.pipelines.extract.light_metadata import light_metadata
from lingoloom.pipelines.extract.result import Extracted


class ResiliparseExtractor:
    """``resiliparse.extract.html2text.extract_plain_text(main_content=True)`` + declared metadata."""

    name = "resiliparse"

    def __init__(self, markdown: bool = True):
        try:
            from resiliparse.extract.html2text import extract_plain_text
        except ImportError:
            raise ImportError(
                "the 'resiliparse' extraction backend needs the optional extra: pip install 'lingoloom[resiliparse]'"
            ) from None
        self.markdown = markdown
        self._extract_plain_text = extract_plain_text

    def __getstate__(self) -> dict:
        return {"markdown": self.markdown}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def extract(self, html: str) -> Extracted | None:
        text = self._extract_plain_text(
            html,
            preserve_formatting=True,
            main_content=True,
            list_bullets=self.markdown,
            alt_texts=False,
            comments=False,
        )
        if not text or not text.strip():
            return None
        return light_metadata(html, text)
