"""The Beam engine: the same run definition on the local FnApiRunner or on Google Cloud Dataflow.

Why it exists: users outgrow one machine. This engine builds one Beam pipeline from a
:class:`~lingoloom.schemas.config.RunConfig` that reads like the design's data flow::

    inputs -> ReadInputs -> ApplySteps(record_steps) -> langid_threshold -> ExactDedup -> [MinHash] -> [Balance]
           -> WriteHubParquet (data/, mix/) -> WriteMeasurements (stats/shards.json)

The per-record chain is the local engine's own step objects (:func:`record_steps`) run by the
generic adapter; global stages are Beam-native shuffles with the local engine's rules. The
balance stage writes ``stats/balance.json`` from the workers, and every written file is measured
where it is written, so the launcher never reads the corpus back. After the pipeline finishes,
the Beam counters become the run's stats (``{stage: {key: count}}``), which
:func:`lingoloom.pipelines.run.finalize` turns into ``stats/stats.json``, the card and the
manifest, exactly as for the local engine, on any filesystem (local, ``gs://``).

Runners: ``FnApiRunner`` (local default, multi-processing with ``workers`` processes) and
``DataflowRunner`` (any extra Beam option passes through, e.g. ``--project``). The
``DirectRunner`` is refused because it may switch to the Prism runner, which downloads a binary.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Sequence

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineResult, PipelineState

from lingoloom.pipelines.engines.beam_adapter import ApplySteps, stats_from_metrics
from lingoloom.pipelines.engines.beam_langid import apply_langid_thresholds
from lingoloom.pipelines.engines.beam_stages import CountedStage, ExactDedup, WriteHubParquet, WriteMeasurements
from lingoloom.pipelines.graph import global_stages, record_steps
from lingoloom.pipelines.sources.acquire import resolve_inputs
from lingoloom.pipelines.sources.beam_io import ReadInputs
from lingoloom.pipelines.sources.inputs import InputFile
from lingoloom.pipelines.stats import RunStats
from lingoloom.pipelines.storage import is_remote, join, output_uri
from lingoloom.schemas.config import RunConfig, TableInput, WarcInput

LOCAL_RUNNER = "FnApiRunner"
DATAFLOW_RUNNER = "DataflowRunner"
_REFUSED_RUNNERS = {
    "DirectRunner": "it may hand the job to the Prism runner, which downloads a binary",
    "PrismRunner": "it downloads a binary at run time",
}
_log = logging.getLogger(__name__)


def _has_option(args: Sequence[str], name: str) -> bool:
    return any(arg == f"--{name}" or arg.startswith(f"--{name}=") for arg in args)


def beam_options(runner: str, workers: int, pipeline_args: Sequence[str] = ()) -> PipelineOptions:
    """Pipeline options for ``runner``: FnApiRunner gets ``workers`` processes unless told otherwise."""
    if runner in _REFUSED_RUNNERS:
        raise ValueError(f"runner {runner!r} is not supported: {_REFUSED_RUNNERS[runner]}; use {LOCAL_RUNNER} "
                         "locally or DataflowRunner on Google Cloud")
    args = list(pipeline_args)
    if _has_option(args, "runner"):
        raise ValueError("pass the runner with --runner of `lingoloom run` (or engine.runner), not among the Beam options")
    if runner == DATAFLOW_RUNNER:
        missing = [name for name in ("project", "region", "temp_location") if not _has_option(args, name)]
        if missing:
            raise ValueError("DataflowRunner needs " + " ".join(f"--{name}=..." for name in missing)
                             + " (temp_location a gs:// folder); see dataflow/README.md")
    if runner == LOCAL_RUNNER:
        if not _has_option(args, "direct_num_workers"):
            args.append(f"--direct_num_workers={workers}")
        if not _has_option(args, "direct_running_mode"):
            args.append("--direct_running_mode=multi_processing")
    options = PipelineOptions(args)
    options.view_as(StandardOptions).runner = runner
    return options


def beam_input_files(config: RunConfig, work_dir: Path) -> list[InputFile]:
    """Read tasks for Beam: WARC/table patterns stay patterns (workers expand them on any filesystem);
    crawl and Common Crawl inputs are acquired first, as for the local engine."""
    files: list[InputFile] = []
    for index, spec in enumerate(config.inputs):
        if isinstance(spec, WarcInput):
            files.extend(InputFile(pattern, "warc", spec.source) for pattern in spec.paths)
        elif isinstance(spec, TableInput):
            files.extend(InputFile(pattern, spec.type, spec.source, spec) for pattern in spec.paths)
        else:
            single = config.model_copy(update={"inputs": [spec]})
            files.extend(resolve_inputs(single, work_dir / f"input-{index}"))
    return files


def _check_reachable(files: Sequence[InputFile], out_dir: str, runner: str) -> None:
    if runner == LOCAL_RUNNER:
        return
    local = [f.path for f in files if not is_remote(f.path)] + ([] if is_remote(out_dir) else [out_dir])
    if local:
        raise ValueError(f"{runner} workers cannot reach local paths {local[:3]}: put inputs and the output "
                         "folder on a shared filesystem (gs://...) first")


def _minhash_decisions(config: RunConfig):
    try:
        from lingoloom.filters.minhash.beam import MinHashDedup
    except ImportError:
        raise NotImplementedError(
            "MinHash dedup has no Beam part: set `dedup.minhash.enabled: false` to run on Beam, or use the local engine"
        ) from None
    return MinHashDedup(config.dedup.minhash)


def apply_global_stages(records, config: RunConfig):
    """The global stages of :func:`lingoloom.pipelines.graph.global_stages`, in order; as in the local
    engine, each one sees the survivors of the previous one (MinHash looks among exact-dedup survivors)."""
    for stage in global_stages(config):
        if stage == "exact_dedup":
            records = records | stage >> ExactDedup()
        elif stage == "minhash":
            records = records | stage >> CountedStage(stage, _minhash_decisions(config))
        else:
            raise NotImplementedError(f"global stage {stage!r} has no Beam part; use the local engine for this run")
    return records


def build_pipeline(pipeline: beam.Pipeline, config: RunConfig, files: Sequence[InputFile], out_dir: str):
    """Add the whole run to ``pipeline``; returns the PCollection of the written files' measurements."""
    records, summaries = pipeline | "Read" >> ReadInputs(files) | "PerRecord" >> ApplySteps(record_steps(config),
                                                                                         summaries=True)
    records = apply_langid_thresholds(records, summaries, config, out_dir)
    records = apply_global_stages(records, config)
    if config.balance.enabled:
        from lingoloom.filters.balance.beam import BalanceStage
        from lingoloom.filters.balance.local import BALANCE_REPORT

        report = join(out_dir, *BALANCE_REPORT.parts)
        records = records | "balance" >> BalanceStage(config.balance, report_path=report)
    written = records | "Write" >> WriteHubParquet(
        out_dir, config.output.max_rows_per_shard, config.output.max_bytes_per_shard,
        mix=config.balance.enabled and config.balance.materialize_mix,
    )
    _ = written | "Measurements" >> WriteMeasurements(out_dir)
    return written


def _remove_stale_outputs(out_dir: str) -> None:
    """An earlier run's published files in the output folder, local or remote (``data/``, ``mix/``,
    ``stats/``): this run writes its own, readers glob ``data/<lang>/*.parquet``, and ``finalize``
    publishes every report it finds under ``stats/``."""
    from apache_beam.io.filesystems import FileSystems

    from lingoloom.filters.balance.local import MIX_DIR

    patterns = [join(out_dir, *pattern.split("/")) for pattern in ("data/*/*.parquet", f"{MIX_DIR.as_posix()}/*.parquet", "stats/*")]
    stale = [meta.path for result in FileSystems.match(patterns) for meta in result.metadata_list]
    if stale:
        FileSystems.delete(stale)


def run_beam(config: RunConfig, out_dir: str | Path, runner: str = LOCAL_RUNNER, workers: int = 2,
             pipeline_args: Sequence[str] = ()) -> RunStats:
    """Run ``config`` on Beam into ``out_dir`` (local folder or ``gs://``); return the run's stats.

    Blocks until the job finishes (``DataflowRunner`` included) and raises if it did not succeed.
    """
    out = output_uri(out_dir)
    options = beam_options(runner, workers, pipeline_args)
    work_dir = Path("runs") / config.name / "work" if is_remote(out) else Path(out) / "work"
    files = beam_input_files(config, work_dir)
    _check_reachable(files, out, runner)
    _remove_stale_outputs(out)
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, config, files, out)
    started = time.time()
    result: PipelineResult = pipeline.run()
    state = result.wait_until_finish()
    if state != PipelineState.DONE:
        raise RuntimeError(f"Beam job ended in state {state}; see the runner's logs")
    _log.info("Beam job finished in %.1f s on %s", time.time() - started, runner)
    return stats_from_metrics(result)


def build_dataflow_job(config: RunConfig, out_dir: str, pipeline_args: Sequence[str] = ()):
    """Build the Dataflow job for ``config`` without submitting it (DataflowRunner ``--dry_run``).

    Everything short of the API call happens: options are validated, the steps and DoFns are
    pickled into the job's pipeline proto, and ``--setup_file`` (if given) is built into the
    sdist the workers would install. Returns Beam's ``apiclient.Job`` (``.proto``,
    ``.proto_pipeline``); works offline.
    """
    options = beam_options(DATAFLOW_RUNNER, 1, [*pipeline_args, "--dry_run=True"])
    files = beam_input_files(config, Path("runs") / config.name / "work")
    _check_reachable(files, out_dir, DATAFLOW_RUNNER)
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, config, files, out_dir)
    return pipeline.run().job
