"""Phases over small inputs run in the engine's process; the output is the one worker pools give."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_inputs import write_demo_warcs

from lingoloom.pipelines.engines import pools
from lingoloom.pipelines.run import execute
from lingoloom.schemas.config import parse_run_config

pytestmark = pytest.mark.slow


def published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "data").glob("*/*.parquet"))}


def test_in_process_phases_write_what_worker_pools_write(tmp_path: Path, monkeypatch) -> None:
    warcs = write_demo_warcs(tmp_path / "warc", files=2)
    config = parse_run_config({"name": "pools", "inputs": [{"type": "warc", "paths": [str(p) for p in warcs]}],
                               "engine": {"workers": 2}})
    in_process = execute(config, tmp_path / "in_process", workers=2)
    logs = tmp_path / "in_process" / "work" / "logs"
    assert (logs / "scatter" / "executor.json").read_text().count('"workers": 1') == 1  # ran in this process
    monkeypatch.setattr(pools, "IN_PROCESS_BYTES", 0)
    pooled = execute(config, tmp_path / "pooled", workers=2)
    assert '"workers": 2' in (tmp_path / "pooled" / "work" / "logs" / "scatter" / "executor.json").read_text()
    assert published(tmp_path / "in_process") and published(tmp_path / "in_process") == published(tmp_path / "pooled")
    assert in_process.stats == pooled.stats
