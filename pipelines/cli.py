"""The `lingoloom` command line: one entry point for running, inspecting, evaluating and publishing.

Why it exists: users should reach every capability through one documented tool with `--help`
on every command. Each area keeps its commands in its own module and mounts its Typer app here.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="lingoloom",
    help="Open multilingual web-data curation: crawl/WARC -> text -> language -> quality -> dedup -> Parquet + card.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
eval_app = typer.Typer(help="Measure a stage against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def main() -> None:
    """Console-script entry point."""
    app()
