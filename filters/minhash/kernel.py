"""Compiled kernels (numba): fold, tokenise, hash and take the permutation minimum of each document.

Why it exists: the signature is computed for every document, and in numpy it takes a dozen
passes over the code points and a (permutations x shingles) matrix per batch. Compiled, each
document is read once to fold its raw code points (NFKC and lower case through per-code-point
tables from :mod:`.shingles`), once to cut and hash its tokens, then its n-gram hashes are
folded into ``num_perm`` minima held in cache. The arithmetic is the definition in
:mod:`.shingles` (``shingle_hash`` over ``reference_shingles``, tested equal) followed by
datasketch's "affine32" permutations, so the signatures equal ``datasketch.MinHash(...).digest()``.
A text the tables cannot fold one code point at a time comes back as ``NORMALISE``: the caller
normalises it in Python and calls again with ``fold=False``.

numba compiles these functions on their first call in a process (seconds; tens of seconds on a
loaded machine) and caches them (see :mod:`lingoloom.pipelines.compiled`).
"""

from __future__ import annotations

import numpy as np

from lingoloom.pipelines.compiled import jit as _jit

#: Token hash: polynomial over code points with base P, plus length * K, then fmix64.
P = 0x100000001B3
K = 0x9E3779B97F4A7C15
#: Shingle hash: polynomial with base R over token hashes, fmix64, top 32 bits.
R = 0xC2B2AE3D27D4EB4F

_P, _K, _R = np.uint64(P), np.uint64(K), np.uint64(R)
_S33, _S32, _S21 = np.uint64(33), np.uint64(32), np.uint64(21)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_S16, _S13 = np.uint32(16), np.uint32(13)
_N1, _N2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_ZERO_CP = np.uint64(ord("0"))
_EMPTY = np.uint32(0xFFFFFFFF)

#: Shingling mode of a text: word n-grams, character n-grams, or decided from its characters.
WORDS, CHARS, DETECT = 0, 1, 2
#: Status of a text after a kernel: no shingle, shingled, or needs Python's normalisation first.
EMPTY, SHINGLED, NORMALISE = 0, 1, 2
#: Returned by the shingling of one text when its expansions need larger scratch buffers.
GROW = -2
#: Class flag of code points of scripts written without spaces (see ``shingles``).
NOSPACE = 8
#: A fold-table value with this bit set is a row of the expansions table (NFKC into several code points).
EXPANDS = np.uint32(0x80000000)
#: A fold-table value with this bit set may compose with the starter before it (NFKC quick check "Maybe").
COMPOSES = np.uint32(0x40000000)
#: A fold-table value with this bit set is a combining mark (canonical order is checked).
MARK = np.uint32(0x20000000)
#: Fold-table values at or above this need a look beyond the one code point.
SPECIAL = MARK
_VALUE = np.uint32(MARK - 1)
MAX_EXPANSION = 4


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
def _needs_python(cps, lo, i, v, ccc, trailing, nfkc, pairs):
    """Would NFKC change the text at ``cps[i]``, a combining mark or a code point that composes (``v``: its fold)?

    True when the marks are out of canonical order (counting the marks of a precomposed letter
    before it), or when NFKC would compose ``cps[i]`` with the last starter before it.
    """
    cc = ccc[cps[i]]
    if i == lo:
        return False
    if cc != 0 and trailing[cps[i - 1]] > cc:
        return True
    if not v & COMPOSES:
        return False
    starter = i - 1
    while starter >= lo and ccc[cps[starter]] != 0:
        starter -= 1
    if starter < lo:
        return False
    # blocked by any starter in between, or by a mark of the same class (classes are in order)
    if starter != i - 1 and (cc == 0 or ccc[cps[i - 1]] >= cc):
        return False
    first = nfkc[cps[starter]]
    if first == _EMPTY:
        return True  # a starter that expands: do not guess
    key = np.uint64(first) << _S21 | np.uint64(cps[i])
    at = np.searchsorted(pairs, key)
    return at < len(pairs) and pairs[at] == key


@_jit
def _fold(cps, lo, hi, fold, tables, separator, folded, flags):
    """Folded code points of [lo, hi) and their class flags into ``folded``/``flags``; return (how many, letters, no-space letters).

    How many is -1 when the text needs Python's normalisation first: a code point without a
    fold, or a mark for which :func:`_needs_python` holds; ``GROW`` when expansions need larger
    buffers. Otherwise NFKC leaves the text as it
    is apart from the code points it maps one at a time, which the fold table does.
    """
    fold_table, expansions, expansion_lengths, classes, ccc, trailing, nfkc, pairs = tables
    n = 0
    letters = 0
    nospace = 0
    for i in range(lo, hi):
        c = cps[i]
        if fold:
            v = fold_table[c]
            if v >= SPECIAL:
                if v == _EMPTY:
                    return -1, 0, 0
                if v & (MARK | COMPOSES) and _needs_python(cps, lo, i, v, ccc, trailing, nfkc, pairs):
                    return -1, 0, 0
                if v & EXPANDS:
                    if n + MAX_EXPANSION + (hi - i) > len(folded):
                        return GROW, 0, 0
                    row = v & _VALUE
                    for j in range(expansion_lengths[row]):
                        x = expansions[row, j]
                        f = classes[x]
                        folded[n] = x
                        flags[n] = f
                        n += 1
                        letter = (f & separator) == 0
                        letters += letter
                        nospace += letter & ((f & NOSPACE) != 0)
                    continue
            c = v & _VALUE
        f = classes[c]
        folded[n] = c
        flags[n] = f
        n += 1
        letter = (f & separator) == 0  # counted without branches: word boundaries are unpredictable
        letters += letter
        nospace += letter & ((f & NOSPACE) != 0)
    return n, letters, nospace


@_jit
def _doc_shingles(cps, lo, hi, fold, tables, options, mode, buffers):
    """Write the uint32 shingle hashes of code points [lo, hi) to ``buffers[3]``; return how many, or -1 or ``GROW`` (see ``_fold``)."""
    folded, flags, tokens, out = buffers
    separator, digit, char_share, word_n, char_n = options
    size, letters, nospace = _fold(cps, lo, hi, fold, tables, separator, folded, flags)
    if size < 0:
        return size
    char_mode = mode == CHARS or (mode == DETECT and letters > 0 and nospace >= char_share * letters)
    # Tokens without branches on word boundaries (they are unpredictable): the running token is
    # stored at every step and kept (count advances) only where a separator ends it.
    count = 0
    if char_mode:
        for i in range(size):
            f = flags[i]
            tokens[count] = (_ZERO_CP if f & digit else np.uint64(folded[i])) + _K
            count += (f & separator) == 0
    else:
        h = np.uint64(0)
        length = np.uint64(0)
        for i in range(size):
            f = flags[i]
            letter = (f & separator) == 0
            tokens[count] = h + length * _K
            count += (not letter) and length != 0
            keep = np.uint64(0) - np.uint64(letter)
            h = (h * _P + (_ZERO_CP if f & digit else np.uint64(folded[i]))) & keep
            length = (length + np.uint64(1)) & keep
        tokens[count] = h + length * _K
        count += length != 0
    for t in range(count):
        tokens[t] = _fmix64(tokens[t])
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
def _buffers(size):
    """Scratch buffers: folded code points, their flags, token hashes, shingle hashes."""
    return (
        np.empty(size, dtype=np.uint32),
        np.empty(size, dtype=np.uint8),
        np.empty(size, dtype=np.uint64),
        np.empty(size, dtype=np.uint32),
    )


@_jit
def _shingle(cps, starts, ends, d, fold, tables, options, modes, buffers):
    """Shingle text ``d`` into ``buffers[3]`` (growing the buffers when expansions need it): (count, buffers)."""
    count = _doc_shingles(cps, starts[d], ends[d], fold, tables, options, modes[d], buffers)
    while count == GROW:
        buffers = _buffers(2 * len(buffers[0]))
        count = _doc_shingles(cps, starts[d], ends[d], fold, tables, options, modes[d], buffers)
    return count, buffers


@_jit
def _first_buffers(starts, ends):
    longest = 0
    for d in range(len(starts)):
        longest = max(longest, ends[d] - starts[d])
    return _buffers(longest + MAX_EXPANSION)


@_jit
def batch_hashes(cps, starts, ends, modes, fold, tables, options):
    """Shingle hashes of the texts [starts[d], ends[d]) of ``cps``: (uint32 hashes in text order, int64 offsets, status per text)."""
    buffers = _first_buffers(starts, ends)
    hashes = np.empty(len(cps) + 1, dtype=np.uint32)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    status = np.zeros(len(starts), dtype=np.int8)
    for d in range(len(starts)):
        count, buffers = _shingle(cps, starts, ends, d, fold, tables, options, modes, buffers)
        status[d] = NORMALISE if count < 0 else (SHINGLED if count > 0 else EMPTY)
        begin = offsets[d]
        count = max(count, 0)
        if begin + count > len(hashes):
            hashes = np.concatenate((hashes, np.empty(begin + count, dtype=np.uint32)))
        hashes[begin : begin + count] = buffers[3][:count]
        offsets[d + 1] = begin + count
    return hashes[: offsets[-1]].copy(), offsets, status


@_jit
def batch_signatures(cps, starts, ends, modes, fold, tables, options, a, b, sigs):
    """sigs[d, p] = min over text d's shingles h of ``a[p] * fmix32(h) + b[p]`` mod 2^32; returns the status of each text.

    ``sigs`` must be filled with 0xFFFFFFFF (datasketch's empty value); rows of texts that are
    not ``SHINGLED`` stay so.
    """
    buffers = _first_buffers(starts, ends)
    status = np.zeros(len(starts), dtype=np.int8)
    num_perm = len(a)
    row = np.empty(num_perm, dtype=np.uint32)
    for d in range(len(starts)):
        count, buffers = _shingle(cps, starts, ends, d, fold, tables, options, modes, buffers)
        status[d] = NORMALISE if count < 0 else (SHINGLED if count > 0 else EMPTY)
        if count > 0:
            hashes = buffers[3]
            row[:] = _EMPTY
            for s in range(count):
                x = _fmix32(hashes[s])
                for p in range(num_perm):
                    row[p] = min(row[p], np.uint32(a[p] * x + b[p]))
            sigs[d] = row
    return status
