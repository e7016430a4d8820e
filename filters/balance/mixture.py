"""The training mixture: per-language (and per-domain) sampling rates from per-language token counts.

Why it exists: left alone, a web mixture is whatever the crawl happened to find, so a few big
languages drown the rest. Every policy here is one allocation problem: give each language a
share of a token budget in proportion to a priority, but never more than ``max_epochs`` times
its own tokens (documents are repeated, not invented), and hand what a capped language cannot
take to the others ("water-filling"):

- ``natural``:     priority ∝ tokens (rate 1 for every language);
- ``temperature``: priority ∝ tokens^(1/T) (T > 1 flattens towards small languages);
- ``unimax``:      equal priority, i.e. a uniform budget per language, capped at ``max_epochs``
                   (Chung et al., 2023, "UniMax");
- ``quotas``:      priority = the given shares (unlisted languages get 0).

Within a language the same allocation applies to registered domains with a cap of
``domain_cap`` of the language's tokens. A rate r means each document is used r times in
expectation: ``floor(r)`` times plus once more with probability ``frac(r)``, decided by a hash
of the document id and the seed, so every engine and every re-run picks the same documents.
Nothing is dropped from the published data; the rates go into the card and, optionally, a
``mix`` config with a ``repeats`` column (never duplicated rows).
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

import xxhash

from lingoloom.filters.balance.profile import UNKNOWN_DOMAIN, LanguageProfile, Profiles
from lingoloom.filters.balance.tokens import chars_per_token
from lingoloom.schemas.balance import BalanceSettings

logger = logging.getLogger(__name__)


def waterfill(priority: Mapping[str, float], cap: Mapping[str, float], budget: float) -> dict[str, float]:
    """Split ``budget`` in proportion to ``priority`` without giving any key more than ``cap``.

    What a capped key cannot take goes to the others, again in proportion to priority. Keys with
    zero priority get nothing. The result sums to ``min(budget, sum of caps of keys with priority)``.
    """
    alloc = {key: 0.0 for key in sorted(priority)}
    free = sorted(key for key, p in priority.items() if p > 0 and cap.get(key, 0) > 0)
    remaining = float(budget)
    while free and remaining > 1e-9:
        total = math.fsum(priority[key] for key in free)
        share = {key: remaining * priority[key] / total for key in free}
        over = [key for key in free if share[key] >= cap[key]]
        if not over:
            for key in free:
                alloc[key] = share[key]
            break
        for key in over:
            alloc[key] = float(cap[key])
        remaining = float(budget) - math.fsum(alloc.values())
        free = [key for key in free if key not in set(over)]
    return alloc


@dataclass(frozen=True)
class LanguagePlan:
    """The mixture decision for one language."""

    language: str
    documents: int
    tokens: float
    natural_share: float
    target_tokens: float
    weight: float
    #: Mixture tokens / the language's tokens: average uses of the language's text.
    epochs: float
    #: Expected uses of a document from a domain not in ``domain_rates`` (all of them without a domain cap).
    rate: float
    domain_rates: dict[str, float] = field(default_factory=dict)
    capped_domains: int = 0


@dataclass(frozen=True)
class BalancePlan:
    """Sampling rates per language (and per capped domain) and the settings that produced them."""

    policy: str
    seed: int
    token_budget: float
    max_epochs: float
    domain_cap: float | None
    languages: dict[str, LanguagePlan]

    def rate(self, language: str, domain: str | None) -> float:
        """Expected uses of a document of ``language`` from ``domain`` in the mixture."""
        plan = self.languages.get(language)
        if plan is None:
            return 0.0
        return plan.domain_rates.get(domain or UNKNOWN_DOMAIN, plan.rate)

    def repeats(self, doc_id: str, language: str, domain: str | None) -> int:
        """How many times the document is used in the mixture (0 = not sampled)."""
        return repeats_for(self.rate(language, domain), doc_id, self.seed)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BalancePlan":
        languages = {k: LanguagePlan(**v) for k, v in data["languages"].items()}
        return cls(**{**data, "languages": languages})


def uniform(doc_id: str, seed: int) -> float:
    """A number in [0, 1) fixed by the document id and the seed (xxh64)."""
    return xxhash.xxh64_intdigest(f"{seed}\x00{doc_id}".encode("utf-8")) / 2.0**64


def repeats_for(rate: float, doc_id: str, seed: int) -> int:
    """``floor(rate)`` plus one with probability ``frac(rate)``, decided by :func:`uniform`."""
    whole = math.floor(rate)
    return whole + (1 if uniform(doc_id, seed) < rate - whole else 0)


def _priorities(settings: BalanceSettings, tokens: Mapping[str, float]) -> dict[str, float]:
    if settings.policy == "natural":
        return dict(tokens)
    if settings.policy == "temperature":
        return {lang: t ** (1.0 / settings.temperature) if t > 0 else 0.0 for lang, t in tokens.items()}
    if settings.policy == "unimax":
        return {lang: 1.0 if t > 0 else 0.0 for lang, t in tokens.items()}
    total = sum(settings.quotas.values())
    return {lang: settings.quotas.get(lang, 0.0) / total for lang in tokens}


def _domain_rates(profile: LanguageProfile, cpt: float, target: float, settings: BalanceSettings) -> tuple[float, dict[str, float], int]:
    """Base rate and per-domain rates of one language under the domain cap."""
    domain_tokens = {d: c / cpt for d, c in profile.domain_chars.items() if c > 0}
    limit = {d: min(settings.domain_cap * target, t * settings.max_epochs) for d, t in domain_tokens.items()}  # type: ignore[operator]
    alloc = waterfill(domain_tokens, limit, target)
    rates = {d: alloc[d] / t for d, t in domain_tokens.items()}
    # Domains that got the common (uncapped) rate are not listed; the base rate is theirs.
    uncapped = sorted(d for d in domain_tokens if alloc[d] < limit[d])
    base = rates[uncapped[0]] if uncapped else 0.0
    capped = {d: r for d, r in sorted(rates.items()) if d not in set(uncapped)}
    return base, capped, len(capped)


def plan_mixture(profiles: Profiles, settings: BalanceSettings) -> BalancePlan:
    """The mixture for these per-language profiles under ``settings`` (a pure function)."""
    overrides = settings.chars_per_token
    cpt = {lang: chars_per_token(lang, overrides) for lang in profiles}
    tokens = {lang: p.chars / cpt[lang] for lang, p in profiles.items()}
    total = math.fsum(tokens.values())
    budget = float(settings.token_budget) if settings.token_budget is not None else total
    caps = {lang: t * settings.max_epochs for lang, t in tokens.items()}
    targets = waterfill(_priorities(settings, tokens), caps, budget)
    absent = sorted(set(settings.quotas) - set(tokens)) if settings.policy == "quotas" else []
    if absent:
        logger.warning("balance quotas name languages with no documents in this output: %s", ", ".join(absent))

    languages: dict[str, LanguagePlan] = {}
    for lang in sorted(profiles):
        profile, t, target = profiles[lang], tokens[lang], targets[lang]
        rate, domain_rates, n_capped = (target / t if t else 0.0), {}, 0
        if settings.domain_cap is not None and t > 0 and target > 0:
            rate, domain_rates, n_capped = _domain_rates(profile, cpt[lang], target, settings)
            target = math.fsum(c / cpt[lang] * domain_rates.get(d, rate) for d, c in profile.domain_chars.items())
        languages[lang] = LanguagePlan(
            language=lang,
            documents=profile.documents,
            tokens=t,
            natural_share=t / total if total else 0.0,
            target_tokens=target,
            weight=0.0,
            epochs=target / t if t else 0.0,
            rate=rate,
            domain_rates=domain_rates,
            capped_domains=n_capped,
        )
    mixed = math.fsum(p.target_tokens for p in languages.values())
    languages = {
        lang: LanguagePlan(**{**asdict(p), "weight": p.target_tokens / mixed if mixed else 0.0})
        for lang, p in languages.items()
    }
    return BalancePlan(
        policy=settings.policy,
        seed=settings.seed,
        token_budget=budget,
        max_epochs=settings.max_epochs,
        domain_cap=settings.domain_cap,
        languages=languages,
    )
