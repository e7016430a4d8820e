"""Settings of near-duplicate removal with MinHash (the ``dedup.minhash`` section of a run).

Why it exists: every choice that changes which documents survive (shingle size, normalisation,
bands x rows, seed) must be written in the run definition and the manifest, and must be the same
on both engines. Defaults equal FineWeb's: word 5-grams, 14 bands x 8 rows (112 permutations,
seed 1), i.e. a Jaccard threshold of about (1/14)^(1/8) ~= 0.72; a pair at Jaccard 0.8 becomes a
candidate with probability 1 - (1 - 0.8^8)^14 ~= 0.92.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator


class MinHashSettings(BaseModel):
    """How documents are shingled, signed, banded and clustered."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Run MinHash near-duplicate removal.")
    word_ngram: int = Field(5, ge=1, description="Shingle size in words for scripts written with spaces (FineWeb: 5).")
    char_ngram: int = Field(
        5,
        ge=1,
        description="Shingle size in characters for scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar, Tibetan).",
    )
    nfkc: bool = Field(True, description="Apply Unicode NFKC normalisation before shingling.")
    lowercase: bool = Field(True, description="Lower-case before shingling.")
    strip_punctuation: bool = Field(True, description="Treat Unicode punctuation and symbols (P*, S*) as spaces.")
    normalize_digits: bool = Field(True, description="Replace every decimal digit by 0 before shingling.")
    threshold: float | None = Field(
        None,
        gt=0.0,
        lt=1.0,
        description=(
            "Jaccard threshold; when set, bands and rows are chosen by datasketch's optimal-parameter "
            "routine for num_perm permutations (overriding bands/rows)."
        ),
    )
    num_perm: int = Field(112, ge=2, description="Permutations used when `threshold` is set (FineWeb: 14 x 8 = 112).")
    false_positive_weight: float = Field(0.5, ge=0, description="datasketch weight of false positives when choosing bands/rows.")
    false_negative_weight: float = Field(0.5, ge=0, description="datasketch weight of false negatives when choosing bands/rows.")
    bands: int = Field(14, ge=1, description="LSH bands (FineWeb: 14); ignored when `threshold` is set.")
    rows: int = Field(8, ge=1, description="Rows (hashes) per band (FineWeb: 8); ignored when `threshold` is set.")
    seed: int = Field(1, ge=0, description="Seed of the permutations (datasketch's MinHash `seed`).")
    url_dedup: bool = Field(
        True,
        description="Also cluster documents sharing a normalised URL (cheap URL dedup folded into the same clustering).",
    )
    memory_mb: int = Field(
        256,
        ge=8,
        description="Memory budget of one local worker for buckets, edges and components; work spills to disk beyond it.",
    )
    partitions: int | None = Field(
        None, ge=1, description="Spill partitions of the local engine (default: as many as memory_mb requires)."
    )
    audit_dir: str | None = Field(
        None, description="Folder where removed documents are written (Parquet, with drop_stage, drop_reason, survivor id)."
    )
    index_out: str | None = Field(
        None, description="Folder where this run saves its band index, so later runs can deduplicate against it."
    )
    index_in: list[str] = Field(
        default_factory=list,
        description="Band indexes of earlier runs: documents near-duplicating one of their documents are removed.",
    )
    beam_max_iterations: int = Field(
        12,
        ge=1,
        description="Beam: large-star/small-star rounds unrolled in the graph; the pipeline fails if not converged.",
    )

    @model_validator(mode="after")
    def _check_bands(self) -> "MinHashSettings":
        if self.threshold is None and self.bands * self.rows < 2:
            raise ValueError("dedup.minhash: bands x rows must be at least 2")
        return self

    def lsh_params(self) -> tuple[int, int]:
        """(bands, rows): explicit, or from datasketch's optimal-parameter routine when a threshold is set."""
        if self.threshold is None:
            return self.bands, self.rows
        return _optimal_param(self.threshold, self.num_perm, self.false_positive_weight, self.false_negative_weight)


@lru_cache(maxsize=64)
def _optimal_param(threshold: float, num_perm: int, fp_weight: float, fn_weight: float) -> tuple[int, int]:
    from datasketch.lsh import _optimal_param as datasketch_optimal_param

    return tuple(datasketch_optimal_param(threshold, num_perm, fp_weight, fn_weight))
