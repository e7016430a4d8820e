"""Gopher quality, Gopher repetition and FineWeb quality rules over a shared :class:`TextView`.

Why it exists: these are the document-level rules of datatrove's stock filters, applied in
the same order with the same comparisons, but reading one tokenisation and per-language
thresholds from a language pack. Each returns ``None`` (keep) or a short reason; the caller
prefixes it with the rule family (``gopher_quality:too_few_words``,
``gopher_repetition:dup_line_frac``, ``fineweb_quality:line_punct_ratio``).

:data:`DATATROVE_REASONS` maps datatrove's reason strings to ours (parity tests use it).
"""

from __future__ import annotations

from lingoloom.filters.signals import TextView
from lingoloom.schemas.language_pack import (
    FineWebQualityThresholds,
    GopherQualityThresholds,
    GopherRepetitionThresholds,
)

GOPHER_QUALITY = "gopher_quality"
GOPHER_REPETITION = "gopher_repetition"
FINEWEB_QUALITY = "fineweb_quality"

#: datatrove stock reason -> our reason (within the same family).
DATATROVE_REASONS: dict[str, str] = {
    "gopher_short_doc": "too_few_words",
    "gopher_long_doc": "too_many_words",
    "gopher_below_avg_threshold": "mean_word_length_low",
    "gopher_above_avg_threshold": "mean_word_length_high",
    "gopher_too_many_hashes": "hash_ratio",
    "gopher_too_many_ellipsis": "ellipsis_ratio",
    "gopher_too_many_bullets": "bullet_lines",
    "gopher_too_many_end_ellipsis": "ellipsis_lines",
    "gopher_below_alpha_threshold": "alpha_ratio",
    "gopher_enough_stop_words": "too_few_stopwords",
}


def gopher_quality(view: TextView, th: GopherQualityThresholds, stopwords: frozenset[str]) -> str | None:
    """datatrove ``GopherQualityFilter.filter`` semantics, thresholds from a pack."""
    n_words = len(view.non_symbol_words)
    if th.min_doc_words and n_words < th.min_doc_words:
        return "too_few_words"
    if th.max_doc_words and n_words > th.max_doc_words:
        return "too_many_words"
    if not view.words:
        return "no_words"
    mean = view.mean_word_length()
    if th.min_avg_word_length and mean < th.min_avg_word_length:
        return "mean_word_length_low"
    if th.max_avg_word_length and mean > th.max_avg_word_length:
        return "mean_word_length_high"
    if th.max_symbol_word_ratio and view.hash_ratio() > th.max_symbol_word_ratio:
        return "hash_ratio"
    if th.max_symbol_word_ratio and view.ellipsis_ratio() > th.max_symbol_word_ratio:
        return "ellipsis_ratio"
    if th.max_bullet_lines_ratio and view.bullet_line_ratio() > th.max_bullet_lines_ratio:
        return "bullet_lines"
    if th.max_ellipsis_lines_ratio and view.ellipsis_line_ratio() > th.max_ellipsis_lines_ratio:
        return "ellipsis_lines"
    if th.max_non_alpha_words_ratio and view.alpha_word_ratio() < th.max_non_alpha_words_ratio:
        return "alpha_ratio"
    if th.min_stop_words and view.stopword_count(stopwords) < th.min_stop_words:
        return "too_few_stopwords"
    return None


def gopher_repetition(view: TextView, th: GopherRepetitionThresholds) -> str | None:
    """datatrove ``GopherRepetitionFilter.filter`` semantics, thresholds from a pack."""
    if not view.text:
        return "empty"
    if th.dup_para_frac or th.dup_para_char_frac:
        para_frac, para_char_frac = view.dup_para()
        if th.dup_para_frac and para_frac > th.dup_para_frac:
            return "dup_para_frac"
        if th.dup_para_char_frac and para_char_frac > th.dup_para_char_frac:
            return "dup_para_char_frac"
    if th.dup_line_frac or th.dup_line_char_frac:
        line_frac, line_char_frac = view.dup_line()
        if th.dup_line_frac and line_frac > th.dup_line_frac:
            return "dup_line_frac"
        if th.dup_line_char_frac and line_char_frac > th.dup_line_char_frac:
            return "dup_line_char_frac"
    for n, frac in th.top_n_grams:
        top = view.top_ngram_frac(n)
        if top is not None and top > frac:
            return f"top_{n}_gram"
    for n, frac in th.dup_n_grams:
        if view.dup_ngram_frac(n) > frac:
            return f"duplicated_{n}_n_grams"
    return None


def fineweb_quality(view: TextView, th: FineWebQualityThresholds) -> str | None:
    """datatrove ``FineWebQualityFilter.filter`` semantics (default stop characters), thresholds from a pack."""
    if not view.nonblank_lines:
        return "empty"
    ratio = view.line_punct_ratio()
    if ratio < th.line_punct_thr and not (ratio == 0 and th.line_punct_exclude_zero):
        return "line_punct_ratio"
    if view.short_line_ratio(th.short_line_length) > th.short_line_thr:
        return "short_line_ratio"
    if view.line_char_dup_ratio() > th.char_duplicates_ratio:
        return "char_dup_ratio"
    if not view.words:
        return "no_words"
    if view.new_line_ratio() > th.new_line_ratio:
        return "list_ratio"
    return None
