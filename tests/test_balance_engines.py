"""Balance on both engines: the local Parquet implementation and the Beam PTransform agree exactly."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from lingoloom.filters.balance.beam import REPEATS_KEY, BalanceStage
from lingoloom.filters.balance.local import BALANCE_REPORT, profile_parquet, run_balance_local
from lingoloom.filters.balance.mixture import plan_mixture
from lingoloom.schemas.balance import BalanceSettings
from lingoloom.schemas.record import rows_to_table

SETTINGS = BalanceSettings(policy="unimax", max_epochs=3, domain_cap=0.3, seed=11, materialize_mix=True)


def _rows(n: int = 600) -> list[dict]:
    rng = random.Random(3)
    rows = []
    plan = {"eng_Latn": (0.7, ["bbc.co.uk", "nytimes.com", "reddit.com"] + [f"site{i}.com" for i in range(12)]),
            "vie_Latn": (0.25, ["vnexpress.net", "chinhphu.gov.vn", "x.vn", "y.vn", None]),
            "cmn_Hans": (0.05, ["baike.baidu.com", "shop.cn"])}
    for i in range(n):
        lang = rng.choices(list(plan), weights=[w for w, _ in plan.values()])[0]
        domains = plan[lang][1]
        domain = domains[0] if rng.random() < 0.5 else rng.choice(domains)
        text = "lorem ipsum " * rng.randint(5, 80)
        rows.append({
            "id": f"r{i:05d}", "text": text, "source": "test", "language": lang, "domain": domain,
            "tld": domain.split(".", 1)[1] if domain else None, "url": f"https://{domain}/p/{i}" if domain else None,
            "content_hash": hashlib.sha1(f"{i}{text}".encode()).hexdigest(),
        })
    return rows


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[dict]]:
    out = tmp_path_factory.mktemp("balance")
    rows = _rows()
    paths = []
    for lang in sorted({r["language"] for r in rows}):
        subset = [r for r in rows if r["language"] == lang]
        for k, part in enumerate((subset[::2], subset[1::2])):
            path = out / "data" / lang / f"train-{k:05d}-of-00002.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(rows_to_table(part), path)
            paths.append(path)
    return out, paths, rows


def test_beam_and_local_give_the_same_plan_report_and_repeats(shards, tmp_path: Path) -> None:
    out, paths, rows = shards
    plan = run_balance_local(paths, SETTINGS, out)
    expected = [(r["id"], plan.repeats(r["id"], r["language"], r["domain"])) for r in rows]
    beam_report = tmp_path / "balance.json"

    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        stage = BalanceStage(SETTINGS, report_path=str(beam_report))
        annotated = pipeline | beam.Create(list(reversed(rows)), reshuffle=True) | stage
        assert_that(annotated | beam.Map(lambda e: (e["id"], e[REPEATS_KEY])), equal_to(expected))
        assert_that(annotated | "Untouched" >> beam.Map(lambda e: {k: v for k, v in e.items() if k != REPEATS_KEY}),
                    equal_to(rows), label="RecordsPassThrough")

    assert json.loads(beam_report.read_text()) == json.loads((out / BALANCE_REPORT).read_text())


def test_profiles_do_not_depend_on_how_the_corpus_is_split(shards) -> None:
    _, paths, _ = shards
    whole = plan_mixture(profile_parquet(paths), SETTINGS).as_dict()
    reversed_order = plan_mixture(profile_parquet(list(reversed(paths))), SETTINGS).as_dict()
    assert whole == reversed_order


def test_mix_config_holds_each_sampled_document_once_with_its_repeats(shards) -> None:
    out, paths, rows = shards
    plan = run_balance_local(paths, SETTINGS, out)
    mix = pq.read_table(out / "mix").to_pylist()
    ids = [r["id"] for r in mix]
    assert len(ids) == len(set(ids))  # up-sampling is a count, never a duplicated row
    assert all(r["repeats"] >= 1 for r in mix)
    by_id = {r["id"]: r for r in rows}
    assert all(r["repeats"] == plan.repeats(r["id"], r["language"], r["domain"]) for r in mix)
    assert all(r["text"] == by_id[r["id"]]["text"] for r in mix)
    used = Counter()
    for r in mix:
        used[r["language"]] += r["repeats"] * len(r["text"])
    # realised characters per language track the plan's targets (4 chars per token for Latin, 1.3 for Hans)
    for lang, lp in plan.languages.items():
        cpt = 1.3 if lang == "cmn_Hans" else 4.0
        assert used[lang] / cpt == pytest.approx(lp.target_tokens, rel=0.25)
    report = json.loads((out / BALANCE_REPORT).read_text())
    assert report["languages"]["vie_Latn"]["source_types"]["government"] > 0
    assert report["plan"]["languages"]["cmn_Hans"]["epochs"] > 1  # the small language is up-sampled


def test_datasets_loads_the_mix_config(shards, tmp_path: Path) -> None:
    import datasets

    out, paths, _ = shards
    run_balance_local(paths, SETTINGS, out)
    ds = datasets.load_dataset("parquet", data_files=str(out / "mix" / "*.parquet"), split="train",
                               cache_dir=str(tmp_path / "cache"))
    assert "repeats" in ds.column_names and min(ds["repeats"]) >= 1
