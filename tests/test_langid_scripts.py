"""Script detection from Unicode properties and the label refinement it drives."""

from __future__ import annotations

import pytest

from lingoloom.langid.refine import refine_with_script
from lingoloom.langid.scripts import detect_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Ovo je srpski jezik, 2024.", "Latn"),
        ("Ово је српски језик, 2024.", "Cyrl"),
        ("这是一个简体中文的句子，我们来说说。", "Hans"),
        ("這是一個繁體中文的句子，我們來說說。", "Hant"),
        ("日本語のテキストです。漢字も使います。", "Jpan"),
        ("한국어 텍스트입니다 韓國語", "Hang"),
        ("اردو ایک زبان ہے", "Arab"),
        ("हिन्दी एक भाषा है", "Deva"),
        ("Ελληνικά", "Grek"),
        ("1234 !!! ...", "Zyyy"),
    ],
)
def test_dominant_script(text: str, script: str) -> None:
    assert detect_script(text).script == script


def test_share_counts_letters_only() -> None:
    profile = detect_script("abcd ЖЖ 12345 !!")
    assert profile.script == "Latn"
    assert profile.share == pytest.approx(4 / 6)


def test_serbian_follows_the_text_script() -> None:
    prediction, action = refine_with_script([("srp_Cyrl", 0.9)], detect_script("Ovo je srpski jezik"))
    assert (prediction[0][0], action) == ("srp_Latn", "relabelled")


def test_simplified_traditional_follow_the_text() -> None:
    prediction, _ = refine_with_script([("cmn_Hans", 0.99)], detect_script("這是一個繁體中文的句子，我們來說說。"))
    assert prediction[0][0] == "cmn_Hant"


def test_wrong_script_label_is_replaced_by_a_candidate_in_the_right_script() -> None:
    prediction, action = refine_with_script([("hin_Deva", 0.6), ("urd_Arab", 0.3)], detect_script("اردو ایک زبان ہے"))
    assert prediction[0] == ("urd_Arab", 0.3)
    assert action == "replaced"


def test_no_candidate_in_the_right_script_is_vetoed() -> None:
    prediction, action = refine_with_script([("hin_Deva", 0.6), ("mar_Deva", 0.3)], detect_script("اردو ایک زبان ہے"))
    assert prediction[0][0] == "und"
    assert action == "vetoed"


def test_mixed_script_text_is_left_alone() -> None:
    profile = detect_script("hello мир ελλάδα")  # no script reaches half of the letters
    assert profile.share < 0.5
    prediction, action = refine_with_script([("rus_Cyrl", 0.9)], profile)
    assert prediction[0][0] == "rus_Cyrl" and action is None
