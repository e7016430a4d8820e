"""Publishing with the real huggingface_hub client against a local Hub endpoint (tests/hub_server.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import huggingface_hub.constants
import huggingface_hub.utils._http
import pytest

from hub_server import HubServer
from lingoloom.pipelines.publish import PublishError, plan_commits, publish, published_files
from lingoloom.pipelines.publish.plan import PlanError
from publish_output import write_manifest, write_output

REPO = "lingoloom-test/web-mini"


@pytest.fixture(autouse=True)
def _classic_lfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local endpoint speaks git-LFS, not Xet (what HF_HUB_DISABLE_XET=1 selects)."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return write_output(tmp_path)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A local Hub; the client's own calls to ``constants.ENDPOINT`` go to it too, never to huggingface.co."""
    with HubServer(multipart_threshold=64 * 1024, chunk_size=32 * 1024, page_size=3) as server:
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", server.endpoint)
        monkeypatch.setattr(huggingface_hub.constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agents.json"))
        yield server


def _publish(out: Path, hub: HubServer, **kwargs):
    kwargs.setdefault("max_commit_files", 2)
    return publish(out, REPO, token=hub.state.token, endpoint=hub.endpoint, retry_wait=0, progress=lambda _: None, **kwargs)


def _local(out: Path) -> dict[str, bytes]:
    return {f.path: (out / f.path).read_bytes() for f in published_files(out)}


def _committed_paths(hub: HubServer) -> Counter[str]:
    return Counter(p for commit in hub.repo(REPO).commits for p in commit["paths"])


def test_publish_uploads_every_manifest_file_in_bounded_commits_card_last(output: Path, hub: HubServer) -> None:
    report = _publish(output, hub)

    assert report.verified
    assert hub.files(REPO) == _local(output)  # byte-identical, nothing from work/
    commits = hub.repo(REPO).commits
    assert all(len(c["paths"]) <= 2 for c in commits)
    assert sorted(commits[-1]["paths"]) == ["README.md", "manifest.json"]
    assert set(hub.state.lfs_uploads.values()) == {1}  # every LFS object uploaded exactly once
    assert hub.count("PUT", r"/part/\d+$") == 8  # the 248 KB shard went multipart in 32 KB parts
    assert hub.count("GET", r"/tree/main$") > 2  # two listings, 3 entries per page: pagination was followed


def test_retries_survive_5xx_and_dropped_connections(output: Path, hub: HubServer) -> None:
    hub.fail("POST", r"/preupload/", status=500)
    hub.fail("POST", r"/info/lfs/objects/batch$", status=503)
    hub.fail("PUT", r"/part/3$", drop=True)
    hub.fail("PUT", r"/lfs/[0-9a-f]{64}$", drop=True)
    hub.fail("POST", r"/commit/main$", status=502)  # commits are not retried by the client: ours retries

    report = _publish(output, hub)

    assert report.verified
    assert hub.count("PUT", r"/part/3$", status=0) == 1 and hub.count("PUT", r"/lfs/[0-9a-f]{64}$", status=0) == 1
    assert hub.count("POST", r"/commit/main$", status=502) == 1
    assert hub.files(REPO) == _local(output)
    assert set(hub.state.lfs_uploads.values()) == {1}
    assert set(_committed_paths(hub).values()) == {1}  # no file committed twice


def test_interrupted_publish_resumes_without_reuploading(output: Path, hub: HubServer) -> None:
    hub.fail("POST", r"/commit/main$", status=500, times=100, after=1)  # first commit lands, then the Hub breaks
    with pytest.raises(PublishError, match="Re-run the same command to resume"):
        _publish(output, hub, commit_attempts=2)
    first = set(hub.files(REPO))
    assert len(first) == 2
    uploaded_before = dict(hub.state.lfs_uploads)

    hub.clear_failures()
    report = _publish(output, hub)

    assert set(report.skipped) == first
    assert not first & set(report.uploaded)
    assert hub.files(REPO) == _local(output)
    assert set(hub.state.lfs_uploads.values()) == {1}  # objects sent before the failure were not sent again
    assert hub.state.lfs_uploads.keys() >= uploaded_before.keys()
    assert set(_committed_paths(hub).values()) == {1}


def test_lfs_upload_failing_beyond_every_retry_stops_cleanly_and_resumes(output: Path, hub: HubServer,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An LFS store that keeps dropping one object's upload: the client's and our retries run out, publish stops
    with a resume hint and nothing half-committed; the next run uploads only what is missing, once."""
    hub.fail("PUT", r"/lfs/[0-9a-f]{64}$", drop=True, times=1000, after=1)  # the first single-part object lands
    # The client backs off 1+2+4+8+8 s per attempt; skip the waiting, not the retries.
    monkeypatch.setattr(huggingface_hub.utils._http, "time", SimpleNamespace(sleep=lambda _: None, time=time.time))
    with pytest.raises(PublishError, match="Re-run the same command to resume"):
        _publish(output, hub, commit_attempts=2)
    assert hub.count("PUT", r"/lfs/[0-9a-f]{64}$", status=0) >= 2  # retried before giving up
    committed_before = set(hub.files(REPO))
    assert set(_committed_paths(hub).values()) <= {1}
    uploaded_before = dict(hub.state.lfs_uploads)

    hub.clear_failures()
    report = _publish(output, hub)

    assert report.verified
    assert set(report.skipped) == committed_before
    assert hub.files(REPO) == _local(output)
    assert set(hub.state.lfs_uploads.values()) == {1}  # the object that landed first was not sent again
    assert hub.state.lfs_uploads.keys() >= uploaded_before.keys()
    assert set(_committed_paths(hub).values()) == {1}


def test_branch_and_private_repo(output: Path, hub: HubServer) -> None:
    _publish(output, hub, revision="v1", private=True)
    assert hub.repo(REPO).private
    assert hub.files(REPO, "v1") == _local(output)
    assert hub.files(REPO, "main") == {}


def test_output_changed_after_the_run_is_refused_before_any_request(output: Path, hub: HubServer) -> None:
    shard = next(output.glob("data/vie_Latn/*.parquet"))
    shard.write_bytes(shard.read_bytes()[:-10])
    with pytest.raises(PlanError, match=r"vie_Latn/train-0000\d-of-00002.parquet: \d+ bytes on disk"):
        _publish(output, hub)
    assert hub.state.requests == []


def test_stale_remote_shards_fail_verification_until_deleted(output: Path, hub: HubServer) -> None:
    _publish(output, hub)
    for shard in output.glob("data/vie_Latn/*.parquet"):
        shard.unlink()
    write_manifest(output)

    with pytest.raises(PublishError, match="vie_Latn.*not in the manifest.*--delete-extra"):
        _publish(output, hub)
    report = _publish(output, hub, delete_extra=True)

    assert sorted(report.deleted) == [f"data/vie_Latn/train-0000{k}-of-00002.parquet" for k in (0, 1)]
    assert hub.files(REPO) == _local(output)


def test_card_rejected_by_the_hub_is_reported_without_retrying(output: Path, hub: HubServer) -> None:
    card = output / "README.md"
    card.write_text(card.read_text().replace("- vi\n", "- Vietnamese\n"))
    write_manifest(output)
    with pytest.raises(PublishError, match="Invalid metadata in README.md"):
        _publish(output, hub)
    assert hub.count("POST", r"/api/validate-yaml$") == 1


def test_commit_plan_bounds_bytes_and_files() -> None:
    from lingoloom.pipelines.publish import LocalFile

    files = [LocalFile(f"data/x/{i}.parquet", size, "0" * 64) for i, size in enumerate([5, 5, 20, 1, 1, 1])]
    files += [LocalFile("README.md", 1, "0" * 64), LocalFile("manifest.json", 1, "0" * 64)]
    commits = [[f.path.split("/")[-1] for f in c] for c in plan_commits(files, max_files=2, max_bytes=10)]
    assert commits == [["0.parquet", "1.parquet"], ["2.parquet"], ["3.parquet", "4.parquet"], ["5.parquet"], ["README.md", "manifest.json"]]


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from lingoloom.pipelines.cli import app; app()"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_publishes_with_env_token_and_never_prints_it(output: Path, hub: HubServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HUB_DISABLE_XET="1", HF_HOME=str(tmp_path / "hf"), HF_HUB_VERBOSITY="debug")
    hub.fail("PUT", r"/lfs/[0-9a-f]{64}$", drop=True)
    hub.fail("POST", r"/commit/main$", status=500)

    wrong = _cli(["publish", str(output), "--repo", REPO], {**env, "HF_TOKEN": "hf_wrong_secret_value", "HF_HUB_VERBOSITY": "warning"})
    assert wrong.returncode == 1
    assert "error:" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "hf_wrong_secret_value" not in wrong.stdout + wrong.stderr

    ok = _cli(["publish", str(output), "--repo", REPO, "--max-commit-files", "3"], {**env, "HF_TOKEN": hub.state.token})
    assert ok.returncode == 0, ok.stderr
    assert "verified against the manifest" in ok.stdout
    assert hub.state.token not in ok.stdout + ok.stderr
    assert hub.files(REPO) == _local(output)


def test_missing_token_says_how_to_log_in(output: Path, hub: HubServer, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    with pytest.raises(PublishError, match="set HF_TOKEN or run `hf auth login`"):
        publish(output, REPO, endpoint=hub.endpoint, progress=lambda _: None)
    assert hub.state.requests == []


def test_cli_dry_run_needs_no_token_and_no_network_and_defaults_to_the_runs_hub_repo(output: Path) -> None:
    manifest = json.loads((output / "manifest.json").read_text())
    manifest["config"] = {"hub": {"repo": "org/from-run-definition", "private": False, "revision": "v2"}}
    (output / "manifest.json").write_text(json.dumps(manifest))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT="http://127.0.0.1:9", HF_HOME="/nonexistent")
    result = _cli(["publish", str(output), "--dry-run", "--max-commit-files", "2"], env)
    assert result.returncode == 0, result.stderr
    assert "would publish 7 file(s)" in result.stdout
    assert "to datasets/org/from-run-definition@v2 in 4 commit(s)" in result.stdout


def test_datasets_loads_every_config_of_the_published_folder(output: Path, hub: HubServer, tmp_path: Path) -> None:
    import datasets
    import yaml

    _publish(output, hub)
    mirror = tmp_path / "mirror"
    for path, content in hub.files(REPO).items():  # read back what the Hub holds, not the local folder
        (mirror / path).parent.mkdir(parents=True, exist_ok=True)
        (mirror / path).write_bytes(content)
    front = yaml.safe_load((mirror / "README.md").read_text().split("---\n")[1])
    counts = json.loads((mirror / "stats" / "counts.json").read_text())
    for config in front["configs"]:
        ds = datasets.load_dataset(str(mirror), name=config["config_name"], split="train", cache_dir=str(tmp_path / "c"))
        assert len(ds) == counts[config["config_name"]]
        assert set(ds["language"]) == {config["config_name"]}
