"""Normalise a text and cut it into hashed shingles, word n-grams or character n-grams by script.

Why it exists: near-duplicate detection compares sets of shingles, and what a shingle is depends
on the writing system. Scripts written with spaces (Latin, Cyrillic, Arabic, Hangul, ...) are
shingled as word n-grams; scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar,
Tibetan) as character n-grams. The mode comes from the record's language label when its script
is known, else from the share of characters in those scripts.

Two implementations of the same definition:

* :func:`reference_shingles` + :func:`shingle_hash`: plain Python, one shingle (a tuple of
  tokens) at a time. ``shingle_hash`` is the ``hashfunc`` to give datasketch's ``MinHash`` so
  that its signature is comparable with ours.
* :func:`shingle_hashes` and the signatures: the compiled kernels of :mod:`.kernel`, over raw
  code points mapped through a fold table (NFKC and lower case of one code point). A text the
  table cannot fold alone (a code point whose NFKC is several characters or composes with its
  neighbour, combining marks out of order, final sigma, dotted capital I) is normalised by
  Python first. Both return exactly the values ``shingle_hash`` gives for the shingles
  ``reference_shingles`` yields (tested).

Hash of a token (a word, or one character): polynomial ``sum c_j * P^(len-1-j) mod 2^64`` over
its code points, plus ``len * K``, then the MurmurHash3 64-bit finalizer. Hash of a shingle:
polynomial with base ``R`` over its token hashes, finalised, top 32 bits. Known limit: a
polynomial hash modulo 2^64 collides on crafted inputs (Thue-Morse strings of thousands of
characters); words are short and the token hashes are re-mixed, so this does not matter for
deduplication, but it is not a cryptographic hash.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from lingoloom.filters.minhash import kernel
from lingoloom.filters.minhash.kernel import K as _K, P as _P, R as _R
from lingoloom.schemas.minhash import MinHashSettings

_M64 = (1 << 64) - 1
_N = sys.maxunicode + 1
_NO_FOLD = 0xFFFFFFFF

# Classification of code points (bit flags in one uint8 table).
_SPACE, _PUNCT, _DIGIT, _NOSPACE = 1, 2, 4, kernel.NOSPACE

#: ISO 15924 scripts written without spaces between words: shingled by characters.
CHAR_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"})
#: Share of no-space-script characters above which an unlabelled text is shingled by characters.
CHAR_SHARE = 0.5

_NOSPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA9E0, 0xA9FF),  # Myanmar extended-B
    (0xAA60, 0xAA7F),  # Myanmar extended-A
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3134F),  # CJK extensions B-G
)


class _Unicode(NamedTuple):
    """Per code point tables (index = code point) built from ``unicodedata`` once per process (about 1.5 s)."""

    classes: np.ndarray  # uint8 flags: _SPACE, _PUNCT, _DIGIT, _NOSPACE
    ccc: np.ndarray  # uint8 canonical combining class
    trailing: np.ndarray  # uint8 combining class of the last code point of its NFKD
    composes: np.ndarray  # bool: second half of a canonical pair (NFKC quick check "Maybe")
    nfkc: np.ndarray  # uint32 NFKC when one code point, else _NO_FOLD
    lower: np.ndarray  # uint32 lower case when one code point, else _NO_FOLD
    pairs: np.ndarray  # sorted uint64 keys first << 21 | second of canonical pairs
    expansions: dict[int, str]  # NFKC of code points that expand to 2..MAX_EXPANSION code points


@lru_cache(maxsize=1)
def _unicode_tables() -> _Unicode:
    """The :class:`_Unicode` tables of this Python's ``unicodedata`` (unassigned and private code points stay plain)."""
    classes = np.zeros(_N, dtype=np.uint8)
    ccc = np.zeros(_N, dtype=np.uint8)
    trailing = np.zeros(_N, dtype=np.uint8)
    composes = np.zeros(_N, dtype=bool)
    nfkc = np.arange(_N, dtype=np.uint32)
    lower = np.arange(_N, dtype=np.uint32)
    pairs, expansions = [], {}
    for cp in range(_N):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cn", "Co", "Cs"):
            continue
        if cat[0] == "Z" or cat == "Cc":
            classes[cp] = _SPACE
        elif cat[0] in "PS":
            classes[cp] = _PUNCT
        elif cat == "Nd":
            classes[cp] = _DIGIT
        ccc[cp] = unicodedata.combining(ch)
        trailing[cp] = unicodedata.combining(unicodedata.normalize("NFKD", ch)[-1])
        folded = unicodedata.normalize("NFKC", ch)
        nfkc[cp] = ord(folded) if len(folded) == 1 else _NO_FOLD
        if 1 < len(folded) <= kernel.MAX_EXPANSION:
            expansions[cp] = folded
        folded = ch.lower()
        lower[cp] = ord(folded) if len(folded) == 1 else _NO_FOLD
        parts = unicodedata.decomposition(ch).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = int(parts[0], 16), int(parts[1], 16)
            composes[second] = True
            pairs.append(first << 21 | second)
    lower[0x03A3] = _NO_FOLD  # capital sigma: final or not depends on its neighbours
    for lo, hi in _NOSPACE_RANGES:
        classes[lo : hi + 1] |= _NOSPACE
    return _Unicode(classes, ccc, trailing, composes, nfkc, lower, np.unique(np.array(pairs, dtype=np.uint64)), expansions)


def _classes() -> np.ndarray:
    return _unicode_tables().classes


@lru_cache(maxsize=4)
def _fold_tables(nfkc: bool, lowercase: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`normalize` applied to each code point alone: (uint32 per code point, expansions, their lengths).

    A code point maps to one code point, or to ``kernel.EXPANDS | row`` of the expansions table
    (NFKC into 2-4 code points, such as an ellipsis), or to ``_NO_FOLD`` when the text around it
    must be normalised by Python (see the module docstring). Only starters that compose with
    nothing are substituted, so folding code points one at a time equals normalising the text.
    With NFKC, combining marks carry ``kernel.MARK`` (their order is checked) and code points
    that may compose with the starter before them ``kernel.COMPOSES`` (their pair is looked up).
    """
    u = _unicode_tables()
    fold = np.arange(_N, dtype=np.uint32)
    if nfkc:
        mapped = (u.nfkc != _NO_FOLD) & (u.ccc == 0) & ~u.composes
        target = np.where(mapped, u.nfkc, 0)
        mapped &= (u.ccc[target] == 0) & ~u.composes[target]
        safe = (u.nfkc == fold) | mapped
        fold = np.where(safe, u.nfkc, np.uint32(_NO_FOLD))
    if lowercase:
        mapped = fold != _NO_FOLD
        fold[mapped] = u.lower[fold[mapped]]
    if nfkc:
        fold[u.composes & (fold != _NO_FOLD)] |= kernel.COMPOSES
        fold[(u.ccc != 0) & (fold != _NO_FOLD)] |= kernel.MARK
        fold[0x1161:0x1176] = fold[0x11A8:0x11C3] = _NO_FOLD  # Hangul jamo compose by an algorithm
    rows = []
    if nfkc:
        for cp, text in u.expansions.items():
            points = [ord(ch) for ch in text]
            if u.ccc[cp] or u.composes[cp] or any(u.ccc[p] or u.composes[p] for p in points):
                continue
            if lowercase:
                points = [int(u.lower[p]) for p in points]
            if _NO_FOLD not in points:
                fold[cp] = kernel.EXPANDS | len(rows)
                rows.append(points)
    table = np.zeros((max(len(rows), 1), kernel.MAX_EXPANSION), dtype=np.uint32)
    lengths = np.zeros(len(table), dtype=np.uint8)
    for row, points in enumerate(rows):
        table[row, : len(points)] = points
        lengths[row] = len(points)
    return fold, table, lengths


def kernel_inputs(texts: list[str], languages: list[str | None], settings: MinHashSettings, normalised: bool) -> tuple:
    """Arguments of :func:`kernel.batch_hashes` / :func:`kernel.batch_signatures` for these texts.

    ``normalised``: the texts went through :func:`normalize` already (the kernel does not fold them).
    """
    count = len(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=count)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    cps = _code_points("\n".join(texts))
    modes = np.fromiter(
        (kernel.DETECT if (mode := _char_mode(lang, None, 0)) is None else int(mode) for lang in languages),
        dtype=np.int8,
        count=count,
    )
    separator = _SPACE | (_PUNCT if settings.strip_punctuation else 0)
    digit = _DIGIT if settings.normalize_digits else 0
    u = _unicode_tables()
    tables = (*_fold_tables(settings.nfkc, settings.lowercase), u.classes, u.ccc, u.trailing, u.nfkc, u.pairs)
    options = (separator, digit, CHAR_SHARE, settings.word_ngram, settings.char_ngram)
    return cps, starts, starts + lengths, modes, not normalised, tables, options


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def label_script(language: str | None) -> str | None:
    """The ISO 15924 script of a label like ``cmn_Hans`` (None for ``und`` or a bare code)."""
    if language and "_" in language:
        return language.rsplit("_", 1)[1]
    return None


def normalize(text: str, settings: MinHashSettings) -> str:
    """The string-level part of normalisation (NFKC, case); punctuation and digits are handled per code point."""
    if settings.nfkc and not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if settings.lowercase:
        text = text.lower()
    return text


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _flags(cps: np.ndarray, settings: MinHashSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points with digits folded, separator mask, no-space-script mask) of normalised code points."""
    flags = _classes()[cps]
    separator = (flags & _SPACE) != 0
    if settings.strip_punctuation:
        separator |= (flags & _PUNCT) != 0
    if settings.normalize_digits:
        digits = (flags & _DIGIT) != 0
        if digits.any():
            cps = cps.copy()
            cps[digits] = ord("0")
    return cps, separator, (flags & _NOSPACE) != 0


def _char_mode(language: str | None, letters: int | None, nospace: int) -> bool | None:
    """Shingle by characters? From the label's script when it names one, else from the share of no-space letters.

    With ``letters=None`` only the label is consulted: None means the text must be inspected.
    """
    script = label_script(language)
    if script is not None and len(script) == 4 and script != "Zyyy":
        return script in CHAR_SCRIPTS
    if letters is None:
        return None
    return letters > 0 and nospace >= CHAR_SHARE * letters


def _prepare(text: str, language: str | None, settings: MinHashSettings) -> tuple[np.ndarray, np.ndarray, bool]:
    """(code points, separator mask, char mode) of one normalised text."""
    cps, separator, nospace = _flags(_code_points(normalize(text, settings)), settings)
    letters = ~separator
    return cps, separator, _char_mode(language, int(letters.sum()), int((nospace & letters).sum()))


def ngram_size(char_mode: bool, settings: MinHashSettings) -> int:
    return settings.char_ngram if char_mode else settings.word_ngram


def reference_shingles(text: str, language: str | None, settings: MinHashSettings) -> list[tuple[str, ...]]:
    """The shingles of ``text`` as tuples of tokens (slow, readable; the definition the fast path matches).

    A text shorter than one n-gram yields one shingle of all its tokens; an empty text none.
    """
    cps, separator, char_mode = _prepare(text, language, settings)
    chars = [chr(c) for c in cps.tolist()]
    if char_mode:
        tokens = [ch for ch, sep in zip(chars, separator.tolist()) if not sep]
    else:
        tokens, current = [], []
        for ch, sep in zip(chars, separator.tolist()):
            if sep:
                if current:
                    tokens.append("".join(current))
                    current = []
            else:
                current.append(ch)
        if current:
            tokens.append("".join(current))
    n = ngram_size(char_mode, settings)
    if not tokens:
        return []
    if len(tokens) < n:
        return [tuple(tokens)]
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def shingle_hash(shingle: tuple[str, ...]) -> int:
    """32-bit hash of one shingle: the ``hashfunc`` that makes datasketch's MinHash match ours."""
    g = 0
    for token in shingle:
        h = 0
        for ch in token:
            h = (h * _P + ord(ch)) & _M64
        g = (g * _R + _fmix64_int((h + len(token) * _K) & _M64)) & _M64
    return _fmix64_int(g) >> 32


def shingle_hashes(text: str, language: str | None, settings: MinHashSettings) -> np.ndarray:
    """uint32 hashes of all shingles of one text (equals ``shingle_hash`` over ``reference_shingles``)."""
    hashes, _, status = kernel.batch_hashes(*kernel_inputs([text], [language], settings, normalised=False))
    if status[0] == kernel.NORMALISE:
        hashes, _, _ = kernel.batch_hashes(*kernel_inputs([normalize(text, settings)], [language], settings, normalised=True))
    return hashes
