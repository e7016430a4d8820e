"""A Beam run into a remote output folder publishes the same folder as a local-engine run.

The remote folder is ``fakegs://`` (tests/fake_gcs.py): a Beam filesystem that stores objects in a
local folder and stands in for GCS, which is not reachable offline. Nothing in the run may
``open()`` the output: shards, ``stats/*.json``, the card with its PNGs, the ``mix`` config and
``manifest.json`` all go through Beam's ``FileSystems``, from the FnApiRunner's worker processes (2,
multi-processing, as in production) and from the launcher, which reads only the small JSON files
the pipeline wrote.
"""

from __future__ import annotations

import hashlib
import io
import json

import matplotlib.image
import pytest
from apache_beam.io.filesystems import FileSystems
from huggingface_hub import DatasetCard

import fake_gcs
from demo_inputs import write_demo_warcs
from lingoloom.pipelines.engines.beam_stages import is_remote
from lingoloom.pipelines.report import published_files
from lingoloom.pipelines.run import execute
from lingoloom.schemas.config import parse_run_config

pytestmark = pytest.mark.slow
OUT = "fakegs://lingoloom-test/datasets/demo"
#: Stages both engines count the same way (the local engine's phase-internal blocks differ).
COMPARED_STAGES = ("read", "content_hash", "exact_dedup", "minhash", "write")


def _objects(prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix``, by path relative to it, read through Beam's FileSystems."""
    found = FileSystems.match([prefix.rstrip("/") + "/**"])[0].metadata_list
    objects = {}
    for meta in found:
        with FileSystems.open(meta.path) as handle:
            objects[meta.path[len(prefix) + 1:]] = handle.read()
    return objects


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("remote")
    write_demo_warcs(tmp / "in", files=2)
    config = parse_run_config({
        "name": "remote-output",
        "inputs": [{"type": "warc", "paths": [str(tmp / "in" / "*.warc.gz")], "source": "demo"}],
        "balance": {"policy": "unimax", "max_epochs": 3, "materialize_mix": True},
    })
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fake_gcs.worker_environment(tmp / "gcs", tmp / "site").items():
            patch.setenv(name, value)
        for stale in ("data/xxx_Latn/train-00007-of-00009.parquet", "mix/train-00003-of-00004.parquet", "stats/old.json"):
            with FileSystems.create(f"{OUT}/{stale}") as handle:  # an earlier run's files: readers would glob them
                handle.write(b"stale")
        remote = execute(config, OUT, engine="beam", runner="FnApiRunner", workers=2)
        objects = _objects(OUT)
    local = execute(config, tmp / "local", engine="local", workers=2, fresh=True)
    return local, remote, objects


def test_remote_paths_are_remote_for_every_scheme():
    assert is_remote(OUT) and is_remote("gs://b/x") and is_remote("s3://b/x") and is_remote("gs:/b/x")
    assert not is_remote("/tmp/out") and not is_remote("runs/demo") and not is_remote("file:///tmp/out")


def test_the_remote_folder_holds_the_local_folder_with_the_same_data(runs):
    local, remote, objects = runs
    assert remote.out_dir == OUT and remote.manifest_path == f"{OUT}/manifest.json"
    local_files = {f["path"] for f in published_files(local.out_dir)} | {"manifest.json"}
    assert set(objects) == local_files
    parquet = sorted(p for p in objects if p.endswith(".parquet"))
    assert any(p.startswith("mix/") for p in parquet) and len({p.split("/")[1] for p in parquet if p.startswith("data/")}) >= 8
    for path in parquet:  # the same shards and the same mix config, byte for byte
        assert objects[path] == (local.out_dir / path).read_bytes(), path
    for path in ("stats/balance.json", "stats/shards.json"):  # the workers' reports equal the local engine's
        assert objects[path] == (local.out_dir / path).read_bytes(), path
    assert remote.figures == local.figures


def test_stats_match_the_local_run(runs):
    local, remote, objects = runs
    remote_stats = json.loads(objects["stats/stats.json"])
    local_stats = json.loads((local.out_dir / "stats" / "stats.json").read_text(encoding="utf-8"))
    assert remote_stats == remote.stats
    for stage in COMPARED_STAGES:
        assert remote_stats[stage] == local_stats[stage], stage
    assert remote_stats["exact_dedup"].get("dropped", 0) + remote_stats["minhash"].get("dropped", 0) > 0


def test_the_card_lists_the_same_languages_and_its_plots_open(runs):
    local, _, objects = runs
    remote_card = DatasetCard(objects["README.md"].decode("utf-8"))
    local_card = DatasetCard.load(local.out_dir / "README.md")
    configs = sorted(c["config_name"] for c in remote_card.data.to_dict()["configs"])
    assert configs == sorted(c["config_name"] for c in local_card.data.to_dict()["configs"]) and "mix" in configs
    assert remote_card.data.to_dict()["dataset_info"] == local_card.data.to_dict()["dataset_info"]
    assert remote_card.data.to_dict()["language"] == local_card.data.to_dict()["language"]
    for section in ("## Mixture", "## Balance findings", "## Deduplication", "## Language identification"):
        assert section in remote_card.text
    for name in ("languages", "domains", "removals"):
        assert f"(stats/{name}.png)" in remote_card.text
        image = matplotlib.image.imread(io.BytesIO(objects[f"stats/{name}.png"]), format="png")
        assert image.shape[0] > 150 and image.shape[1] > 300 and image.std() > 0.05  # a real picture


def test_manifest_checksums_match_the_objects(runs):
    local, _, objects = runs
    manifest = json.loads(objects["manifest.json"])
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(objects) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["size"] == len(objects[path]) and entry["sha256"] == hashlib.sha256(objects[path]).hexdigest(), path
    local_manifest = json.loads(local.manifest_path.read_text(encoding="utf-8"))
    engine_specific = {"stats/stats.json", "README.md"}  # counts of phase-internal blocks differ
    assert ({e["path"]: e["sha256"] for e in manifest["files"] if e["path"] not in engine_specific}
            == {e["path"]: e["sha256"] for e in local_manifest["files"] if e["path"] not in engine_specific})
    assert manifest["engine"]["name"] == "beam" and manifest["languages"] == local_manifest["languages"]
