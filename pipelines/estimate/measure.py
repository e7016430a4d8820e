"""Measure one run of a definition: CPU seconds, wall seconds and peak memory per phase, bytes per stage.

Why it exists: the projection needs what a run really costs on this machine, and a clean count
needs a clean process: ``getrusage`` high-water marks and children's CPU time belong to a whole
process, so each measured run is a fresh ``python -m`` subprocess. Phases are timed from the
engine's own progress callback (the first report of a phase opens it, the last closes it, after
its worker pool has been reaped), so the engine needs no hook of its own. Bytes per stage are the
sizes of the work folders each phase writes and of the published shards.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from lingoloom.schemas.config import RunConfig, load_run_config

#: Work folders of the local engine and the stage whose output each holds.
WORK_STAGES = {
    "records": "process", "records_langid": "langid_threshold", "records_exact": "exact_apply",
    "decisions": "dedup_decisions", "minhash": "minhash", "buckets": "scatter",
}


@dataclass
class PhaseCost:
    """One phase: wall seconds, CPU seconds (this process and its reaped workers)."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass
class Measurement:
    """What one run on ``records`` input records cost."""

    records: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    documents_out: int
    phases: dict[str, PhaseCost] = field(default_factory=dict)
    stage_bytes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "Measurement":
        """Inverse of :func:`dataclasses.asdict`."""
        phases = {name: PhaseCost(**cost) for name, cost in data.get("phases", {}).items()}
        return cls(**{**data, "phases": phases})


def _usage() -> tuple[float, float]:
    """CPU seconds used so far by this process and its reaped children, and the peak RSS in MB."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return cpu, max(own.ru_maxrss, children.ru_maxrss) / 1024  # Linux reports KiB


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path`` (0 when it does not exist)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def stage_bytes(out_dir: Path) -> dict[str, int]:
    """Bytes each stage left in the work folder, and the published shards (``published``)."""
    sizes = {stage: folder_bytes(out_dir / "work" / folder) for folder, stage in WORK_STAGES.items()}
    sizes = {stage: size for stage, size in sizes.items() if size}
    sizes["published"] = folder_bytes(out_dir / "data")
    return sizes


def run_measured(config: RunConfig, out_dir: Path, workers: int, records: int) -> Measurement:
    """Run ``config`` with the local engine in this process and measure it (call in a fresh process)."""
    from lingoloom.pipelines.console import quiet_library_logs
    from lingoloom.pipelines.run import execute

    quiet_library_logs()
    phases: dict[str, PhaseCost] = {}
    opened: dict[str, tuple[float, float]] = {}

    def on_progress(phase: str, done: int, total: int) -> None:
        now, (cpu, _) = time.perf_counter(), _usage()
        start = opened.setdefault(phase, (now, cpu))
        phases[phase] = PhaseCost(now - start[0], cpu - start[1])

    started, (cpu_start, _) = time.perf_counter(), _usage()
    outcome = execute(config, out_dir, engine="local", workers=workers, fresh=True, progress=on_progress)
    cpu_end, peak = _usage()
    return Measurement(records=records, wall_seconds=time.perf_counter() - started, cpu_seconds=cpu_end - cpu_start,
                       peak_rss_mb=peak, documents_out=sum(f.documents for f in outcome.figures),
                       phases=phases, stage_bytes=stage_bytes(Path(out_dir)))


def measure(config: RunConfig, out_dir: Path, workers: int, records: int) -> Measurement:
    """:func:`run_measured` in a fresh Python process (clean CPU and memory counters)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path, result_path = out_dir.parent / f"{out_dir.name}.yaml", out_dir.parent / f"{out_dir.name}.json"
    config_path.write_text(yaml.safe_dump(config.model_dump(mode="json"), allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "lingoloom.pipelines.estimate.measure", str(config_path), str(out_dir),
               str(workers), str(records), str(result_path)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "LOGURU_LEVEL": "WARNING"})
    if done.returncode != 0:
        raise RuntimeError(f"the measured sample run failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return Measurement.from_dict(json.loads(result_path.read_text(encoding="utf-8")))


def main(argv: list[str]) -> None:
    """``python -m lingoloom.pipelines.estimate.measure CONFIG OUT WORKERS RECORDS RESULT``."""
    config_path, out_dir, workers, records, result_path = argv
    measurement = run_measured(load_run_config(config_path), Path(out_dir), int(workers), int(records))
    Path(result_path).write_text(json.dumps(asdict(measurement), indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
