"""The Article Extraction Benchmark's metric, reimplemented to give the same numbers.

Why it exists: extraction figures only mean something next to published ones, so precision,
recall and F1 follow scrapinghub/article-extraction-benchmark ``evaluate.py`` exactly:

* tokens are ``\\w+`` matches (Unicode); each text becomes a multiset of 4-token shingles (a text
  shorter than 4 tokens is one shingle of all its tokens; an empty text has none);
* per page, TP/FP/FN are multiset overlaps, then normalised to sum to 1 (long pages weigh the
  same as short ones);
* precision is the mean over pages with TP+FP > 0 (pages with empty output do not count for
  precision, they cost recall), recall the mean over pages with TP+FN > 0, each page scoring 1
  when FP = FN = 0; F1 = 2PR/(P+R) of the two means.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class PageScore:
    """Normalised (TP, FP, FN) of one page, and its own precision and recall."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scores:
    """Corpus-level precision, recall and F1 as the benchmark reports them."""

    precision: float
    recall: float
    f1: float


def shingles(text: str | None, n: int = SHINGLE_SIZE) -> Counter:
    """Multiset of ``n``-token shingles of ``text`` (tokens are ``\\w+`` matches)."""
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def score_page(gold: str | None, predicted: str | None, n: int = SHINGLE_SIZE) -> PageScore:
    """TP/FP/FN of ``predicted`` against ``gold`` over shingle multisets, normalised to sum 1."""
    true, pred = shingles(gold, n), shingles(predicted, n)
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn)


def aggregate(pages: list[PageScore]) -> Scores:
    """Mean precision over pages with output, mean recall over pages with gold, F1 of the two."""
    precisions = [p.precision for p in pages if p.tp + p.fp > 0]
    recalls = [p.recall for p in pages if p.tp + p.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)
