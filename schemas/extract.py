"""Settings of the extraction stage (the ``extract`` section of a run YAML).

Why it exists: extraction is the most expensive stage and decides what text exists at all, so
every knob that changes its output or its cost (profile, limits, accepted content types) is
declared here once, validated, and recorded in the run manifest.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ExtractProfile = Literal["precision", "recall", "fast"]
ExtractBackend = Literal["trafilatura", "resiliparse"]


class ExtractSettings(BaseModel):
    """How raw HTTP bodies become main text plus page metadata."""

    model_config = ConfigDict(extra="forbid")

    backend: ExtractBackend = Field(
        "trafilatura",
        description="Main-content extractor. 'resiliparse' needs the optional extra `lingoloom[resiliparse]`.",
    )
    profile: ExtractProfile = Field(
        "precision",
        description="Named set of extractor settings: 'precision' (default, highest F1), 'recall' (keeps more "
        "text), 'fast' (>= 1.5x the pages/s of 'precision' at a small F1 cost). Figures in BENCHMARKS.md.",
    )
    markdown: bool = Field(
        True,
        description="Keep headings, lists and tables as Markdown-like text where the extractor supports it.",
    )
    time_limit_seconds: float = Field(
        10.0,
        gt=0,
        description="CPU-time limit for extracting one page (CPU, not wall-clock, so that results do not depend on "
        "machine load); a page over it is dropped as 'extract_timeout'.",
    )
    max_body_bytes: int = Field(
        5_000_000,
        gt=0,
        description="Bodies larger than this are dropped as 'oversize' before parsing.",
    )
    min_body_bytes: int = Field(
        1,
        ge=1,
        description="Bodies shorter than this (after stripping whitespace) are dropped as 'empty_body'.",
    )
    min_visible_chars: int = Field(
        20,
        ge=0,
        description="A page whose markup holds fewer visible characters than this (outside tags, scripts and "
        "styles) cannot hold main text and is dropped as 'no_visible_text' before parsing; 0 disables the check.",
    )
    allowed_content_types: list[str] = Field(
        default_factory=lambda: ["text/html", "application/xhtml+xml"],
        description="Media types accepted (parameters such as charset are ignored); others are dropped as "
        "'not_html'. Bodies without a Content-Type are accepted when they look like markup.",
    )
