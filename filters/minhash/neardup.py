"""Make near-duplicates of real text at a controlled Jaccard similarity, for recall-vs-similarity curves.

Why it exists: web near-duplicates are the same text with edits (a changed sentence, a cookie
banner, a reordered block, a navigation footer). To measure what the dedup catches, we apply
such edits to a real text until the Jaccard similarity of its shingle sets (as the dedup defines
shingles) falls to a target, and label pairs with their true similarity.
"""

from __future__ import annotations

import random
from typing import Iterator

from lingoloom.filters.minhash.shingles import shingle_hashes
from lingoloom.schemas.minhash import MinHashSettings

#: Overshooting edits discarded before one is kept anyway.
MAX_REJECTED = 30
#: Edits applied to make a near-duplicate, each at a small random place.
EDITS = ("insert", "delete", "boilerplate", "reorder")
BOILERPLATE = (
    "Accept cookies to continue browsing this site.",
    "Share this article on social media.",
    "Subscribe to our newsletter for weekly updates.",
    "All rights reserved. Terms of use and privacy policy.",
    "Click here to read more stories like this one.",
)


def jaccard(a: str, b: str, settings: MinHashSettings, language: str | None = None) -> float:
    """Exact Jaccard similarity of the shingle sets of two texts (shingled as the dedup shingles them)."""
    return _jaccard(_shingle_set(a, settings, language), _shingle_set(b, settings, language))


def _shingle_set(text: str, settings: MinHashSettings, language: str | None) -> set[int]:
    return set(shingle_hashes(text, language, settings).tolist())


def _jaccard(sa: set[int], sb: set[int]) -> float:
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def _edit(words: list[str], rng: random.Random, vocabulary: list[str]) -> list[str]:
    kind = rng.choice(EDITS)
    words = list(words)
    at = rng.randrange(len(words) + 1)
    if kind == "insert":
        words[at:at] = rng.sample(vocabulary, k=min(len(vocabulary), rng.randint(1, 3)))
    elif kind == "delete" and len(words) > 5:
        del words[min(at, len(words) - 1) : min(at, len(words) - 1) + rng.randint(1, 3)]
    elif kind == "boilerplate":
        words[at:at] = rng.choice(BOILERPLATE).split()
    elif len(words) > 10:  # reorder: move a block of words elsewhere
        start = rng.randrange(len(words) - 5)
        block = words[start : start + rng.randint(3, 8)]
        del words[start : start + len(block)]
        target = rng.randrange(len(words) + 1)
        words[target:target] = block
    return words


def near_duplicate(
    text: str,
    target: float,
    rng: random.Random,
    settings: MinHashSettings,
    language: str | None = None,
    tolerance: float = 0.03,
) -> tuple[str, float]:
    """Apply random edits to ``text`` until its Jaccard similarity to the original is in ``[target - tolerance, target]``.

    An edit that would overshoot is discarded and another drawn (up to ``MAX_REJECTED`` times, then
    kept: texts with few, long "words", such as Chinese split on spaces, move in big steps).
    Returns the edited text and its exact similarity, which labels the pair.
    """
    words = text.split()
    vocabulary = sorted(set(words)) or ["word"]
    original = _shingle_set(text, settings, language)
    current, similarity = words, 1.0
    careful = False
    rejected = 0
    for _ in range(20 * len(words) + 20):
        # several edits at once while far from the target, one at a time after an overshoot
        steps = 1 if careful else max(1, int((similarity - target) * len(current) / 40))
        candidate = current
        for _ in range(steps):
            candidate = _edit(candidate, rng, vocabulary)
        value = _jaccard(original, _shingle_set(" ".join(candidate), settings, language))
        if value < target - tolerance and similarity > target and rejected < MAX_REJECTED:
            careful = True
            rejected += 1
            continue
        current, similarity = candidate, value
        if value <= target:
            break
    return " ".join(current), similarity


def generate_pairs(
    texts: list[str],
    similarities: list[float],
    seed: int,
    settings: MinHashSettings,
    duplicate_at: float = 0.8,
    negatives_per_text: int = 1,
) -> Iterator[dict]:
    """Labelled pairs ``{"a", "b", "duplicate", "jaccard"}``: edits of each text at each target similarity
    (duplicate when the true Jaccard is >= ``duplicate_at``) and pairs of different texts (not duplicates)."""
    rng = random.Random(seed)
    for i, text in enumerate(texts):
        for target in similarities:
            b, value = near_duplicate(text, target, rng, settings)
            yield {"a": text, "b": b, "duplicate": value >= duplicate_at, "jaccard": round(value, 4)}
        others = [j for j in range(len(texts)) if j != i]
        for j in rng.sample(others, k=min(negatives_per_text, len(others))):
            value = jaccard(text, texts[j], settings)
            yield {"a": text, "b": texts[j], "duplicate": value >= duplicate_at, "jaccard": round(value, 4)}


def synthetic_corpus(
    documents: int,
    seed: int,
    duplicate_share: float = 0.3,
    words: tuple[int, int] = (80, 400),
    vocabulary: int = 20000,
) -> list[dict]:
    """RECORD_SCHEMA rows of random-word documents, ``duplicate_share`` of them light edits of an earlier one.

    Each row carries ``_source``: the index of the original it was derived from (itself for originals),
    a test oracle that is not a schema field (drop it before writing).
    """
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(vocabulary)
    ]
    rows: list[dict] = []
    originals: list[int] = []
    for i in range(documents):
        if originals and rng.random() < duplicate_share:
            source = rng.choice(originals)
            tokens = rows[source]["text"].split()
            for _ in range(max(1, len(tokens) // 100)):
                tokens = _edit(tokens, rng, vocab)
            text = " ".join(tokens)
        else:
            source = i
            originals.append(i)
            text = " ".join(rng.choices(vocab, k=rng.randint(*words)))
        rows.append(
            {
                "id": f"doc-{seed}-{i:07d}",
                "text": text,
                "url": f"https://site{i % 97}.example/page/{seed}/{i}",
                "source": "synthetic",
                "language": "eng_Latn",
                "content_hash": f"{seed}-{i}",
                "quality": {"quality_score": round(rng.random(), 6)},
                "_source": source,
            }
        )
    return rows
