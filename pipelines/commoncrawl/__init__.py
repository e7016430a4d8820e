"""Common Crawl ingestion: a deterministic sample of a dump, streamed with retries, parsed fast.

Public API: :func:`sample_paths` (the chosen WARC/WET file URLs), :func:`open_with_retries`
(a binary stream that survives 503/SlowDown), :func:`iter_documents` (raw Documents from a
stream with FastWARC when installed, warcio otherwise; the same records either way) and
:func:`iter_commoncrawl_file` (all of it for one sampled file, as the read stage needs it).
"""

from lingoloom.pipelines.commoncrawl.paths import choose_paths, paths_file_url, read_paths, sample_paths
from lingoloom.pipelines.commoncrawl.reader import available_reader, iter_commoncrawl_file, iter_documents
from lingoloom.pipelines.commoncrawl.retry import RetryingReader, open_with_retries

__all__ = [
    "RetryingReader",
    "available_reader",
    "choose_paths",
    "iter_commoncrawl_file",
    "iter_documents",
    "open_with_retries",
    "paths_file_url",
    "read_paths",
    "sample_paths",
]
