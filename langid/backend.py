"""The one interface every language identifier implements, so models are swappable.

Why it exists: the step, the ensemble, the evaluation command and the benchmark must not care
whether a prediction came from fastText ``lid.176``, GlotLID, OpenLID, a custom model or heliport.
Each backend returns, per text, its top-k predictions already in canonical labels
(:mod:`lingoloom.langid.labels`), scores in [0, 1], best first, one entry per label, as one
:class:`Predictions` for the whole batch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator, Mapping, Sequence, overload

from lingoloom.langid.labels import UNKNOWN

#: Top-k predictions of one text: ``[(label, score), ...]``, best first.
Prediction = list[tuple[str, float]]


class Predictions(Sequence[Prediction]):
    """The :data:`Prediction` of each text of a batch, stored column-wise.

    Why it exists: on short texts a list and ``k`` tuples per text cost a noticeable share of the
    model's own prediction time, yet most consumers only read each text's best label and score
    (:meth:`best`). A model that gives ``width`` labels to every text is kept as two flat columns
    (labels and scores, ``width`` per text); a text's list is built when it is read. Rows that
    differ (another length, or replaced after prediction: script refinement, the ensemble, the
    mixed-language pass) are kept whole.
    """

    __slots__ = ("_labels", "_scores", "_width", "_size", "_rows")

    def __init__(self, labels: list[str], scores: list[float], width: int, rows: Mapping[int, Prediction] | None = None):
        """``width`` labels and scores per text, flat (``width`` 0: every row is in ``rows``)."""
        self._labels, self._scores, self._width = labels, scores, width
        self._rows = dict(rows or {})
        self._size = len(labels) // width if width else len(self._rows)

    @classmethod
    def from_rows(cls, rows: Sequence[Prediction]) -> Predictions:
        """The predictions of a batch given text by text."""
        return rows if isinstance(rows, Predictions) else cls([], [], 0, dict(enumerate(rows)))

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Prediction: ...

    @overload
    def __getitem__(self, index: slice) -> list[Prediction]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        row = self._rows.get(index)
        if row is not None:
            return row
        start = index * self._width
        end = start + self._width
        return list(zip(self._labels[start:end], self._scores[start:end]))

    def __iter__(self) -> Iterator[Prediction]:
        width = self._width
        if not width:  # every row is kept whole
            return map(self._rows.__getitem__, range(self._size))
        pairs = list(zip(self._labels, self._scores))
        rows = [pairs[start : start + width] for start in range(0, len(pairs), width)]
        for index, row in self._rows.items():
            rows[index] = row
        return iter(rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # mutable-like value semantics: equal to a list of the same rows

    def __repr__(self) -> str:
        return f"Predictions({list(self)!r})"

    def best(self) -> tuple[list[str], list[float]]:
        """The top label and score of each text (``und`` and 0.0 for a text without any label)."""
        if self._width:
            labels, scores = self._labels[0 :: self._width], self._scores[0 :: self._width]
        else:
            labels, scores = [UNKNOWN] * self._size, [0.0] * self._size
        for index, row in self._rows.items():
            labels[index], scores[index] = row[0] if row else (UNKNOWN, 0.0)
        return labels, scores

    def replaced(self, rows: Mapping[int, Prediction]) -> Predictions:
        """A copy with the rows at these indices replaced."""
        return Predictions(self._labels, self._scores, self._width, {**self._rows, **rows}) if rows else self

    def spread(self, positions: Sequence[int], size: int) -> Predictions:
        """These predictions placed at ``positions`` of a batch of ``size`` texts; the others empty."""
        rows: dict[int, Prediction] = {index: [] for index in range(size)}
        rows.update(zip(positions, self))
        return Predictions([], [], 0, rows)


class Identifier(ABC):
    """A language identifier: lazy-loaded, picklable, batched."""

    name: str = "identifier"

    @abstractmethod
    def predict(self, texts: Sequence[str], k: int = 3) -> Predictions:
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
