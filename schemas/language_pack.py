"""The language pack: everything the quality filters need to know about one language.

Why it exists: English-tuned thresholds delete much of the web in other languages. Each
language gets its own thresholds, stopwords and tokenizer in a small YAML file
(``filters/languages/<iso639-3>_<Script>.yaml``) that an outside contributor can write and
check in minutes; this model validates it, so a typo is an error naming the field, not a
silently different filter.

Threshold semantics follow datatrove's stock filters exactly (a threshold set to ``null`` or
``0`` switches that check off, as in datatrove), so a pack with datatrove's default numbers
makes the same decisions as datatrove's ``GopherQualityFilter``, ``GopherRepetitionFilter``
and ``FineWebQualityFilter``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LABEL_PATTERN = r"^[a-z]{3}_[A-Z][a-z]{3}$"

#: Tokenizer names a pack may ask for (see ``lingoloom.filters.tokenize``).
TOKENIZERS = ("datatrove", "script", "whitespace")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GopherQualityThresholds(_Strict):
    """Gopher quality rules (Rae et al. 2021, table A1); names and defaults as datatrove's."""

    min_doc_words: int | None = Field(50, ge=0, description="Drop when fewer non-symbol words than this.")
    max_doc_words: int | None = Field(100_000, ge=0, description="Drop when more non-symbol words than this.")
    min_avg_word_length: float | None = Field(3, ge=0, description="Drop when the mean word length (characters) is below.")
    max_avg_word_length: float | None = Field(10, ge=0, description="Drop when the mean word length (characters) is above.")
    max_symbol_word_ratio: float | None = Field(0.1, ge=0, description="Max ratio of '#' or ellipses to words.")
    max_bullet_lines_ratio: float | None = Field(0.9, ge=0, le=1, description="Max share of lines starting with a bullet.")
    max_ellipsis_lines_ratio: float | None = Field(0.3, ge=0, le=1, description="Max share of lines ending with an ellipsis.")
    max_non_alpha_words_ratio: float | None = Field(
        0.8, ge=0, le=1, description="Drop when the share of words with a letter is BELOW this (datatrove's name)."
    )
    min_stop_words: int | None = Field(2, ge=0, description="Min number of distinct stopwords present; off when the pack has none.")


class GopherRepetitionThresholds(_Strict):
    """Gopher repetition rules; fractions are of characters unless named ``_frac`` of lines/paragraphs."""

    dup_line_frac: float | None = Field(0.3, ge=0, description="Max share of duplicated lines (> 1: off).")
    dup_para_frac: float | None = Field(0.3, ge=0, description="Max share of duplicated paragraphs (> 1: off).")
    dup_line_char_frac: float | None = Field(0.2, ge=0, description="Max share of characters in duplicated lines (> 1: off).")
    dup_para_char_frac: float | None = Field(0.2, ge=0, description="Max share of characters in duplicated paragraphs (> 1: off).")
    top_n_grams: list[tuple[int, float]] = Field(
        default_factory=lambda: [(2, 0.2), (3, 0.18), (4, 0.16)],
        description="(n, max share of characters covered by the most frequent n-gram).",
    )
    dup_n_grams: list[tuple[int, float]] = Field(
        default_factory=lambda: [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)],
        description="(n, max share of characters covered by duplicated n-grams).",
    )

    @field_validator("top_n_grams", "dup_n_grams")
    @classmethod
    def _check_n_grams(cls, value: list[tuple[int, float]]) -> list[tuple[int, float]]:
        for n, frac in value:
            if not 1 <= n <= 20 or frac < 0:
                raise ValueError(f"n-gram rule ({n}, {frac}) out of range: n must be 1..20 and the fraction >= 0")
        return value


class FineWebQualityThresholds(_Strict):
    """FineWeb's line-level document rules; names and defaults as datatrove's ``FineWebQualityFilter``."""

    line_punct_thr: float = Field(0.12, ge=0, le=1, description="Drop when fewer lines than this end in terminal punctuation.")
    line_punct_exclude_zero: bool = Field(False, description="Do not drop when NO line ends in punctuation (scripts without it).")
    short_line_thr: float = Field(0.67, ge=0, description="Max share of short lines (a value > 1 switches it off).")
    short_line_length: int = Field(30, ge=0, description="A line this long or shorter (characters) is short.")
    char_duplicates_ratio: float = Field(0.01, ge=0, description="Max share of characters in duplicated lines.")
    new_line_ratio: float = Field(0.3, ge=0, description="Max newlines per word (list-like pages).")


class PackSource(_Strict):
    """Where numbers in a pack come from (attribution travels with the numbers)."""

    name: str
    url: str | None = None
    license: str | None = None
    used_for: str = Field("", description="Which fields of the pack come from this source.")


class LanguagePack(_Strict):
    """One language's filter settings (``filters/languages/<label>.yaml``)."""

    label: str = Field(..., pattern=LABEL_PATTERN, description="ISO 639-3 + '_' + ISO 15924 script, e.g. tha_Thai.")
    name: str = Field(..., min_length=1, description="English name of the language.")
    tokenizer: str = Field(
        "datatrove",
        description="'datatrove' (datatrove's word tokenizer for this language), 'script' (script-based: "
        "characters for Han/Kana, syllables for Tibetan/Burmese, grapheme clusters for Thai/Lao/Khmer, "
        "words elsewhere) or 'whitespace'. An unavailable tokenizer falls back to 'script'.",
    )
    tokenizer_language: str | None = Field(None, description="Code passed to datatrove's tokenizer registry (default: the label).")
    langid_threshold: float = Field(0.65, ge=0, le=1, description="Min language-ID score to keep a document in this language.")
    stopwords: list[str] = Field(default_factory=list, description="Frequent function words (Gopher's stopword rule).")
    gopher_quality: GopherQualityThresholds = Field(default_factory=GopherQualityThresholds)
    gopher_repetition: GopherRepetitionThresholds = Field(default_factory=GopherRepetitionThresholds)
    fineweb_quality: FineWebQualityThresholds = Field(default_factory=FineWebQualityThresholds)
    c4_line_filters: bool = Field(False, description="C4 line filters (FineWeb-2 found they hurt outside English).")
    sample: str | None = Field(
        None,
        description="A clean paragraph or two (50+ words) of ordinary prose in the language, written for the pack; "
        "`languages check` runs the filters on it and every pack shipped with lingoloom must have one.",
    )
    sample_source: str | None = Field(
        None,
        description="Who wrote the sample and on what terms, e.g. 'written for lingoloom by a project contributor; "
        "native-speaker review welcome'. Never text copied from a dataset, a book or a web page.",
    )
    notes: str = Field("", description="What is special about this language and why thresholds are what they are.")
    sources: list[PackSource] = Field(default_factory=list)

    @field_validator("tokenizer")
    @classmethod
    def _known_tokenizer(cls, value: str) -> str:
        if value not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {value!r}; use one of {', '.join(TOKENIZERS)}")
        return value

    @field_validator("stopwords")
    @classmethod
    def _clean_stopwords(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(w.strip() for w in value if w and w.strip()))

    @model_validator(mode="after")
    def _consistent(self) -> "LanguagePack":
        q = self.gopher_quality
        if q.min_doc_words and q.max_doc_words and q.min_doc_words > q.max_doc_words:
            raise ValueError(f"gopher_quality.min_doc_words ({q.min_doc_words}) > max_doc_words ({q.max_doc_words})")
        if q.min_avg_word_length and q.max_avg_word_length and q.min_avg_word_length > q.max_avg_word_length:
            raise ValueError("gopher_quality.min_avg_word_length is above max_avg_word_length")
        if q.min_stop_words and not self.stopwords:
            raise ValueError("gopher_quality.min_stop_words is set but the pack lists no stopwords; set it to null")
        return self

    @property
    def script(self) -> str:
        """The ISO 15924 script code of the label (e.g. ``Thai``)."""
        return self.label.split("_", 1)[1]
