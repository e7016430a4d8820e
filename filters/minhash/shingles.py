"""Normalise a text and cut it into hashed shingles, word n-grams or character n-grams by script.

Why it exists: near-duplicate detection compares sets of shingles, and what a shingle is depends
on the writing system. Scripts written with spaces (Latin, Cyrillic, Arabic, Hangul, ...) are
shingled as word n-grams; scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar,
Tibetan) as character n-grams. The mode comes from the record's language label when its script
is known, else from the share of characters in those scripts.

Two implementations of the same definition live here:

* :func:`reference_shingles` + :func:`shingle_hash`: plain Python, one shingle (a tuple of
  tokens) at a time. ``shingle_hash`` is the ``hashfunc`` to give datasketch's ``MinHash`` so
  that its signature is comparable with ours.
* :func:`shingle_hashes`: numpy over a whole document at once (code points, a classification
  table, prefix sums of a polynomial hash), returning exactly the values ``shingle_hash`` gives
  for the shingles ``reference_shingles`` yields (tested).

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

import numpy as np

from lingoloom.schemas.minhash import MinHashSettings

_M64 = (1 << 64) - 1
_P = 0x100000001B3  # odd: invertible modulo 2^64
_P_INV = pow(_P, -1, 1 << 64)
_K = 0x9E3779B97F4A7C15
_R = 0xC2B2AE3D27D4EB4F

# Classification of code points (bit flags in one uint8 table).
_SPACE, _PUNCT, _DIGIT, _NOSPACE = 1, 2, 4, 8

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


@lru_cache(maxsize=1)
def _classes() -> np.ndarray:
    """One flag byte per code point (built once per process, ~0.5 s)."""
    table = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "Z" or cat == "Cc":
            table[cp] = _SPACE
        elif cat[0] in "PS":
            table[cp] = _PUNCT
        elif cat == "Nd":
            table[cp] = _DIGIT
    for lo, hi in _NOSPACE_RANGES:
        table[lo : hi + 1] |= _NOSPACE
    return table


def _powers(base: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = base
        np.cumprod(out, out=out)
    return out


class _PowerCache:
    """Powers of P and of P^-1 modulo 2^64, grown on demand (per process)."""

    def __init__(self) -> None:
        self.p = _powers(_P, 1)
        self.q = _powers(_P_INV, 1)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.p) < n:
            size = max(n, 2 * len(self.p), 4096)
            self.p, self.q = _powers(_P, size), _powers(_P_INV, size)
        return self.p, self.q


_POWERS = _PowerCache()


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
    hashes, _ = batch_shingle_hashes([text], [language], settings)
    return hashes


def batch_shingle_hashes(
    texts: list[str], languages: list[str | None], settings: MinHashSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many texts at once: (uint32 hashes in text order, int64 offsets of length len(texts)+1).

    The texts are joined into one code-point array so that the numpy work is done once per batch,
    not once per document; shingles never cross two texts.
    """
    count = len(texts)
    normalised = [normalize(t, settings) for t in texts]
    lengths = np.fromiter((len(t) for t in normalised), dtype=np.int64, count=count)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    cps, separator, nospace = _flags(_code_points("\n".join(normalised)), settings)
    letters = ~separator
    doc_letters = doc_nospace = np.zeros(count, dtype=np.int64)
    if any(_char_mode(lang, None, 0) is None for lang in languages):
        ends = starts + lengths
        letter_prefix = np.concatenate(([0], np.cumsum(letters, dtype=np.int64)))
        nospace_prefix = np.concatenate(([0], np.cumsum(nospace & letters, dtype=np.int64)))
        doc_letters = letter_prefix[ends] - letter_prefix[starts]
        doc_nospace = nospace_prefix[ends] - nospace_prefix[starts]
    char_docs = np.fromiter(
        (_char_mode(lang, int(le), int(ns)) or False for lang, le, ns in zip(languages, doc_letters, doc_nospace)),
        dtype=bool,
        count=count,
    )
    # A word is a maximal run of letters; every letter of a char-mode text is a token of its own.
    if char_docs.any():
        char_cp = np.repeat(char_docs, lengths + 1)[: len(cps)]
        previous_letter = np.concatenate(([False], letters[:-1]))
        next_letter = np.concatenate((letters[1:], [False]))
        token_starts = np.flatnonzero(letters & (~previous_letter | char_cp))
        token_ends = np.flatnonzero(letters & (~next_letter | char_cp)) + 1
    else:
        edges = np.diff(letters.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        token_starts = np.flatnonzero(edges == 1)
        token_ends = np.flatnonzero(edges == -1)
    tokens = _token_hashes(cps, token_starts, token_ends)
    token_doc = np.searchsorted(starts, token_starts, side="right") - 1
    tokens_per_doc = np.bincount(token_doc, minlength=count)
    first_token = np.concatenate(([0], np.cumsum(tokens_per_doc)))
    pieces, piece_docs = [], []
    for mode, n in ((False, settings.word_ngram), (True, settings.char_ngram)):
        docs = np.flatnonzero((char_docs == mode) & (tokens_per_doc > 0))
        if len(docs):
            hashes, docs_of_hashes = _ngram_hashes(tokens, first_token, docs, n)
            pieces.append(hashes)
            piece_docs.append(docs_of_hashes)
    if not pieces:
        return np.empty(0, dtype=np.uint32), np.zeros(count + 1, dtype=np.int64)
    hashes = np.concatenate(pieces)
    docs_of_hashes = np.concatenate(piece_docs)
    if len(pieces) > 1:
        order = np.argsort(docs_of_hashes, kind="stable")
        hashes = hashes[order]
    offsets = np.concatenate(([0], np.cumsum(np.bincount(docs_of_hashes, minlength=count))))
    return hashes, offsets


def _ngram_hashes(tokens: np.ndarray, first_token: np.ndarray, docs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the n-grams of the given texts' tokens (one all-token shingle for a text shorter than n)."""
    begin, end = first_token[docs], first_token[docs + 1]
    counts = end - begin
    long_docs = counts >= n
    out, out_docs = [], []
    if long_docs.any():
        shingles = counts[long_docs] - n + 1
        # start token of every n-gram: each long text's first token, then consecutive positions
        starts = np.repeat(begin[long_docs] - np.cumsum(np.concatenate(([0], shingles[:-1]))), shingles)
        starts += np.arange(len(starts))
        g = tokens[starts]
        for k in range(1, n):
            g *= np.uint64(_R)
            g += tokens[starts + k]
        out.append(g)
        out_docs.append(np.repeat(docs[long_docs], shingles))
    for doc, b, e in zip(docs[~long_docs], begin[~long_docs], end[~long_docs]):
        g = np.zeros(1, dtype=np.uint64)
        for k in range(b, e):
            g *= np.uint64(_R)
            g += tokens[k]
        out.append(g)
        out_docs.append(np.array([doc]))
    g = np.concatenate(out) if len(out) > 1 else out[0]
    doc_of = np.concatenate(out_docs) if len(out_docs) > 1 else out_docs[0]
    if len(out) > 1:
        order = np.argsort(doc_of, kind="stable")
        g, doc_of = g[order], doc_of[order]
    return (_fmix64(g) >> np.uint64(32)).astype(np.uint32), doc_of


def _token_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash every token [start, end) of code points with prefix sums of c_j * P^-j (no Python loop per token)."""
    n = len(cps)
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64)
    powers_p, powers_q = _POWERS.get(n + 1)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(cps.astype(np.uint64) * powers_q[:n], out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * powers_p[ends - 1]
    return _fmix64(poly + (ends - starts).astype(np.uint64) * np.uint64(_K))
