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


def _writer_options() -> dict[str, Any]:
    options: dict[str, Any] = {"compression": "zstd", "write_page_index": True}
    if "use_content_defined_chunking" in (pq.ParquetWriter.__doc__ or ""):
        options["use_content_defined_chunking"] = True
    return options


def _write_options(row_group_rows: int) -> dict[str, Any]:
    return {**_writer_options(), "row_group_size": row_group_rows}


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


class StreamingRowWriter:
    """Validated rows to one Parquet file, one row group at a time, appearing complete on :meth:`close`.

    Why it exists: a task's rows must not all sit in memory before they are written (a Common Crawl
    WARC file holds tens of thousands of pages). Rows are buffered up to ``row_group_rows`` (or
    until :meth:`flush`), validated like :func:`write_rows_atomic` and appended to a temporary
    sibling that is renamed into place on close; with no rows, the file holds the schema only.
    Full row groups give the same file :func:`write_rows_atomic` writes for the same rows.
    """

    def __init__(self, path: str | Path, schema: pa.Schema = RECORD_SCHEMA, row_group_rows: int = ROW_GROUP_ROWS):
        self.path = Path(path)
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows: list[Mapping[str, Any]] = []
        self.written = 0
        self._tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        self._writer: pq.ParquetWriter | None = None

    def add(self, row: Mapping[str, Any]) -> None:
        """Buffer ``row``; a full buffer is written as a row group."""
        self.rows.append(row)
        if len(self.rows) >= self.row_group_rows:
            self.flush()

    def _open(self) -> pq.ParquetWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, **_writer_options())
        return self._writer

    def flush(self) -> None:
        """Write the buffered rows (validated) as row groups of the file."""
        if self.rows:
            table = rows_to_table(self.rows, self.schema)
            self._open().write_table(table, row_group_size=self.row_group_rows)
            self.written += len(self.rows)
            self.rows = []

    def close(self) -> Path:
        """Write what is buffered and move the file into place."""
        try:
            self.flush()
            self._open().close()
            os.replace(self._tmp, self.path)
        finally:
            self.abort()
        return self.path

    def abort(self) -> None:
        """Drop the temporary file (nothing appears at ``path``)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._tmp.exists():
            self._tmp.unlink()


def sort_by_id(table: pa.Table) -> pa.Table:
    """Rows in ``id`` order: the canonical order of every published shard."""
    return table.sort_by([("id", "ascending")])
