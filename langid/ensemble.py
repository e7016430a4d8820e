"""Two language identifiers, one decision: by coverage, script, agreement and confidence.

Why it exists: a language a model has no label for cannot be found by it, however good it is on
the others (``lid.176`` has no Hausa, Zulu, Shona, ...). A second identifier with another label
set turns those silent losses into found documents, and where both speak, their agreement is
evidence. Both opinions are kept: the combined ``top_languages`` holds both models' candidates and
the result says whether they disagreed.

Decision rules (both predictions already script-refined, see :mod:`lingoloom.langid.refine`):

1. **agreement**: same language on top -> that label, score = the larger of the two;
2. **coverage**: the primary's language is one the secondary cannot output, or vice versa, and the
   other model names a language the first cannot output -> the model that *can* know wins when
   its score reaches ``min_confidence`` (the other was forced to pick a wrong label);
3. **script**: only one of the two labels is written in the text's dominant script -> that one;
4. **confidence**: otherwise the higher score wins, the secondary's discounted by ``secondary_weight``
   (it is the second opinion, and its scores are converted, not native probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from lingoloom.langid.backend import Identifier, Prediction
from lingoloom.langid.labels import UNKNOWN, split_label
from lingoloom.langid.scripts import ScriptProfile


@dataclass
class Decision:
    """The combined prediction and how it was reached."""

    prediction: Prediction
    rule: str
    disagreement: bool
    opinions: dict[str, Prediction] = field(default_factory=dict)


def _language(label: str) -> str:
    return split_label(label)[0]


@dataclass
class Ensemble:
    """Combines a primary and a secondary :class:`Identifier` (see the module docstring for the rules)."""

    primary: Identifier
    secondary: Identifier
    min_confidence: float = 0.5
    secondary_weight: float = 0.9
    _coverage: tuple[frozenset[str], frozenset[str]] | None = None

    def coverage(self) -> tuple[frozenset[str], frozenset[str]]:
        """Languages (ISO 639-3, script ignored) each model can output."""
        if self._coverage is None:
            self._coverage = (
                frozenset(_language(label) for label in self.primary.labels()),
                frozenset(_language(label) for label in self.secondary.labels()),
            )
        return self._coverage

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_coverage"] = None
        return state

    def decide(self, first: Prediction, second: Prediction, profile: ScriptProfile | None) -> Decision:
        """Combine one text's two (script-refined) predictions."""
        opinions = {self.primary.name: first, self.secondary.name: second}
        if not second or second[0][0] == UNKNOWN:
            return Decision(first, "primary_only", False, opinions)
        if not first or first[0][0] == UNKNOWN:
            return Decision(second, "secondary_only", False, opinions)
        (label_a, score_a), (label_b, score_b) = first[0], second[0]
        merged = _merge(first, second)
        lang_a, lang_b = _language(label_a), _language(label_b)
        if lang_a == lang_b:
            top = (label_a, max(score_a, score_b))
            return Decision([top] + [p for p in merged if p[0] != label_a], "agreement", False, opinions)
        known_a, known_b = self.coverage()
        if lang_b not in known_a and score_b >= self.min_confidence:
            return Decision(_promote(merged, label_b, score_b), "coverage", True, opinions)
        if lang_a not in known_b and score_a >= self.min_confidence:
            return Decision(_promote(merged, label_a, score_a), "coverage", True, opinions)
        if profile is not None and profile.letters:
            fits_a = split_label(label_a)[1] == profile.script
            fits_b = split_label(label_b)[1] == profile.script
            if fits_a != fits_b:
                winner = (label_a, score_a) if fits_a else (label_b, score_b)
                return Decision(_promote(merged, *winner), "script", True, opinions)
        if score_b * self.secondary_weight > score_a:
            return Decision(_promote(merged, label_b, score_b), "confidence", True, opinions)
        return Decision(_promote(merged, label_a, score_a), "confidence", True, opinions)


def _merge(first: Prediction, second: Prediction) -> Prediction:
    best: dict[str, float] = {}
    for label, score in list(first) + list(second):
        best[label] = max(best.get(label, 0.0), score)
    return sorted(best.items(), key=lambda item: item[1], reverse=True)


def _promote(merged: Prediction, label: str, score: float) -> Prediction:
    return [(label, score)] + [p for p in merged if p[0] != label]

