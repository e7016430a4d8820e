"""The extraction metric gives the Article Extraction Benchmark's numbers on hand-made cases."""

from __future__ import annotations

import pytest

from lingoloom.pipelines.extract.metric import aggregate, score_page, shingles


def test_identical_texts_score_one():
    page = score_page("The bridge reopened after twenty years.", "The bridge reopened after twenty years.")
    assert (page.precision, page.recall) == (1.0, 1.0)


def test_tokens_ignore_punctuation_and_spacing_but_not_case():
    assert score_page("Hello, world! It is me.", "Hello world   It is me").f1 == 1.0
    assert score_page("Hello world it is me", "hello world it is me").f1 < 1.0


def test_missing_tail_halves_recall_only():
    # gold shingles: (a b c d), (b c d e); predicted: (a b c d)
    page = score_page("a b c d e", "a b c d")
    assert (page.tp, page.fp, page.fn) == pytest.approx((0.5, 0.0, 0.5))
    assert page.precision == 1.0 and page.recall == 0.5


def test_extra_boilerplate_costs_precision_only():
    page = score_page("w1 w2 w3 w4", "w1 w2 w3 w4 menu")
    assert page.precision == pytest.approx(0.5) and page.recall == 1.0


def test_shingles_are_multisets_of_four_tokens():
    assert shingles("x x x x x") == {("x", "x", "x", "x"): 2}
    page = score_page("x x x x x", "x x x x")
    assert page.precision == 1.0 and page.recall == pytest.approx(0.5)


def test_short_texts_are_one_shingle_and_empty_texts_none():
    assert shingles("only two") == {("only", "two"): 1}
    assert shingles("") == {} and shingles(None) == {}


def test_unicode_words_are_tokens():
    assert shingles("Żółć gęślą jaźń naïve café") == {
        ("Żółć", "gęślą", "jaźń", "naïve"): 1,
        ("gęślą", "jaźń", "naïve", "café"): 1,
    }


def test_precision_and_recall_are_averaged_over_pages_then_f1_of_the_means():
    pages = [score_page("a b c d e", "a b c d"), score_page("w1 w2 w3 w4", "w1 w2 w3 w4 menu")]
    scores = aggregate(pages)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.75)
    assert scores.f1 == pytest.approx(0.75)  # the mean of the per-page F1 would be 0.667


def test_empty_output_costs_recall_but_not_precision():
    pages = [score_page("a b c d e f", "a b c d e f"), score_page("g h i j k l", "")]
    scores = aggregate(pages)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_page_without_gold_and_without_output_is_perfect():
    page = score_page("", "")
    assert (page.precision, page.recall) == (1.0, 1.0)
