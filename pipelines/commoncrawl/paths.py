"""Which files of a Common Crawl dump to read: the dump's path list and a deterministic sample.

Why it exists: a dump holds ~90,000 WARC files; a run reads a sample. The sample must be the same
on every machine and every rerun (so results are reproducible and resumable) and spread over the
whole dump, not its first segments. Files are ranked by a keyed hash of their path.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import xxhash

from lingoloom.pipelines.commoncrawl.retry import open_with_retries
from lingoloom.schemas.crawl import CommonCrawlSettings


def _join(base: str, path: str) -> str:
    if "://" in base:
        return base.rstrip("/") + "/" + path.lstrip("/")
    return str(Path(base) / path)


def paths_file_url(settings: CommonCrawlSettings) -> str:
    """``<base>/crawl-data/<dump>/<kind>.paths.gz`` unless ``paths_file`` names it."""
    return settings.paths_file or _join(settings.base_url, f"crawl-data/{settings.dump}/{settings.kind}.paths.gz")


def read_paths(settings: CommonCrawlSettings) -> list[str]:
    """The relative file paths listed by the dump's paths file (gzipped or plain)."""
    url = paths_file_url(settings)
    with open_with_retries(url, settings) as stream:
        data = stream.read()
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    paths = [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]
    if not paths:
        raise ValueError(f"{url} lists no files: is it really a {settings.kind}.paths.gz of {settings.dump}?")
    return paths


def choose_paths(paths: list[str], count: int, seed: int) -> list[str]:
    """``count`` paths ranked by ``xxh64(seed:path)``, returned in path order; same input, same output."""
    ranked = sorted(paths, key=lambda p: (xxhash.xxh64_intdigest(f"{seed}:{p}".encode()), p))
    return sorted(ranked[:count])


def sample_paths(settings: CommonCrawlSettings) -> list[str]:
    """URLs (or local paths) of the sampled WARC/WET files of the dump."""
    chosen = choose_paths(read_paths(settings), settings.sample_files, settings.seed)
    return [_join(settings.base_url, path) for path in chosen]
