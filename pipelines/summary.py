"""The readable end-of-run summary: documents in and out of each stage, and per language.

Why it exists: a data engineer should see at a glance what a run did (where documents went,
which languages survived) without opening JSON files.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from lingoloom.pipelines.graph import STAGE_ORDER
from lingoloom.pipelines.report import LanguageFigures
from lingoloom.pipelines.stats import RunStats, kept_by_language, stage_rows

#: Stages shown as columns of the per-language table (after language ID, languages are known).
LANGUAGE_STAGES = ("langid", "quality", "exact_dedup", "minhash", "write")


def stage_table(stats: RunStats) -> Table:
    """One row per stage: in, kept, dropped and the main reasons."""
    table = Table(title="Documents through the stages", show_lines=False)
    for column, justify in (("stage", "left"), ("in", "right"), ("kept", "right"), ("dropped", "right"),
                            ("main drop reasons", "left")):
        table.add_column(column, justify=justify)
    for stage, seen, kept, dropped, reasons in stage_rows(stats, STAGE_ORDER):
        table.add_row(stage, f"{seen:,}", f"{kept:,}", f"{dropped:,}",
                      ", ".join(f"{reason} {n}" for reason, n in reasons))
    return table


def language_table(stats: RunStats, figures: list[LanguageFigures]) -> Table:
    """One row per language: documents kept after each stage and the characters written."""
    stages = [s for s in LANGUAGE_STAGES if s in stats]
    kept = {stage: kept_by_language(stats[stage]) for stage in stages}
    languages = sorted({lang for per_stage in kept.values() for lang in per_stage if lang != "und"})
    written = {f.language: f for f in figures}
    table = Table(title="Documents kept per language after each stage")
    table.add_column("language")
    for stage in stages:
        table.add_column(stage, justify="right")
    table.add_column("characters", justify="right")
    languages.sort(key=lambda lang: (-(written[lang].documents if lang in written else 0), lang))
    for language in languages:
        row = [language] + [f"{kept[stage].get(language, 0):,}" for stage in stages]
        row.append(f"{written[language].characters:,}" if language in written else "0")
        table.add_row(*row)
    return table


def print_summary(stats: RunStats, figures: list[LanguageFigures], out_dir: str, seconds: float,
                  console: Console | None = None) -> None:
    """Print both tables and where the output is."""
    console = console or Console()
    console.print(stage_table(stats))
    console.print(language_table(stats, figures))
    if "quality" in stats:
        from lingoloom.filters.fairness import fairness_flags

        for flag in fairness_flags(stats["quality"]):
            console.print(f"[yellow]fairness:[/yellow] {flag.message()}")
    documents = sum(f.documents for f in figures)
    console.print(f"[bold]{documents:,} documents in {len(figures)} languages[/bold] written to {out_dir} "
                  f"in {seconds:.1f} s (card: {out_dir}/README.md)")
