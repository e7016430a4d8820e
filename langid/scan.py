"""Compiled scans of a batch's code points: what text preparation and script detection need per text.

Why it exists: on short texts (lines, titles, captions) reading each text's characters costs as
much as the language model's own prediction when it is done per text in Python, and still a
dozen whole-batch passes when done with numpy. These numba kernels read each text once, one
table look-up per character, and return one small column per fact. The tables and the rules they
implement live with their owners (:mod:`lingoloom.langid.prepare`, :mod:`lingoloom.langid.scripts`);
a batch is the concatenation of its texts' code points (``uint32``) with each text's
``[start, end)``. Code points past a table's last row read that row.
"""

from __future__ import annotations

import numpy as np

from lingoloom.pipelines.compiled import jit

#: Kind of a text after :func:`scan_scripts`: one script with no compound rule (the profile follows
#: from the columns alone), one script that needs the Han/kana rules, no letters, letters of several
#: scripts, or code points past the table (the per-text path decides).
SIMPLE, COMPOUND, EMPTY, MIXED, BEYOND = 0, 1, 2, 3, 4

#: Values of the table :func:`scan_noisy` reads: the code point makes a text noisy, or may be part of a URL marker.
ACTED, URL_MARK = 1, 2

_COLON, _SLASH, _LOWER_W, _UPPER_W = 0x3A, 0x2F, 0x77, 0x57


@jit
def scan_noisy(codepoints: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per text: does it hold a code point ``table`` marks :data:`ACTED`, or a URL marker (``://``,
    ``www.``, ``WWW.``) lying wholly inside it (:data:`URL_MARK` marks ``:`` and ``.``)?"""
    n = len(starts)
    last = len(table) - 1
    noisy = np.zeros(n, np.bool_)
    for t in range(n):
        start, end = starts[t], ends[t]
        for i in range(start, end):
            cp = codepoints[i]
            value = table[min(cp, last)]
            if value == 0:
                continue
            if value == ACTED:
                noisy[t] = True
                break
            if cp == _COLON:
                if i + 2 < end and codepoints[i + 1] == _SLASH and codepoints[i + 2] == _SLASH:
                    noisy[t] = True
                    break
            elif i - 3 >= start:
                a, b, c = codepoints[i - 3], codepoints[i - 2], codepoints[i - 1]
                if (a == b == c) and (a == _LOWER_W or a == _UPPER_W):
                    noisy[t] = True
                    break
    return noisy


@jit
def scan_scripts(
    codepoints: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    facts: np.ndarray,
    char_scripts: np.ndarray,
    block_bits: np.ndarray,
    compound: np.ndarray,
    alpha: int,
    first_letter: int,
    beyond: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: the script of its first letter, its letter count and its kind (see :data:`SIMPLE`).

    ``facts`` holds one ``uint32`` per code point, the four bytes of
    :func:`lingoloom.langid.scripts._facts` (flags, letter script, letter script or 255, outside
    bits, least significant first); ``alpha``, ``first_letter`` and ``beyond`` are flag bits. A text
    is single-script when, after its first letter, nothing lies outside that script's blocks, or no
    letter of another script occurs.
    """
    n = len(starts)
    last = len(facts) - 1
    scripts = np.zeros(n, np.uint8)
    letters = np.zeros(n, np.int64)
    kinds = np.zeros(n, np.uint8)
    for t in range(n):
        count = 0
        outside = 0
        lowest = 255
        highest = 0
        past_table = False
        found = False
        end = ends[t]
        i = starts[t]
        while i < end and not found:  # up to and with the first letter
            cp = min(codepoints[i], last)
            flags = facts[cp] & 0xFF
            i += 1
            if flags & alpha:
                count += 1
            if flags & beyond:
                past_table = True
            if flags & first_letter:
                scripts[t] = char_scripts[cp]
                found = True
        for j in range(i, end):  # after it
            row = facts[min(codepoints[j], last)]
            if row & alpha:
                count += 1
            if row & beyond:
                past_table = True
            outside |= row >> 24
            highest = max(highest, (row >> 8) & 0xFF)
            lowest = min(lowest, (row >> 16) & 0xFF)
        letters[t] = count
        script = scripts[t]
        if past_table:
            kinds[t] = BEYOND
        elif not found:
            kinds[t] = EMPTY
        elif script > 0 and (
            (block_bits[script] > 0 and (outside & block_bits[script]) == 0) or (lowest >= script and highest <= script)
        ):
            kinds[t] = COMPOUND if compound[script] else SIMPLE
        else:
            kinds[t] = MIXED
    return scripts, letters, kinds
