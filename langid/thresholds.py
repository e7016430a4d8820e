"""Acceptance thresholds per language: configured, from the language's pack, calibrated or fixed.

Why it exists: one confidence threshold for every language keeps the languages a model knows well
and deletes the ones it is unsure about, which are the low-resource ones. A label's threshold is,
in this order: the run's ``langid.thresholds`` entry (origin ``configured``), the language pack's
``langid_threshold`` (``pack``), and otherwise, with ``langid.threshold_mode: pack_or_calibrated``
(the default), FineWeb-2's rule on the run's own scores of that language

    tau = max(0.3, min(0.9, median - sigma))

(``calibrated``; median and population standard deviation of the language scores of every document
labelled with that language, before any threshold), or ``langid.default_threshold`` (``fixed``) when
the mode is ``pack_or_fixed`` or fewer than ``langid.calibration_min_documents`` documents carry the label.

Calibration needs every score of a language before deciding, so both engines aggregate scores in a
:class:`ScoreHistograms`: per language, a count per 1e-4 bin. Language scores are stored with four
decimals, so the bins hold them exactly; merging is integer addition, memory is bounded by the
number of bins whatever the corpus size, and the median and sigma computed from it do not depend on
worker count or input order. :func:`resolve_thresholds` turns the merged histograms into the
thresholds used, which both engines report (``stats/langid_thresholds.json``) and apply.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Mapping, Sequence

FLOOR = 0.3
CEILING = 0.9
#: Bins per unit of score: language scores carry four decimals, so one bin is one representable score.
BINS = 10_000
CONFIGURED, PACK, CALIBRATED, FIXED = "configured", "pack", "calibrated", "fixed"


def fineweb2_rule(median: float, sigma: float, floor: float = FLOOR, ceiling: float = CEILING) -> float:
    """``max(floor, min(ceiling, median - sigma))``."""
    return max(floor, min(ceiling, median - sigma))


def calibrate_threshold(scores: Sequence[float], floor: float = FLOOR, ceiling: float = CEILING) -> float:
    """FineWeb-2's rule on a list of scores (median and population standard deviation)."""
    if not scores:
        raise ValueError("cannot calibrate a threshold from no scores; keep the configured threshold instead")
    return fineweb2_rule(statistics.median(scores), statistics.pstdev(scores), floor, ceiling)


def score_bin(score: float) -> int:
    """The 1e-4 bin of ``score`` (clamped to 0..1)."""
    return min(BINS, max(0, int(round(score * BINS))))


class ScoreHistograms:
    """Language scores per language as counts per 1e-4 bin: mergeable, order-free, bounded in memory."""

    def __init__(self, counts: Mapping[str, Mapping[int, int]] | None = None):
        self.counts: dict[str, dict[int, int]] = {
            label: {int(b): int(n) for b, n in bins.items()} for label, bins in (counts or {}).items()
        }

    def add(self, label: str, score: float, n: int = 1) -> None:
        bins = self.counts.setdefault(label, {})
        key = score_bin(score)
        bins[key] = bins.get(key, 0) + n

    def merge(self, other: ScoreHistograms) -> ScoreHistograms:
        """Add ``other``'s counts into this one (returns self)."""
        for label, bins in other.counts.items():
            mine = self.counts.setdefault(label, {})
            for key, n in bins.items():
                mine[key] = mine.get(key, 0) + n
        return self

    @classmethod
    def merged(cls, parts: Iterable[ScoreHistograms]) -> ScoreHistograms:
        total = cls()
        for part in parts:
            total.merge(part)
        return total

    def __bool__(self) -> bool:
        return bool(self.counts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScoreHistograms) and self.counts == other.counts

    def labels(self) -> list[str]:
        return sorted(self.counts)

    def documents(self, label: str) -> int:
        return sum(self.counts.get(label, {}).values())

    def median(self, label: str) -> float:
        """The median score (mean of the two middle scores for an even count, as numpy and statistics)."""
        bins = sorted(self.counts[label].items())
        n = sum(count for _, count in bins)
        wanted = (n - 1) // 2, n // 2
        found: list[int] = []
        seen = 0
        for key, count in bins:
            seen += count
            while len(found) < 2 and seen > wanted[len(found)]:
                found.append(key)
        return (found[0] + found[1]) / 2 / BINS

    def stdev(self, label: str) -> float:
        """The population standard deviation, from exact integer sums of the bins."""
        bins = self.counts[label]
        n = sum(bins.values())
        s1 = sum(key * count for key, count in bins.items())
        s2 = sum(key * key * count for key, count in bins.items())
        return math.sqrt(n * s2 - s1 * s1) / n / BINS

    def to_json(self) -> dict[str, dict[str, int]]:
        return {label: {str(key): n for key, n in sorted(bins.items())} for label, bins in sorted(self.counts.items())}

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, int]]) -> ScoreHistograms:
        return cls(data)


@dataclass(frozen=True)
class ThresholdUsed:
    """The threshold a language had to pass, where it came from, and the scores it was computed from."""

    threshold: float
    origin: str
    documents: int
    median: float | None = None
    stdev: float | None = None


def resolve_thresholds(
    histograms: ScoreHistograms,
    known: Callable[[str], tuple[float, str] | None],
    calibrate: bool,
    fixed: float,
    min_documents: int,
    labels: Iterable[str] = (),
) -> dict[str, ThresholdUsed]:
    """Thresholds of every label in ``histograms`` (and ``labels``); ``known`` gives ``(threshold, origin)``
    of a configured or pack threshold, or None, and then the run's scores decide (``calibrate``) or
    ``fixed`` applies."""
    used: dict[str, ThresholdUsed] = {}
    for label in sorted(set(histograms.labels()) | set(labels)):
        n = histograms.documents(label)
        median = histograms.median(label) if n else None
        sigma = histograms.stdev(label) if n else None
        given = known(label)
        if given is not None:
            used[label] = ThresholdUsed(given[0], given[1], n, median, sigma)
        elif calibrate and n and n >= min_documents:
            used[label] = ThresholdUsed(fineweb2_rule(median, sigma), CALIBRATED, n, median, sigma)
        else:
            used[label] = ThresholdUsed(fixed, FIXED, n, median, sigma)
    return used


def report_json(used: Mapping[str, ThresholdUsed], mode: str, min_documents: int) -> str:
    """The thresholds report (``stats/langid_thresholds.json``): the same bytes from both engines."""
    payload = {
        "rule": f"tau = max({FLOOR}, min({CEILING}, median - sigma))",
        "mode": mode,
        "calibration_min_documents": min_documents,
        "languages": {label: asdict(entry) for label, entry in sorted(used.items())},
    }
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def read_report(text: str) -> dict[str, ThresholdUsed]:
    """``{label: ThresholdUsed}`` from :func:`report_json`'s text."""
    return {label: ThresholdUsed(**entry) for label, entry in json.loads(text)["languages"].items()}


def threshold_for(
    label: str, configured: Mapping[str, float], packs: Mapping[str, float], default: float
) -> float:
    """The threshold that applies to ``label`` before calibration (run setting > language pack > default)."""
    if label in configured:
        return configured[label]
    if label in packs:
        return packs[label]
    return default
