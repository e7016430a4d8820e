"""The record schema rejects bad rows at once, naming the row, the field and the value."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from lingoloom.schemas.record import (
    RECORD_SCHEMA,
    SCHEMA_VERSION,
    RecordValidationError,
    document_to_row,
    row_to_document,
    rows_to_table,
    validate_row,
)


def good_row(**changes):
    row = {"id": "a1", "text": "Xin chào", "source": "test", "language": "vie_Latn", "content_hash": "h1",
           "quality": {"n_words": 2.0}, "top_languages": [{"label": "vie_Latn", "score": 0.9}]}
    row.update(changes)
    return row


def test_good_rows_become_a_table_of_exactly_the_schema():
    table = rows_to_table([good_row(), good_row(id="a2")])
    assert table.schema.equals(RECORD_SCHEMA, check_metadata=True)
    assert table.schema.metadata[b"lingoloom.schema_version"].decode() == SCHEMA_VERSION
    assert table.column("quality").to_pylist()[0]["n_words"] == 2.0


def test_wrong_type_names_row_field_and_value():
    rows = [good_row(), good_row(id="bad", language_score="very high")]
    with pytest.raises(RecordValidationError) as err:
        rows_to_table(rows)
    message = str(err.value)
    assert "row 1" in message and "'bad'" in message and "language_score" in message and "very high" in message


def test_missing_required_field_is_an_error():
    with pytest.raises(RecordValidationError, match="content_hash"):
        validate_row(good_row(content_hash=None))


def test_unknown_field_and_unknown_quality_signal_are_errors():
    with pytest.raises(RecordValidationError, match="not in schema"):
        validate_row(good_row(colour="blue"))
    with pytest.raises(RecordValidationError, match="unknown keys"):
        validate_row(good_row(quality={"made_up_signal": 1.0}))


def test_document_round_trip_keeps_fields_and_drops_internal_keys():
    row = good_row(fetch_time="2024-05-01T12:00:00Z", url="http://x.test/")
    doc = row_to_document(row)
    doc.metadata["_body"] = b"internal"
    back = document_to_row(doc)
    assert "_body" not in back
    assert back["fetch_time"] == dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)
    table = rows_to_table([back])
    assert table.column("fetch_time").type == pa.timestamp("us", tz="UTC")
