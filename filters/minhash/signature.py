"""MinHash signatures and LSH band keys, compatible with datasketch and identical on both engines.

Why it exists: the signature is the one computation done for every document, so it must be fast
(one compiled pass per document, :mod:`.kernel`), and it must mean something outside this project: for the
same shingles it equals ``datasketch.MinHash(num_perm, seed, hashfunc=shingle_hash).digest()``
(datasketch's default "affine32" scheme: MurmurHash3 32-bit finalizer, then ``a*h + b mod 2^32``
with datasketch's own permutation parameters). Band keys (one 64-bit key per band, the band
index mixed in) are what both engines group on.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import numpy as np
import xxhash

from lingoloom.filters.minhash import kernel
from lingoloom.filters.minhash.shingles import _fmix64, kernel_inputs, normalize
from lingoloom.schemas.minhash import MinHashSettings

_ROW_MIX = np.uint64(0x9FB21C651E98DF25)
_BAND_MIX = np.uint64(0xD6E8FEB86659FD93)


def normalize_url(url: str) -> str:
    """The URL as compared by URL dedup: lower-case scheme and host, no ``www.``, fragment, default port or trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    return urlunsplit(("", netloc, path, parts.query, ""))


class Signer:
    """Signatures, band keys and URL keys for one :class:`MinHashSettings` (picklable, cheap to build)."""

    def __init__(self, settings: MinHashSettings):
        from datasketch import MinHash

        self.settings = settings
        self.bands, self.rows = settings.lsh_params()
        self.num_perm = self.bands * self.rows
        a, b = MinHash(num_perm=self.num_perm, seed=settings.seed).permutations
        self.a = np.ascontiguousarray(a, dtype=np.uint32)
        self.b = np.ascontiguousarray(b, dtype=np.uint32)

    def signature(self, text: str, language: str | None) -> np.ndarray | None:
        """uint32[num_perm] signature of a document, or None when it has no shingle (empty after normalisation)."""
        sigs, valid = self.signatures([text], [language])
        return sigs[0] if valid[0] else None

    def signatures(self, texts: list[str], languages: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
        """Signatures of many documents at once: (uint32 array (documents, num_perm), bool mask of documents with shingles).

        Rows of documents without shingles are all 0xFFFFFFFF and must not be bucketed.
        """
        sigs = np.full((len(texts), self.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
        status = kernel.batch_signatures(*kernel_inputs(texts, languages, self.settings, normalised=False), self.a, self.b, sigs)
        redo = np.flatnonzero(status == kernel.NORMALISE)
        if len(redo):
            texts = [normalize(texts[i], self.settings) for i in redo]
            inputs = kernel_inputs(texts, [languages[i] for i in redo], self.settings, normalised=True)
            part = sigs[redo]
            status[redo] = kernel.batch_signatures(*inputs, self.a, self.b, part)
            sigs[redo] = part
        return sigs, status == kernel.SHINGLED

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """uint64 keys of shape (documents, bands) from uint32 signatures of shape (documents, num_perm)."""
        sigs = signatures.reshape(len(signatures), self.bands, self.rows).astype(np.uint64)
        keys = np.broadcast_to(np.arange(1, self.bands + 1, dtype=np.uint64) * _BAND_MIX, sigs.shape[:2]).copy()
        for r in range(self.rows):
            keys = _fmix64(keys * _ROW_MIX + sigs[:, :, r])
        return keys

    def url_key(self, url: str | None) -> int | None:
        """Key shared by documents with the same normalised URL (None when the record has no URL)."""
        if not url:
            return None
        return xxhash.xxh3_64_intdigest(b"url\x00" + normalize_url(url).encode("utf-8", "surrogatepass"))
