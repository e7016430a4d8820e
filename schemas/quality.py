"""Settings of the quality stage (the ``quality:`` section of a run YAML).

Why it exists: which filters run, and where extra language packs live, are run decisions that
must be visible in the run file and the manifest; per-language thresholds themselves live in
language packs (``filters/languages/*.yaml``, see :mod:`lingoloom.schemas.language_pack`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class QualitySettings(BaseModel):
    """Which quality filters run; thresholds come from each language's pack."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Run the quality stage at all.")
    packs_dir: str | None = Field(
        None, description="Directory of extra language packs (<iso639-3>_<Script>.yaml) overriding the built-in ones."
    )
    gopher_quality: bool = Field(True, description="Gopher quality rules (word counts, word length, symbols, stopwords).")
    gopher_repetition: bool = Field(True, description="Gopher repetition rules (duplicate lines/paragraphs, n-grams).")
    fineweb_quality: bool = Field(True, description="FineWeb line rules (punctuation, short lines, list-like pages).")
    c4_line_filters: Literal["pack", "on", "off"] = Field(
        "pack",
        description="C4 line filters (datatrove's C4QualityFilter as FineWeb ran it): 'pack' = as each language pack "
        "says (on for English only: FineWeb-2 found they hurt other languages), or on/off for every language.",
    )
    boilerplate_lines: bool = Field(True, description="Remove cookie-banner, navigation, 'read more' and share lines.")
    url_blocklist: list[str] = Field(default_factory=list, description="Blocked domains (sub-domains included).")
    url_blocklist_file: str | None = Field(None, description="File of blocked domains, one per line (# comments).")
    url_blocklist_builtin: bool = Field(
        False, description="Also use datatrove's integrated UT1 block-lists (adult, malware...; ~20 s to load per worker)."
    )
    pii_redaction: list[Literal["email", "ip", "phone"]] = Field(
        default_factory=lambda: ["email", "ip", "phone"],
        description="PII kinds to replace in kept documents (counted in stats as pii/<kind>); [] switches it off.",
    )
    classifier_model: str | None = Field(None, description="Path to a supervised fastText quality model (.bin/.ftz).")
    classifier_label: str = Field("__label__hq", description="The model's label for good text.")
    classifier_threshold: float = Field(0.5, ge=0, le=1, description="Drop documents whose good-label probability is below.")
