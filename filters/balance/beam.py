"""Balance on the Beam engine: the same profiles, plan and repeat counts as the local engine.

Why it exists: on Dataflow the corpus never sits in one process. Records are reduced to
per-language profiles with a ``CombineFn`` (profiles merge by integer addition, so the result
does not depend on how Beam splits the work), the plan is computed once from the combined
profiles by the pure :func:`~lingoloom.filters.balance.mixture.plan_mixture`, and each record is
annotated with its repeat count (internal key ``_repeats``) from the plan as a side input.
Records pass through unchanged otherwise: balance never drops a document.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import apache_beam as beam

from lingoloom.filters.balance.mixture import BalancePlan, plan_mixture
from lingoloom.filters.balance.profile import LanguageProfile, Profiles, merge_profiles, record_key
from lingoloom.schemas.balance import BalanceSettings

REPEATS_KEY = "_repeats"


class ProfileCombineFn(beam.CombineFn):
    """Records (dicts) -> ``{language: LanguageProfile}``."""

    def create_accumulator(self) -> Profiles:
        return {}

    def add_input(self, accumulator: Profiles, element: Mapping[str, Any]) -> Profiles:
        profile = accumulator.setdefault(record_key(element), LanguageProfile())
        profile.add(len(element.get("text") or ""), element.get("domain"), element.get("tld"), element.get("url"))
        return accumulator

    def merge_accumulators(self, accumulators: Any) -> Profiles:
        return merge_profiles(accumulators)

    def extract_output(self, accumulator: Profiles) -> Profiles:
        return accumulator


def _annotate(element: dict[str, Any], plan: BalancePlan) -> dict[str, Any]:
    out = dict(element)
    out[REPEATS_KEY] = plan.repeats(element["id"], record_key(element), element.get("domain"))
    return out


def _write_report(profiles: Profiles, plan: BalancePlan, settings: BalanceSettings, path: str) -> Iterator[str]:
    """Write the report (as the local engine does, no report when there are no records)."""
    from lingoloom.filters.balance.local import report_json
    from lingoloom.pipelines.storage import write_bytes

    if profiles:
        write_bytes(path, report_json(profiles, plan, settings))
        yield path


class BalanceStage(beam.PTransform):
    """Records in, the same records out with ``_repeats``; ``self.plan`` is the PCollection of the one BalancePlan.

    With ``report_path`` (e.g. ``gs://bucket/out/stats/balance.json``, any Beam filesystem) the balance
    report is written there, with the local engine's bytes.
    """

    def __init__(self, settings: BalanceSettings, report_path: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.report_path = report_path
        self.plan: beam.PCollection | None = None

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        profiles = records | "Profile" >> beam.CombineGlobally(ProfileCombineFn())
        self.plan = profiles | "Plan" >> beam.Map(plan_mixture, self.settings)
        if self.report_path:
            _ = profiles | "WriteReport" >> beam.FlatMap(
                _write_report, beam.pvalue.AsSingleton(self.plan), self.settings, self.report_path
            )
        return records | "Repeats" >> beam.Map(_annotate, beam.pvalue.AsSingleton(self.plan))
