"""``lingoloom eval extract``: score an extractor on gold pages, comparable with the AEB table.

Why it exists: extraction quality and cost must be measurable by anyone on their own pages (see
gold.py for the JSONL format) and on the reference benchmarks (``--build-from``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def extract_command(
    data: Path = typer.Option(..., "--data", help="Gold JSONL: {\"path\": html file (may be .gz, relative to "
                              "the JSONL), \"text\": gold main text} per line."),
    profile: str = typer.Option("precision", "--profile", help="precision | recall | fast (trafilatura)."),
    backend: str = typer.Option("trafilatura", "--backend", help="trafilatura | resiliparse (optional extra)."),
    build_from: Optional[Path] = typer.Option(
        None, "--build-from", file_okay=False, exists=True,
        help="First write --data from a benchmark folder (scrapinghub_aeb or newspaper4k layout).",
    ),
    worst: int = typer.Option(10, "--worst", min=0, help="How many lowest-F1 pages to list."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Evaluate only the first N pages."),
    time_limit: float = typer.Option(10.0, "--time-limit", min=0.001, help="CPU seconds per page, as in the pipeline."),
    markdown: bool = typer.Option(True, "--markdown/--plain", help="Markdown-like headings, lists and tables."),
) -> None:
    """Precision, recall and F1 (Article Extraction Benchmark metric), empty share, pages/s, worst pages."""
    from rich.console import Console
    from rich.table import Table

    from lingoloom.pipelines.extract.backends import make_extractor
    from lingoloom.pipelines.extract.evaluate import evaluate
    from lingoloom.pipelines.extract.gold import convert_folder, read_gold, write_gold

    console = Console()
    try:
        extractor = make_extractor(backend, profile=profile, markdown=markdown)
        if build_from is not None:
            count = write_gold(convert_folder(build_from), data)
            console.print(f"wrote {count} gold pages to {data}")
        pages = read_gold(data)[:limit]
    except (ValueError, ImportError, OSError) as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if not pages:
        typer.secho(f"error: {data} holds no pages", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    report = evaluate(extractor, pages, time_limit_seconds=time_limit)
    s = report.scores
    summary = Table(title=f"{backend}/{profile} on {data.name} ({len(pages)} pages)")
    for column in ("precision", "recall", "F1", "empty output", "pages/s (CPU)", "pages/s (wall)"):
        summary.add_column(column, justify="right")
    summary.add_row(f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}", f"{report.empty_share:.1%}",
                    f"{report.pages_per_second:.1f}", f"{report.wall_pages_per_second:.1f}")
    console.print(summary)
    if worst:
        table = Table(title=f"{worst} worst pages")
        table.add_column("page", overflow="fold")
        for column in ("F1", "precision", "recall", "chars out", "status", "ms"):
            table.add_column(column, justify="left" if column == "status" else "right")
        for page in report.worst(worst):
            table.add_row(page.url or page.id, f"{page.score.f1:.3f}", f"{page.score.precision:.3f}", f"{page.score.recall:.3f}",
                          str(page.output_chars), page.status, f"{page.seconds * 1000:.0f}")
        console.print(table)
