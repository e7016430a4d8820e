"""``lingoloom crawl CONFIG``: run only the crawl inputs of a run definition (resumable).

Why it exists: crawling is slow and polite, and users want to run it (and stop and restart it)
on its own before processing. It writes where ``lingoloom run`` looks for the crawl
(``<output>/work/crawl-<input index>``), so a later run finds the crawl done and resumes nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer

def crawl_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run definition (runs/<name>.yaml)."),
    out: Path | None = typer.Option(None, "--out", help="Run output folder (default: the run's output.dir or runs/<name>)."),
    engine: str = typer.Option("local", "--engine", help="'local' (asyncio, resumable) or 'beam' (a job keyed by host)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every URL's outcome."),
) -> None:
    """Crawl every `type: crawl` input of CONFIG politely into WARC/1.1, resuming an earlier crawl."""
    import logging

    from rich.console import Console
    from rich.table import Table

    from lingoloom.schemas.config import CrawlInput, load_run_config

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s")
    logging.getLogger("lingoloom.pipelines.crawl").setLevel(logging.DEBUG if verbose else logging.INFO)
    run = load_run_config(config)
    work = (out or run.output_dir()) / "work"
    crawls = [(i, spec) for i, spec in enumerate(run.inputs) if isinstance(spec, CrawlInput)]
    if not crawls:
        raise typer.BadParameter(f"{config} has no input of type 'crawl'", param_hint="CONFIG")
    console = Console()
    for index, spec in crawls:
        target = work / f"crawl-{index}"
        if engine == "beam":
            from lingoloom.pipelines.crawl.beam import run_beam_crawl

            result = run_beam_crawl(spec.crawl, target)
        elif engine == "local":
            from lingoloom.pipelines.crawl import crawl

            result = crawl(spec.crawl, target)
        else:
            raise typer.BadParameter("engine must be 'local' or 'beam'", param_hint="--engine")
        table = Table(title=f"inputs[{index}] -> {target}")
        table.add_column("outcome")
        table.add_column("count", justify="right")
        table.add_row("fetched pages", str(result.fetched))
        table.add_row("redirected", str(result.redirected))
        table.add_row("sitemaps/feeds read", str(result.expanded))
        table.add_row("still queued (caps)", str(result.queued))
        for reason, n in result.refused.items():
            table.add_row(f"refused: {reason}", str(n))
        console.print(table)
        console.print(f"{len(result.warc_paths)} WARC file(s) in {target / 'warc'}")
