"""Text preparation for language ID: remove what carries no language, bound what is too long.

Why it exists: URLs, e-mail addresses, numbers and markup remnants are the same in every language
and pull a classifier toward English (or toward whatever language its training data's boilerplate
was in). Long documents must not be judged by their first kilobytes only: navigation, cookie
banners and headlines sit at the top. So we predict on a bounded, representative sample made of
the beginning, the middle and the end of the cleaned text; the bound is configurable.

Lines are kept (joined with ``\\n``) so that mixed-language detection can split the same sample
into paragraphs; the backends flatten newlines before predicting. :func:`prepare_texts` prepares a whole batch with the same result, skipping the pattern scans for
the texts a table look-up shows they cannot change.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TAG = re.compile(r"<[^<>\n]{0,200}>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
#: Digits and markup symbols, one character class.
_NUMBER_OR_MARKUP_CHAR = r"[\d#*_=|\[\]{}<>~^`\\•·►▪■□◆●○→←↑↓\u00a0\u2000-\u200b\u3000\t\r\f\v]"
#: Runs of them with their separators (12,345.6 - 12/03/2024), in one character-class scan (an
#: alternation would be tried at every position: twice as slow). Written ``[c][c]*``, not ``[c]+``:
#: a pattern that opens with a bare character class lets ``re`` skip ahead to the next candidate
#: character at C speed instead of trying the whole pattern at every position (1.6x faster).
_NUMBER_OR_MARKUP = re.compile(f"{_NUMBER_OR_MARKUP_CHAR}{_NUMBER_OR_MARKUP_CHAR}*(?:[.,:/-]\\d+)*")


def _may_hold_url(text: str) -> bool:
    return "://" in text or "www." in text or "WWW." in text


def _url_holders(codepoints: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per text (its code points at ``starts`` in ``codepoints``): is :func:`_may_hold_url` true?
    Two comparisons over the whole batch find the candidate ``:`` and ``.``; the few candidates are
    checked for ``://``, ``www.`` and ``WWW.`` lying inside one text (a substring search for three
    markers in a joined non-ASCII batch costs several times more)."""
    colons = np.flatnonzero(codepoints[:-2] == 0x3A)
    colons = colons[(codepoints[colons + 1] == 0x2F) & (codepoints[colons + 2] == 0x2F)]
    dots = np.flatnonzero(codepoints == 0x2E)
    dots = dots[dots >= 3]
    before = [codepoints[dots - back] for back in (1, 2, 3)]
    lower = (before[0] == 0x77) & (before[1] == 0x77) & (before[2] == 0x77)
    upper = (before[0] == 0x57) & (before[1] == 0x57) & (before[2] == 0x57)
    dots = dots[lower | upper]
    begins, ends = np.concatenate([colons, dots - 3]), np.concatenate([colons + 3, dots + 1])
    holders = np.zeros(len(starts), bool)
    if len(begins):
        owners = np.searchsorted(starts, begins, side="right") - 1
        holders[owners[ends <= starts[owners] + lengths[owners]]] = True
    return holders


def clean_text(text: str) -> str:
    """``text`` without URLs, e-mail addresses, numbers and markup remnants; blank lines dropped.

    The costlier patterns only run when a cheap substring test says they can match. Runs of spaces
    are left alone: fastText splits on whitespace anyway.
    """
    if _may_hold_url(text):
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "<" in text or "&" in text:
        text = _TAG.sub(" ", text)
    text = _NUMBER_OR_MARKUP.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line for line in (part.strip() for part in text.split("\n")) if line)


def _window(text: str, start: int, size: int) -> str:
    """``text[start:start+size]`` widened to whole words at both ends."""
    end = min(len(text), start + size)
    if start > 0:
        space = text.find(" ", start, end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return text[start:end]


def sample_text(text: str, max_chars: int) -> str:
    """A bounded sample of at most ~``max_chars`` characters: the beginning, the middle and the end."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    part = max_chars // 3
    middle = (len(text) - part) // 2
    pieces = (_window(text, 0, part), _window(text, middle, part), _window(text, len(text) - part, part))
    return "\n".join(piece.strip() for piece in pieces if piece.strip())


def prepare_text(text: str, max_chars: int) -> str:
    """Sample ``text`` then clean the sample (see :func:`sample_text`, :func:`clean_text`).

    Sampling first bounds the cost of cleaning; the sample is taken with 20% slack so that what
    cleaning removes does not shrink it much below ``max_chars``.
    """
    return clean_text(sample_text(text, int(max_chars * 1.2)))


#: Code points below this have their own entry in :func:`_acted_on`'s table; the last entry (False)
#: stands for all the others (no digit or markup symbol lies past it).
_TABLE_SIZE = 0x30000
_acted_on_table: np.ndarray | None = None


def _acted_on() -> np.ndarray:
    """Per code point: does :func:`clean_text` do more than strip a text holding it? True for digits
    and markup symbols (:data:`_NUMBER_OR_MARKUP_CHAR`), newlines and the markers its other
    patterns need (``@``, ``<``, ``&``). Built once per process from the patterns themselves."""
    global _acted_on_table
    if _acted_on_table is None:
        every = "".join(map(chr, range(_TABLE_SIZE)))
        table = np.zeros(_TABLE_SIZE + 1, bool)
        for match in re.finditer(f"{_NUMBER_OR_MARKUP_CHAR}+|[@<&\n]+", every):
            table[match.start() : match.end()] = True
        _acted_on_table = table
    return _acted_on_table


def prepare_texts(texts: Sequence[str | None], max_chars: int) -> list[str]:
    """:func:`prepare_text` of each text of a batch (a missing text is empty).

    Most short texts (lines, titles, captions) hold nothing that cleaning removes, yet scanning each
    of them for :data:`_NUMBER_OR_MARKUP` costs more than the rest of its preparation. One table
    look-up per character over the whole batch finds them; they are only stripped (unless they hold
    a URL marker, see :func:`_url_holders`), which is what :func:`clean_text` returns for them.
    """
    bound = int(max_chars * 1.2)
    samples = [text if text and len(text) <= bound else sample_text(text or "", bound) for text in texts]
    if not samples:
        return []
    lengths = np.fromiter(map(len, samples), np.int64, len(samples))
    starts = np.cumsum(lengths) - lengths
    # a trailing NUL (acted on by nothing) closes the last text's segment
    joined = "".join(samples)
    codepoints = np.frombuffer((joined + "\x00").encode("utf-32-le", "surrogatepass"), np.uint32)
    acted = _acted_on().take(codepoints, mode="clip")
    noisy = (np.logical_or.reduceat(acted, starts) & (lengths > 0) | _url_holders(codepoints, starts, lengths)).tolist()
    return [clean_text(s) if flag else s.strip() for s, flag in zip(samples, noisy)]
