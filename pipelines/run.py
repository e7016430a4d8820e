"""Run a definition end to end on the chosen engine, then write stats, card and manifest.

Why it exists: both engines end the same way. Whatever moved the records, the published folder
gets ``stats/stats.json``, ``README.md`` (the card, with its plots) and ``manifest.json`` from the
same code. Each engine leaves small JSON reports under ``stats/`` next to its shards:
``shards.json`` (rows, bytes, SHA-256, characters, cluster sizes and scores of every published
Parquet file, measured by whoever wrote it), ``balance.json`` with balance on, and any report a
stage adds. :func:`finalize` reads only those (all of them are published), never the corpus, and
writes through :class:`~lingoloom.pipelines.storage.OutputFolder`, so a Beam run into ``gs://``
ends with the same folder as a local run.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lingoloom.langid.calibrated import thresholds_reported
from lingoloom.pipelines.card import render_card
from lingoloom.pipelines.card_details import card_extras
from lingoloom.pipelines.graph import STAGE_ORDER
from lingoloom.pipelines.manifest import build_manifest, manifest_json
from lingoloom.pipelines.report import (
    SHARDS_JSON,
    LanguageFigures,
    figures_of,
    manifest_files,
    measure_output,
    read_shard_entries,
    shards_json,
)
from lingoloom.pipelines.stats import RunStats, stats_json
from lingoloom.pipelines.storage import OutputFolder, is_remote, output_uri, write_bytes
from lingoloom.schemas.config import RunConfig

STATS_JSON = "stats/stats.json"
CARD = "README.md"
MANIFEST = "manifest.json"


@dataclass
class RunOutcome:
    """A finished run: where it is and what it holds (paths are ``Path``s locally, URIs on a remote filesystem)."""

    out_dir: Path | str
    stats: RunStats
    figures: list[LanguageFigures]
    manifest_path: Path | str
    card_path: Path | str
    seconds: float


def models_used(config: RunConfig) -> list[dict]:
    """Model files the run used, with checksums and licences (for the manifest and the card)."""
    from lingoloom.langid.step import LanguageId

    return LanguageId(config.langid, packs_dir=config.quality.packs_dir).models_info()


def balance_and_measure_local(config: RunConfig, out_dir: Path) -> None:
    """The local engine's last steps, on the machine that holds its shards: the balance stage
    (``stats/balance.json`` and, if asked, the ``mix`` config) and ``stats/shards.json``."""
    from lingoloom.filters.balance.local import BALANCE_REPORT, MIX_DIR, run_balance_local

    if (out_dir / MIX_DIR).is_dir():
        shutil.rmtree(out_dir / MIX_DIR)  # an earlier run's mix; this run writes its own if asked
    (out_dir / BALANCE_REPORT).unlink(missing_ok=True)
    shards = sorted(out_dir.glob("data/*/*.parquet"))
    if config.balance.enabled and shards:
        run_balance_local(shards, config.balance, out_dir)
    write_bytes(out_dir / SHARDS_JSON, shards_json(measure_output(out_dir)))


def finalize(config: RunConfig, out_dir: str | Path, stats: RunStats, engine: str, workers: int,
             started: float, finished: float, config_sha256: str, models: list[dict]) -> RunOutcome:
    """Write stats, card (with plots) and manifest into a folder (local or remote) whose engine has
    written the shards and its reports (``stats/shards.json``, with balance on ``stats/balance.json`` ...).
    ``models`` are the run's language-ID models (:func:`models_used`, resolved when the run started)."""
    folder = OutputFolder(out_dir)
    for report in folder.glob("stats/*.json"):
        folder.read(report)  # the engine's reports are published as they are
    folder.write(STATS_JSON, stats_json(stats))
    entries = read_shard_entries(folder)
    figures = figures_of(entries)
    extras = card_extras(config, folder, entries, stats, models, STAGE_ORDER, config_sha256)
    folder.write(CARD, render_card(config, figures, stats, models, STAGE_ORDER, extras).encode("utf-8"))
    files = manifest_files(entries, folder)
    manifest = build_manifest(config, files, engine, workers, started, finished, stats, figures, models, config_sha256,
                              thresholds_reported(folder))
    folder.write(MANIFEST, manifest_json(manifest))
    remote = is_remote(folder.root)

    def located(uri: str) -> Path | str:
        return uri if remote else Path(uri)

    return RunOutcome(located(folder.root), stats, figures, located(folder.uri(MANIFEST)), located(folder.uri(CARD)),
                      finished - started)


def execute(config: RunConfig, out_dir: str | Path, engine: str | None = None, workers: int | None = None,
            fresh: bool = False, progress: Callable[[str, int, int], None] | None = None,
            runner: str | None = None, pipeline_args: list[str] | None = None) -> RunOutcome:
    """Run ``config`` into ``out_dir`` (the Beam engine also takes ``gs://``-style URIs) with the local or the Beam engine."""
    from lingoloom.pipelines.engines.local import LocalEngine, config_fingerprint

    engine = engine or config.engine.name
    workers = workers or config.engine.workers
    out = output_uri(out_dir)
    started = time.time()
    models = models_used(config)  # a language-ID model neither local nor downloadable fails here, before any work
    if engine == "local":
        if is_remote(out):
            raise ValueError(f"the local engine writes to a local folder, not {out}; use --engine beam for remote outputs")
        result = LocalEngine(config, Path(out), workers=workers, progress=progress, fresh=fresh).run()
        stats = result.stats
        balance_and_measure_local(config, Path(out))
    elif engine == "beam":
        from lingoloom.pipelines.engines.beam import run_beam

        stats = run_beam(config, out, runner=runner or config.engine.runner, workers=workers,
                         pipeline_args=list(pipeline_args or config.engine.pipeline_options))
    else:
        raise ValueError(f"unknown engine {engine!r}; choose 'local' or 'beam'")
    return finalize(config, out, stats, engine, workers, started, time.time(), config_fingerprint(config), models)
