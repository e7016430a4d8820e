"""Language balance: the training mixture across and within languages, and the balance report.

Why it exists: the mixture of a multilingual dataset should be a decision, not an accident of
the crawl. :mod:`.profile` reduces records to mergeable per-language counts, :mod:`.mixture`
turns counts into sampling rates (pure functions shared by both engines and the card),
:mod:`.report` measures concentration, spread, source types and filter fairness, and
:mod:`.local` / :mod:`.beam` apply it on each engine with identical results.
"""

from lingoloom.filters.balance.mixture import BalancePlan, LanguagePlan, plan_mixture, repeats_for, waterfill
from lingoloom.filters.balance.profile import LanguageProfile, merge_profiles, profile_rows

__all__ = [
    "BalancePlan",
    "LanguagePlan",
    "LanguageProfile",
    "merge_profiles",
    "plan_mixture",
    "profile_rows",
    "repeats_for",
    "waterfill",
]
