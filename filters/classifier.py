"""Hook for a fastText quality classifier (a model path of your own).

Why it exists: heuristics catch junk; a classifier trained on what you consider good text
(FineWeb-Edu style) ranks the rest. The hook loads any supervised fastText model from a path,
scores each document's text (newlines flattened, as fastText expects one line), records the
probability of the "good" label as the ``quality_score`` signal, and drops documents below a
threshold. The model is loaded lazily once per worker and never pickled.
"""

from __future__ import annotations

from pathlib import Path


class QualityClassifier:
    """Score text with a fastText model: probability of ``label`` (e.g. ``__label__hq``)."""

    def __init__(self, model_path: str | Path, label: str = "__label__hq", threshold: float = 0.5):
        self.model_path = str(model_path)
        self.label = label
        self.threshold = threshold
        self._model = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_model": None}

    @property
    def model(self):
        if self._model is None:
            import fasttext

            if not Path(self.model_path).is_file():
                raise FileNotFoundError(
                    f"quality classifier model {self.model_path} not found: set quality.classifier_model to a "
                    "fastText .bin/.ftz file or remove it"
                )
            self._model = fasttext.load_model(self.model_path)
            if self.label not in self._model.get_labels():
                raise ValueError(
                    f"label {self.label!r} is not one of the model's labels {self._model.get_labels()}; "
                    "set quality.classifier_label"
                )
        return self._model

    def score(self, text: str) -> float:
        """Probability of the configured label for ``text``."""
        labels, probs = self.model.predict(" ".join(text.split()), k=-1)
        return float(dict(zip(labels, probs)).get(self.label, 0.0))
