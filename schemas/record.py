"""The one record schema every stage, engine and writer shares.

Why it exists: a dataset is only as trustworthy as its schema is fixed. The Arrow schema is
declared here once, versioned, and every writer validates each row against it so that a bad
record fails at once with the field and the value named, not hours later by inference from
the first batch.

In memory a record is a datatrove ``Document``: ``text`` and ``id`` are attributes and every
other field of :data:`RECORD_SCHEMA` lives in ``doc.metadata`` under the same name.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Iterable, Mapping

import pyarrow as pa

SCHEMA_VERSION = "1.0"

#: Quality signals computed by the filters; every one is optional (null when not computed).
QUALITY_SIGNALS: tuple[str, ...] = (
    "n_chars",
    "n_words",
    "n_lines",
    "mean_word_length",
    "symbol_word_ratio",
    "alpha_word_ratio",
    "stopword_count",
    "bullet_line_ratio",
    "ellipsis_line_ratio",
    "dup_line_frac",
    "dup_line_char_frac",
    "top_2gram_frac",
    "dup_5gram_frac",
    "line_punct_ratio",
    "short_line_ratio",
    "new_line_ratio",
    "script_share",
    "quality_score",
)

QUALITY_TYPE = pa.struct([pa.field(name, pa.float64()) for name in QUALITY_SIGNALS])
TOP_LANGUAGES_TYPE = pa.list_(pa.struct([pa.field("label", pa.string()), pa.field("score", pa.float32())]))

RECORD_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("domain", pa.string()),
        pa.field("tld", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("fetch_time", pa.timestamp("us", tz="UTC")),
        pa.field("language", pa.string(), nullable=False),
        pa.field("language_score", pa.float32()),
        pa.field("top_languages", TOP_LANGUAGES_TYPE),
        pa.field("language_mixed", pa.bool_()),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published", pa.string()),
        pa.field("canonical_url", pa.string()),
        pa.field("declared_language", pa.string()),
        pa.field("quality", QUALITY_TYPE),
        pa.field("minhash_cluster_size", pa.int32()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("warc_record_id", pa.string()),
    ],
    metadata={"lingoloom.schema_version": SCHEMA_VERSION},
)

#: Extra fields carried by dropped records kept for audit.
AUDIT_SCHEMA = RECORD_SCHEMA.append(pa.field("drop_stage", pa.string())).append(pa.field("drop_reason", pa.string()))


class RecordValidationError(ValueError):
    """A record does not fit the schema; the message names the record, the field and the value."""


def _check_value(field: pa.Field, value: Any, path: str) -> None:
    if value is None:
        if not field.nullable:
            raise RecordValidationError(f"{path}: required field is missing or null")
        return
    if isinstance(value, float) and math.isnan(value) and pa.types.is_floating(field.type):
        return
    try:
        pa.array([value], type=field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as err:
        shown = repr(value)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        raise RecordValidationError(f"{path}: value {shown} does not fit type {field.type} ({err})") from None
    if pa.types.is_struct(field.type) and isinstance(value, Mapping):
        unknown = set(value) - {f.name for f in field.type}
        if unknown:
            raise RecordValidationError(f"{path}: unknown keys {sorted(unknown)} for struct {field.type}")


def validate_row(row: Mapping[str, Any], schema: pa.Schema = RECORD_SCHEMA, where: str = "record") -> None:
    """Check one row (a dict) against ``schema``; raise :class:`RecordValidationError` naming the field."""
    unknown = set(row) - set(schema.names)
    if unknown:
        raise RecordValidationError(f"{where}: fields {sorted(unknown)} are not in schema v{SCHEMA_VERSION}")
    for field in schema:
        _check_value(field, row.get(field.name), f"{where} (id={row.get('id')!r}) field {field.name!r}")


def rows_to_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema = RECORD_SCHEMA) -> pa.Table:
    """Convert rows to a table of exactly ``schema``; on failure, name the first bad row and field."""
    rows = list(rows)
    try:
        for row in rows:
            if set(row) - set(schema.names):
                raise pa.ArrowInvalid("unknown field")
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        for index, row in enumerate(rows):
            validate_row(row, schema, where=f"row {index}")
        raise


def _as_utc(value: Any) -> Any:
    if isinstance(value, str) and value:
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)
    return value


def document_to_row(doc: Any, schema: pa.Schema = RECORD_SCHEMA) -> dict[str, Any]:
    """Flatten a datatrove ``Document`` into a row of ``schema`` (metadata keys outside it are ignored)."""
    meta = doc.metadata
    row: dict[str, Any] = {"id": doc.id, "text": doc.text}
    for name in schema.names:
        if name in ("id", "text"):
            continue
        value = meta.get(name)
        if name == "fetch_time":
            value = _as_utc(value)
        row[name] = value
    return row


def row_to_document(row: Mapping[str, Any]) -> Any:
    """Build a datatrove ``Document`` from a schema row (the inverse of :func:`document_to_row`)."""
    from datatrove.data import Document

    metadata = {k: v for k, v in row.items() if k not in ("id", "text")}
    return Document(text=row["text"], id=row["id"], metadata=metadata)
