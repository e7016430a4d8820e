"""Gold extraction data: the JSONL format ``eval extract`` reads, and converters into it.

Why it exists: evaluation data comes in each benchmark's own layout; one small format
(``{"path": "<html file, may be .gz, relative to the JSONL>", "text": "<gold main text>"}`` per
line, plus optional ``id`` and ``url``) lets one evaluator serve them all. Converters write
paths pointing at the original files, so nothing is copied.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class GoldPage:
    """One evaluation page: where its HTML is and the expected main text."""

    id: str
    html_path: Path
    text: str
    url: str | None = None

    def read_bytes(self) -> bytes:
        """The page's original bytes (gunzipped when the file ends in .gz)."""
        if self.html_path.suffix == ".gz":
            with gzip.open(self.html_path, "rb") as handle:
                return handle.read()
        return self.html_path.read_bytes()


PARTS = ("all", "tune", "test")


def gold_part(pages: Iterable[GoldPage], part: str) -> list[GoldPage]:
    """One fixed half of a gold set: ``tune`` (SHA-1 of the page id even) or ``test`` (odd), or ``all``.

    Settings are chosen on the ``tune`` half and reported on the ``test`` half, which they never saw;
    the halves depend only on the ids, so everyone splits the same way.
    """
    if part not in PARTS:
        raise ValueError(f"unknown gold part {part!r}; choose one of {list(PARTS)}")
    if part == "all":
        return list(pages)
    parity = 0 if part == "tune" else 1
    return [page for page in pages if int(hashlib.sha1(page.id.encode("utf-8")).hexdigest(), 16) % 2 == parity]


def read_gold(jsonl: Path) -> list[GoldPage]:
    """Pages of a gold JSONL file; errors name the line and what is missing."""
    pages: list[GoldPage] = []
    base = jsonl.parent
    with jsonl.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                path, text = row["path"], row["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ValueError(
                    f"{jsonl}:{number}: expected a JSON object with 'path' and 'text' ({err!r})"
                ) from None
            html_path = (base / path).resolve()
            if not html_path.is_file():
                raise ValueError(f"{jsonl}:{number}: HTML file {html_path} does not exist")
            pages.append(GoldPage(id=str(row.get("id", path)), html_path=html_path, text=text, url=row.get("url")))
    return pages


def scrapinghub_aeb(folder: Path) -> Iterator[GoldPage]:
    """Article Extraction Benchmark: ``html/<id>.html.gz`` and ``ground-truth.json``."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html_path = folder / "html" / f"{page_id}.html.gz"
        if html_path.is_file():
            entry = truth[page_id]
            yield GoldPage(id=page_id, html_path=html_path, text=entry.get("articleBody") or "", url=entry.get("url"))


def newspaper4k(folder: Path) -> Iterator[GoldPage]:
    """newspaper4k test pages: ``html/<name>.html.gz`` paired with ``txt/<name>.txt``."""
    for txt in sorted((folder / "txt").glob("*.txt")):
        html_path = folder / "html" / f"{txt.stem}.html.gz"
        if html_path.is_file():
            yield GoldPage(id=txt.stem, html_path=html_path, text=txt.read_text(encoding="utf-8"))


def convert_folder(folder: Path) -> Iterator[GoldPage]:
    """Gold pages of a benchmark folder, its layout recognised from its files."""
    if (folder / "ground-truth.json").is_file():
        return scrapinghub_aeb(folder)
    if (folder / "txt").is_dir() and (folder / "html").is_dir():
        return newspaper4k(folder)
    raise ValueError(
        f"{folder} is neither an Article Extraction Benchmark folder (ground-truth.json + html/) "
        "nor a newspaper4k folder (html/ + txt/)"
    )


def write_gold(pages: Iterable[GoldPage], jsonl: Path) -> int:
    """Write ``pages`` as gold JSONL at ``jsonl`` (paths relative to it); returns the page count."""
    jsonl.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with jsonl.open("w", encoding="utf-8") as handle:
        for page in pages:
            row = {"id": page.id, "path": os.path.relpath(page.html_path.resolve(), jsonl.parent.resolve()),
                   "text": page.text}
            if page.url:
                row["url"] = page.url
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
