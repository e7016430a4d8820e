"""Per-task summary files of the local engine: the mergeable aggregates that per-record steps collect.

Why it exists: a global decision that needs a view of every record (a language's calibrated
threshold needs all its scores) should not re-read the corpus. A step that aggregates while it
runs offers ``take_summary()`` (see :func:`lingoloom.pipelines.steps.take_summaries`); at the end of a
task :class:`SummaryWriter` writes ``{stage: summary}`` to ``<folder>/<rank:05d>.json``, atomically,
so a killed task leaves no file and its rerun writes the same one. The Beam engine collects the
same summaries as a side output of its step adapter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from lingoloom.pipelines.steps import take_summaries
from lingoloom.pipelines.storage import write_bytes


class SummaryWriter(PipelineStep):
    """Last step of a task: drains the pipeline, then writes the summaries of ``steps`` (same task objects)."""

    type = "💽 - WRITER"
    name = "summaries"

    def __init__(self, steps: Sequence[PipelineStep], folder: str | Path):
        super().__init__()
        self.steps = list(steps)
        self.folder = str(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for _ in data or ():
            pass
        payload = {stage: summary.to_json() for stage, summary in sorted(take_summaries(self.steps).items())}
        write_bytes(Path(self.folder) / f"{rank:05d}.json", (json.dumps(payload, sort_keys=True) + "\n").encode())
        return
        yield


def read_summaries(folder: str | Path, tasks: int, stage: str) -> list[dict]:
    """The ``stage`` entries of the summary files of tasks ``0..tasks-1`` (empty for tasks without one)."""
    entries = []
    for rank in range(tasks):
        payload = json.loads((Path(folder) / f"{rank:05d}.json").read_text(encoding="utf-8"))
        if stage in payload:
            entries.append(payload[stage])
    return entries
