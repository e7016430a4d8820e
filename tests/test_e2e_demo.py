"""The demo end to end: bundled site -> real crawl over 127.0.0.1 -> pipeline -> dataset that `datasets` loads."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard

from lingoloom.langid.heliport_backend import heliport_available
from lingoloom.langid.labels import card_language_code
from lingoloom.pipelines.demo.server import serve_site
from lingoloom.pipelines.demo_run import demo_config
from lingoloom.pipelines.run import execute
from lingoloom.pipelines.report import published_files

pytestmark = pytest.mark.slow
REMOVED_FATES = {"exact_duplicate", "near_duplicate", "spam", "near_empty", "boilerplate_only", "binary",
                 "robots_disallowed", "not_found"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "runs" / "demo"
    with serve_site() as base_url:
        outcome = execute(demo_config(base_url, out), out, workers=2, fresh=True)
    manifest = yaml.safe_load((Path(str(__import__("lingoloom.pipelines.demo", fromlist=["x"]).__path__[0]))
                               / "site_manifest.yaml").read_text(encoding="utf-8"))
    return outcome, manifest


def rows_by_path(out: Path) -> dict[str, dict]:
    rows = {}
    for path in (out / "data").glob("*/*.parquet"):
        for row in pq.read_table(path, columns=["url", "language", "text"]).to_pylist():
            rows[urlparse(row["url"]).path] = row
    return rows


def identifiable(language: str, manifest: dict) -> bool:
    """lid.176 alone cannot label the site's known gaps (Yoruba); the heliport ensemble can."""
    return language not in manifest.get("known_langid_gaps", {}) or heliport_available()


def test_every_article_survives_in_its_language_and_junk_is_removed(demo_run):
    outcome, manifest = demo_run
    rows = rows_by_path(outcome.out_dir)
    for page in manifest["pages"]:
        if page["fate"] in ("article", "legacy_charset", "wrong_charset") and identifiable(page["language"], manifest):
            assert page["path"] in rows, f"article {page['path']} was lost"
            assert rows[page["path"]]["language"] == page["language"], page["path"]
        if page["fate"] in REMOVED_FATES:
            assert page["path"] not in rows, f"{page['fate']} page {page['path']} survived"


def test_every_identifiable_site_language_is_a_config_in_seven_scripts(demo_run):
    outcome, manifest = demo_run
    labels = {f.language for f in outcome.figures}
    site = {p["language"] for p in manifest["pages"] if p["fate"] == "article"}
    assert {language for language in site if identifiable(language, manifest)} <= labels
    assert len(labels) >= 11 and len({label.split("_")[1] for label in labels}) >= 7, labels


def test_every_stage_had_work_and_drops_have_reasons(demo_run):
    outcome, _ = demo_run
    stats = json.loads((outcome.out_dir / "stats" / "stats.json").read_text())
    for stage in ("crawl", "quality", "exact_dedup", "minhash"):
        assert stats[stage].get("dropped", 0) > 0, f"{stage} removed nothing on the demo"
    for stage, counts in stats.items():
        per_reason = sum(v for k, v in counts.items() if k.startswith("dropped/") and k.count("/") == 1)
        assert per_reason == counts.get("dropped", 0), stage


def test_datasets_loads_every_language_config_with_the_right_label(demo_run):
    from datasets import load_dataset

    outcome, _ = demo_run
    for figure in outcome.figures:
        dataset = load_dataset(str(outcome.out_dir), figure.language, split="train")
        assert len(dataset) == figure.documents
        assert set(dataset["language"]) == {figure.language}


def test_card_front_matter_is_what_the_hub_expects(demo_run):
    outcome, _ = demo_run
    card = DatasetCard.load(outcome.out_dir / "README.md")
    data = card.data.to_dict()
    labels = sorted(f.language for f in outcome.figures)
    assert sorted(c["config_name"] for c in data["configs"] if c["config_name"] != "mix") == labels
    assert set(data["language"]) == {card_language_code(label) for label in labels}
    assert "vi" in data["language"] and "zh" in data["language"] and "am" in data["language"]
    assert data["size_categories"] == ["n<1K"] and data["task_categories"] == ["text-generation"]
    assert "CC BY-SA 3.0" in card.text and "lid.176" in card.text


def test_manifest_lists_the_published_files_with_checksums(demo_run):
    outcome, _ = demo_run
    manifest = json.loads(outcome.manifest_path.read_text())
    assert manifest["files"] == published_files(outcome.out_dir)
    assert any(f["path"].startswith("data/") for f in manifest["files"])
    assert manifest["models"] and manifest["models"][0]["sha256"]
    assert manifest["versions"]["datatrove"] and manifest["config"]["name"] == "demo"


def test_inspect_shows_schema_counts_and_samples(demo_run):
    from typer.testing import CliRunner

    from lingoloom.pipelines.cli import app

    outcome, _ = demo_run
    result = CliRunner().invoke(app, ["inspect", str(outcome.out_dir), "--rows", "1"])
    assert result.exit_code == 0, result.output
    assert "language_score" in result.output and "record schema v1" in result.output
    for figure in outcome.figures:
        assert figure.language in result.output
