"""Settings of the quality stage (the ``quality:`` section of a run YAML).

Why it exists: which filters run, and where extra language packs live, are run decisions that
must be visible in the run file and the manifest; per-language thresholds themselves live in
language packs (``filters/languages/*.yaml``, see :mod:`lingoloom.schemas.language_pack`).
"""

from __future__ import annotations

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
