"""A run killed mid-way and restarted ends with the same rows as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from demo_inputs import write_demo_warcs

pytestmark = pytest.mark.slow
LINGOLOOM = [sys.executable, "-m", "lingoloom.pipelines.cli"]


def write_config(folder: Path, warcs: list[Path]) -> Path:
    config = {"name": "restart", "inputs": [{"type": "warc", "paths": [str(p) for p in warcs], "source": "test"}],
              "engine": {"workers": 2}}
    path = folder / "restart.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def published_rows(out: Path) -> dict[str, pa.Table]:
    tables = {}
    for path in sorted((out / "data").glob("*/*.parquet")):
        tables[path.relative_to(out).as_posix()] = pq.read_table(path)
    return tables


def test_killed_run_resumes_to_identical_output(tmp_path):
    warcs = write_demo_warcs(tmp_path / "warc", files=4)
    config = write_config(tmp_path, warcs)
    reference = tmp_path / "reference"
    subprocess.run([*LINGOLOOM, "run", str(config), "--out", str(reference)], check=True, capture_output=True)

    resumed = tmp_path / "resumed"
    process = subprocess.Popen([*LINGOLOOM, "run", str(config), "--out", str(resumed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    completions = resumed / "work" / "logs" / "process" / "completions"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if completions.exists() and len(list(completions.iterdir())) >= 1:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed; give it more input"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = len(list(completions.iterdir()))
    assert 0 < finished_before < len(warcs)
    assert not (resumed / "manifest.json").exists()

    subprocess.run([*LINGOLOOM, "run", str(config), "--out", str(resumed)], check=True, capture_output=True)
    expected = published_rows(reference)
    got = published_rows(resumed)
    assert expected and got.keys() == expected.keys()
    for name, table in expected.items():
        assert got[name].equals(table), f"{name} differs after resume"
    leftovers = [p for p in resumed.rglob("*.tmp")]
    assert leftovers == []
