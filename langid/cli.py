"""``lingoloom eval langid``: measure language identification on labelled text.

Why it exists: a user choosing a model (lid.176, GlotLID, a custom one) or the ensemble needs the
figures on their own data, with one command. Registered as ``lingoloom eval langid``
in :mod:`lingoloom.pipelines.cli`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def langid_command(
    data: Optional[Path] = typer.Option(None, "--data", help="TSV file: label<TAB>text per line (label in any code form)."),
    udhr: Optional[Path] = typer.Option(
        None, "--udhr", help="Instead of --data: the UDHR folder (holding udhr_index.tsv), converted on the fly."
    ),
    write_tsv: Optional[Path] = typer.Option(None, "--write-tsv", help="With --udhr: also write the converted TSV here."),
    model: str = typer.Option("lid176", "--model", help="lid176 | glotlid-v3 | openlid-v2 | path of a fastText model."),
    model_path: Optional[str] = typer.Option(None, "--model-path", help="Local file of a named model."),
    ensemble: str = typer.Option("auto", "--ensemble", help="auto | on | off (second opinion from heliport)."),
    raw: bool = typer.Option(False, "--raw", help="Raw fastText predict on the unprepared line (the baseline)."),
    max_lines: int = typer.Option(0, "--max-lines", help="Evaluate at most this many lines (0 = all)."),
    confused: int = typer.Option(10, "--confused", help="How many confused pairs to show."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the full report as JSON here."),
) -> None:
    """Accuracy, macro-F1, per-language P/R/F1 and false-positive rate, confused pairs, throughput."""
    from rich.console import Console
    from rich.table import Table

    from lingoloom.langid.evaluate import evaluate, read_tsv
    from lingoloom.langid.fasttext_backend import FastTextIdentifier
    from lingoloom.langid.labeller import Labeller
    from lingoloom.langid.udhr import udhr_pairs, write_udhr_tsv
    from lingoloom.schemas.langid import LangIdSettings

    console = Console()
    if (data is None) == (udhr is None):
        raise typer.BadParameter("give exactly one of --data FILE.tsv or --udhr FOLDER")
    skipped = 0
    if data is not None:
        if not data.is_file():
            raise typer.BadParameter(f"{data} does not exist")
        pairs, skipped = read_tsv(data)
    else:
        pairs = list(udhr_pairs(udhr))
        if write_tsv is not None:
            write_udhr_tsv(udhr, write_tsv)
    if max_lines:
        pairs = pairs[:max_lines]
    if not pairs:
        raise typer.BadParameter("no labelled lines to evaluate")
    settings = LangIdSettings(model=model, model_path=model_path, ensemble=ensemble if not raw else "off")
    if raw:
        identifier = FastTextIdentifier(model, model_path)
        predict = lambda texts: identifier.predict(texts, 1).best()[0]  # noqa: E731
        models = [identifier.info()]
    else:
        labeller = Labeller(settings)
        predict = lambda texts: labeller.label(texts).languages  # noqa: E731
        models = labeller.models_info()
    report = evaluate(pairs, predict)
    report.skipped_labels = skipped
    report.models = models

    console.print(
        f"[bold]{report.n}[/] lines, {len(report.per_language)} languages, models: "
        + ", ".join(f"{m['name']} ({m['licence']})" for m in models)
    )
    console.print(
        f"accuracy [bold]{report.accuracy:.4f}[/]  macro-F1 [bold]{report.macro_f1:.4f}[/]  "
        f"throughput {report.lines_per_second:,.0f} lines/s"
        + (f"  ({skipped} lines with unknown labels skipped)" if skipped else "")
    )
    table = Table("language", "precision", "recall", "F1", "FPR", "support", title="Per language (worst F1 first)")
    for label, s in sorted(report.per_language.items(), key=lambda item: item[1].f1)[:40]:
        table.add_row(label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{s.false_positive_rate:.5f}", str(s.support))
    console.print(table)
    pairs_table = Table("gold", "predicted", "count", title="Most confused pairs")
    for gold, predicted, count in report.confused[:confused]:
        pairs_table.add_row(gold, predicted, str(count))
    console.print(pairs_table)
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
