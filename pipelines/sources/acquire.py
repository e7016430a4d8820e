"""Resolve a run's inputs into files to read, acquiring them first where needed (crawl, Common Crawl).

Why it exists: engines read files; some inputs are not files yet. A `crawl` input is crawled
into WARC under the run's work folder (the crawler resumes on its own), a `commoncrawl` input
becomes a deterministic sample of a dump's WARC/WET paths; `warc`, `parquet` and `jsonl`
inputs are expanded from their globs. The result is the sorted list of read tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lingoloom.pipelines.sources.inputs import InputFile
from lingoloom.pipelines.sources.warc import expand_paths
from lingoloom.pipelines.stats import RunStats, merge_stats
from lingoloom.pipelines.steps import STAT_DROPPED, STAT_IN, STAT_KEPT, UNKNOWN_LANGUAGE, drop_key
from lingoloom.schemas.config import CommonCrawlInput, CrawlInput, RunConfig, TableInput, WarcInput


@dataclass
class ResolvedInputs:
    """The read tasks of a run and the counts of acquiring them (stage ``crawl``: fetched and refused)."""

    files: list[InputFile]
    stats: RunStats = field(default_factory=dict)


def crawl_stats(fetched: int, refused: dict[str, int]) -> RunStats:
    """A crawl's outcome as stage counts: refusals are drops with the crawler's reason."""
    counts = {STAT_IN: fetched + sum(refused.values()), STAT_KEPT: fetched, STAT_DROPPED: sum(refused.values())}
    for reason, n in refused.items():
        counts[drop_key(reason)] = n
        counts[drop_key(reason, UNKNOWN_LANGUAGE)] = n
    return {"crawl": counts}


def resolve_inputs(config: RunConfig, work_dir: Path,
                   progress: Callable[[str, int, int], None] | None = None) -> ResolvedInputs:
    """Every input file of the run, in a stable order (input order, then path order)."""
    files: list[InputFile] = []
    stats: list[RunStats] = []
    for index, spec in enumerate(config.inputs):
        if isinstance(spec, WarcInput):
            paths = expand_paths(spec.paths)
            if not paths:
                raise FileNotFoundError(f"inputs[{index}]: no file matches {spec.paths}")
            files.extend(InputFile(path, "warc", spec.source) for path in paths)
        elif isinstance(spec, TableInput):
            paths = expand_paths(spec.paths)
            if not paths:
                raise FileNotFoundError(f"inputs[{index}]: no file matches {spec.paths}")
            files.extend(InputFile(path, spec.type, spec.source, spec) for path in paths)
        elif isinstance(spec, CrawlInput):
            from lingoloom.pipelines.crawl import crawl

            result = crawl(spec.crawl, work_dir / f"crawl-{index}")
            stats.append(crawl_stats(result.fetched, result.refused))
            files.extend(InputFile(str(path), "warc", spec.source) for path in sorted(map(str, result.warc_paths)))
        elif isinstance(spec, CommonCrawlInput):
            from lingoloom.pipelines.commoncrawl import sample_paths

            source = spec.source or spec.commoncrawl.dump
            files.extend(InputFile(url, "commoncrawl", source, spec.commoncrawl) for url in sample_paths(spec.commoncrawl))
    return ResolvedInputs(files, merge_stats(stats))
