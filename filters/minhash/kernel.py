"""Compiled kernels (numba): tokens, shingle hashes and the permutation minimum of each document in one pass.

Why it exists: the signature is computed for every document, and in numpy it takes a dozen
passes over the code points and a (permutations x shingles) matrix per batch. Compiled, one pass
per document cuts its tokens, hashes them, hashes the n-grams and folds them into the
``num_perm`` minima held in cache. The arithmetic is the definition in :mod:`shingles`
(``shingle_hash`` over ``reference_shingles``, tested equal) followed by datasketch's
"affine32" permutations, so the signatures equal ``datasketch.MinHash(...).digest()``.

numba compiles these functions on their first call in a process (a few seconds) and caches the
machine code next to this file, or in numba's per-user cache folder when this folder is not
writable; without any writable cache folder they are compiled in memory every time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Token hash: polynomial over code points with base P, plus length * K, then fmix64.
P = 0x100000001B3
K = 0x9E3779B97F4A7C15
#: Shingle hash: polynomial with base R over token hashes, fmix64, top 32 bits.
R = 0xC2B2AE3D27D4EB4F

_P, _K, _R = np.uint64(P), np.uint64(K), np.uint64(R)
_S33, _S32 = np.uint64(33), np.uint64(32)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_S16, _S13 = np.uint32(16), np.uint32(13)
_N1, _N2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_ZERO_CP = np.uint64(ord("0"))
_EMPTY = np.uint32(0xFFFFFFFF)

#: Shingling mode of a text: word n-grams, character n-grams, or decided from its characters.
WORDS, CHARS, DETECT = 0, 1, 2
#: Status of a text after a kernel: no shingle, shingled, or needs Python's normalisation first.
EMPTY, SHINGLED, NORMALISE = 0, 1, 2
#: Class flag of code points of scripts written without spaces (see ``shingles``).
NOSPACE = 8


def _jit(fn):
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba found no writable cache folder: compile in memory
        return njit(nogil=True)(fn)


@_jit
def _fmix64(h):
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    return h ^ (h >> _S33)


@_jit
def _fmix32(h):
    h ^= h >> _S16
    h = np.uint32(h * _N1)
    h ^= h >> _S13
    h = np.uint32(h * _N2)
    return np.uint32(h ^ (h >> _S16))


@_jit
def _doc_shingles(cps, lo, hi, fold, tables, options, mode, tokens, out):
    """Write the uint32 shingle hashes of code points [lo, hi) to ``out``; return how many, or -1.

    With ``fold`` the code points are raw text, mapped through ``tables.fold`` (NFKC and case
    folding of one code point); -1 means the text needs Python's normalisation first (a code
    point without a one-to-one fold, or combining marks out of canonical order).
    """
    fold_table, ccc, classes = tables
    separator, digit, check_order, char_share, word_n, char_n = options
    char_mode = mode == CHARS
    if fold or mode == DETECT:
        letters = 0
        nospace = 0
        last = 0
        for i in range(lo, hi):
            c = cps[i]
            if fold:
                if check_order:
                    cc = ccc[c]
                    if cc != 0 and last > cc:
                        return -1
                    last = cc
                c = fold_table[c]
                if c == _EMPTY:
                    return -1
            flags = classes[c]
            if not flags & separator:
                letters += 1
                if flags & NOSPACE:
                    nospace += 1
        if mode == DETECT:
            char_mode = letters > 0 and nospace >= char_share * letters
    count = 0
    h = np.uint64(0)
    length = 0
    for i in range(lo, hi):
        c = fold_table[cps[i]] if fold else cps[i]
        flags = classes[c]
        if flags & separator:
            if length:
                tokens[count] = _fmix64(h + np.uint64(length) * _K)
                count += 1
                h = np.uint64(0)
                length = 0
            continue
        value = _ZERO_CP if flags & digit else np.uint64(c)
        if char_mode:
            tokens[count] = _fmix64(value + _K)
            count += 1
        else:
            h = h * _P + value
            length += 1
    if length:
        tokens[count] = _fmix64(h + np.uint64(length) * _K)
        count += 1
    if count == 0:
        return 0
    n = char_n if char_mode else word_n
    if count < n:
        g = np.uint64(0)
        for k in range(count):
            g = g * _R + tokens[k]
        out[0] = np.uint32(_fmix64(g) >> _S32)
        return 1
    shingles = count - n + 1
    for i in range(shingles):
        g = np.uint64(0)
        for k in range(i, i + n):
            g = g * _R + tokens[k]
        out[i] = np.uint32(_fmix64(g) >> _S32)
    return shingles


@_jit
def batch_hashes(cps, starts, ends, modes, fold, tables, options):
    """Shingle hashes of the texts [starts[d], ends[d]) of ``cps``: (uint32 hashes in text order, int64 offsets, status per text)."""
    total = 0
    longest = 0
    for d in range(len(starts)):
        total += ends[d] - starts[d] + 1
        longest = max(longest, ends[d] - starts[d])
    tokens = np.empty(longest + 1, dtype=np.uint64)
    hashes = np.empty(total, dtype=np.uint32)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    status = np.zeros(len(starts), dtype=np.int8)
    for d in range(len(starts)):
        begin = offsets[d]
        count = _doc_shingles(cps, starts[d], ends[d], fold, tables, options, modes[d], tokens, hashes[begin:])
        status[d] = NORMALISE if count < 0 else (SHINGLED if count > 0 else EMPTY)
        offsets[d + 1] = begin + max(count, 0)
    return hashes[: offsets[-1]].copy(), offsets, status


@_jit
def batch_signatures(cps, starts, ends, modes, fold, tables, options, a, b, sigs):
    """sigs[d, p] = min over text d's shingles h of ``a[p] * fmix32(h) + b[p]`` mod 2^32; returns the status of each text.

    ``sigs`` must be filled with 0xFFFFFFFF (datasketch's empty value); rows of texts that are
    not ``SHINGLED`` stay so.
    """
    longest = 0
    for d in range(len(starts)):
        longest = max(longest, ends[d] - starts[d])
    tokens = np.empty(longest + 1, dtype=np.uint64)
    hashes = np.empty(longest + 1, dtype=np.uint32)
    status = np.zeros(len(starts), dtype=np.int8)
    num_perm = len(a)
    row = np.empty(num_perm, dtype=np.uint32)
    for d in range(len(starts)):
        count = _doc_shingles(cps, starts[d], ends[d], fold, tables, options, modes[d], tokens, hashes)
        status[d] = NORMALISE if count < 0 else (SHINGLED if count > 0 else EMPTY)
        if count > 0:
            row[:] = _EMPTY
            for s in range(count):
                x = _fmix32(hashes[s])
                for p in range(num_perm):
                    row[p] = min(row[p], np.uint32(a[p] * x + b[p]))
            sigs[d] = row
    return status
