"""Read existing Parquet or JSONL data (text or raw HTML) as pipeline records.

Why it exists: users often start from data someone already extracted (a Hub dataset, a JSONL
dump) or from HTML stored in tables. Plain text skips extraction (``_is_extracted_text``); HTML
goes through the same extraction as a WARC body. One conversion function serves both engines.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Mapping

import fsspec
import pyarrow.parquet as pq
from datatrove.data import Document

from lingoloom.pipelines.urls import domain_and_tld

DropCounter = Callable[[str], None]


def table_row_to_document(row: Mapping[str, Any], spec, origin: str, index: int) -> Document | str:
    """A raw Document from one table row, or a drop reason string."""
    content = row.get(spec.content_field)
    if content is None:
        return "missing_content_field"
    if not isinstance(content, (str, bytes)):
        return "content_not_text"
    url = row.get(spec.url_field) if spec.url_field else None
    metadata: dict[str, Any] = {"url": url, "source": spec.source, "_origin": origin}
    metadata["domain"], metadata["tld"] = domain_and_tld(url)
    doc_id = f"{origin}#{index}"
    if spec.content == "text":
        text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
        metadata["_is_extracted_text"] = True
        return Document(text=text, id=doc_id, metadata=metadata)
    body = content.encode("utf-8") if isinstance(content, str) else content
    metadata.update({"_body": body, "_content_type": "text/html; charset=utf-8", "_http_headers": {}})
    return Document(text="", id=doc_id, metadata=metadata)


def iter_table_rows(path: str, kind: str, on_drop: DropCounter) -> Iterator[Mapping[str, Any]]:
    """Rows of a Parquet or JSONL file; a JSONL line that does not parse is counted as ``malformed_json``."""
    if kind == "parquet":
        with fsspec.open(path, "rb") as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=1024):
                yield from batch.to_pylist()
        return
    with fsspec.open(path, "rt", encoding="utf-8", compression="infer") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                on_drop("malformed_json")
                continue
            if isinstance(row, dict):
                yield row
            else:
                on_drop("malformed_json")


def iter_table_documents(path: str, spec, on_drop: DropCounter) -> Iterator[Document]:
    """Documents of one Parquet/JSONL file according to an input ``spec`` (schemas.config.TableInput)."""
    for index, row in enumerate(iter_table_rows(path, spec.type, on_drop)):
        result = table_row_to_document(row, spec, path, index)
        if isinstance(result, str):
            on_drop(result)
        else:
            yield result
