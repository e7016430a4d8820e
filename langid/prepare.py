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

from lingoloom.langid.scan import ACTED, URL_MARK, scan_noisy

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


#: Code points below this have their own entry in :func:`_acted_on`'s table; the last entry (0)
#: stands for all the others (no digit or markup symbol lies past it).
_TABLE_SIZE = 0x30000
_acted_on_table: np.ndarray | None = None


def _acted_on() -> np.ndarray:
    """Per code point: does :func:`clean_text` do more than strip a text holding it?
    :data:`~lingoloom.langid.scan.ACTED` for digits and markup symbols (:data:`_NUMBER_OR_MARKUP_CHAR`),
    newlines and the markers its other patterns need (``@``, ``<``, ``&``);
    :data:`~lingoloom.langid.scan.URL_MARK` for ``:`` and ``.``, where a URL marker may lie (see
    :func:`_may_hold_url`). Built once per process from the patterns themselves."""
    global _acted_on_table
    if _acted_on_table is None:
        every = "".join(map(chr, range(_TABLE_SIZE)))
        table = np.zeros(_TABLE_SIZE + 1, np.uint8)
        table[[ord(":"), ord(".")]] = URL_MARK
        for match in re.finditer(f"{_NUMBER_OR_MARKUP_CHAR}+|[@<&\n]+", every):
            table[match.start() : match.end()] = ACTED
        _acted_on_table = table
    return _acted_on_table


def prepare_texts(texts: Sequence[str | None], max_chars: int) -> list[str]:
    """:func:`prepare_text` of each text of a batch (a missing text is empty).

    Most short texts (lines, titles, captions) hold nothing that cleaning removes, yet scanning each
    of them for :data:`_NUMBER_OR_MARKUP` costs more than the rest of its preparation. One compiled
    pass over the batch (:func:`~lingoloom.langid.scan.scan_noisy`: a table look-up per character,
    and the URL markers :func:`_may_hold_url` looks for) finds them; they are only stripped, which
    is what :func:`clean_text` returns for them.
    """
    bound = int(max_chars * 1.2)
    samples = [text if text and len(text) <= bound else sample_text(text or "", bound) for text in texts]
    if not samples:
        return []
    lengths = np.fromiter(map(len, samples), np.int64, len(samples))
    ends = np.cumsum(lengths)
    codepoints = np.frombuffer("".join(samples).encode("utf-32-le", "surrogatepass"), np.uint32)
    noisy = scan_noisy(codepoints, ends - lengths, ends, _acted_on()).tolist()
    return [clean_text(s) if flag else s.strip() for s, flag in zip(samples, noisy)]
