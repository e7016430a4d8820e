"""The batched language-ID path gives exactly what the per-text functions give.

The labeller prepares, profiles and predicts whole batches at once (numpy table look-ups, one
fastText call); these tests hold it to the straightforward per-text composition of
:func:`prepare_text`, :func:`detect_script`, fastText's own ``predict`` and :func:`refine_with_script`
on texts chosen for the edge cases of each rule, on generated texts, and on UDHR lines when present.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingoloom.langid.backend import Predictions, merge_scores
from lingoloom.langid.fasttext_backend import FastTextIdentifier
from lingoloom.langid.labeller import Labeller, LangResult
from lingoloom.langid.labels import UNKNOWN
from lingoloom.langid.prepare import prepare_text, prepare_texts
from lingoloom.langid.refine import refine_with_script
from lingoloom.langid.scripts import MAX_SCRIPT_CHARS, detect_script, detect_scripts
from lingoloom.langid.udhr import udhr_pairs
from lingoloom.schemas.langid import LangIdSettings

VARIED = [
    "",
    "   ",
    "1234 5678 !!! ...",
    "Ovo je srpski jezik, 2024.",
    "Ово је српски језик, 2024.",
    "Tất cả mọi người sinh ra đều được tự do và bình đẳng về nhân phẩm và quyền lợi.",
    "这是一个简体中文的句子，我们来说说。",
    "這是一個繁體中文的句子，我們來說說。",
    "漢字だけ",
    "日本語のテキストです。漢字も使います。",
    "한국어 텍스트입니다 韓國語",
    "اردو ایک زبان ہے",
    "العربيــــة مع تطويل",  # tatweel: an Arabic-block letter of the Common script
    "ʻŌlelo Hawaiʻi",  # okina: a Common-script modifier letter among Latin letters
    "5 µm and ªº ordinal indicators",  # Common-script and Latin letters in the Latin-1 punctuation range
    "² superscript first, then words",  # the first "letter" is a number that is not a digit
    "hello мир ελλάδα",
    "abcd ЖЖ 12345 !!",
    "हिन्दी एक भाषा है",
    "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",
    "emoji 😀 between words 🎉",
    "𠀀𠀁𠀂 CJK extension B",
    "past the table \U00030000\U00031350 text",
    "lone \ud800 surrogate",
    "tab\tand\u00a0no-break\u3000spaces",
    "see https://example.org/x?y=1 and www.example.com or WWW.EXAMPLE.COM",
    "Www.example.com has a capital W only",
    "mail me at someone@example.org please",
    "<p>markup&nbsp;remnants &#160; &amp; tags</p>",
    "line one\nline two\n\n  line three  ",
    "12,345.6 and 12/03/2024 and ٣٤٥ Arabic-Indic digits",
    "• bullets ► and → arrows ■ here",
    "word " * 200 + "слово " * 200,  # long: windows of the script sample
    ("Beginning of a long document. " * 60) + ("Milieu du document. " * 60) + ("Ende des Dokuments. " * 60),
]


#: fastText (through pybind11) takes UTF-8 strings only: a lone surrogate cannot reach any model.
ENCODABLE = [text for text in VARIED if "\ud800" not in text]


def _profiles_equal(texts: list[str]) -> None:
    assert detect_scripts(texts) == [detect_script(text) for text in texts]


def test_batched_script_profiles_equal_per_text_ones() -> None:
    _profiles_equal(VARIED)
    _profiles_equal(VARIED[::-1])
    assert detect_scripts([]) == []


def test_batched_preparation_equals_per_text_preparation() -> None:
    for max_chars in (100, 2000):
        assert prepare_texts(VARIED, max_chars) == [prepare_text(text, max_chars) for text in VARIED]
    assert prepare_texts([None, ""], 2000) == ["", ""]


def test_url_markers_split_between_two_texts_count_for_neither() -> None:
    texts = ["see ww", "w.example", "http:", "//example", "WW", "W.X", "", "www.x and words", "a WWW.B c", "ftp://x"]
    assert prepare_texts(texts, 2000) == [prepare_text(text, 2000) for text in texts]


_ALPHABET = st.sampled_from(
    list("abcXYZ éüøßµªº ʻ ЖжЯ ΩαΒ אב عربـ हि 汉字这們 かなカナ 한국 ᏣᎳ 0123٣ .,:/-@<>&#*_=|\n\t\u00a0\u3000•→")
    + ["😀", "\U00020000", "\U00030001", "www.", "://", "&amp;", "\ud800"]
)
_TEXTS = st.lists(st.lists(_ALPHABET, max_size=80).map("".join), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_generated_batches_match_the_per_text_path(texts: list[str]) -> None:
    _profiles_equal(texts)
    _profiles_equal([text * (MAX_SCRIPT_CHARS // max(1, len(text)) + 1) for text in texts])
    assert prepare_texts(texts, 100) == [prepare_text(text, 100) for text in texts]


@pytest.fixture(scope="module")
def lid176() -> FastTextIdentifier:
    return FastTextIdentifier()


def _straightforward_predict(identifier: FastTextIdentifier, text: str, k: int):
    """fastText's own one-text ``predict``, each raw label mapped through the identifier's table."""
    labels, scores = identifier.fasttext_model.predict(text.replace("\n", " "), k=k)
    pairs = [(identifier._loaded_labels[label], float(score)) for label, score in zip(labels, scores)]
    return merge_scores(pairs, k)


def test_batched_predictions_equal_one_text_predictions(lid176: FastTextIdentifier) -> None:
    texts = [prepare_text(text, 2000) for text in ENCODABLE] + ["Bonjour à tous", "a\nb"]
    single_lines = [text for text in texts if "\n" not in text]  # the batch path that has nothing to flatten
    for batch in (texts, single_lines):
        for k in (1, 3):
            assert lid176.predict(batch, k) == [_straightforward_predict(lid176, text, k) for text in batch]


def _straightforward_label(labeller: Labeller, text: str) -> LangResult:
    """One text through prepare_text, detect_script, a one-text prediction and refine_with_script."""
    settings = labeller.settings
    sample = prepare_text(text, settings.max_chars)
    profile = detect_script(sample)
    if profile.letters == 0:
        return LangResult(UNKNOWN, 0.0, [], empty=True, script=profile.script)
    prediction, action = refine_with_script(
        _straightforward_predict(labeller.primary, sample, settings.top_k), profile, settings.script_min_share
    )
    return LangResult(prediction[0][0], prediction[0][1], prediction, script=profile.script,
                      script_share=profile.share, script_action=action)


def _labels_equal(texts: list[str]) -> None:
    labeller = Labeller(LangIdSettings(ensemble="off", mixed=False))
    assert list(labeller.label(texts)) == [_straightforward_label(labeller, text) for text in texts]


def test_labeller_equals_the_per_text_composition() -> None:
    _labels_equal(ENCODABLE)


def test_labeller_equals_the_per_text_composition_on_udhr_lines(shared_data: Path) -> None:
    pairs = list(udhr_pairs(shared_data / "langid"))
    _labels_equal([text for _, text in pairs[::25]])  # ~1,100 lines in every script of the UDHR


def test_column_wise_predictions_read_like_a_list_of_rows() -> None:
    rows = [
        [("fra_Latn", 0.9), ("eng_Latn", 0.05)],
        [("deu_Latn", 0.7), ("nld_Latn", 0.2)],
        [("eng_Latn", 0.5), ("sco_Latn", 0.4)],
    ]
    flat = Predictions([label for row in rows for label, _ in row], [score for row in rows for _, score in row], 2)
    for predictions in (flat, Predictions.from_rows(rows)):
        assert len(predictions) == 3 and list(predictions) == rows and predictions == rows
        assert predictions[-1] == rows[2] and predictions[1:] == rows[1:]
        assert predictions.best() == (["fra_Latn", "deu_Latn", "eng_Latn"], [0.9, 0.7, 0.5])
        with pytest.raises(IndexError):
            predictions[3]
    vetoed = [(UNKNOWN, 0.0), *rows[1]]
    changed = flat.replaced({1: vetoed})
    assert list(changed) == [rows[0], vetoed, rows[2]] and changed.best()[0] == ["fra_Latn", UNKNOWN, "eng_Latn"]
    assert list(flat) == rows  # replacing rows makes a copy
    spread = flat.spread([0, 2, 3], 5)
    assert list(spread) == [rows[0], [], rows[1], rows[2], []]
    assert spread.best() == (["fra_Latn", UNKNOWN, "deu_Latn", "eng_Latn", UNKNOWN], [0.9, 0.0, 0.7, 0.5, 0.0])


def test_label_columns_agree_with_each_result_read_back() -> None:
    """Empty texts, script actions and a mixed-language document in one batch (mixed detection on)."""
    french = "Le marché du samedi ouvre très tôt et les habitants du quartier y viennent acheter des légumes frais."
    german = "Am Nachmittag fahren wir mit dem Fahrrad an den See, weil das Wetter endlich warm und sonnig geworden ist."
    labeller = Labeller(LangIdSettings(ensemble="off"))
    texts = ENCODABLE + ["\n".join([french, french, german, german])]
    labels = labeller.label(texts)
    results = list(labels)
    assert len(labels) == len(results) == len(texts)
    assert labels.languages == [r.language for r in results] and labels.scores == [r.score for r in results]
    assert list(labels.tops) == [r.top for r in results] and labels[2:5] == results[2:5]
    assert [r.language for r in results if r.empty] == [UNKNOWN] * 3  # "", "   " and digits with punctuation
    assert results[-1].mixed and {label for label, _ in results[-1].top} == {"fra_Latn", "deu_Latn"}
    assert any(r.script_action for r in results)
    assert list(labeller.label(texts[:-1])) == results[:-1]  # a text's result does not depend on its batch
    assert list(labeller.label([])) == [] and list(labeller.label(["", " 12 "])) == [results[0], results[0]]
