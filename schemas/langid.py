"""Settings of the language-identification stage (the ``langid`` section of a run YAML).

Why it exists: which model runs, which languages are kept and at which confidence decide which
languages exist in the dataset at all, so every such choice is declared here once, validated, and
recorded in the run manifest. Language codes may be written in any common form (``zh``,
``zh-Hant``, ``cmn_Hani``, ``vie``); they are normalised to canonical labels (``cmn_Hant``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _canonical(code: str) -> str:
    from lingoloom.langid.labels import UNKNOWN, normalize_label

    label = normalize_label(code)
    if label == UNKNOWN:
        raise ValueError(f"{code!r} is not a language code; write e.g. 'vie_Latn', 'vi', 'zh-Hant' or 'cmn_Hans'")
    return label


class LangIdSettings(BaseModel):
    """Which identifier runs, how text is prepared, and which documents are kept."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        "lid176",
        description="'lid176' (embedded fastText lid.176.ftz, CC BY-SA 3.0), 'glotlid-v3' (Apache-2.0), "
        "'openlid-v2' (GPL-3.0), or the path of a custom fastText model file.",
    )
    model_path: str | None = Field(None, description="Local file of a named model (e.g. a copy of GlotLID's model_v3.bin).")
    download: bool = Field(
        False, description="Allow downloading a named model once from the Hugging Face Hub (cached); never needed for lid176."
    )
    ensemble: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Combine the model with a second identifier (heliport, GPL-3.0 optional extra `lingoloom[heliport]`). "
        "'auto' = on when one is installed.",
    )
    languages: list[str] = Field(
        default_factory=list, description="Keep only these languages (any code form); empty keeps all."
    )
    threshold_mode: Literal["pack_or_calibrated", "pack_or_fixed"] = Field(
        "pack_or_calibrated",
        description="Threshold of a language without a `thresholds` entry or a language pack: 'pack_or_calibrated' "
        "computes it from the run's own scores of that language with FineWeb-2's rule "
        "max(0.3, min(0.9, median - sigma)) (falling back to default_threshold below calibration_min_documents); "
        "'pack_or_fixed' uses default_threshold. The thresholds used are reported in stats/langid_thresholds.json.",
    )
    default_threshold: float = Field(
        0.65,
        ge=0,
        le=1,
        description="Fixed minimum language score for languages without their own threshold (datatrove's default); "
        "also the fallback of calibration for languages with too few documents.",
    )
    calibration_min_documents: int = Field(
        50, ge=1, description="Documents a language needs before its threshold is calibrated from its scores."
    )
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Per-language minimum scores, e.g. {vie_Latn: 0.7}; they override the language packs' langid_threshold.",
    )
    top_k: int = Field(3, ge=1, le=20, description="Candidates kept in top_languages.")
    max_chars: int = Field(
        2000, ge=100, description="Bound of the representative sample (beginning, middle, end) predicted for long documents."
    )
    script_refinement: bool = Field(True, description="Refine or veto labels with the text's Unicode script.")
    script_min_share: float = Field(
        0.5, ge=0, le=1, description="Share of letters the dominant script needs before it may refine or veto a label."
    )
    mixed: bool = Field(True, description="Detect mixed-language documents by paragraph-level prediction.")
    mixed_min_share: float = Field(
        0.2, gt=0, lt=1, description="Character share a second language needs for a document to count as mixed."
    )
    mixed_check_below: float = Field(
        0.95,
        gt=0,
        le=1,
        description="Run paragraph-level detection only on documents whose language score or dominant-script share is "
        "below this (a confident single-language prediction is not re-checked); 1 checks all but certain ones.",
    )
    mixed_min_segment_chars: int = Field(
        80, ge=10, description="Paragraphs shorter than this are merged with the next before paragraph-level prediction."
    )
    batch_size: int = Field(256, ge=1, description="Documents per batched prediction.")

    @field_validator("languages")
    @classmethod
    def _normalise_languages(cls, value: list[str]) -> list[str]:
        return sorted({_canonical(code) for code in value})

    @field_validator("thresholds")
    @classmethod
    def _normalise_thresholds(cls, value: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for code, threshold in value.items():
            if not 0 <= threshold <= 1:
                raise ValueError(f"threshold for {code!r} must be between 0 and 1, got {threshold}")
            out[_canonical(code)] = threshold
        return out
