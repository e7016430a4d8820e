"""HPLT's heliport as a second language identifier (optional extra ``lingoloom[heliport]``, GPL-3.0).

Why it exists: fastText's ``lid.176`` has no label at all for Hausa, Igbo, Zulu, Xhosa, Shona and
many more; heliport (a Rust port of HeLI-OTS, ~220 languages, model inside the wheel, offline)
covers them. It is GPL-3.0, so it is never a default dependency: this module imports it lazily
and :func:`heliport_available` tells whether it is installed. Its licence is recorded by
:meth:`HeliportIdentifier.info` for the manifest and the card.

Scores: heliport returns HeLI raw scores (mean negative log10 probability of the text's n-grams,
lower is better). We turn the top-k raw scores into probabilities with ``p_i ∝ 10^-(s_i)``, which
is what the scores mean, so they can be compared with fastText's softmax probabilities.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from typing import Sequence

from lingoloom.langid.backend import Identifier, Prediction, Predictions, merge_scores
from lingoloom.langid.labels import UNKNOWN, normalize_label

LICENCE = "GPL-3.0"


def heliport_available() -> bool:
    """True when the optional ``heliport`` package is installed."""
    return importlib.util.find_spec("heliport") is not None


def scores_to_probabilities(raw: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """``[(code, raw score)]`` (lower is better) -> ``[(code, probability)]`` with ``p ∝ 10^-score``."""
    if not raw:
        return []
    best = min(score for _, score in raw)
    weights = [(code, 10.0 ** (best - score)) for code, score in raw]
    total = sum(weight for _, weight in weights)
    return [(code, weight / total) for code, weight in weights]


class HeliportIdentifier(Identifier):
    """heliport behind the :class:`Identifier` interface (loaded lazily, ~3 s, once per worker)."""

    name = "heliport"

    def __init__(self, candidates: int = 5):
        if not heliport_available():
            raise ModuleNotFoundError("heliport is not installed; install the optional extra: pip install 'lingoloom[heliport]'")
        self.candidates = candidates
        self._loaded_model = None
        self._loaded_labels: dict[str, str] | None = None

    @property
    def heliport_model(self):
        """The loaded ``heliport.Identifier``."""
        if self._loaded_model is None:
            import heliport

            self._loaded_model = heliport.Identifier()
            self._loaded_labels = {code: normalize_label(code) for code in self._loaded_model.get_confidence_all()}
        return self._loaded_model

    def _label(self, code: str) -> str:
        label = self._loaded_labels.get(code)
        return label if label is not None else normalize_label(code)

    def predict(self, texts: Sequence[str], k: int = 3) -> Predictions:
        model = self.heliport_model
        out: list[Prediction] = []
        for text in texts:
            raw = model.identify_topk_with_score(text.replace("\n", " "), max(k, self.candidates))
            probabilities = scores_to_probabilities(raw)
            out.append(merge_scores([(self._label(code), p) for code, p in probabilities], k))
        return Predictions.from_rows(out)

    def labels(self) -> frozenset[str]:
        self.heliport_model
        return frozenset(self._loaded_labels.values()) - {UNKNOWN}

    def info(self) -> dict[str, str]:
        version = importlib.metadata.version("heliport")
        return {
            "name": "heliport",
            "path": f"heliport=={version} (model inside the wheel)",
            "sha256": "",
            "licence": LICENCE,
            "source": "https://github.com/ZJaume/heliport",
        }
