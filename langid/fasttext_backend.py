"""fastText language identifiers: the embedded ``lid.176``, GlotLID, OpenLID or a custom model.

Why it exists: all these models are fastText supervised classifiers that differ only in their file
and their label spelling. One class loads any of them lazily (once per worker process; the model
is never pickled), predicts a whole batch in one C++ call (``multilinePredict``) and maps raw
labels to canonical ones through a table built once from the model's own label list.

Label spelling: a model whose labels carry a script (``__label__cmn_Hani``, GlotLID/OpenLID
style) is read as ISO 639-3 + ISO 15924; one whose labels are bare codes (``__label__zh``) is read
with fastText ``lid.176``'s Wikipedia-code conventions (see :mod:`lingoloom.langid.labels`).
"""

from __future__ import annotations

from itertools import accumulate, chain
from pathlib import Path
from typing import Sequence

import numpy as np

from lingoloom.langid.backend import Identifier, Predictions, merge_scores
from lingoloom.langid.labels import FASTTEXT_PREFIX, normalize_label
from lingoloom.langid.models import ModelSpec, model_info, resolve_model


def label_scheme(raw_labels: Sequence[str]) -> str:
    """``iso`` when the labels carry a script (``xxx_Scrp``), else ``wikipedia`` (``lid.176``)."""
    with_script = sum(1 for raw in raw_labels if "_" in raw.removeprefix(FASTTEXT_PREFIX))
    return "iso" if with_script > len(raw_labels) / 2 else "wikipedia"


class FastTextIdentifier(Identifier):
    """A fastText model file behind the :class:`Identifier` interface.

    ``model`` is a known name (``lid176``, ``glotlid-v3``, ``openlid-v2``) or a file path;
    ``model_path`` points a known name at a local copy; ``allow_download`` permits one Hub download.
    """

    def __init__(self, model: str = "lid176", model_path: str | None = None, allow_download: bool = False):
        self.model = model
        self.model_path = model_path
        self.allow_download = allow_download
        self.name = model if model_path is None and "/" not in model else Path(model_path or model).stem
        self._loaded_model = None
        self._loaded_labels: dict[str, str] | None = None
        self._loaded_distinct = False
        self._loaded_spec: tuple[ModelSpec, Path] | None = None

    def _resolve(self) -> tuple[ModelSpec, Path]:
        if self._loaded_spec is None:
            self._loaded_spec = resolve_model(self.model, self.model_path, self.allow_download)
        return self._loaded_spec

    @property
    def fasttext_model(self):
        """The loaded ``fasttext`` model (loaded on first use)."""
        if self._loaded_model is None:
            from fasttext.FastText import _FastText

            _, path = self._resolve()
            model = _FastText(model_path=str(path))
            raw = model.get_labels()
            scheme = label_scheme(raw)
            self._loaded_labels = {label: normalize_label(label, scheme=scheme) for label in raw}
            self._loaded_distinct = len(set(self._loaded_labels.values())) == len(self._loaded_labels)
            self._loaded_model = model
        return self._loaded_model

    def predict(self, texts: Sequence[str], k: int = 3) -> Predictions:
        # what fastText's `predict(list)` does, minus its per-text newline check: each text ends with
        # the newline fastText reads as its end-of-sentence token, inner newlines (when the batch has
        # any: one C-speed search) become spaces
        if "\n" in "".join(texts):
            lines = [text.replace("\n", " ") + "\n" for text in texts]
        else:
            lines = [text + "\n" for text in texts]
        raw_labels, raw_scores = self.fasttext_model.f.multilinePredict(lines, k, 0.0, "strict")
        canonical = self._loaded_labels.__getitem__
        if not self._loaded_distinct:  # raw labels sharing a canonical one (GlotLID-style): merge them
            return Predictions.from_rows([
                merge_scores(list(zip(map(canonical, labels), scores.tolist())), k)
                for labels, scores in zip(raw_labels, raw_scores)
            ])
        # the whole batch at once: clip (fastText's softmax can round past 1) and convert the scores,
        # map the labels; k labels for every text (never more) stay two flat columns
        flat = np.concatenate(raw_scores) if raw_scores else np.zeros(0)
        scores = np.minimum(flat, 1.0).tolist() if flat.size and flat.max() >= 1.0 else flat.tolist()
        labels = list(map(canonical, chain.from_iterable(raw_labels)))
        if len(labels) == k * len(raw_labels):
            return Predictions(labels, scores, k) if k else Predictions.from_rows([[] for _ in raw_labels])
        offsets = [0, *accumulate(map(len, raw_labels))]
        return Predictions.from_rows([list(zip(labels[a:b], scores[a:b])) for a, b in zip(offsets, offsets[1:])])

    def labels(self) -> frozenset[str]:
        self.fasttext_model
        return frozenset(self._loaded_labels.values()) - {"und"}

    def info(self) -> dict[str, str]:
        spec, path = self._resolve()
        return model_info(spec, path)
