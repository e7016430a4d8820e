"""Parquet files in the Hugging Face Hub layout, validated against the record schema, written atomically.

Why it exists: every engine must produce byte-for-byte comparable output that the Hub and the
``datasets`` library understand: ``data/<lang_Script>/train-0000k-of-0000n.parquet``, zstd,
bounded row groups, page index. Rows are validated against :data:`RECORD_SCHEMA` before
anything is written (the first bad row fails with field and value named), and files appear
only complete (temporary name, then rename), so a killed run never leaves a half file.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from lingoloom.schemas.record import RECORD_SCHEMA, rows_to_table

SPLIT = "train"
#: Rows per row group of published shards: keeps row groups far below 100 MB for web text.
ROW_GROUP_ROWS = 10_000
#: Rows per row group of the engines' intermediate files: readers that stream them (MinHash's
#: memory budget counts pyarrow's read buffers) stay small.
WORK_ROW_GROUP_ROWS = 1_024


def shard_file_name(index: int, count: int, split: str = SPLIT) -> str:
    """``train-00003-of-00012.parquet`` (the Hub's naming; ``index`` counts from 0)."""
    if not 0 <= index < count:
        raise ValueError(f"shard index {index} outside 0..{count - 1}")
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def language_shard_path(out_dir: str | Path, language: str, index: int, count: int) -> Path:
    """``<out>/data/<language>/train-0000k-of-0000n.parquet``."""
    return Path(out_dir) / "data" / language / shard_file_name(index, count)


def _write_options(row_group_rows: int) -> dict[str, Any]:
    options: dict[str, Any] = {"compression": "zstd", "write_page_index": True, "row_group_size": row_group_rows}
    if "use_content_defined_chunking" in (pq.ParquetWriter.__doc__ or ""):
        options["use_content_defined_chunking"] = True
    return options


def write_table_atomic(table: pa.Table, path: str | Path, row_group_rows: int = ROW_GROUP_ROWS) -> Path:
    """Write ``table`` to ``path`` via a temporary sibling and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, **_write_options(row_group_rows))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_rows_atomic(rows: Iterable[Mapping[str, Any]], path: str | Path, schema: pa.Schema = RECORD_SCHEMA,
                      row_group_rows: int = ROW_GROUP_ROWS) -> Path:
    """Validate ``rows`` against ``schema`` and write them atomically."""
    return write_table_atomic(rows_to_table(rows, schema), path, row_group_rows)


def sort_by_id(table: pa.Table) -> pa.Table:
    """Rows in ``id`` order: the canonical order of every published shard."""
    return table.sort_by([("id", "ascending")])
