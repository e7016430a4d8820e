"""How lingoloom compiles its numba kernels: once, cached on disk, callable without the GIL.

Why it exists: every numba kernel of the project (MinHash signatures, the language-ID batch scans)
must be compiled the same way. numba compiles a function on its first call in a process and
caches the machine code next to its module, in ``NUMBA_CACHE_DIR``, or in numba's per-user cache
folder when that folder is not writable; without any writable cache folder it compiles in memory
every time.
"""

from __future__ import annotations

from typing import Callable

from numba import njit


def jit(fn: Callable) -> Callable:
    """``fn`` compiled by numba in nopython mode, cached on disk when possible, releasing the GIL."""
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba found no writable cache folder: compile in memory
        return njit(nogil=True)(fn)
