"""`lingoloom eval dedup`: precision/recall/F1 of MinHash near-duplicate detection on labelled pairs.

Why it exists: users tune the threshold (or bands x rows) on their own data; this command scores
the exact rule the pipeline applies, and can also write a labelled pair file generated from
their own texts (edits at controlled Jaccard similarity) to score against.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def dedup_command(
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False, help='JSONL of {"a": text, "b": text, "duplicate": true|false}.'),
    threshold: float = typer.Option(None, help="Jaccard threshold (bands/rows from datasketch's optimiser); default FineWeb's 14x8."),
    bands: int = typer.Option(14, help="LSH bands (ignored with --threshold)."),
    rows: int = typer.Option(8, help="Rows per band (ignored with --threshold)."),
    ngram: int = typer.Option(5, help="Word n-gram size (character n-grams use the same size)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score MinHash near-duplicate detection: a pair is predicted duplicate when it shares an LSH band."""
    from rich.console import Console
    from rich.table import Table

    from lingoloom.filters.minhash.evaluate import evaluate, read_pairs
    from lingoloom.schemas.minhash import MinHashSettings

    try:
        pairs = read_pairs(data)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--data") from None
    settings = MinHashSettings(threshold=threshold, bands=bands, rows=rows, word_ngram=ngram, char_ngram=ngram)
    result = evaluate(pairs, settings)
    result["bands"], result["rows"] = settings.lsh_params()
    if as_json:
        typer.echo(json.dumps(result, indent=1))
        return
    table = Table(title=f"MinHash dedup on {data.name} ({result['bands']} bands x {result['rows']} rows)")
    for column in ("pairs", "precision", "recall", "f1", "tp", "fp", "fn"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{result[c]:.4f}" if isinstance(result[c], float) else str(result[c]) for c in ("pairs", "precision", "recall", "f1", "tp", "fp", "fn")))
    Console().print(table)
    for span, share in result.get("linked_by_jaccard", {}).items():
        typer.echo(f"linked at Jaccard {span}: {share:.3f}")
