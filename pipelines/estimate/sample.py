"""A stride sample of a run's WARC records, copied byte for byte into small WARC files.

Why it exists: a projection is only as good as its sample. Reading the first N records of the
first file over-weights whatever sits there (one site, one language); a stride over every record
of the input spreads the sample over all of it. Records are copied verbatim (each gzip member or
plain record as it is on disk), so the sample is parsed exactly like the original. The census
(files, bytes, records) of the whole input is what :mod:`.project` scales to: records are counted
exactly when the input is small enough to list, and extrapolated from bytes per record otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fsspec
from warcio.archiveiterator import ArchiveIterator

#: Record types that become documents (see lingoloom.pipelines.sources.warc).
DOCUMENT_RECORDS = ("response", "conversion")
#: Inputs up to this size are listed record by record for an exact census.
CENSUS_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class Census:
    """The whole input: files, compressed bytes and document records (``exact`` when all were listed)."""

    files: int
    bytes: int
    records: int
    exact: bool


@dataclass(frozen=True)
class Sample:
    """Sampled WARC files, how many document records they hold and their bytes in the source files."""

    paths: list[str]
    records: int
    source_bytes: int


def file_size(path: str) -> int:
    """Size in bytes of a local path or fsspec URL."""
    fs, _, (resolved,) = fsspec.get_fs_token_paths(path)
    return int(fs.size(resolved))


def record_spans(path: str) -> list[tuple[int, int]]:
    """``(offset, length)`` on disk of every document record of a WARC file.

    A record runs to where the next one starts (or to the end of the file): in a plain WARC the
    two blank lines after a record belong to it, though warcio's record length leaves them out.
    """
    starts: list[tuple[int, bool]] = []
    with fsspec.open(path, "rb") as handle:
        iterator = ArchiveIterator(handle, check_digests=False)
        for record in iterator:
            is_document = record.rec_type in DOCUMENT_RECORDS
            iterator.read_to_end(record)
            starts.append((iterator.get_record_offset(), is_document))
    ends = [offset for offset, _ in starts[1:]] + [file_size(path)]
    return [(offset, end - offset) for (offset, is_document), end in zip(starts, ends) if is_document]


def _stride(count: int, wanted: int) -> list[int]:
    """``wanted`` indices spread evenly over ``range(count)`` (all of them when ``wanted >= count``)."""
    if wanted >= count:
        return list(range(count))
    return [int(i * count / wanted) for i in range(wanted)]


def sample_records(files: list[str], wanted: int, out_dir: Path) -> tuple[Sample, Census]:
    """Copy ``wanted`` document records, spread over ``files``, into WARC files under ``out_dir``.

    Files are listed in order until the input is exhausted or :data:`CENSUS_BYTES` are listed;
    the sample is a stride over the listed records, the census counts them (exact) or
    extrapolates the rest of the input from the listed bytes per record.
    """
    if wanted < 1:
        raise ValueError("the sample needs at least one record")
    sizes = [file_size(path) for path in files]
    listed: list[tuple[str, list[tuple[int, int]]]] = []
    listed_bytes = 0
    for path, size in zip(files, sizes):
        if listed and listed_bytes >= CENSUS_BYTES:
            break
        listed.append((path, record_spans(path)))
        listed_bytes += size
    flat = [(path, span) for path, spans in listed for span in spans]
    if not flat:
        raise ValueError(f"no response or conversion record in {files[:3]}{' ...' if len(files) > 3 else ''}")
    chosen = [flat[i] for i in _stride(len(flat), wanted)]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, copied = [], 0
    for index, (path, _) in enumerate(listed):
        spans = [span for source, span in chosen if source == path]
        if not spans:
            continue
        suffix = ".warc.gz" if path.endswith(".gz") else ".warc"
        target = out_dir / f"sample-{index:05d}{suffix}"
        with fsspec.open(path, "rb") as source, open(target, "wb") as sink:
            for offset, length in spans:
                source.seek(offset)
                sink.write(source.read(length))
                copied += length
        paths.append(str(target))
    total_bytes = sum(sizes)
    exact = len(listed) == len(files)
    records = len(flat) if exact else round(len(flat) * total_bytes / max(1, listed_bytes))
    return Sample(paths, len(chosen), copied), Census(len(files), total_bytes, records, exact)
