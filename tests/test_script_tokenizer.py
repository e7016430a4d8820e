"""Korean, Burmese and Tibetan get their proper unit: Kiwi morphemes, syllables, tsheg syllables.

Korean falls back to Hangul syllables (the script tokenizer) when kiwipiepy is missing.

The sentences are written for this test (not taken from any corpus). Counts are checked
against the unit a reader would count by hand, so a regression to "one giant word" or to
"one token per code point" fails.
"""

from __future__ import annotations

import subprocess
import sys

from lingoloom.filters.packs import pack_for
from lingoloom.filters.tokenize import script_tokenizer, tokenizer_for_pack, tokenizer_name

KOREAN = "서울은 대한민국의 수도이며, 한강이 도시를 가로질러 흐른다."
BURMESE = "ရန်ကုန်မြို့သည် အကြီးဆုံးမြို့ ဖြစ်သည်။ ၁၉၄၈ ခုနှစ်တွင် လွတ်လပ်ခွင့် ရခဲ့သည်။"
TIBETAN = "འགྲོ་བ་མི་རིགས་ཡོངས་རྫོགས་ནི་རང་དབང་དུ་སྐྱེས་ཡོད། ཁོང་ཚོ༌རང་བྱུང་གི་བློ་ཡོད།"


def test_korean_pack_splits_particles_and_endings_off_with_kiwi():
    tokenizer = tokenizer_for_pack(pack_for("kor_Hang"))
    assert tokenizer_name(tokenizer) == "kiwi"
    words = tokenizer.word_tokenize("할머니께서 시장에서 배추를 사셨다.")
    assert words[:6] == ["할머니", "께서", "시장", "에서", "배추", "를"] and words[-2:] == ["다", "."]
    # FineWeb-2's Korean stopwords are Kiwi morphemes; a contracted syllable comes once per morpheme
    assert tokenizer.word_tokenize("참석했다") == ["참석", "했", "했", "다"]
    assert {"은", "의", "이", "를"} <= set(pack_for("kor_Hang").stopwords) & set(tokenizer.word_tokenize(KOREAN))


def test_without_kiwipiepy_korean_falls_back_to_hangul_syllables_with_a_warning():
    code = (
        "import sys; sys.modules['kiwipiepy'] = None\n"  # kiwipiepy made unimportable for this process only
        "from lingoloom.filters.packs import pack_for\n"
        "from lingoloom.filters.tokenize import tokenizer_for_pack, tokenizer_name\n"
        "print(tokenizer_name(tokenizer_for_pack(pack_for('kor_Hang'))))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert run.stdout.strip() == "script" and "kiwipiepy" in run.stderr


def test_korean_script_fallback_is_split_into_hangul_syllables_and_punctuation():
    words = script_tokenizer().word_tokenize(KOREAN)
    assert len(words) == 27 and words[:4] == ["서", "울", "은", "대"] and words[-1] == "."
    # the fallback still finds one-syllable particles among FineWeb-2's stopwords
    assert {"은", "의", "이", "를"} <= set(pack_for("kor_Hang").stopwords) & set(words)


def test_burmese_is_split_into_syllables_with_numbers_and_section_marks_apart():
    words = script_tokenizer().word_tokenize(BURMESE)
    assert words == [
        "ရန်", "ကုန်", "မြို့", "သည်", "အ", "ကြီး", "ဆုံး", "မြို့", "ဖြစ်", "သည်", "။",
        "၁၉၄၈", "ခု", "နှစ်", "တွင်", "လွတ်", "လပ်", "ခွင့်", "ရ", "ခဲ့", "သည်", "။",
    ]  # ခွင့်: the dot below before the asat does not start a new syllable


def test_tibetan_is_split_into_tsheg_syllables_and_shads():
    words = script_tokenizer().word_tokenize(TIBETAN)
    assert len(words) == 21 and words.count("།") == 2  # 19 syllables, 2 shads
    assert "ཚོ" in words and "རང" in words  # the non-breaking tsheg (U+0F0C) separates too
    assert all(len(word) <= 6 for word in words)


def test_zero_width_hints_separate_words_and_are_not_words():
    words = script_tokenizer().word_tokenize("ရန်ကုန်\u200bမြို့ word\u2060joiner\ufeff")
    assert words == ["ရန်", "ကုန်", "မြို့", "word", "joiner"]


def test_burmese_and_tibetan_packs_use_the_script_rules_and_their_stopwords_are_found():
    for label, text in (("mya_Mymr", BURMESE), ("bod_Tibt", TIBETAN)):
        pack = pack_for(label)
        assert tokenizer_name(tokenizer_for_pack(pack)) == "script"
        words = tokenizer_for_pack(pack).word_tokenize(text)
        assert len(words) >= 5 and max(map(len, words)) <= 8
        assert len(words) < len(text) / 2
        assert len(set(pack.stopwords) & set(words)) >= 2
