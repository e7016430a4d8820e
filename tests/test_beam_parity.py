"""Parity: the Beam engine (FnApiRunner, 2 processes) publishes what the local engine publishes.

Same shard files, same rows in the same order, same per-stage counts, on the demo site's pages
(all stages on, MinHash included) and on the shared benchmark WARC of real pages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from demo_inputs import write_demo_warcs
from lingoloom.pipelines.cli import app
from lingoloom.pipelines.engines.beam import run_beam
from lingoloom.pipelines.engines.local import LocalEngine
from lingoloom.schemas.config import parse_run_config

#: Stages whose counts both engines must agree on (the local engine's phase-internal blocks differ).
COMPARED_STAGES = ("read", "content_hash", "exact_dedup", "minhash", "write")


def _published(root: Path) -> dict[str, list[dict]]:
    return {str(path.relative_to(root)): pq.read_table(path).to_pylist()
            for path in sorted((root / "data").rglob("*.parquet"))}


def _run_both(config, tmp_path: Path):
    local = LocalEngine(config, tmp_path / "local", workers=2).run()
    beam_stats = run_beam(config, tmp_path / "beam", runner="FnApiRunner", workers=2)
    return local.stats, beam_stats


def _assert_same(local_stats, beam_stats, tmp_path: Path) -> dict[str, list[dict]]:
    local_files, beam_files = _published(tmp_path / "local"), _published(tmp_path / "beam")
    assert sorted(beam_files) == sorted(local_files)
    for name, rows in local_files.items():
        assert beam_files[name] == rows, name
    stages = set(COMPARED_STAGES) | {s for s in local_stats if any(w in s for w in ("extract", "Language", "quality"))}
    for stage in stages & set(local_stats):
        assert beam_stats.get(stage) == local_stats[stage], stage
    return local_files


def test_demo_pages_give_the_same_dataset(tmp_path):
    """Through the real command line: `lingoloom run CONFIG --engine beam --runner FnApiRunner`."""
    inputs = write_demo_warcs(tmp_path / "in", files=2)
    definition = {"name": "parity", "inputs": [
        {"type": "warc", "paths": [str(tmp_path / "in" / "*.warc.gz")], "source": "demo"}]}
    config_path = tmp_path / "parity.yaml"
    config_path.write_text(yaml.safe_dump(definition), encoding="utf-8")
    local_stats = LocalEngine(parse_run_config(definition), tmp_path / "local", workers=2).run().stats
    result = CliRunner().invoke(app, ["run", str(config_path), "--engine", "beam", "--runner", "FnApiRunner",
                                      "--workers", "2", "--out", str(tmp_path / "beam")])
    assert result.exit_code == 0, result.output
    beam_stats = json.loads((tmp_path / "beam" / "stats" / "stats.json").read_text(encoding="utf-8"))
    assert (tmp_path / "beam" / "README.md").is_file() and (tmp_path / "beam" / "manifest.json").is_file()
    published = _assert_same(local_stats, beam_stats, tmp_path)
    languages = {name.split("/")[1] for name in published}
    assert len(languages) >= 8, languages  # the demo is multilingual: a real comparison, not an empty one
    assert local_stats["exact_dedup"].get("dropped", 0) + local_stats["minhash"].get("dropped", 0) > 0
    assert len(inputs) == 2


@pytest.mark.slow
@pytest.mark.shared_data
def test_benchmark_warc_gives_the_same_dataset(shared_data, tmp_path):
    warc = shared_data / "bench" / "pages.warc.gz"
    if not warc.is_file():
        pytest.skip(f"{warc} is absent")
    # two input files, so that the local engine also runs two read tasks
    (tmp_path / "in").mkdir()
    shutil.copy(warc, tmp_path / "in" / "pages.warc.gz")
    config = parse_run_config({"name": "bench-parity", "inputs": [
        {"type": "warc", "paths": [str(tmp_path / "in" / "*.warc.gz")], "source": "bench"}]})
    local_stats, beam_stats = _run_both(config, tmp_path)
    published = _assert_same(local_stats, beam_stats, tmp_path)
    assert sum(len(rows) for rows in published.values()) > 100
