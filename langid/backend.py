"""The one interface every language identifier implements, so models are swappable.

Why it exists: the step, the ensemble, the evaluation command and the benchmark must not care
whether a prediction came from fastText ``lid.176``, GlotLID, OpenLID, a custom model or heliport.
Each backend returns, per text, its top-k predictions already in canonical labels
(:mod:`lingoloom.langid.labels`), scores in [0, 1], best first, one entry per label.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence

#: Top-k predictions of one text: ``[(label, score), ...]``, best first.
Prediction = list[tuple[str, float]]


class Identifier(ABC):
    """A language identifier: lazy-loaded, picklable, batched."""

    name: str = "identifier"

    @abstractmethod
    def predict(self, texts: Sequence[str], k: int = 3) -> list[Prediction]:
        """Top-``k`` canonical labels and scores for each text (single-line or not)."""

    @abstractmethod
    def labels(self) -> frozenset[str]:
        """Every canonical label this identifier can output (its coverage)."""

    @abstractmethod
    def info(self) -> dict[str, str]:
        """``{name, path, sha256, licence, source}`` for the manifest and the card."""

    def __getstate__(self) -> dict:
        """Pickle the configuration only; the loaded model is rebuilt lazily in each worker."""
        state = dict(self.__dict__)
        for key in [k for k in state if k.startswith("_loaded")]:
            state[key] = None
        return state


def merge_scores(pairs: Sequence[tuple[str, float]], k: int) -> Prediction:
    """Sum scores of raw labels that map to the same canonical label; best ``k``, clipped to [0, 1].

    ``pairs`` come best first, as every backend returns them.
    """
    if len({label for label, _ in pairs}) == len(pairs):
        return [(label, min(1.0, max(0.0, float(score)))) for label, score in pairs[:k]]
    merged: dict[str, float] = {}
    for label, score in pairs:
        merged[label] = merged.get(label, 0.0) + float(score)
    ranked = sorted(merged.items(), key=lambda item: item[1], reverse=True)[:k]
    return [(label, min(1.0, max(0.0, score))) for label, score in ranked]
