"""Text preparation for language ID: remove what carries no language, bound what is too long.

Why it exists: URLs, e-mail addresses, numbers and markup remnants are the same in every language
and pull a classifier toward English (or toward whatever language its training data's boilerplate
was in). Long documents must not be judged by their first kilobytes only: navigation, cookie
banners and headlines sit at the top. So we predict on a bounded, representative sample made of
the beginning, the middle and the end of the cleaned text; the bound is configurable.

Lines are kept (joined with ``\\n``) so that mixed-language detection can split the same sample
into paragraphs; the backends flatten newlines before predicting.
"""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TAG = re.compile(r"<[^<>\n]{0,200}>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
#: Digits (with their separators: 12,345.6 - 12/03/2024) and markup symbols, in one character-class
#: scan (an alternation would be tried at every position: twice as slow).
_NUMBER_OR_MARKUP = re.compile(r"[\d#*_=|\[\]{}<>~^`\\•·►▪■□◆●○→←↑↓\u00a0\u2000-\u200b\u3000\t\r\f\v]+(?:[.,:/-]\d+)*")


def clean_text(text: str) -> str:
    """``text`` without URLs, e-mail addresses, numbers and markup remnants; blank lines dropped.

    The costlier patterns only run when a cheap substring test says they can match. Runs of spaces
    are left alone: fastText splits on whitespace anyway.
    """
    if "://" in text or "www." in text or "WWW." in text:
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
