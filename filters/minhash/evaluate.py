"""Precision, recall and F1 of the MinHash candidate rule on labelled pairs, and recall by similarity.

Why it exists: the dedup's quality is a number a user should be able to check on their own data
(`lingoloom eval dedup --data pairs.jsonl`). A pair is predicted duplicate when the two texts
share at least one LSH band key (exactly the rule that links documents in both engines).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np

from lingoloom.filters.minhash.signature import Signer
from lingoloom.schemas.minhash import MinHashSettings


def predict(pairs: list[dict], settings: MinHashSettings) -> list[bool]:
    """For each pair, whether the dedup would link its two texts (a shared band key)."""
    signer = Signer(settings)
    texts = [p["a"] for p in pairs] + [p["b"] for p in pairs]
    sigs, valid = signer.signatures(texts, [p.get("language") for p in pairs] * 2)
    keys = signer.band_keys(sigs)
    n = len(pairs)
    shared = (keys[:n] == keys[n:]).any(axis=1) & valid[:n] & valid[n:]
    return [bool(x) for x in shared]


def scores(pairs: list[dict], predicted: list[bool]) -> dict:
    """tp/fp/fn/tn, precision, recall, F1 (1.0 for an empty denominator)."""
    truth = np.array([bool(p["duplicate"]) for p in pairs], dtype=bool)
    pred = np.array(predicted, dtype=bool)
    tp, fp = int((truth & pred).sum()), int((~truth & pred).sum())
    fn, tn = int((truth & ~pred).sum()), int((~truth & ~pred).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1}


def recall_by_similarity(pairs: list[dict], predicted: list[bool], width: float = 0.1) -> dict[str, float]:
    """Share of pairs predicted duplicate per bin of true Jaccard (pairs carrying a ``jaccard`` value)."""
    bins: dict[float, list[bool]] = defaultdict(list)
    for pair, pred in zip(pairs, predicted):
        if "jaccard" in pair:
            low = min(int(pair["jaccard"] / width) * width, 1.0 - width)
            bins[round(low, 3)].append(pred)
    return {f"{low:.1f}-{low + width:.1f}": sum(v) / len(v) for low, v in sorted(bins.items())}


def read_pairs(path: str | Path) -> list[dict]:
    """Pairs from a JSONL file of ``{"a": text, "b": text, "duplicate": bool}``; a bad line is an error naming it."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                pair = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not JSON ({err})") from None
            if not isinstance(pair, dict) or not isinstance(pair.get("a"), str) or not isinstance(pair.get("b"), str) or not isinstance(pair.get("duplicate"), bool):
                raise ValueError(f'{path}:{number}: expected {{"a": text, "b": text, "duplicate": true|false}}')
            pairs.append(pair)
    return pairs


def evaluate(pairs: Iterable[dict], settings: MinHashSettings) -> dict:
    """Scores of the dedup on labelled pairs, with recall by similarity when pairs carry ``jaccard``."""
    pairs = list(pairs)
    predicted = predict(pairs, settings)
    result = scores(pairs, predicted)
    curve = recall_by_similarity(pairs, predicted)
    if curve:
        result["linked_by_jaccard"] = curve
    return result
