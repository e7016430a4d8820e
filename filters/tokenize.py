"""Word segmentation for every script, offline, with a fallback that never measures a language as one word.

Why it exists: the quality signals (words per document, mean word length, n-gram repetition,
stopwords) are only meaningful when "word" means something sensible for the language. Thai, Lao,
Khmer, Burmese, Chinese and Japanese do not separate words with spaces; a whitespace tokenizer
sees a whole paragraph as one word and the filters then delete the language.

Resolution order for a language pack:

1. ``datatrove``: datatrove's own word tokenizer for the language (spaCy blank pipelines,
   jieba, SudachiPy, pythainlp, laonlp, khmer-nltk, indic-nlp ... installed from PyPI and used
   without any download), so thresholds taken from FineWeb-2 mean what they meant there.
   Korean gets :class:`KiwiTokenizer`, datatrove's Kiwi tokenizer with Kiwi's default model:
   datatrove asks for the ``sbg`` model, which the ``kiwipiepy_model`` package no longer ships;
2. ``script``: :class:`ScriptTokenizer`, a dependency-free segmenter by Unicode script:
   one token per Han/Kana character and per Hangul syllable block, syllables for Tibetan
   (tsheg) and Burmese (syllable rule), grapheme clusters for Thai/Lao/Khmer, letter/number
   runs elsewhere, punctuation as separate tokens (as spaCy does). Burmese and Tibetan use it
   by choice: their datatrove tokenizers need a second fastText distribution (pyidaungsu) or
   a download at run time (botok); see CONTRIBUTING.md. Korean falls back to it when kiwipiepy
   is missing: Hangul syllables, not eojeols, find FineWeb-2's Korean stopwords (Kiwi
   morphemes: particles and endings such as 는, 을, 했), space-separated eojeols do not.

A tokenizer that cannot load or fails on its probe text is replaced by ``script`` with a
warning, so a missing optional package degrades the measurement, never crashes the run.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import regex
from datatrove.utils.word_tokenizers import KiwiTokenizer as DatatroveKiwiTokenizer
from datatrove.utils.word_tokenizers import WhitespaceTokenizer as DatatroveWhitespaceTokenizer
from loguru import logger

from lingoloom.filters.fast_spacy import FastSpacyTokenizer

if TYPE_CHECKING:
    from lingoloom.schemas.language_pack import LanguagePack

_HAN_KANA = r"\p{Han}\p{Hiragana}\p{Katakana}\u30FC\u3005"
_HANGUL_SYLLABLES = r"\uAC00-\uD7A3"
_CLUSTER_SCRIPTS = r"\p{Thai}\p{Lao}\p{Khmer}"
_TIBETAN_LETTERS = r"\u0F00-\u0F0A\u0F13-\u0FFF"
# Myanmar letters and signs; its digits (U+1040-1049) form numbers and its section marks
# (U+104A-104B, like full stops) are punctuation tokens of their own
_MYANMAR = r"\u1000-\u103F\u104C-\u109F\uA9E0-\uA9FF\uAA60-\uAA7F"
# Separators that are not tokens: whitespace, the Tibetan tsheg (U+0F0B) and its non-breaking
# form (U+0F0C), the Ethiopic wordspace (U+1361), and the invisible zero-width characters that
# Burmese, Khmer, Thai and Lao web text uses as word or line-break hints.
_SEPARATORS = r"\s\u0F0B\u0F0C\u1361\u200B-\u200D\u2060\uFEFF"

_TOKEN_RE = regex.compile(
    rf"[{_HAN_KANA}{_HANGUL_SYLLABLES}]"
    rf"|[{_TIBETAN_LETTERS}]+"
    rf"|[{_MYANMAR}]+"
    r"|[\u1040-\u1049]+"
    rf"|[{_CLUSTER_SCRIPTS}]+"
    rf"|(?:[\p{{L}}\p{{M}}\p{{N}}_]+(?:['’\-.][\p{{L}}\p{{M}}\p{{N}}_]+)*)"
    rf"|[^{_SEPARATORS}]",
    regex.V1,
)
# A Burmese syllable starts at a consonant, independent vowel or particle sign that is not
# stacked under the previous one (U+1039 virama) and not killed by an asat (U+103A) or stacker
# after it (an optional dot below, U+1037, may stand between): the usual syllable-break rule.
_MYANMAR_SYLLABLE_START = regex.compile(
    r"(?<!\u1039)(?=[\u1000-\u102A\u103F\u104C-\u104F](?!\u1037?[\u103A\u1039]))"
)
_MYANMAR_RUN = regex.compile(rf"[{_MYANMAR}]")
_CLUSTER_RUN = regex.compile(rf"[{_CLUSTER_SCRIPTS}]")
_GRAPHEME = regex.compile(r"\X")

#: Probe text used to check a tokenizer works offline before trusting it.
PROBE_TEXT = "Offline probe 123. 测试 テスト ทดสอบ"


class WordTokenizer(Protocol):
    """What the filters need from a tokenizer (datatrove's ``WordTokenizer`` fits)."""

    def word_tokenize(self, text: str) -> list[str]: ...


class ScriptTokenizer(DatatroveWhitespaceTokenizer):
    """Dependency-free segmentation by Unicode script (see module docstring).

    A datatrove ``WordTokenizer`` (sentence splitting is datatrove's regex one), so datatrove's own
    filters accept it as their ``language`` too.
    """

    name = "script"

    def word_tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for token in _TOKEN_RE.findall(text):
            first = token[0]
            if len(token) > 1 and _MYANMAR_RUN.match(first):
                tokens.extend(part for part in _MYANMAR_SYLLABLE_START.split(token) if part)
            elif len(token) > 1 and _CLUSTER_RUN.match(first):
                tokens.extend(_GRAPHEME.findall(token))
            else:
                tokens.append(token)
        return tokens


class KiwiTokenizer(DatatroveKiwiTokenizer):
    """Korean morphemes from Kiwi (kiwipiepy), as FineWeb-2 measured Korean.

    datatrove's tokenizer (its long-number preprocessing, surface spans as words, Kiwi's sentence
    splitter) with Kiwi's default model from ``kiwipiepy_model`` instead of datatrove's ``sbg``,
    which that package no longer ships. Words are the text each morpheme covers, as in datatrove:
    a contracted syllable is one word per morpheme (했다 -> 했 했 다: 하 + 었 + 다), which is how
    FineWeb-2's Korean stopwords (했, 한) were counted. The model loads on first use (a few seconds,
    about 0.5 GB), once per process since :func:`get_tokenizer` keeps one instance.
    """

    name = "kiwi"

    def __init__(self) -> None:
        super().__init__(model_type=None)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_tokenizer": None}


class WhitespaceTokenizer:
    """Split on whitespace only (useful for scripts that separate words and where punctuation is rare)."""

    name = "whitespace"

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()


_LOCK = threading.Lock()


def _datatrove_tokenizer(language: str) -> WordTokenizer:
    from datatrove.utils.word_tokenizers import SpaCyTokenizer, load_word_tokenizer

    tokenizer = load_word_tokenizer(language)
    if type(tokenizer) is DatatroveKiwiTokenizer:
        return KiwiTokenizer()
    if type(tokenizer) is SpaCyTokenizer and tokenizer.language != "ja":  # ja: datatrove chunks long texts
        return FastSpacyTokenizer(tokenizer)
    return tokenizer


@lru_cache(maxsize=None)
def get_tokenizer(name: str, languages: tuple[str, ...]) -> WordTokenizer:
    """The tokenizer ``name`` for the first of ``languages`` (labels like ``tha_Thai`` or datatrove codes) that works.

    Loaded once per process. Falls back to the script tokenizer (with a warning) when the
    requested one is not installed, not assigned to the language, or fails on a probe text offline.
    """
    if name == "script":
        return script_tokenizer()
    if name == "whitespace":
        return WhitespaceTokenizer()
    if name != "datatrove":
        raise ValueError(f"unknown tokenizer {name!r}: use 'datatrove', 'script' or 'whitespace'")
    errors = []
    with _LOCK:
        for language in languages:
            try:
                tokenizer = _datatrove_tokenizer(language)
                tokenizer.word_tokenize(PROBE_TEXT)
                return tokenizer
            except Exception as err:  # ImportError, missing model, no assignment: try the next, then fall back
                errors.append(f"{language}: {type(err).__name__}: {err}")
    logger.warning(
        f"no datatrove word tokenizer works offline for {languages} ({'; '.join(errors)}); "
        "using the script-based tokenizer instead"
    )
    return script_tokenizer()


def tokenizer_for_pack(pack: "LanguagePack", label: str | None = None) -> WordTokenizer:
    """The tokenizer a pack asks for, for ``label`` (default: the pack's own label)."""
    label = label or pack.label
    candidates = [pack.tokenizer_language] if pack.tokenizer_language and label == pack.label else []
    candidates += [label, label.split("_", 1)[0]]
    return get_tokenizer(pack.tokenizer, tuple(dict.fromkeys(candidates)))


@lru_cache(maxsize=1)
def script_tokenizer() -> ScriptTokenizer:
    """The shared script-based tokenizer."""
    return ScriptTokenizer()


def keeps_whole(tokenizer: WordTokenizer, word: str) -> bool:
    """Whether ``tokenizer`` yields ``word`` as a word of its own, so a stopword list can match it.

    Kiwi yields a contracted syllable once per morpheme it holds (했 -> 했 했: 하 + 었), so a
    word repeated whole counts too.
    """
    tokens = tokenizer.word_tokenize(word)
    return bool(tokens) and all(token == word for token in tokens)


def tokenizer_name(tokenizer: WordTokenizer) -> str:
    """A short human name for a resolved tokenizer (for reports and ``languages check``)."""
    name = getattr(tokenizer, "name", None)
    if isinstance(name, str):
        return name
    language = getattr(tokenizer, "language", None)
    inner = getattr(tokenizer, "stock", tokenizer)
    return f"datatrove:{type(inner).__name__}" + (f"({language})" if language else "")
