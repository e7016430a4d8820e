"""Entry point of the Dataflow Flex Template (and of any headless Beam launch): config in, dataset out.

Why it exists: a Flex Template launcher runs one Python file inside the container, with the
template's parameters as ``--name=value`` arguments and the job's pipeline options after them.
It cannot rely on a local checkout, so the run definition is read from any Beam filesystem
(``gs://.../run.yaml``) and the output goes to a ``gs://`` folder. It ends as ``lingoloom run
--engine beam`` does: shards, ``stats/``, the card with its plots and the manifest.

Usage: ``python -m lingoloom.pipelines.engines.beam_main --config=gs://b/run.yaml --out=gs://b/out
--runner=DataflowRunner --project=... --region=... --temp_location=gs://b/tmp``.
"""

from __future__ import annotations

import argparse
import logging
from typing import Sequence

import yaml
from apache_beam.io.filesystems import FileSystems

from lingoloom.schemas.config import parse_run_config

#: Template parameters (also declared in dataflow/flex-template.json).
PARAMETERS = ("config", "out")


def read_text(path: str) -> str:
    """A text file from any Beam filesystem (local, gs://, s3://)."""
    with FileSystems.open(path) as handle:
        return handle.read().decode("utf-8")


def main(argv: Sequence[str] | None = None) -> str:
    """Run the definition at ``--config`` into ``--out``; other arguments are Beam pipeline options."""
    from lingoloom.pipelines.engines.beam import DATAFLOW_RUNNER
    from lingoloom.pipelines.run import execute

    parser = argparse.ArgumentParser(description="Run a lingoloom definition on Beam (Dataflow Flex Template entry).")
    parser.add_argument("--config", required=True, help="Run definition YAML (local path or gs://...).")
    parser.add_argument("--out", required=True, help="Output folder (gs://... on Dataflow).")
    parser.add_argument("--runner", default=DATAFLOW_RUNNER, help="Beam runner (default DataflowRunner).")
    parser.add_argument("--workers", type=int, default=None, help="Worker processes for FnApiRunner.")
    args, pipeline_args = parser.parse_known_args(argv)
    config = parse_run_config(yaml.safe_load(read_text(args.config)), args.config)
    outcome = execute(config, args.out, engine="beam", runner=args.runner, workers=args.workers,
                      pipeline_args=[*config.engine.pipeline_options, *pipeline_args])
    logging.getLogger(__name__).info("dataset, card and manifest written to %s", outcome.out_dir)
    return str(outcome.manifest_path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
