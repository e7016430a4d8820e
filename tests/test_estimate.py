"""`lingoloom estimate`: sampling, the cost model, and projections checked against measured runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from demo_inputs import write_demo_warcs
from typer.testing import CliRunner
from warc_factory import write_warc
from warcio.archiveiterator import ArchiveIterator

from lingoloom.pipelines.cli import app
from lingoloom.pipelines.estimate.measure import measure
from lingoloom.pipelines.estimate.project import CostModel, Linear, Prices, Target, fit, project
from lingoloom.pipelines.estimate.runner import estimate
from lingoloom.pipelines.estimate.sample import record_spans, sample_records
from lingoloom.schemas.config import parse_run_config


def _urls(path: str) -> list[str]:
    with open(path, "rb") as handle:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle) if r.rec_type == "response"]


def test_a_stride_sample_copies_records_verbatim_from_every_part_of_the_input(tmp_path: Path) -> None:
    first = write_warc(tmp_path / "a.warc.gz", [(f"https://a.test/{i}", f"<p>page {i}</p>".encode()) for i in range(30)])
    second = write_warc(tmp_path / "b.warc", [(f"https://b.test/{i}", f"<p>page {i}</p>".encode()) for i in range(10)],
                        gzip=False)
    sample, census = sample_records([str(first), str(second)], 8, tmp_path / "sample")
    assert (census.files, census.records, census.exact) == (2, 40, True)
    assert census.bytes == first.stat().st_size + second.stat().st_size
    urls = [u for path in sample.paths for u in _urls(path)]
    assert sample.records == len(urls) == 8
    assert any(u.startswith("https://a.test/") for u in urls) and any(u.startswith("https://b.test/") for u in urls)
    assert set(urls) <= set(_urls(str(first))) | set(_urls(str(second)))
    assert sample.source_bytes == sum(Path(p).stat().st_size for p in sample.paths)
    assert len(record_spans(str(first))) == 30


def test_the_fit_separates_fixed_and_per_record_costs_and_never_goes_negative() -> None:
    line = fit(12.0, 20, 20.0, 100)
    assert (line.fixed, line.per_record) == (pytest.approx(10.0), pytest.approx(0.1))
    assert line.at(1000, tasks=3) == pytest.approx(30 + 100)
    noisy = fit(12.0, 20, 11.0, 100)  # a slower small run never gives a negative slope
    assert (noisy.fixed, noisy.per_record) == (0.0, pytest.approx(0.11))
    assert fit(1.0, 20, 50.0, 100).fixed == 0.0  # nor a negative fixed cost


def test_projection_pays_fixed_costs_per_task_and_spreads_records_over_cores() -> None:
    model = CostModel(cpu=Linear(10.0, 0.1), wall=Linear(10.0, 0.1), run_cpu_seconds=5.0, run_wall_seconds=5.0,
                      stage_bytes={"process": Linear(0.0, 1000.0), "published": Linear(0.0, 500.0)},
                      peak_rss_mb=600.0, sample_files=1, sample_workers=2, input_bytes_per_record=16_000.0)
    one_file = project(model, Target("inputs", 1, 1000, 16_000_000), "local", 2, 4.0, Prices())
    assert one_file["cpu_seconds"] == pytest.approx(5 + 10 + 100)
    assert one_file["wall_hours"] * 3600 == pytest.approx(5 + 10 + 100)
    cluster = project(model, Target("dump", 1000, 1_000_000, 16 * 10**9), "dataflow", 100, 4.0, Prices())
    assert cluster["cpu_seconds"] == pytest.approx(5 + 10 * 1000 + 0.1 * 1_000_000)
    assert cluster["wall_hours"] * 3600 == pytest.approx(5 + 10 * 10 + 0.1 * 1_000_000 / 100)
    assert cluster["intermediate_bytes"] == 1000 * 1_000_000 and cluster["published_bytes"] == 500 * 1_000_000
    prices = Prices()
    assert cluster["compute_usd"] == pytest.approx(
        cluster["core_hours"] * (prices.dataflow_vcpu_hour + 4.0 * prices.dataflow_gb_hour))
    assert cluster["memory_fits"] and not project(model, Target("x", 1, 1, 1), "ray", 1, 0.5, prices)["memory_fits"]


@pytest.mark.slow
def test_estimate_on_the_bundled_demo_reports_every_engine_and_writes_json(tmp_path: Path) -> None:
    warcs = write_demo_warcs(tmp_path / "warc", files=2)
    definition = tmp_path / "demo-estimate.yaml"
    definition.write_text(json.dumps({"name": "demo-estimate", "engine": {"workers": 2},
                                      "inputs": [{"type": "warc", "paths": [str(p) for p in warcs]}]}))
    result = CliRunner().invoke(app, ["estimate", str(definition), "--sample", "20", "--work", str(tmp_path / "est"),
                                      "--cores", "64"])
    assert result.exit_code == 0, result.output
    assert "core-h" in result.output and "Peak RSS" in result.output
    report = json.loads((tmp_path / "est" / "estimate.json").read_text())
    total = sum(len(record_spans(str(p))) for p in warcs)
    assert report["census"] == {"files": 2, "bytes": sum(p.stat().st_size for p in warcs), "records": total,
                                "exact": True}
    assert [s["records"] for s in report["samples"]] == [5, 20]
    rows = {(row["target"], row["engine"]): row for row in report["projections"]}
    assert set(rows) == {(t, e) for t in ("inputs", "dump") for e in ("local", "slurm", "ray", "dataflow")}
    assert rows[("dump", "slurm")]["cores"] == 64 and rows[("dump", "slurm")]["files"] == 90_000
    assert all(row["core_hours"] > 0 and row["published_bytes"] > 0 for row in rows.values())
    assert rows[("dump", "ray")]["wall_hours"] < rows[("dump", "local")]["wall_hours"]
    assert "us-central1" in report["prices"]["source"]


def test_estimate_refuses_inputs_it_cannot_sample(tmp_path: Path) -> None:
    table = tmp_path / "t.jsonl"
    table.write_text('{"text": "hello"}\n')
    config = parse_run_config({"name": "t", "inputs": [{"type": "jsonl", "paths": [str(table)]}]})
    with pytest.raises(ValueError, match="jsonl"):
        estimate(config, tmp_path / "est", sample=5)


@pytest.mark.slow
@pytest.mark.shared_data
def test_a_100_page_sample_projects_the_1381_page_run_within_25_percent(tmp_path: Path, shared_data: Path) -> None:
    warc = shared_data / "bench" / "pages-1381.warc.gz"
    if not warc.is_file():
        pytest.skip(f"{warc} not found")
    config = parse_run_config({"name": "p1381", "engine": {"workers": 2},
                               "inputs": [{"type": "warc", "paths": [str(warc)]}]})
    result = estimate(config, tmp_path / "est", sample=100)
    projected = next(r for r in result.projections if (r["target"], r["engine"]) == ("inputs", "local"))
    assert projected["records"] == 1381
    full = measure(config, tmp_path / "full", 2, 1381)
    assert projected["cpu_seconds"] == pytest.approx(full.cpu_seconds, rel=0.25)
    assert projected["published_bytes"] == pytest.approx(full.stage_bytes["published"], rel=0.25)
    assert projected["intermediate_bytes"] == pytest.approx(
        sum(v for k, v in full.stage_bytes.items() if k != "published"), rel=0.25)
