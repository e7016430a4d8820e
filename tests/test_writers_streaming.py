"""The local engine's intermediate writers stream: memory holds a row group, not a task's rows."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datatrove.data import Document

from lingoloom.pipelines.writers.parquet import WORK_ROW_GROUP_ROWS, StreamingRowWriter, write_rows_atomic
from lingoloom.pipelines.writers.records import LanguageBucketWriter, RecordShardWriter
from lingoloom.schemas.record import RECORD_SCHEMA, document_to_row

TEXT_BYTES = 2_000


def documents(count: int, languages: tuple[str, ...] = ("eng_Latn", "swh_Latn", "hau_Latn")):
    for i in range(count):
        language = languages[i % len(languages)]
        text = (f"document {i} " + "lorem ipsum dolor sit amet " * (TEXT_BYTES // 27))[:TEXT_BYTES]
        yield Document(text=text, id=f"{i:012d}", metadata={
            "url": f"https://example.test/{i}", "language": language, "language_score": 0.9, "source": "test",
            "content_hash": f"{i:032x}", "script": language.split("_")[1]})


def _peak_bytes(step, data) -> int:
    tracemalloc.start()
    try:
        for _ in step.run(data, rank=0, world_size=1):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("make_step", [RecordShardWriter, LanguageBucketWriter])
def test_writers_hold_a_bounded_number_of_rows_whatever_the_task_size(tmp_path: Path, make_step) -> None:
    _peak_bytes(make_step(tmp_path / "warm-up"), documents(10))  # first-use allocations of pyarrow and zstd
    count = 16 * WORK_ROW_GROUP_ROWS  # ~33 MB of text in one task
    small = _peak_bytes(make_step(tmp_path / "small"), documents(count // 4))
    peak = _peak_bytes(make_step(tmp_path / "out"), documents(count))
    assert peak < 0.4 * count * TEXT_BYTES, f"peak {peak / 1e6:.1f} MB for {count * TEXT_BYTES / 1e6:.1f} MB of text"
    assert peak < 1.5 * small, "memory grows with the task's rows"
    files = sorted((tmp_path / "out").rglob("*.parquet"))
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) == count
    ids = sorted(i for f in files for i in pq.read_table(f, columns=["id"]).column("id").to_pylist())
    assert ids == [f"{i:012d}" for i in range(count)]


def test_streamed_file_equals_the_file_written_at_once(tmp_path: Path) -> None:
    rows = [document_to_row(doc) for doc in documents(3 * WORK_ROW_GROUP_ROWS + 7)]
    writer = StreamingRowWriter(tmp_path / "streamed.parquet", row_group_rows=WORK_ROW_GROUP_ROWS)
    for row in rows:
        writer.add(row)
    writer.close()
    write_rows_atomic(rows, tmp_path / "at_once.parquet", row_group_rows=WORK_ROW_GROUP_ROWS)
    assert (tmp_path / "streamed.parquet").read_bytes() == (tmp_path / "at_once.parquet").read_bytes()


def test_a_failed_task_leaves_no_file_and_an_empty_task_leaves_an_empty_one(tmp_path: Path) -> None:
    def broken():
        yield from documents(WORK_ROW_GROUP_ROWS + 5)
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        list(RecordShardWriter(tmp_path / "broken").run(broken()))
    assert not list((tmp_path / "broken").glob("*")) if (tmp_path / "broken").exists() else True
    list(RecordShardWriter(tmp_path / "empty").run(iter(())))
    empty = pq.read_table(tmp_path / "empty" / "00000.parquet")
    assert empty.num_rows == 0 and empty.schema.equals(RECORD_SCHEMA, check_metadata=False)
