"""Run a definition end to end on the chosen engine, then write stats, card and manifest.

Why it exists: both engines end the same way. Whatever moved the records, the published folder
gets ``stats/stats.json``, ``README.md`` (the card) and ``manifest.json`` from the same code,
measured from the written shards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lingoloom.pipelines.card import render_card, write_card
from lingoloom.pipelines.card_details import card_extras
from lingoloom.pipelines.graph import STAGE_ORDER
from lingoloom.pipelines.manifest import build_manifest, write_manifest
from lingoloom.pipelines.report import LanguageFigures, language_figures
from lingoloom.pipelines.stats import RunStats, write_stats
from lingoloom.schemas.config import RunConfig


@dataclass
class RunOutcome:
    """A finished run: where it is and what it holds."""

    out_dir: Path
    stats: RunStats
    figures: list[LanguageFigures]
    manifest_path: Path
    card_path: Path
    seconds: float


def models_used(config: RunConfig) -> list[dict]:
    """Model files the run used, with checksums and licences (for the manifest and the card)."""
    from lingoloom.langid.step import LanguageId

    return LanguageId(config.langid, packs_dir=config.quality.packs_dir).models_info()


def finalize(config: RunConfig, out_dir: Path, stats: RunStats, engine: str, workers: int,
             started: float, finished: float, config_sha256: str) -> RunOutcome:
    """Write stats, card and manifest for a folder whose shards are written."""
    write_stats(stats, out_dir / "stats" / "stats.json")
    figures = language_figures(out_dir)
    models = models_used(config)
    extras = card_extras(config, out_dir, stats, models, STAGE_ORDER, config_sha256)
    card_path = write_card(out_dir, render_card(config, figures, stats, models, STAGE_ORDER, extras))
    manifest = build_manifest(config, out_dir, engine, workers, started, finished, stats, figures, models, config_sha256)
    manifest_path = write_manifest(out_dir, manifest)
    return RunOutcome(out_dir, stats, figures, manifest_path, card_path, finished - started)


def execute(config: RunConfig, out_dir: Path, engine: str | None = None, workers: int | None = None,
            fresh: bool = False, progress: Callable[[str, int, int], None] | None = None,
            runner: str | None = None, pipeline_args: list[str] | None = None) -> RunOutcome:
    """Run ``config`` into ``out_dir`` with the local or the Beam engine."""
    from lingoloom.pipelines.engines.local import LocalEngine, config_fingerprint

    engine = engine or config.engine.name
    workers = workers or config.engine.workers
    started = time.time()
    if engine == "local":
        result = LocalEngine(config, out_dir, workers=workers, progress=progress, fresh=fresh).run()
        stats = result.stats
    elif engine == "beam":
        from lingoloom.pipelines.engines.beam import run_beam

        stats = run_beam(config, out_dir, runner=runner or config.engine.runner, workers=workers,
                         pipeline_args=list(pipeline_args or config.engine.pipeline_options))
    else:
        raise ValueError(f"unknown engine {engine!r}; choose 'local' or 'beam'")
    return finalize(config, out_dir, stats, engine, workers, started, time.time(), config_fingerprint(config))
