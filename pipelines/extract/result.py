"""What every extractor returns, and the interface it implements.

Why it exists: the step, the evaluation and the benchmark run any extractor the same way, so
that F1 and speed compare like for like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass
class Extracted:
    """What an extractor found on one page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    canonical_url: str | None = None
    #: the text came from the extractor's last resort for pages its own settings left empty
    rescued: bool = False


class Extractor(Protocol):
    """The interface every backend implements."""

    name: str

    def extract(self, html: str) -> Extracted | None:
        """Main text and metadata of decoded ``html``, or None when nothing qualified as main text."""
