"""`lingoloom estimate CONFIG --sample N`: the projection as a table and as JSON.

Why it exists: the command line only parses options and prints; the work is in :mod:`.runner`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from lingoloom.pipelines.estimate.project import DUMP_BYTES, DUMP_FILES, PRICE_SOURCE, Prices


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"


def _hours(hours: float) -> str:
    if hours >= 1:
        return f"{hours:,.2f} h"
    return f"{hours * 60:,.1f} min" if hours * 60 >= 1 else f"{hours * 3600:,.1f} s"


def projection_table(projections: list[dict]) -> Table:
    """One row per target and engine."""
    table = Table(title="Projected cost (core-hours are the same work on every engine)")
    for column in ("target", "engine", "cores", "records", "core-h", "wall", "work", "out", "USD", "USD/mo"):
        table.add_column(column, justify="left" if column in ("target", "engine") else "right")
    for row in projections:
        table.add_row(row["target"], row["engine"], f"{row['cores']:,}", f"{row['records']:,}",
                      f"{row['core_hours']:,.3g}", _hours(row["wall_hours"]), _size(row["intermediate_bytes"]),
                      _size(row["published_bytes"]), f"{row['compute_usd']:,.2f}",
                      f"{row['storage_usd_per_month']:,.2f}")
    return table


def memory_line(projections: list[dict], memory_gb_per_core: float) -> str:
    """Peak memory of one process against the memory each core gets."""
    peak = max(row["peak_rss_mb_per_process"] for row in projections)
    verdict = "fits" if peak <= memory_gb_per_core * 1024 else "does NOT fit"
    return f"Peak RSS of one process: {peak:,.0f} MB ({verdict} in {memory_gb_per_core:g} GB per core)"


def measured_table(measurements: list) -> Table:
    """CPU and wall seconds per phase of each sample run."""
    table = Table(title="Measured sample runs (local engine)")
    table.add_column("phase")
    for m in measurements:
        table.add_column(f"{m.records} records: wall s", justify="right")
        table.add_column("CPU s", justify="right")
    phases = list(dict.fromkeys(p for m in measurements for p in m.phases))
    for phase in [*phases, "total"]:
        cells = []
        for m in measurements:
            cost = m.phases.get(phase)
            wall, cpu = (m.wall_seconds, m.cpu_seconds) if phase == "total" else (
                (cost.wall_seconds, cost.cpu_seconds) if cost else (0.0, 0.0))
            cells += [f"{wall:.2f}", f"{cpu:.2f}"]
        table.add_row(phase, *cells)
    return table


def estimate_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run definition, e.g. runs/<name>.yaml."),
    sample: int = typer.Option(100, "--sample", "-n", min=1, help="WARC records to measure (spread over the inputs)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Local workers (default: engine.workers)."),
    cores: int = typer.Option(1000, "--cores", min=1, help="Cores of the Slurm/Ray/Dataflow cluster projected."),
    memory_gb_per_core: float = typer.Option(4.0, "--memory-gb-per-core", min=0.1, help="Memory per core priced."),
    dump_files: int = typer.Option(DUMP_FILES, "--dump-files", min=1, help="WARC files of the dump projected."),
    dump_bytes: float = typer.Option(DUMP_BYTES, "--dump-bytes", min=1, help="Compressed bytes of the dump projected."),
    price_dataflow_vcpu_hour: float = typer.Option(Prices.dataflow_vcpu_hour, help="USD per Dataflow vCPU-hour."),
    price_dataflow_gb_hour: float = typer.Option(Prices.dataflow_gb_hour, help="USD per Dataflow GB-hour."),
    price_vm_vcpu_hour: float = typer.Option(Prices.vm_vcpu_hour, help="USD per VM vCPU-hour (local, Slurm, Ray)."),
    price_vm_gb_hour: float = typer.Option(Prices.vm_gb_hour, help="USD per VM GB-hour (local, Slurm, Ray)."),
    price_storage_gb_month: float = typer.Option(Prices.storage_gb_month, help="USD per GB-month stored."),
    work: Optional[Path] = typer.Option(None, "--work", help="Folder for the samples and runs (default: runs/<name>-estimate)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the report here (default: <work>/estimate.json)."),
) -> None:
    """Measure a definition on a sample of its WARC records and project the whole input and a Common Crawl dump."""
    from lingoloom.pipelines.console import config_or_exit
    from lingoloom.pipelines.estimate.runner import estimate

    run_config = config_or_exit(config)
    work = work or Path("runs") / f"{run_config.name}-estimate"
    prices = Prices(price_dataflow_vcpu_hour, price_dataflow_gb_hour, price_vm_vcpu_hour, price_vm_gb_hour,
                    price_storage_gb_month)
    try:
        result = estimate(run_config, work, sample, workers, cores, memory_gb_per_core, prices, dump_files,
                          int(dump_bytes))
    except ValueError as err:
        typer.secho(f"{config}: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    console = Console()
    console.print(measured_table(result.measurements))
    console.print(projection_table(result.projections))
    console.print(memory_line(result.projections, memory_gb_per_core))
    console.print(f"Prices: {PRICE_SOURCE}")
    path = json_out or work / "estimate.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_json(), indent=2), encoding="utf-8")
    console.print(f"Report: {path}")
