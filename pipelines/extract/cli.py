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
    part: str = typer.Option("all", "--part", help="all | tune | test: a fixed half of the pages (by SHA-1 of "
                             "their ids), to report settings chosen on one half on the other."),
    compare_raw: bool = typer.Option(False, "--compare-raw", help="Also score plain trafilatura.extract (\"raw\": defaults, "
                                     "favor_precision, favor_recall) on the same bytes; exit 1 unless ours has F1 >= "
                                     "the best of them and no larger an empty-output share than any."),
) -> None:
    """Precision, recall and F1 (Article Extraction Benchmark metric), empty share, pages/s, worst pages."""
    from rich.console import Console
    from rich.table import Table

    from lingoloom.pipelines.extract.backends import make_extractor
    from lingoloom.pipelines.extract.evaluate import RAW_SETTINGS, evaluate, evaluate_raw
    from lingoloom.pipelines.extract.gold import convert_folder, gold_part, read_gold, write_gold

    console = Console()
    try:
        extractor = make_extractor(backend, profile=profile, markdown=markdown)
        if build_from is not None:
            count = write_gold(convert_folder(build_from), data)
            console.print(f"wrote {count} gold pages to {data}")
        pages = gold_part(read_gold(data), part)[:limit]
    except (ValueError, ImportError, OSError) as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if not pages:
        typer.secho(f"error: {data} holds no pages", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    report = evaluate(extractor, pages, time_limit_seconds=time_limit)
    reports = {f"{backend}/{profile}": report}
    if compare_raw:
        for name, settings in RAW_SETTINGS.items():
            reports[f"raw {name}"] = evaluate_raw(settings, pages, time_limit_seconds=time_limit)
    held = "" if part == "all" else f", {part} half"
    summary = Table(title=f"{backend}/{profile} on {data.name} ({len(pages)} pages{held})")
    for column in ("extractor", "precision", "recall", "F1", "empty output", "pages/s (CPU)", "pages/s (wall)"):
        if column == "extractor":
            summary.add_column(column, no_wrap=True)
        else:
            summary.add_column(column, justify="right")
    for name, result in reports.items():
        s = result.scores
        summary.add_row(name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}", f"{result.empty_share:.1%}",
                        f"{result.pages_per_second:.1f}", f"{result.wall_pages_per_second:.1f}")
    console.print(summary)
    if compare_raw:
        peers = [r for name, r in reports.items() if name != f"{backend}/{profile}"]
        best_f1 = max(r.scores.f1 for r in peers)
        least_empty = min(r.empty_share for r in peers)
        ok = report.scores.f1 >= best_f1 and report.empty_share <= least_empty
        console.print(f"{'PASS' if ok else 'FAIL'}: F1 {report.scores.f1:.4f} vs best plain trafilatura {best_f1:.4f}; "
                      f"empty output {report.empty_share:.1%} vs least {least_empty:.1%}")
    if worst:
        table = Table(title=f"{worst} worst pages")
        table.add_column("page", overflow="fold")
        for column in ("F1", "precision", "recall", "chars out", "status", "ms"):
            table.add_column(column, justify="left" if column == "status" else "right")
        for page in report.worst(worst):
            table.add_row(page.url or page.id, f"{page.score.f1:.3f}", f"{page.score.precision:.3f}", f"{page.score.recall:.3f}",
                          str(page.output_chars), page.status, f"{page.seconds * 1000:.0f}")
        console.print(table)
    if compare_raw and not ok:
        raise typer.Exit(1)
