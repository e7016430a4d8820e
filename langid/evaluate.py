"""Measure language identification against labelled text: the numbers behind ``eval langid``.

Why it exists: language-ID errors are invisible in the output (a mislabelled document looks like
any other), so they must be measured: accuracy, macro-F1 over the gold languages, per-language
precision/recall/F1 and false-positive rate (how often a language *steals* others' text), the most
confused pairs, and throughput. Input is a TSV with ``label<TAB>text`` per line, the label in any
common code form (normalised with :func:`~lingoloom.langid.labels.normalize_label`).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from lingoloom.langid.labels import UNKNOWN, normalize_label, split_label


@dataclass
class LanguageScores:
    """Precision, recall, F1, false-positive rate and support of one gold language."""

    precision: float
    recall: float
    f1: float
    false_positive_rate: float
    support: int


@dataclass
class EvalReport:
    """The figures of one evaluation run."""

    n: int
    accuracy: float
    macro_f1: float
    per_language: dict[str, LanguageScores]
    confused: list[tuple[str, str, int]]
    seconds: float = 0.0
    lines_per_second: float = 0.0
    skipped_labels: int = 0
    models: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def read_tsv(path: str | Path) -> tuple[list[tuple[str, str]], int]:
    """``[(canonical label, text)]`` from a ``label<TAB>text`` file, and how many lines had no usable label."""
    pairs: list[tuple[str, str]] = []
    skipped = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if "\t" not in line:
                raise ValueError(f"{path}:{number}: expected 'label<TAB>text', found no tab")
            code, text = line.split("\t", 1)
            label = normalize_label(code)
            if label == UNKNOWN:
                skipped += 1
                continue
            pairs.append((label, text))
    return pairs, skipped


def score(gold: Sequence[str], predicted: Sequence[str], top_confusions: int = 20) -> EvalReport:
    """Figures for ``predicted`` against ``gold`` (canonical labels); macro-F1 over gold languages."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    n = len(gold)
    support = Counter(gold)
    predicted_count = Counter(predicted)
    correct = Counter(g for g, p in zip(gold, predicted) if g == p)
    per_language: dict[str, LanguageScores] = {}
    for label in sorted(support):
        tp = correct[label]
        fp = predicted_count[label] - tp
        precision = tp / predicted_count[label] if predicted_count[label] else 0.0
        recall = tp / support[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        negatives = n - support[label]
        per_language[label] = LanguageScores(
            round(precision, 4), round(recall, 4), round(f1, 4), round(fp / negatives if negatives else 0.0, 6), support[label]
        )
    confusions = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    macro = sum(s.f1 for s in per_language.values()) / len(per_language) if per_language else 0.0
    return EvalReport(
        n=n,
        accuracy=round(sum(correct.values()) / n, 4) if n else 0.0,
        macro_f1=round(macro, 4),
        per_language=per_language,
        confused=[(g, p, c) for (g, p), c in confusions.most_common(top_confusions)],
    )


def restrict(report: EvalReport, labels: Iterable[str]) -> float:
    """Macro-F1 of ``report`` over the gold languages in ``labels`` only."""
    chosen = [s.f1 for label, s in report.per_language.items() if label in set(labels)]
    return round(sum(chosen) / len(chosen), 4) if chosen else 0.0


def group_macro_f1(report: EvalReport, key: Callable[[str], str]) -> dict[str, tuple[float, int]]:
    """``{group: (macro-F1, number of languages)}`` with groups given by ``key(label)``."""
    groups: dict[str, list[float]] = {}
    for label, scores in report.per_language.items():
        groups.setdefault(key(label), []).append(scores.f1)
    return {g: (round(sum(v) / len(v), 4), len(v)) for g, v in sorted(groups.items())}


def by_script(label: str) -> str:
    """Group key: the label's script."""
    return split_label(label)[1] or "none"


def evaluate(
    pairs: Sequence[tuple[str, str]], predict: Callable[[list[str]], list[str]], batch_size: int = 512
) -> EvalReport:
    """Run ``predict`` (texts -> canonical labels) over ``pairs`` in batches and score it, timing the predictions.

    One warm-up call (which loads the models) precedes the timed pass.
    """
    gold = [label for label, _ in pairs]
    texts = [text for _, text in pairs]
    predicted: list[str] = []
    if texts:
        predict(texts[:1])
    start = time.perf_counter()
    for offset in range(0, len(texts), batch_size):
        predicted.extend(predict(texts[offset : offset + batch_size]))
    seconds = time.perf_counter() - start
    report = score(gold, predicted)
    report.seconds = round(seconds, 3)
    report.lines_per_second = round(len(texts) / seconds, 1) if seconds else 0.0
    return report
