"""The Dataflow job builds offline (DataflowRunner dry run): options validate, the pipeline pickles,
the package is staged, and the pickled per-record DoFn really runs the steps after unpickling."""

from __future__ import annotations

import json
import re
from pathlib import Path

import apache_beam
import pytest
from apache_beam.internal import pickler
from apache_beam.portability import common_urns
from apache_beam.portability.api import beam_runner_api_pb2

from warc_factory import write_warc

from lingoloom.pipelines.engines import beam_main
from lingoloom.pipelines.engines.beam import beam_options, build_dataflow_job
from lingoloom.pipelines.engines.beam_adapter import RunDatatroveSteps
from lingoloom.schemas.config import parse_run_config

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MARKET_DAY = (
    "Every Saturday the square in front of the old town hall fills with stalls long before the church bell rings seven.",
    "Farmers from the valley bring potatoes, cabbages and cheese, and the baker sells rye bread that is still warm.",
    "Children run between the stalls while their parents argue cheerfully about the price of honey and eggs.",
    "By noon most of the vegetables are gone, and the traders fold their tables and share coffee before driving home.",
    "The town council has kept the market in the same place for more than a century, through wars and floods alike.",
)
GCP = ["--project=lingoloom-test", "--region=europe-west1", "--temp_location=gs://lingoloom-test-bucket/tmp"]
PAGE = """<html lang="en"><head><title>Dry stone walls</title></head><body><article>
<h1>How dry stone walls are built</h1>
<p>Dry stone walls are built without any mortar. The waller sorts the stones by size before starting,
keeping the largest ones for the foundation and the long flat ones for the through stones.</p>
<p>A good wall is wider at the base than at the top. This batter lets the wall lean into itself, so
that frost and the weight of grazing sheep push the stones together instead of apart.</p>
<p>The middle of the wall is packed with small hearting stones. Skipping the hearting is the most
common mistake of beginners, and it is why a careless wall collapses after one hard winter.</p>
<p>Through stones cross the full width of the wall every metre or so. They tie both faces together,
and in some valleys farmers still point out the ones their grandparents set by hand.</p>
<p>Finally a row of cope stones, set on edge, caps the wall and sheds the rain. Walls built this way
in the eighteenth century still divide the fields of the Yorkshire Dales today.</p>
</article></body></html>"""


def _config():
    return parse_run_config({
        "name": "dataflow-dry-run",
        "inputs": [{"type": "warc", "paths": ["gs://lingoloom-test-bucket/crawl/*.warc.gz"], "source": "cc"}],
        "dedup": {"minhash": {"enabled": False}},
    })


@pytest.fixture(scope="module")
def job():
    args = [*GCP, f"--setup_file={PROJECT_ROOT / 'pyproject.toml'}", "--machine_type=n2-standard-4"]
    return build_dataflow_job(_config(), "gs://lingoloom-test-bucket/out", args)


def test_job_has_every_stage_and_options(job):
    names = {t.unique_name for t in job.proto_pipeline.components.transforms.values()}
    for expected in ("Read/Match", "PerRecord/RunSteps", "exact_dedup/PickSurvivor", "Write/WriteShards"):
        assert any(name.startswith(expected) for name in names), expected
    assert job.proto.type.name == "JOB_TYPE_BATCH"
    assert job.options.get_all_options()["machine_type"] == "n2-standard-4"


def test_package_is_staged_as_sdist(job):
    staged = []
    for environment in job.proto_pipeline.components.environments.values():
        for dependency in environment.dependencies:
            payload = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(dependency.role_payload)
            staged.append(payload.staged_name)
    assert "workflow.tar.gz" in staged


def test_pickled_steps_run_after_unpickling(job):
    for transform in job.proto_pipeline.components.transforms.values():
        if transform.unique_name.startswith("PerRecord/RunSteps") and transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            payload = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            dofn = pickler.loads(payload.do_fn.payload)[0]
            break
    else:
        pytest.fail("no PerRecord ParDo in the job")
    assert isinstance(dofn, RunDatatroveSteps)
    dofn.setup()
    outputs = list(dofn.process([{"id": "r1", "text": "", "url": "https://example.org/walls", "source": "cc",
                                  "_body": PAGE.encode(), "_content_type": "text/html; charset=utf-8",
                                  "_http_headers": {}}]))
    out = [o for o in outputs if not isinstance(o, apache_beam.pvalue.TaggedOutput)]
    summaries = [o.value for o in outputs if isinstance(o, apache_beam.pvalue.TaggedOutput)]
    assert [record["language"] for record in out] == ["eng_Latn"]
    assert [(stage, scores.labels()) for stage, scores in summaries] == [("langid", ["eng_Latn"])]
    assert out[0]["content_hash"] and "Dry stone walls" in out[0]["text"]


@pytest.mark.parametrize("args,message", [
    (GCP[:2], "--temp_location"),
    (["--project=p", "--temp_location=gs://lingoloom-test-bucket/tmp"], "--region"),
])
def test_missing_dataflow_options_fail_before_any_network_call(args, message):
    with pytest.raises(ValueError, match=message):
        beam_options("DataflowRunner", 1, args)


def test_local_paths_are_refused_for_dataflow(tmp_path):
    config = parse_run_config({"name": "x", "inputs": [{"type": "warc", "paths": [str(tmp_path / "a.warc.gz")]}],
                               "dedup": {"minhash": {"enabled": False}}})
    with pytest.raises(ValueError, match="cannot reach local paths"):
        build_dataflow_job(config, "gs://lingoloom-test-bucket/out", GCP)


def test_prism_prone_runners_are_refused():
    with pytest.raises(ValueError, match="Prism"):
        beam_options("DirectRunner", 2)


def test_flex_template_spec_matches_the_entry_point(tmp_path):
    spec = json.loads((PROJECT_ROOT / "dataflow" / "flex-template.json").read_text(encoding="utf-8"))
    assert spec["sdkInfo"]["language"] == "PYTHON"
    assert tuple(p["name"] for p in spec["metadata"]["parameters"]) == beam_main.PARAMETERS
    dockerfile = (PROJECT_ROOT / "Dockerfile.dataflow").read_text(encoding="utf-8")
    entry = re.search(r"FLEX_TEMPLATE_PYTHON_PY_FILE=/opt/lingoloom/(\S+)", dockerfile).group(1)
    assert (PROJECT_ROOT / entry).resolve() == Path(beam_main.__file__).resolve()
    assert f"apache/beam_python3.11_sdk:${{BEAM_VERSION}}" in dockerfile
    assert f"ARG BEAM_VERSION={apache_beam.__version__}" in dockerfile  # image and job builder agree


@pytest.mark.slow
def test_flex_template_entry_point_publishes_the_whole_folder(tmp_path):
    """What the Flex Template launcher runs: definition read through Beam's filesystems, then the same ending as
    ``lingoloom run --engine beam`` (shards, stats, card, manifest). FnApiRunner here: no Dataflow offline."""
    body = ("<html lang='en'><head><title>Market day</title></head><body><nav>Home | News</nav><article>"
            + "".join(f"<p>{sentence}</p>" for sentence in MARKET_DAY) + "</article><footer>Contact</footer></body></html>")
    warc = write_warc(tmp_path / "in.warc.gz", [("http://market.test/day", body.encode())])
    config = tmp_path / "run.yaml"
    config.write_text(f"name: entry\ninputs: [{{type: warc, paths: ['{warc}']}}]\ndedup: {{minhash: {{enabled: false}}}}\n",
                      encoding="utf-8")
    out = tmp_path / "out"

    manifest_path = beam_main.main([f"--config={config}", f"--out={out}", "--runner=FnApiRunner", "--workers=1"])

    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest["files"]}
    assert {"README.md", "stats/stats.json"} <= listed
    assert any(path.startswith("data/eng_Latn/") and path.endswith(".parquet") for path in listed)
    assert json.loads((out / "stats" / "stats.json").read_text(encoding="utf-8"))["read"]["in"] == 1
    assert "eng_Latn" in (out / "README.md").read_text(encoding="utf-8")
