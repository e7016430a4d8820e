"""The `lingoloom` command line: one entry point for running, inspecting, evaluating and publishing.

Why it exists: users should reach every capability through one documented tool with `--help`
on every command. Each area keeps its commands in its own module and mounts its Typer app here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

# datatrove re-creates loguru's console sink for every task; keep it at warnings (before loguru loads).
os.environ.setdefault("LOGURU_LEVEL", "WARNING")

from lingoloom.pipelines.crawl.cli import crawl_command
from lingoloom.filters.minhash.cli import dedup_command
from lingoloom.filters.languages_cli import languages_app
from lingoloom.langid.cli import langid_command
from lingoloom.pipelines.estimate.cli import estimate_command
from lingoloom.pipelines.extract.cli import extract_command
from lingoloom.pipelines.publish.cli import publish_command

app = typer.Typer(
    name="lingoloom",
    help="Open multilingual web-data curation: crawl/WARC -> text -> language -> quality -> dedup -> Parquet + card.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(help="Measure a stage against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(languages_app, name="languages")
app.command("publish")(publish_command)
eval_app.command("dedup")(dedup_command)
eval_app.command("langid")(langid_command)
eval_app.command("extract")(extract_command)
app.command("crawl")(crawl_command)
app.command("estimate")(estimate_command)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    ctx: typer.Context,
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run definition, e.g. runs/<name>.yaml."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Worker processes (default: engine.workers)."),
    engine: Optional[str] = typer.Option(None, "--engine", help="local (datatrove, default) or beam."),
    runner: Optional[str] = typer.Option(None, "--runner", help="Beam runner: FnApiRunner (local) or DataflowRunner."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: output.dir or runs/<name>)."),
    fresh: bool = typer.Option(False, "--fresh", help="Discard unfinished work in the output folder first."),
) -> None:
    """Run a pipeline definition. Extra --options after the config go to Beam as pipeline options."""
    from lingoloom.langid.models import ModelNotAvailableError
    from lingoloom.pipelines.console import config_or_exit, run_with_progress

    run_config = config_or_exit(config)
    out_dir = out or run_config.output_dir(config.parent if config.parent.name == "runs" else "runs")
    try:
        run_with_progress(run_config, out_dir, engine=engine, workers=workers, fresh=fresh, runner=runner,
                          pipeline_args=list(ctx.args))
    except ModelNotAvailableError as err:
        typer.secho(f"{config}: langid: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@app.command()
def inspect(
    output: Path = typer.Argument(..., exists=True, file_okay=False, help="A dataset folder written by `run`."),
    rows: int = typer.Option(2, "--rows", min=0, help="Sample rows to show per language."),
) -> None:
    """Show the schema, counts per language and sample rows of a dataset folder."""
    from lingoloom.pipelines.console import inspect_output

    inspect_output(output, rows)


@app.command()
def demo(
    out: Path = typer.Option(Path("runs/demo"), "--out", help="Output folder."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Worker processes."),
) -> None:
    """Serve the bundled multilingual site on 127.0.0.1, crawl it, and build a dataset from it."""
    from lingoloom.pipelines.console import run_demo

    run_demo(out, workers)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
