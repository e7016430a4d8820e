"""Project measured sample costs to a whole input, per engine: core-hours, wall time, storage, money.

Why it exists: a sample run mixes three costs: one per run (interpreter start, resolving models,
the card and its plots), one per read task (worker pools, models loaded by each task) and one per
record; scaling the total linearly overstates small samples tenfold. The per-run cost is what a
run spends outside its phases (the smallest of the sample runs: the first may pay one-off caches
such as compiled kernels), and two sample sizes separate the other two (:func:`fit` on the sum of
the phases). The projection pays the per-run cost once, the per-task cost once per read task
(input file) and the per-record cost for every record. Core-hours are engine-independent
(the same code does the same work); wall time divides the per-record work over the cores that
have files to read; money applies the prices of :class:`Prices`, whose defaults and their source
are stated here and in the table, and which the user overrides.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from lingoloom.pipelines.estimate.measure import Measurement
from lingoloom.pipelines.estimate.sample import Census

#: Where the default prices come from (list prices, on demand, us-central1).
PRICE_SOURCE = (
    "Google Cloud list prices, us-central1, on demand, as published in 2024 (not re-checked from this offline "
    "machine): Dataflow batch worker vCPU and memory (cloud.google.com/dataflow/pricing); Compute Engine N2 vCPU "
    "and memory for self-run Slurm or Ray nodes (cloud.google.com/compute/vm-instance-pricing); Cloud Storage "
    "Standard (cloud.google.com/storage/pricing). Pass --price-* for yours."
)
#: A Common Crawl main dump, the scale the projection is asked for (see BENCHMARKS.md).
DUMP_FILES = 90_000
DUMP_BYTES = 100 * 10**12
ENGINES = ("local", "slurm", "ray", "dataflow")


@dataclass(frozen=True)
class Prices:
    """USD prices: per vCPU-hour and GB-hour of memory on each kind of machine, per GB-month stored."""

    dataflow_vcpu_hour: float = 0.056
    dataflow_gb_hour: float = 0.003557
    vm_vcpu_hour: float = 0.031611
    vm_gb_hour: float = 0.004237
    storage_gb_month: float = 0.020

    def core_hour(self, engine: str, memory_gb_per_core: float) -> float:
        """Price of one core-hour with its memory on ``engine`` (the local machine is priced as a VM)."""
        if engine == "dataflow":
            return self.dataflow_vcpu_hour + memory_gb_per_core * self.dataflow_gb_hour
        return self.vm_vcpu_hour + memory_gb_per_core * self.vm_gb_hour


@dataclass(frozen=True)
class Linear:
    """``fixed`` per read task plus ``per_record`` for every record."""

    fixed: float
    per_record: float

    def at(self, records: float, tasks: float = 1) -> float:
        """The cost of ``records`` records read by ``tasks`` tasks."""
        return self.fixed * tasks + self.per_record * records


def fit(small: float, small_records: int, large: float, large_records: int) -> Linear:
    """The line through two measurements; when noise would make either part negative (a small run
    slower than a large one), the cost is taken as proportional to the records of the large run."""
    proportional = Linear(0.0, large / max(1, large_records))
    if large_records == small_records:
        return proportional
    per_record = (large - small) / (large_records - small_records)
    fixed = large - per_record * large_records
    if per_record <= 0 or fixed < 0:
        return proportional
    return Linear(fixed, per_record)


@dataclass(frozen=True)
class Target:
    """What to project to: read tasks (files), records and compressed input bytes."""

    name: str
    files: int
    records: int
    bytes: int


@dataclass(frozen=True)
class CostModel:
    """Fitted costs of the sample runs and what the sample looked like."""

    cpu: Linear
    wall: Linear
    run_cpu_seconds: float
    run_wall_seconds: float
    stage_bytes: dict[str, Linear]
    peak_rss_mb: float
    sample_files: int
    sample_workers: int
    input_bytes_per_record: float

    @classmethod
    def from_runs(cls, small: Measurement, large: Measurement, sample_files: int, workers: int,
                  input_bytes_per_record: float) -> "CostModel":
        """Fit the two measured runs."""
        stages = sorted(set(small.stage_bytes) | set(large.stage_bytes))
        cpu = [sum(p.cpu_seconds for p in m.phases.values()) for m in (small, large)]
        wall = [sum(p.wall_seconds for p in m.phases.values()) for m in (small, large)]
        return cls(
            cpu=fit(cpu[0], small.records, cpu[1], large.records),
            wall=fit(wall[0], small.records, wall[1], large.records),
            run_cpu_seconds=max(0.0, min(small.cpu_seconds - cpu[0], large.cpu_seconds - cpu[1])),
            run_wall_seconds=max(0.0, min(small.wall_seconds - wall[0], large.wall_seconds - wall[1])),
            stage_bytes={s: Linear(0.0, large.stage_bytes.get(s, 0) / large.records) for s in stages},
            peak_rss_mb=max(small.peak_rss_mb, large.peak_rss_mb),
            sample_files=sample_files, sample_workers=workers, input_bytes_per_record=input_bytes_per_record,
        )


def targets(census: Census, model: CostModel, dump_files: int = DUMP_FILES, dump_bytes: int = DUMP_BYTES) -> list[Target]:
    """The definition's own input and a Common Crawl dump of the same kind of records: its records are
    its bytes over the input's file bytes per document record (request and metadata records included)."""
    dump_records = round(dump_bytes / max(1.0, model.input_bytes_per_record))
    return [Target("inputs", census.files, census.records, census.bytes),
            Target("dump", dump_files, dump_records, dump_bytes)]


def project(model: CostModel, target: Target, engine: str, cores: int, memory_gb_per_core: float,
            prices: Prices) -> dict:
    """One row of the projection: ``target`` on ``engine`` with ``cores`` cores."""
    tasks = max(1.0, target.files / model.sample_files)
    cpu_seconds = model.run_cpu_seconds + model.cpu.at(target.records, tasks)
    measured_parallel = max(1, min(model.sample_workers, model.sample_files))
    parallel = max(1, min(cores, target.files))
    wall_seconds = model.run_wall_seconds + model.wall.fixed * max(1.0, tasks / parallel) + (
        model.wall.per_record * target.records * measured_parallel / parallel)
    stage_bytes = {stage: line.at(target.records, 0) for stage, line in model.stage_bytes.items()}
    published = stage_bytes.get("published", 0.0)
    intermediate = sum(size for stage, size in stage_bytes.items() if stage != "published")
    core_hours = cpu_seconds / 3600
    return {
        "target": target.name, "engine": engine, "cores": cores, "files": target.files, "records": target.records,
        "input_bytes": target.bytes, "cpu_seconds": cpu_seconds, "core_hours": core_hours,
        "wall_hours": wall_seconds / 3600, "peak_rss_mb_per_process": model.peak_rss_mb,
        "memory_fits": model.peak_rss_mb <= memory_gb_per_core * 1024,
        "intermediate_bytes": intermediate, "published_bytes": published, "stage_bytes": stage_bytes,
        "compute_usd": core_hours * prices.core_hour(engine, memory_gb_per_core),
        "storage_usd_per_month": (intermediate + published) / 1e9 * prices.storage_gb_month,
    }


def prices_json(prices: Prices) -> dict:
    """The prices used and their source, for the JSON report."""
    return {**asdict(prices), "source": PRICE_SOURCE}
