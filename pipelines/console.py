"""Terminal front end of the CLI commands: progress bars while a run works, tables when it ends.

Why it exists: the CLI module only declares commands; what a person sees (progress per phase,
the summary, `inspect` output, the demo's narration) lives here, away from the engines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from loguru import logger
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()


def quiet_library_logs() -> None:
    """datatrove logs every task at INFO on stderr; keep warnings only (task logs stay in work/logs).

    ``LOGURU_LEVEL`` reaches the worker processes, which re-create loguru's default sink per task.
    """
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")
    logger.remove()
    logger.add(sys.stderr, level="WARNING")


def config_or_exit(path: Path):
    """The validated run definition at ``path``; a bad one is printed in red and the command exits with 2."""
    import typer

    from lingoloom.schemas.config import ConfigError, load_run_config

    try:
        return load_run_config(path)
    except ConfigError as err:
        typer.secho(str(err), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def run_with_progress(config, out_dir: Path, engine: str | None = None, workers: int | None = None,
                      fresh: bool = False, runner: str | None = None, pipeline_args: list[str] | None = None):
    """Run ``config`` with a progress bar per phase, then print the summary."""
    from lingoloom.pipelines.run import execute
    from lingoloom.pipelines.summary import print_summary

    quiet_library_logs()
    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        outcome = execute(config, Path(out_dir), engine=engine, workers=workers, fresh=fresh, progress=report,
                          runner=runner, pipeline_args=pipeline_args)
    print_summary(outcome.stats, outcome.figures, str(outcome.out_dir), outcome.seconds, console)
    return outcome


def inspect_output(output: Path, rows: int) -> None:
    """Print the schema, per-language counts and sample rows of a dataset folder."""
    import pyarrow.parquet as pq

    from lingoloom.pipelines.report import language_figures, read_sample, shard_paths

    shards = shard_paths(output)
    if not shards:
        console.print(f"[red]{output} has no data/<language>/*.parquet shards[/red]")
        raise SystemExit(1)
    first = next(iter(shards.values()))[0]
    schema = pq.read_schema(first)
    version = (schema.metadata or {}).get(b"lingoloom.schema_version", b"?").decode()
    console.print(f"[bold]Schema[/bold] (record schema v{version}):")
    for field in schema:
        console.print(f"  {field.name}: {field.type}")
    table = Table(title=f"{output}")
    for column in ("language", "documents", "characters", "shards", "parquet bytes"):
        table.add_column(column, justify="left" if column == "language" else "right")
    for f in language_figures(output):
        table.add_row(f.language, f"{f.documents:,}", f"{f.characters:,}", str(f.shards), f"{f.parquet_bytes:,}")
    console.print(table)
    for language, files in shards.items():
        for row in read_sample(files[0], rows):
            text = row["text"].replace("\n", " ")
            console.print(f"[cyan]{language}[/cyan] {row.get('url')}\n    {text[:160]}{'…' if len(text) > 160 else ''}")


def run_demo(out: Path, workers: int):
    """Serve the bundled site, crawl it into WARC, and run the demo definition on it."""
    from lingoloom.pipelines.demo.server import serve_site
    from lingoloom.pipelines.demo_run import demo_config

    with serve_site() as base_url:
        console.print(f"Serving the bundled multilingual site at {base_url}")
        config = demo_config(base_url, out)
        return run_with_progress(config, out, workers=workers, fresh=True)
