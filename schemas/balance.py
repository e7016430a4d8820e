"""Settings of the balance stage (the ``balance:`` section of a run definition).

Why it exists: the mixture across languages is a decision, so it is written down in the run
definition and reported in the card. The published data keeps every clean document; these
settings decide the per-language sampling rates (weights, repeat counts) of the training
mixture, the cap on any one site's share within a language, and whether the mixture is also
materialised as a ``mix`` config.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MixturePolicy = Literal["natural", "temperature", "unimax", "quotas"]


class BalanceSettings(BaseModel):
    """How the training mixture across and within languages is computed."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Compute the mixture and the balance report (documents are never dropped).")
    policy: MixturePolicy = Field(
        "natural",
        description=(
            "natural: proportional to tokens; temperature: p ∝ n^(1/T); unimax: a uniform token budget "
            "per language with at most `max_epochs` repeats; quotas: the shares given in `quotas`."
        ),
    )
    temperature: float = Field(3.0, gt=0, description="T of the temperature policy (1 = natural, larger = flatter).")
    token_budget: int | None = Field(
        None, ge=1, description="Estimated tokens in the mixture; default: the tokens of the whole clean corpus."
    )
    max_epochs: float = Field(
        4.0, ge=1, description="Most times any document may be repeated (unimax's epoch cap; caps every policy)."
    )
    quotas: dict[str, float] = Field(
        default_factory=dict,
        description="quotas policy: language label -> share of the mixture (normalised to sum 1; unlisted = 0).",
    )
    domain_cap: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Largest share of a language's mixture tokens any one registered domain may have (None: no cap).",
    )
    chars_per_token: dict[str, float] = Field(
        default_factory=dict,
        description="Override of the per-script token estimate: ISO 15924 script (e.g. Latn, Hans) -> characters per token.",
    )
    seed: int = Field(0, description="Seed of the deterministic per-document sampling (hash of id and seed).")
    materialize_mix: bool = Field(
        False, description="Also write the sampled mixture as a `mix` config (each sampled document once, with `repeats`)."
    )
    outlier_ratio: float = Field(
        2.0, gt=1, description="Fairness table: flag a language whose removal share at a stage is this many times the median."
    )
    outlier_min_gap: float = Field(
        0.1, ge=0, le=1, description="Fairness table: ... and at least this far (absolute share) from the median."
    )

    @model_validator(mode="after")
    def _check(self) -> "BalanceSettings":
        if self.policy == "quotas":
            if not self.quotas:
                raise ValueError("policy 'quotas' needs `quotas`: a share per language, e.g. {vie_Latn: 0.5, cmn_Hans: 0.5}")
            bad = {k: v for k, v in self.quotas.items() if v < 0}
            if bad or sum(self.quotas.values()) <= 0:
                raise ValueError(f"quotas must be non-negative and not all zero, got {self.quotas}")
        labels = [k for k in self.quotas if not re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", k)]
        if labels:
            raise ValueError(f"quotas keys must be language labels like vie_Latn or cmn_Hans, got {labels}")
        bad_cpt = {k: v for k, v in self.chars_per_token.items() if v <= 0}
        if bad_cpt:
            raise ValueError(f"chars_per_token values must be positive, got {bad_cpt}")
        return self
