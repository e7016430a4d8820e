"""Mixture policies, caps and deterministic repeats (pure functions over per-language counts)."""

from __future__ import annotations

import math
import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from lingoloom.filters.balance import LanguageProfile, plan_mixture, repeats_for, waterfill
from lingoloom.filters.balance.tokens import chars_per_token, estimate_tokens
from lingoloom.schemas.balance import BalanceSettings


def _profiles(tokens: dict[str, float], domains: dict[str, dict[str, int]] | None = None) -> dict[str, LanguageProfile]:
    """Profiles with the given estimated tokens (Latin script: 4 chars per token)."""
    out = {}
    for lang, t in tokens.items():
        chars = int(t * chars_per_token(lang))
        split = (domains or {}).get(lang, {f"{lang}.example": 1})
        total = sum(split.values())
        domain_chars = Counter({d: chars * n // total for d, n in split.items()})
        domain_chars[next(iter(split))] += chars - sum(domain_chars.values())
        out[lang] = LanguageProfile(documents=max(1, int(t // 100)), chars=chars, domain_chars=domain_chars,
                                    domain_docs=Counter(split))
    return out


def _targets(plan) -> dict[str, float]:
    return {lang: round(p.target_tokens, 6) for lang, p in plan.languages.items()}


def test_natural_keeps_every_language_at_rate_one() -> None:
    plan = plan_mixture(_profiles({"eng_Latn": 9000, "vie_Latn": 900, "yor_Latn": 100}), BalanceSettings())
    assert {p.rate for p in plan.languages.values()} == {1.0}
    assert plan.languages["yor_Latn"].weight == pytest.approx(0.01)


def test_temperature_weights_follow_n_to_the_one_over_t() -> None:
    tokens = {"eng_Latn": 10000, "vie_Latn": 1000, "yor_Latn": 100}
    plan = plan_mixture(_profiles(tokens), BalanceSettings(policy="temperature", temperature=2.0, max_epochs=100))
    w = {lang: p.weight for lang, p in plan.languages.items()}
    assert w["eng_Latn"] / w["vie_Latn"] == pytest.approx(math.sqrt(10))
    assert w["vie_Latn"] / w["yor_Latn"] == pytest.approx(math.sqrt(10))
    assert sum(p.target_tokens for p in plan.languages.values()) == pytest.approx(sum(tokens.values()))
    flat = plan_mixture(_profiles(tokens), BalanceSettings(policy="temperature", temperature=1.0))
    assert [p.rate for p in flat.languages.values()] == pytest.approx([1.0, 1.0, 1.0])


def test_unimax_uniform_budget_with_epoch_cap_redistributes() -> None:
    # budget 900 over 3 languages = 300 each; yor (10 tokens) capped at 4 epochs = 40, vie at 400; eng takes the rest
    plan = plan_mixture(
        _profiles({"eng_Latn": 1000, "vie_Latn": 100, "yor_Latn": 10}),
        BalanceSettings(policy="unimax", token_budget=900, max_epochs=4),
    )
    assert _targets(plan) == {"eng_Latn": 460.0, "vie_Latn": 400.0, "yor_Latn": 40.0}
    assert plan.languages["yor_Latn"].rate == pytest.approx(4.0)
    assert plan.languages["eng_Latn"].rate == pytest.approx(0.46)


def test_quotas_are_normalised_and_unlisted_languages_get_nothing() -> None:
    plan = plan_mixture(
        _profiles({"eng_Latn": 1000, "vie_Latn": 1000, "yor_Latn": 1000}),
        BalanceSettings(policy="quotas", quotas={"eng_Latn": 3, "vie_Latn": 1}),
    )
    assert plan.languages["eng_Latn"].weight == pytest.approx(0.75)
    assert plan.languages["yor_Latn"].weight == 0.0 and plan.languages["yor_Latn"].rate == 0.0


def test_domain_cap_limits_one_site_and_keeps_the_language_budget() -> None:
    domains = {"vie_Latn": {"big.vn": 80, **{f"s{i}.vn": 1 for i in range(20)}}}
    plan = plan_mixture(_profiles({"vie_Latn": 10000}, domains), BalanceSettings(domain_cap=0.2, max_epochs=10))
    lang = plan.languages["vie_Latn"]
    big_tokens = 10000 * 80 / 100
    assert set(lang.domain_rates) == {"big.vn"}
    assert big_tokens * lang.domain_rates["big.vn"] / lang.target_tokens == pytest.approx(0.2, abs=1e-3)
    assert lang.target_tokens == pytest.approx(10000, rel=1e-3)  # the small sites are up-sampled to fill it
    assert lang.rate == pytest.approx((10000 - 0.2 * 10000) / (10000 - big_tokens), rel=1e-3)
    assert plan.rate("vie_Latn", "s3.vn") == lang.rate and plan.rate("vie_Latn", "big.vn") < 1

    # with a 4-epoch cap the small sites cannot fill the budget: the language gets fewer tokens, never more repeats
    tight = plan_mixture(_profiles({"vie_Latn": 10000}, domains), BalanceSettings(domain_cap=0.1, max_epochs=4))
    small = tight.languages["vie_Latn"]
    assert max(small.domain_rates.values()) <= 4
    assert small.target_tokens == pytest.approx(0.1 * 10000 + 4 * 2000, rel=1e-3)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from("abcdefgh"),
        st.tuples(st.one_of(st.just(0.0), st.floats(0.01, 100)), st.one_of(st.just(0.0), st.floats(0.01, 1000))),
        min_size=1,
    ),
    st.floats(0, 5000),
)
def test_waterfill_respects_caps_budget_and_proportions(items: dict[str, tuple[float, float]], budget: float) -> None:
    priority = {k: p for k, (p, _) in items.items()}
    cap = {k: c for k, (_, c) in items.items()}
    alloc = waterfill(priority, cap, budget)
    eligible = [k for k in items if priority[k] > 0 and cap[k] > 0]
    assert math.fsum(alloc.values()) == pytest.approx(min(budget, math.fsum(cap[k] for k in eligible)), abs=1e-6)
    assert all(alloc[k] <= cap[k] + 1e-9 for k in items)
    assert all(alloc[k] == 0 for k in items if k not in eligible)
    free = [k for k in eligible if alloc[k] < cap[k] - 1e-6]
    rates = [alloc[k] / priority[k] for k in free]
    assert max(rates, default=0) - min(rates, default=0) <= 1e-6 * max(1.0, max(rates, default=0))


def test_repeats_are_deterministic_and_unbiased() -> None:
    ids = [f"doc-{i}" for i in range(20000)]
    up = [repeats_for(2.3, i, seed=7) for i in ids]
    assert set(up) == {2, 3}
    assert statistics.mean(up) == pytest.approx(2.3, abs=0.02)
    assert up == [repeats_for(2.3, i, seed=7) for i in ids]
    down = [repeats_for(0.25, i, seed=7) for i in ids]
    assert statistics.mean(down) == pytest.approx(0.25, abs=0.015)
    other_seed = [repeats_for(0.25, i, seed=8) for i in ids]
    assert other_seed != down
    # a sampled document stays sampled when the rate grows (nested samples across policies)
    assert all(b >= a for a, b in zip(down, (repeats_for(0.5, i, seed=7) for i in ids)))


def test_token_estimate_depends_on_script_and_can_be_overridden() -> None:
    assert estimate_tokens(1300, "cmn_Hans") == pytest.approx(1000)
    assert estimate_tokens(4000, "vie_Latn") == pytest.approx(1000)
    assert estimate_tokens(3000, "und") == pytest.approx(1000)
    assert estimate_tokens(1000, "cmn_Hans", {"Hans": 1.0}) == pytest.approx(1000)
    plan = plan_mixture(_profiles({"cmn_Hans": 1000, "vie_Latn": 1000}), BalanceSettings(chars_per_token={"Hans": 2.6}))
    assert plan.languages["cmn_Hans"].tokens == pytest.approx(500)


def test_settings_reject_inconsistent_policies() -> None:
    with pytest.raises(ValidationError, match="needs `quotas`"):
        BalanceSettings(policy="quotas")
    with pytest.raises(ValidationError, match="extra"):
        BalanceSettings(polcy="unimax")
    with pytest.raises(ValidationError):
        BalanceSettings(domain_cap=1.5)
    with pytest.raises(ValidationError, match="language labels like vie_Latn"):
        BalanceSettings(policy="quotas", quotas={"vi": 1.0})
