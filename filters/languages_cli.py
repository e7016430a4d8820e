"""``lingoloom languages ...``: list, check and calibrate language packs.

Why it exists: the contributor workflow for adding a language (CONTRIBUTING.md) is three
commands: see what exists, derive a pack from clean text, check it. Heavy imports stay inside
the commands so ``lingoloom --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

languages_app = typer.Typer(help="Language packs: per-language filter thresholds, stopwords and tokenizers.", no_args_is_help=True)


@languages_app.command("list")
def list_command(
    packs_dir: Optional[Path] = typer.Option(None, help="Extra pack directory (overrides built-in packs)."),
) -> None:
    """List every language pack with its tokenizer, language-ID threshold and stopword count."""
    from rich.console import Console
    from rich.table import Table

    from lingoloom.filters.packs import available_packs

    packs = available_packs(packs_dir)
    table = Table(title=f"{len(packs)} language packs")
    for column in ("label", "name", "tokenizer", "langid", "stopwords", "C4 lines"):
        table.add_column(column)
    for label, pack in sorted(packs.items()):
        table.add_row(
            label, pack.name, pack.tokenizer, f"{pack.langid_threshold:.2f}", str(len(pack.stopwords)),
            "on" if pack.c4_line_filters else "off",
        )
    Console().print(table)
    scripts = {label.split("_")[1] for label in packs} - {"Zyyy"}
    typer.echo(f"{len(packs) - 1} language packs + generic default, {len(scripts)} scripts")


@languages_app.command("check")
def check_command(
    pack: Optional[str] = typer.Argument(None, help="A label (tha_Thai) or a path to a pack YAML; default: every pack."),
    packs_dir: Optional[Path] = typer.Option(None, help="Extra pack directory (overrides built-in packs)."),
) -> None:
    """Check packs: schema, tokenizer works offline, thresholds in range, the pack's own sample passes."""
    from lingoloom.filters.pack_check import check_pack
    from lingoloom.filters.packs import pack_files

    files = pack_files(packs_dir)
    if pack is None:
        paths = list(files.values())
    elif Path(pack).is_file():
        paths = [Path(pack)]
    elif pack in files:
        paths = [files[pack]]
    else:
        typer.echo(f"no pack {pack!r}: give a label from `lingoloom languages list` or a path to a .yaml file", err=True)
        raise typer.Exit(2)
    failed = 0
    for path in paths:
        result = check_pack(path)
        status = "ok  " if result.ok else "FAIL"
        typer.echo(f"{status} {result.label:10} tokenizer={result.tokenizer}  ({path})")
        for problem in result.problems:
            typer.echo(f"     - {problem}")
        for note in result.notes:
            typer.echo(f"     . {note}")
        failed += not result.ok
    typer.echo(f"{len(paths) - failed}/{len(paths)} packs pass")
    if failed:
        raise typer.Exit(1)


@languages_app.command("calibrate")
def calibrate_command(
    label: str = typer.Argument(..., help="The language label to calibrate, e.g. tha_Thai."),
    sample: Path = typer.Option(..., exists=True, dir_okay=False, help="Clean reference text: .txt, .jsonl (text field) or .parquet."),
    name: Optional[str] = typer.Option(None, help="English name of the language (for a new pack)."),
    out: Optional[Path] = typer.Option(None, help="Pack file <label>.yaml or a directory (default: ./<label>.yaml)."),
    report: Optional[Path] = typer.Option(None, help="Also write the Markdown report here."),
    lines_per_doc: int = typer.Option(20, help="For .txt samples: non-empty lines per pseudo-document."),
    force: bool = typer.Option(False, help="Overwrite an existing output file."),
) -> None:
    """Derive thresholds and stopwords from clean sample text (quantiles of each signal); write a pack and a report."""
    from lingoloom.filters.calibrate import calibrate, read_sample
    from lingoloom.filters.packs import dump_pack, is_label

    if not is_label(label):
        typer.echo(f"{label!r} is not a label: use <iso639-3>_<Script>, e.g. tha_Thai", err=True)
        raise typer.Exit(2)
    out = out or Path(f"{label}.yaml")
    if out.is_dir():
        out = out / f"{label}.yaml"
    if out.name != f"{label}.yaml":
        typer.echo(f"the pack file must be named {label}.yaml (packs are found by file name): fix --out", err=True)
        raise typer.Exit(2)
    if out.exists() and not force:
        typer.echo(f"{out} exists; pass --force to overwrite or --out to choose another file", err=True)
        raise typer.Exit(2)
    try:
        result = calibrate(label, read_sample(sample, lines_per_doc), name=name)
    except ValueError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2)
    dump_pack(result.pack, out)
    text = result.report()
    if report:
        report.write_text(text, encoding="utf-8")
    typer.echo(text)
    typer.echo(f"wrote {out}; next: add a `sample:` paragraph and run `lingoloom languages check {out}`")
