"""Read existing Parquet or JSONL data (text or raw HTML) as pipeline records.

Why it exists: users often start from data someone already extracted (a Hub dataset, a JSONL
dump) or from HTML stored in tables. Plain text skips extraction (``_is_extracted_text``); HTML
goes through the same extraction as a WARC body. One conversion function serves both engines.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterator, Mapping

import fsspec
import pyarrow.parquet as pq
from datatrove.data import Document

from lingoloom.pipelines.urls import domain_and_tld

DropCounter = Callable[[str], None]
#: In a Python ``str`` every surrogate code point is unpaired (pairs decode to one character): JSON's
#: ``"\\ud800"`` escapes produce them, and they have no UTF-8 form (fastText, heliport and Parquet all refuse them).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_safe(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, as a UTF-8 decoder does with bytes it cannot read."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def table_row_to_document(row: Mapping[str, Any], spec, origin: str, index: int) -> Document | str:
    """A raw Document from one table row, or a drop reason string."""
    content = row.get(spec.content_field)
    if content is None:
        return "missing_content_field"
    if not isinstance(content, (str, bytes)):
        return "content_not_text"
    url = row.get(spec.url_field) if spec.url_field else None
    url = utf8_safe(url) if isinstance(url, str) else url
    metadata: dict[str, Any] = {"url": url, "source": spec.source, "_origin": origin}
    metadata["domain"], metadata["tld"] = domain_and_tld(url)
    doc_id = f"{origin}#{index}"
    if spec.content == "text":
        text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else utf8_safe(content)
        metadata["_is_extracted_text"] = True
        return Document(text=text, id=doc_id, metadata=metadata)
    body = utf8_safe(content).encode("utf-8") if isinstance(content, str) else content
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
