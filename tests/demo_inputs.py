"""Build WARC inputs from the bundled demo site's files (no server, no crawler) for engine tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from warc_factory import response_record_bytes

SITE_BASE = "http://demo.lingoloom.test"


def demo_root() -> Path:
    return Path(str(resources.files("lingoloom.pipelines.demo")))


def demo_pages() -> list[dict]:
    """The site manifest's pages that exist as files (served with status 200)."""
    manifest = yaml.safe_load((demo_root() / "site_manifest.yaml").read_text(encoding="utf-8"))
    pages = []
    for page in manifest["pages"]:
        if page.get("status") != 200:
            continue
        relative = page["path"].lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        path = demo_root() / "site" / relative
        if path.is_file():
            pages.append({**page, "file": path})
    return pages


def write_demo_warcs(folder: Path, files: int) -> list[Path]:
    """Spread the demo pages over ``files`` gzipped WARC files (page i goes to file i % files)."""
    folder.mkdir(parents=True, exist_ok=True)
    chunks: list[list[bytes]] = [[] for _ in range(files)]
    for index, page in enumerate(demo_pages()):
        record = response_record_bytes(SITE_BASE + page["path"], page["file"].read_bytes(), page["content_type"])
        chunks[index % files].append(record)
    paths = []
    for index, records in enumerate(chunks):
        path = folder / f"demo-{index:03d}.warc.gz"
        path.write_bytes(b"".join(records))
        paths.append(path)
    return paths
