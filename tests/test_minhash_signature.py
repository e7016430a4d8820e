"""MinHash shingling and signatures: equal to datasketch, script-aware, normalised as configured."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from hypothesis import given, settings as hsettings, strategies as st
from pydantic import ValidationError

from lingoloom.filters.minhash.shingles import reference_shingles, shingle_hash, shingle_hashes
from lingoloom.filters.minhash.signature import Signer, normalize_url
from lingoloom.schemas.minhash import MinHashSettings

TEXTS = [
    ("The quick brown fox jumps over the lazy dog, again and again in 2024!", "eng_Latn"),
    ("我们都是中国人，喜欢吃饭。今天天气很好，我们去公园散步吧。", "cmn_Hans"),
    ("日本語のテキストです。東京は大きな都市です。", None),
    ("สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จัก", "tha_Thai"),
    ("대한민국은 민주공화국이다 모든 권력은 국민으로부터 나온다", "kor_Hang"),
    ("Привет, мир! Это тестовый документ номер 42.", None),
    ("short", None),
    ("", None),
]


def _datasketch_digest(text, language, settings):
    bands, rows = settings.lsh_params()
    sketch = MinHash(num_perm=bands * rows, seed=settings.seed, hashfunc=shingle_hash)
    sketch.update_batch(reference_shingles(text, language, settings))
    return sketch.digest()


@pytest.mark.parametrize(
    "settings",
    [MinHashSettings(), MinHashSettings(seed=7, bands=20, rows=5, word_ngram=3, char_ngram=2), MinHashSettings(threshold=0.8, num_perm=64)],
    ids=["fineweb", "custom", "threshold"],
)
def test_signature_equals_datasketch_minhash_digest(settings):
    signer = Signer(settings)
    texts = [t for t, _ in TEXTS]
    languages = [lang for _, lang in TEXTS]
    batch, valid = signer.signatures(texts, languages)
    for (text, language), row, ok in zip(TEXTS, batch, valid):
        expected = _datasketch_digest(text, language, settings)
        if not text:
            assert not ok and signer.signature(text, language) is None
            continue
        assert ok
        assert np.array_equal(signer.signature(text, language), expected), text
        assert np.array_equal(row, expected), text


@hsettings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "eng_Latn", "cmn_Hans", "jpn_Jpan", "und"]))
def test_vectorised_hashes_equal_reference_on_any_text(text, language):
    settings = MinHashSettings()
    expected = [shingle_hash(s) for s in reference_shingles(text, language, settings)]
    assert shingle_hashes(text, language, settings).tolist() == expected


# Code points where folding one code point at a time can differ from normalising the text: NFKC
# expansions, compositions (marks after plain, precomposed and full-width letters; Indic vowel
# signs; Hangul jamo), combining marks in and out of canonical order, final sigma, dotted
# capital I, full-width forms and no-break spaces.
_TRICKY = (
    "ﬁ…½\u00a0\u0301\u0323\u0308\u0304\u0316eéọüＥ\u0627\u064b\u0651\u0654\u1100\u1161\u11a8\uac00ΣσςİI"
    "Ａ１２\u0915\u094d\u0921\u093c\u09c7\u09be\u0e48\u0e38\u0e33Ⅻ㍱ϹÅ "
)


@hsettings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(list(_TRICKY) + ["word", " ", "ΟΔΟΣ"]), max_size=30).map("".join),
    st.sampled_from([MinHashSettings(), MinHashSettings(lowercase=False), MinHashSettings(nfkc=False)]),
)
def test_compiled_folding_equals_python_normalisation(text, settings):
    expected = [shingle_hash(s) for s in reference_shingles(text, None, settings)]
    assert shingle_hashes(text, None, settings).tolist() == expected
    sigs, valid = Signer(settings).signatures([text, "plain words here", text], [None] * 3)
    assert np.array_equal(sigs[0], sigs[2]) and valid[0] == bool(expected)


def test_texts_that_grow_under_nfkc_are_shingled_whole():
    # every ellipsis becomes three full stops and every "ﬃ" three letters: the kernel's buffers grow
    settings = MinHashSettings(strip_punctuation=False, word_ngram=2)
    text = "…" * 3000 + " ﬃ" * 500 + " end"
    expected = [shingle_hash(s) for s in reference_shingles(text, None, settings)]
    assert shingle_hashes(text, None, settings).tolist() == expected
    sigs, valid = Signer(settings).signatures(["short", text], [None, None])
    assert valid.all() and np.array_equal(sigs[1], Signer(settings).signature(text, None))


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_nfkc_fast_path_equals_unicodedata(text):
    from lingoloom.filters.minhash.shingles import normalize

    settings = MinHashSettings(lowercase=False)
    assert normalize(text, settings) == unicodedata.normalize("NFKC", text)
    assert normalize("e\u0301 \u1100\u1161 ﬁ", settings) == unicodedata.normalize("NFKC", "e\u0301 \u1100\u1161 ﬁ")


def test_batch_of_mixed_scripts_equals_one_at_a_time():
    signer = Signer(MinHashSettings())
    # a long text spans several permutation chunks; empty texts sit between others
    texts = [t for t, _ in TEXTS] * 3 + [" ".join(f"w{i % 5000}" for i in range(20000)), "", "a b c"]
    languages = [None] * len(texts)
    batch, valid = signer.signatures(texts, languages)
    for text, row, ok in zip(texts, batch, valid):
        single = signer.signature(text, None)
        assert (single is None) == (not ok)
        if single is not None:
            assert np.array_equal(single, row)


def test_scripts_without_spaces_are_shingled_by_characters():
    settings = MinHashSettings(char_ngram=3, word_ngram=2)
    assert reference_shingles("我们都是人", "cmn_Hans", settings)[0] == ("我", "们", "都")
    # unlabelled Han text is detected from its characters
    assert reference_shingles("我们都是人", None, settings)[0] == ("我", "们", "都")
    assert reference_shingles("ผมชื่อ", "tha_Thai", settings)[0] == ("ผ", "ม", "ช")
    # Hangul is written with spaces: words
    assert reference_shingles("모든 권력은 국민", "kor_Hang", settings)[0] == ("모든", "권력은")
    assert reference_shingles("Hello big world", None, settings) == [("hello", "big"), ("big", "world")]


def test_normalisation_is_configurable():
    default = MinHashSettings(word_ngram=2)
    assert reference_shingles("Price: 1999 EUR!", None, default) == [("price", "0000"), ("0000", "eur")]
    raw = MinHashSettings(word_ngram=2, lowercase=False, strip_punctuation=False, normalize_digits=False, nfkc=False)
    assert reference_shingles("Price: 1999 EUR!", None, raw) == [("Price:", "1999"), ("1999", "EUR!")]
    # NFKC folds full-width letters
    assert reference_shingles("ＡＢＣ def", None, default) == [("abc", "def")]
    assert reference_shingles("ＡＢＣ def", None, raw.model_copy(update={"lowercase": True})) == [("ａｂｃ", "def")]


def test_near_duplicates_share_a_band_and_unrelated_texts_do_not():
    signer = Signer(MinHashSettings())
    base = " ".join(f"word{i}" for i in range(300))
    near = base.replace("word150", "changed")
    other = " ".join(f"term{i}" for i in range(300))
    sigs, _ = signer.signatures([base, near, other], [None] * 3)
    keys = signer.band_keys(sigs)
    assert (keys[0] == keys[1]).any()
    assert not (keys[0] == keys[2]).any()


def test_lsh_parameters_default_to_fineweb_and_follow_datasketch_for_a_threshold():
    assert MinHashSettings().lsh_params() == (14, 8)
    assert MinHashSettings(threshold=0.85, num_perm=128).lsh_params() == tuple(_optimal_param(0.85, 128, 0.5, 0.5))
    with pytest.raises(ValidationError):
        MinHashSettings(band=3)


def test_url_normalisation_for_url_dedup():
    assert normalize_url("HTTPS://www.Example.com:443/a/b/#top") == normalize_url("http://example.com/a/b")
    assert normalize_url("https://example.com/a?x=1") != normalize_url("https://example.com/a?x=2")
