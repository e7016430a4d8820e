"""Publish and balance benchmarks: what bounded commits + verification cost, and balance on both engines.

Why it exists: ``lingoloom publish`` adds a tree listing before and after the upload and splits
the upload into bounded commits; this measures that overhead against the peer, one
``HfApi.upload_folder`` call (one commit, no verification), with the real client against the
local Hub endpoint of the tests (``tests/hub_server.py``, 127.0.0.1), for a first upload and for
a re-run where everything is already there. Balance is measured as profile + plan throughput of
the local Parquet implementation and the Beam PTransform (FnApiRunner) on the same rows.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

FILES, FILE_BYTES, REPEATS = 40, 1 << 20, 3
ROWS, BEAM_ROWS = 100_000, 20_000


def _output(root: Path) -> Path:
    rng = random.Random(0)
    out = root / "out"
    files = []
    for i in range(FILES):
        path = out / "data" / f"l{i % 8}_Latn" / f"train-{i // 8:05d}-of-00005.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(FILE_BYTES))
        files.append(path)
    (out / "README.md").write_text("---\nlicense: odc-by\n---\n# bench\n")
    files.append(out / "README.md")
    manifest = [{"path": p.relative_to(out).as_posix(), "size": p.stat().st_size,
                 "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files]
    (out / "manifest.json").write_text(json.dumps({"files": manifest}))
    return out


def bench_publish() -> None:
    import huggingface_hub.constants
    from huggingface_hub import HfApi
    from huggingface_hub.utils import disable_progress_bars
    from hub_server import HubServer

    from lingoloom.pipelines.publish import publish

    huggingface_hub.constants.HF_HUB_DISABLE_XET = True
    disable_progress_bars()
    times: dict[str, list[float]] = {"ours": [], "peer": [], "ours_rerun": [], "peer_rerun": []}
    with tempfile.TemporaryDirectory() as tmp, HubServer(multipart_threshold=8 << 20) as hub:
        huggingface_hub.constants.ENDPOINT = hub.endpoint
        huggingface_hub.constants.AGENT_HARNESSES_PATH = str(Path(tmp) / "agents.json")
        out = _output(Path(tmp))
        api = HfApi(endpoint=hub.endpoint, token=hub.state.token)
        for r in range(REPEATS):
            for who in ("ours", "peer") if r % 2 == 0 else ("peer", "ours"):
                repo = f"bench/{who}-{r}"
                for key in (who, f"{who}_rerun"):
                    started = time.perf_counter()
                    if who == "ours":
                        publish(out, repo, token=hub.state.token, endpoint=hub.endpoint, max_commit_files=10,
                                progress=lambda _: None)
                    else:
                        api.create_repo(repo, repo_type="dataset", exist_ok=True)
                        api.upload_folder(folder_path=out, repo_id=repo, repo_type="dataset", ignore_patterns=["work/*"])
                    times[key].append(time.perf_counter() - started)
    med = {k: statistics.median(v) for k, v in times.items()}
    size = FILES * FILE_BYTES / 2**20
    print(f"publish {FILES} files, {size:.0f} MB, local Hub endpoint, median of {REPEATS}:")
    print(f"  first upload: lingoloom publish {med['ours']:.2f} s (4 commits + verify) | "
          f"upload_folder {med['peer']:.2f} s (1 commit) | ratio {med['ours'] / med['peer']:.2f}")
    print(f"  re-run, nothing to do: lingoloom publish {med['ours_rerun']:.2f} s | "
          f"upload_folder {med['peer_rerun']:.2f} s | ratio {med['ours_rerun'] / med['peer_rerun']:.2f}")


def bench_balance() -> None:
    import apache_beam as beam
    import pyarrow.parquet as pq
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    from lingoloom.filters.balance.beam import BalanceStage
    from lingoloom.filters.balance.local import profile_parquet
    from lingoloom.filters.balance.mixture import plan_mixture
    from lingoloom.schemas.balance import BalanceSettings
    from lingoloom.schemas.record import rows_to_table

    rng = random.Random(1)
    langs = ["eng_Latn", "vie_Latn", "cmn_Hans", "yor_Latn", "arb_Arab"]
    rows = []
    for i in range(ROWS):
        domain = f"site{int(rng.paretovariate(1.2)) % 500}.example"
        rows.append({"id": f"d{i}", "text": "x" * rng.randint(200, 3000), "source": "b", "language": rng.choice(langs),
                     "domain": domain, "tld": "example", "url": f"https://{domain}/{i}", "content_hash": str(i)})
    settings = BalanceSettings(policy="unimax", domain_cap=0.1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.parquet"
        pq.write_table(rows_to_table(rows), path)
        local, beam_times, beam_base = [], [], []
        for _ in range(REPEATS):
            started = time.perf_counter()
            plan = plan_mixture(profile_parquet([path]), settings)
            local.append(time.perf_counter() - started)
        sample = rows[:BEAM_ROWS]
        for _ in range(REPEATS):
            started = time.perf_counter()
            with beam.Pipeline(runner=FnApiRunner()) as pipeline:
                _ = pipeline | beam.Create(sample) | beam.Map(lambda row: row)
            beam_base.append(time.perf_counter() - started)
            started = time.perf_counter()
            with beam.Pipeline(runner=FnApiRunner()) as pipeline:
                _ = pipeline | beam.Create(sample) | BalanceStage(settings)
            beam_times.append(time.perf_counter() - started)
    lm, bm, bb = statistics.median(local), statistics.median(beam_times), statistics.median(beam_base)
    print(f"balance, {len(plan.languages)} languages, unimax + domain cap 0.1, median of {REPEATS}:")
    print(f"  local profile + plan over Parquet: {ROWS:,} rows in {lm:.2f} s = {ROWS / lm:,.0f} rows/s")
    print(f"  Beam FnApiRunner, {BEAM_ROWS:,} rows: BalanceStage (profile, plan, repeats) {bm:.2f} s | "
          f"same pipeline with an identity Map instead {bb:.2f} s | balance adds {bm - bb:.2f} s "
          f"= {BEAM_ROWS / max(bm - bb, 1e-9):,.0f} rows/s")


def main() -> None:
    bench_publish()
    bench_balance()


if __name__ == "__main__":
    main()
