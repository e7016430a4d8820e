"""Estimate a definition: sample its inputs, measure two sample runs, fit and project.

Why it exists: the command line and the tests need the same sequence, and the sequence is the
only place that knows the three parts (:mod:`.sample`, :mod:`.measure`, :mod:`.project`) and how
they meet: the sample runs read the sampled WARC files with every other setting of the
definition unchanged, into folders of their own, on the local engine. A first, discarded run of
a few records warms what the first run on a machine pays once (the page cache of models and
libraries, compiled kernels); measured without it, the smaller run looks dearer per record than
it is and the projection of a large input comes out about 35% low (pages-1381, BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from lingoloom.pipelines.estimate.measure import Measurement, measure
from lingoloom.pipelines.estimate.project import (
    DUMP_BYTES, DUMP_FILES, ENGINES, CostModel, Prices, prices_json, project, targets,
)
from lingoloom.pipelines.estimate.sample import Census, Sample, sample_records
from lingoloom.pipelines.sources.acquire import resolve_inputs
from lingoloom.schemas.config import RunConfig, WarcInput

#: The smaller of the two sample runs reads this share of the sample (at least MIN_SMALL records).
SMALL_SHARE = 5
MIN_SMALL = 5


@dataclass
class Estimate:
    """Everything the estimate measured and projected."""

    census: Census
    samples: list[Sample]
    measurements: list[Measurement]
    model: CostModel
    projections: list[dict]
    prices: Prices

    def as_json(self) -> dict:
        """The JSON report."""
        return {"census": asdict(self.census), "samples": [asdict(s) for s in self.samples],
                "measurements": [asdict(m) for m in self.measurements], "model": asdict(self.model),
                "projections": self.projections, "prices": prices_json(self.prices)}


def input_files(config: RunConfig, work_dir: Path) -> list[str]:
    """The WARC files of the definition (crawl inputs are crawled first), in the engine's order."""
    files = resolve_inputs(config, work_dir / "inputs").files
    unsupported = sorted({f.kind for f in files if f.kind not in ("warc", "commoncrawl")})
    if unsupported:
        raise ValueError(f"estimate samples WARC records; inputs of type {', '.join(unsupported)} are not supported")
    return [f.path for f in files]


def sample_config(config: RunConfig, sample: Sample) -> RunConfig:
    """``config`` reading ``sample`` instead of its inputs (every other setting unchanged)."""
    source = next((spec.source for spec in config.inputs if getattr(spec, "source", None)), "warc")
    return config.model_copy(update={"inputs": [WarcInput(paths=sample.paths, source=source)],
                                     "output": config.output.model_copy(update={"dir": None})})


def estimate(config: RunConfig, work_dir: Path, sample: int, workers: int | None = None, cores: int = 1000,
             memory_gb_per_core: float = 4.0, prices: Prices = Prices(), dump_files: int = DUMP_FILES,
             dump_bytes: int = DUMP_BYTES) -> Estimate:
    """Measure ``config`` on ``sample`` records (and a fifth of them) and project it to its whole input
    and to a Common Crawl dump, on every engine."""
    work_dir = Path(work_dir)
    workers = workers or config.engine.workers
    files = input_files(config, work_dir)
    small_size = max(MIN_SMALL, sample // SMALL_SHARE)
    warm_up, _ = sample_records(files, min(MIN_SMALL, sample), work_dir / "sample-warm-up")
    measure(sample_config(config, warm_up), work_dir / "run-warm-up", workers, warm_up.records)
    small, _ = sample_records(files, min(small_size, sample), work_dir / "sample-small")
    large, census = sample_records(files, sample, work_dir / "sample-large")
    runs = [measure(sample_config(config, s), work_dir / name, workers, s.records)
            for s, name in ((small, "run-small"), (large, "run-large"))]
    model = CostModel.from_runs(runs[0], runs[1], len(large.paths), workers, census.bytes / max(1, census.records))
    projections = []
    for target in targets(census, model, dump_files, dump_bytes):
        for engine in ENGINES:
            engine_cores = workers if engine == "local" else cores
            projections.append(project(model, target, engine, engine_cores, memory_gb_per_core, prices))
    return Estimate(census, [small, large], runs, model, projections, prices)
