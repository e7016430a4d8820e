"""Per-stage, per-reason, per-language counts: one structure for both engines, the summary and the card.

Why it exists: the design promises that every drop is counted per stage, per reason and per
language. datatrove writes one stats file per task (``<logs>/stats/00000.json``), Beam reports
counters; both are folded here into ``RunStats``: ``{stage: {stat_key: count}}`` with the keys of
:mod:`lingoloom.pipelines.steps` (``in``, ``kept/<lang>``, ``dropped/<reason>/<lang>``).
Per-task files are read rather than datatrove's merged ``stats.json``, which after a resume only
covers the tasks that ran in the last attempt.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT

StageCounts = dict[str, int]
RunStats = dict[str, StageCounts]


def stage_name(block_name: str) -> str:
    """The stage a stats block belongs to: ``"<type>: <name>"`` -> ``<name>``; a RecordStep's name is its stage."""
    return block_name.split(": ", 1)[-1]


def read_datatrove_stats(logging_dir: str | Path) -> RunStats:
    """Sum the per-task stats files of one executor into ``{stage: {key: count}}``."""
    totals: RunStats = defaultdict(lambda: defaultdict(int))
    for path in sorted(Path(logging_dir, "stats").glob("*.json")):
        for block in json.loads(path.read_text()):
            stage = stage_name(block["name"])
            for key, value in block.get("stats", {}).items():
                if isinstance(value, Mapping):
                    totals[stage][key] += int(value.get("total", 0))
                else:
                    totals[stage][key] += int(value)
    return {stage: dict(counts) for stage, counts in totals.items()}


def merge_stats(parts: Iterable[RunStats]) -> RunStats:
    """Add several ``RunStats`` together."""
    totals: RunStats = defaultdict(lambda: defaultdict(int))
    for part in parts:
        for stage, counts in part.items():
            for key, value in counts.items():
                totals[stage][key] += int(value)
    return {stage: dict(counts) for stage, counts in totals.items()}


def kept_by_language(counts: StageCounts) -> dict[str, int]:
    """``{language: kept}`` of one stage."""
    prefix = f"{STAT_KEPT}/"
    return {k[len(prefix):]: v for k, v in counts.items() if k.startswith(prefix)}


def dropped_by_reason(counts: StageCounts) -> dict[str, int]:
    """``{reason: dropped}`` of one stage (all languages together)."""
    prefix = f"{STAT_DROPPED}/"
    return {k[len(prefix):]: v for k, v in counts.items() if k.startswith(prefix) and k.count("/") == 1}


def dropped_by_language(counts: StageCounts) -> dict[str, dict[str, int]]:
    """``{language: {reason: dropped}}`` of one stage."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    prefix = f"{STAT_DROPPED}/"
    for key, value in counts.items():
        if key.startswith(prefix) and key.count("/") >= 2:
            reason, language = key[len(prefix):].rsplit("/", 1)
            table[language][reason] = value
    return dict(table)


def stage_totals(counts: StageCounts) -> tuple[int, int, int]:
    """``(in, kept, dropped)`` of one stage."""
    return counts.get(STAT_IN, 0), counts.get(STAT_KEPT, 0), counts.get(STAT_DROPPED, 0)


def stage_rows(stats: RunStats, stage_order: Iterable[str], top_reasons: int = 3
               ) -> list[tuple[str, int, int, int, list[tuple[str, int]]]]:
    """``(stage, in, kept, dropped, [(reason, n), ...])`` for each stage of ``stage_order`` that has counts.

    The one source of the per-stage table in the run summary and in the dataset card.
    """
    rows = []
    for stage in stage_order:
        counts = stats.get(stage)
        if not counts:
            continue
        seen, kept, dropped = stage_totals(counts)
        reasons = sorted(dropped_by_reason(counts).items(), key=lambda item: -item[1])[:top_reasons]
        rows.append((stage, seen, kept, dropped, reasons))
    return rows


def stats_json(stats: RunStats) -> bytes:
    """``stats/stats.json``: stages and keys sorted, indented."""
    ordered = {stage: dict(sorted(counts.items())) for stage, counts in sorted(stats.items())}
    return (json.dumps(ordered, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
