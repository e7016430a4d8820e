"""From raw texts to final language labels: preparation, prediction, script, ensemble, mixture.

Why it exists: the pipeline step, the evaluation command and the benchmark must produce the same
labels from the same settings, so the whole decision lives here, independent of datatrove. The
order of operations for a batch of texts:

1. prepare each text (clean, bounded sample: :mod:`~lingoloom.langid.prepare`) and read its
   script (:mod:`~lingoloom.langid.scripts`); a text with no letters left is *empty*;
2. predict the batch with the primary model (one batched call); refine each prediction with the
   script (:mod:`~lingoloom.langid.refine`);
3. with a second identifier, predict and refine again, then combine (:mod:`~lingoloom.langid.ensemble`);
4. for texts with several paragraphs whose document-level score or script share is below
   ``mixed_check_below`` (a confident, single-script prediction leaves little room for a second
   language), label each paragraph the same way and aggregate by character share
   (:mod:`~lingoloom.langid.mixed`); a mixed text takes the largest share as its language and its
   ``top`` list holds the shares instead of model probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

from lingoloom.langid.backend import Identifier, Prediction, Predictions
from lingoloom.langid.ensemble import Decision, Ensemble
from lingoloom.langid.identifiers import build_primary, build_secondary
from lingoloom.langid.labels import UNKNOWN
from lingoloom.langid.mixed import aggregate, segments
from lingoloom.langid.prepare import prepare_texts
from lingoloom.langid.refine import refine_batch
from lingoloom.langid.scripts import ScriptColumns, script_columns
from lingoloom.schemas.langid import LangIdSettings


@dataclass(slots=True)
class LangResult:
    """The language decision for one text."""

    language: str
    score: float
    top: Prediction
    mixed: bool = False
    empty: bool = False
    script: str | None = None
    script_share: float = 0.0
    script_action: str | None = None
    ensemble_rule: str | None = None
    disagreement: bool | None = None
    opinions: dict[str, Prediction] = field(default_factory=dict)


@dataclass(slots=True)
class Labels(Sequence[LangResult]):
    """The language decisions for a batch of texts, one entry per text in each column.

    Reading ``labels[i]`` gives text ``i``'s :class:`LangResult`; the columns are what is kept, so
    that a batch of short texts does not cost a handful of objects per text (see :class:`Predictions`).
    ``decisions`` holds the ensemble's decision for each text (``None`` without an ensemble, or for
    an empty text).
    """

    languages: list[str]
    scores: list[float]
    tops: Predictions
    scripts: list[str]
    script_shares: list[float]
    script_actions: list[str | None]
    mixed: list[bool]
    empty: list[bool]
    decisions: list[Decision | None] | None = None

    def __len__(self) -> int:
        return len(self.languages)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        decision = self.decisions[index] if self.decisions is not None else None
        return LangResult(
            self.languages[index], self.scores[index], self.tops[index], self.mixed[index], self.empty[index],
            self.scripts[index], self.script_shares[index], self.script_actions[index],
            decision.rule if decision else None, decision.disagreement if decision else None,
            decision.opinions if decision else {},
        )

    def __iter__(self) -> Iterator[LangResult]:
        columns = (self.languages, self.scores, self.tops, self.mixed, self.empty, self.scripts, self.script_shares,
                   self.script_actions)
        if self.decisions is None:
            return map(LangResult, *columns)
        return map(self.__getitem__, range(len(self)))

    def spread(self, positions: Sequence[int], columns: ScriptColumns) -> Labels:
        """These labels placed at ``positions`` of the batch ``columns`` describes; every other text
        is empty (no letters: ``und``, score 0, its script, no share)."""
        size = len(columns.scripts)
        languages, scores, shares = [UNKNOWN] * size, [0.0] * size, [0.0] * size
        actions: list[str | None] = [None] * size
        mixed, empty = [False] * size, [True] * size
        decisions: list[Decision | None] | None = None if self.decisions is None else [None] * size
        for new, at in enumerate(positions):
            languages[at], scores[at], shares[at] = self.languages[new], self.scores[new], self.script_shares[new]
            actions[at], mixed[at], empty[at] = self.script_actions[new], self.mixed[new], False
            if decisions is not None:
                decisions[at] = self.decisions[new]
        tops = self.tops.spread(positions, size)
        return Labels(languages, scores, tops, list(columns.scripts), shares, actions, mixed, empty, decisions)


def _keep_opinions(prediction: Prediction, opinions: dict[str, Prediction], k: int) -> Prediction:
    """The best ``k`` of ``prediction``, making room for each model's own top label (both opinions are kept)."""
    top = list(prediction[:k])
    for opinion in opinions.values():
        if opinion and k > 1 and opinion[0][0] not in {label for label, _ in top}:
            top = top[: k - 1] + [opinion[0]]
    return top


class Labeller:
    """Labels texts according to :class:`LangIdSettings`; picklable (models load lazily)."""

    def __init__(self, settings: LangIdSettings, primary: Identifier | None = None, secondary: Identifier | None = None):
        self.settings = settings
        self.primary = primary or build_primary(settings)
        self.secondary = secondary if secondary is not None else build_secondary(settings)
        self.ensemble = Ensemble(self.primary, self.secondary) if self.secondary is not None else None

    def models_info(self) -> list[dict[str, str]]:
        """Name, path, checksum and licence of every model used (for the manifest and the card)."""
        return [self.primary.info()] + ([self.secondary.info()] if self.secondary is not None else [])

    def _refine(self, predictions: Predictions, columns: ScriptColumns) -> tuple[Predictions, list[str | None]]:
        if not self.settings.script_refinement:
            return predictions, [None] * len(predictions)
        return refine_batch(predictions, columns, self.settings.script_min_share)

    def _identify(
        self, texts: Sequence[str], columns: ScriptColumns
    ) -> tuple[Predictions, list[str | None], list[Decision] | None]:
        """Each text's prediction, the script action taken on it, and the ensemble's decisions (if any)."""
        k = self.settings.top_k
        first, actions = self._refine(self.primary.predict(texts, k), columns)
        if self.ensemble is None:
            return first, actions, None
        second, _ = self._refine(self.secondary.predict(texts, k), columns)
        decisions = list(map(self.ensemble.decide, first, second, columns.profiles()))
        kept = Predictions.from_rows([_keep_opinions(d.prediction, d.opinions, k) for d in decisions])
        return kept, actions, decisions

    def label(self, texts: Sequence[str]) -> Labels:
        """The :class:`Labels` of a batch of texts (one :class:`LangResult` per text, in order)."""
        samples = prepare_texts(texts, self.settings.max_chars)
        columns = script_columns(samples)
        if samples and min(columns.letters) == 0:  # texts with no letters left: empty results
            todo = [i for i, n in enumerate(columns.letters) if n]
            return self._label_all([samples[i] for i in todo], columns.take(todo)).spread(todo, columns)
        return self._label_all(samples, columns)

    def _label_all(self, samples: list[str], columns: ScriptColumns) -> Labels:
        """Labels of texts that all have letters."""
        predictions, actions, decisions = self._identify(samples, columns)
        languages, scores = predictions.best()
        n = len(samples)
        labels = Labels(languages, scores, predictions, columns.scripts, columns.shares, actions,
                        [False] * n, [False] * n, decisions)
        if self.settings.mixed and n:
            self._apply_mixture(samples, labels)
        return labels

    def _apply_mixture(self, samples: list[str], labels: Labels) -> None:
        parts = [segments(sample, self.settings.mixed_min_segment_chars) if "\n" in sample else [] for sample in samples]
        gate = self.settings.mixed_check_below
        owners = [
            i for i, p in enumerate(parts)
            if len(p) >= 2 and (labels.scores[i] < gate or labels.script_shares[i] < gate)
        ]
        flat = [segment for i in owners for segment in parts[i]]
        if not flat:
            return
        labelled, _, _ = self._identify(flat, script_columns(flat))
        offset = 0
        min_share = self.settings.mixed_min_share
        changed: dict[int, Prediction] = {}
        for i in owners:
            n = len(parts[i])
            mixture = aggregate(parts[i], labelled[offset : offset + n])
            offset += n
            if not mixture.is_mixed(min_share):
                continue
            primary = mixture.primary
            scores = dict(labels.tops[i])
            labels.languages[i] = primary
            labels.scores[i] = float(scores.get(primary, mixture.confidence[primary]))
            labels.mixed[i] = True
            changed[i] = mixture.ranked(min_share)
        labels.tops = labels.tops.replaced(changed)
