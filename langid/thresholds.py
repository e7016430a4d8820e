"""Acceptance thresholds per language: configured, from the language's pack, or calibrated.

Why it exists: one confidence threshold for every language keeps the languages a model knows well
and deletes the ones it is unsure about, which are the low-resource ones. The order of precedence
for a label's threshold is: the run's ``langid.thresholds`` entry, then the language pack's
``langid_threshold``, then ``langid.default_threshold``. A run may instead calibrate thresholds
from its own score distribution with FineWeb-2's rule

    tau = max(0.3, min(0.9, median - sigma))

(median and standard deviation of the language scores of the documents labelled with that
language), computed after a pass over the scores; the engines call :func:`calibrate_thresholds`
and report every threshold used.
"""

from __future__ import annotations

import statistics
from typing import Mapping, Sequence

FLOOR = 0.3
CEILING = 0.9


def calibrate_threshold(scores: Sequence[float], floor: float = FLOOR, ceiling: float = CEILING) -> float:
    """FineWeb-2's rule on one language's scores: ``max(floor, min(ceiling, median - stdev))``."""
    if not scores:
        raise ValueError("cannot calibrate a threshold from no scores; keep the configured threshold instead")
    spread = statistics.pstdev(scores) if len(scores) > 1 else 0.0
    return max(floor, min(ceiling, statistics.median(scores) - spread))


def calibrate_thresholds(
    scores_by_label: Mapping[str, Sequence[float]], min_documents: int = 20
) -> dict[str, float]:
    """Calibrated thresholds for every label with at least ``min_documents`` scores."""
    return {
        label: round(calibrate_threshold(scores), 4)
        for label, scores in sorted(scores_by_label.items())
        if len(scores) >= min_documents
    }


def threshold_for(
    label: str, configured: Mapping[str, float], packs: Mapping[str, float], default: float
) -> float:
    """The threshold that applies to ``label`` (run setting > language pack > default)."""
    if label in configured:
        return configured[label]
    if label in packs:
        return packs[label]
    return default
