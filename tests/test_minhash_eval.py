"""Near-duplicate generator at controlled similarity, and `lingoloom eval dedup` on labelled pairs."""

from __future__ import annotations

import json
import random

from typer.testing import CliRunner

from lingoloom.filters.minhash.neardup import generate_pairs, jaccard, near_duplicate
from lingoloom.pipelines.cli import app
from lingoloom.schemas.minhash import MinHashSettings


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{rng.choice('bcdfgklmnprst')}{i}" for i in range(3000)]
    return [" ".join(rng.choices(vocab, k=rng.randint(250, 400))) for _ in range(count)]


def test_generated_near_duplicates_hit_the_target_similarity():
    settings = MinHashSettings()
    text = _texts(1, 1)[0]
    for target in (0.9, 0.7, 0.5):
        edited, value = near_duplicate(text, target, random.Random(int(target * 10)), settings)
        assert target - 0.03 <= value <= target
        assert abs(jaccard(text, edited, settings) - value) < 1e-9


def test_eval_dedup_command_scores_pairs(tmp_path):
    settings = MinHashSettings()
    pairs = list(generate_pairs(_texts(25, 2), [0.95, 0.85, 0.4], seed=3, settings=settings))
    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(p) for p in pairs) + "\n")
    result = CliRunner().invoke(app, ["eval", "dedup", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["pairs"] == len(pairs) == 25 * 4
    # targets 0.95 and 0.85 are duplicates (Jaccard >= 0.8); 0.4 and unrelated texts are not
    assert scores["tp"] + scores["fn"] == sum(p["duplicate"] for p in pairs) == 50
    assert scores["precision"] == 1.0 and scores["recall"] >= 0.9 and scores["f1"] >= 0.95
    assert scores["linked_by_jaccard"]["0.9-1.0"] == 1.0 and scores["linked_by_jaccard"]["0.3-0.4"] == 0.0

    table = CliRunner().invoke(app, ["eval", "dedup", "--data", str(data), "--threshold", "0.5", "--json"])
    assert json.loads(table.output)["recall"] == 1.0

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": "x", "b": "y", "duplicate": true}\n{"a": "x"}\n')
    failed = CliRunner().invoke(app, ["eval", "dedup", "--data", str(bad)])
    assert failed.exit_code != 0 and "bad.jsonl:2" in failed.output
