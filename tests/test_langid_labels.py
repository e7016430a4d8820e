"""Label normalisation: every code form of a language lands on one canonical label, and back."""

from __future__ import annotations

import pytest

from lingoloom.langid.labels import bcp47, card_language_code, filter_pack_label, normalize_label


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("zh", "cmn_Hans"),
        ("__label__zh", "cmn_Hans"),
        ("zh-Hant", "cmn_Hant"),
        ("zh-TW", "cmn_Hant"),
        ("cmn_Hani", "cmn_Hans"),
        ("zho_Hant", "cmn_Hant"),
        ("yue_Hani", "yue_Hant"),
        ("ar", "arb_Arab"),
        ("ara_Arab", "arb_Arab"),
        ("fa", "pes_Arab"),
        ("fas_Arab", "pes_Arab"),
        ("prs_Arab", "prs_Arab"),
        ("ms", "zsm_Latn"),
        ("sw", "swh_Latn"),
        ("swc", "swc_Latn"),
        ("sr", "srp_Cyrl"),
        ("sr-Latn", "srp_Latn"),
        ("srp_Latn", "srp_Latn"),
        ("vi", "vie_Latn"),
        ("vie", "vie_Latn"),
        ("iw", "heb_Hebr"),
        ("ko", "kor_Hang"),
        ("et", "ekk_Latn"),
        ("uzb_Cyrl", "uzn_Cyrl"),
        ("__label__hau_Latn", "hau_Latn"),
        ("", "und"),
        ("not a code", "und"),
        ("zzz", "und"),
    ],
)
def test_every_code_form_maps_to_one_canonical_label(code: str, label: str) -> None:
    assert normalize_label(code) == label


def test_lid176_wikipedia_codes_differ_from_iso() -> None:
    # "als" is Alemannic in lid.176 but Tosk Albanian in ISO 639-3; "no" there is Bokmål.
    assert normalize_label("__label__als", scheme="wikipedia") == "gsw_Latn"
    assert normalize_label("als") == "als_Latn"
    assert normalize_label("__label__no", scheme="wikipedia") == "nob_Latn"
    assert normalize_label("__label__azb", scheme="wikipedia") == "azb_Arab"


@pytest.mark.parametrize(
    ("label", "card", "tag"),
    [("cmn_Hans", "zh", "zh-Hans"), ("cmn_Hant", "zh", "zh-Hant"), ("arb_Arab", "ar", "ar-Arab"),
     ("pes_Arab", "fa", "fa-Arab"), ("srp_Latn", "sr", "sr-Latn"), ("gsw_Latn", "gsw", "gsw-Latn"),
     ("hau_Latn", "ha", "ha-Latn"), ("und", "und", "und")],
)
def test_card_codes_use_iso639_1_where_it_exists(label: str, card: str, tag: str) -> None:
    assert card_language_code(label) == card
    assert bcp47(label) == tag


def test_filter_pack_label_matches_fineweb2_file_names() -> None:
    assert filter_pack_label("cmn_Hant") == "cmn_Hani"
    assert filter_pack_label("pes_Arab") == "fas_Arab"
    assert filter_pack_label("vie_Latn") == "vie_Latn"


def test_macrolanguage_choices_exist_in_fineweb2(shared_data) -> None:
    configs = {p.stem for p in (shared_data / "filters/fineweb2/configs").glob("*.yml")}
    for code in ["zh", "ar", "ms", "sw", "et", "lv", "az", "uz", "mn", "ps", "qu", "sq", "om", "ne", "yi", "gn", "fa"]:
        assert filter_pack_label(normalize_label(code)) in configs, code
