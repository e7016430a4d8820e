"""The embedded demo website: a small multilingual site written for this project.

Why it exists: `make demo`, the end-to-end tests and the crawler tests need real web pages to
fetch over 127.0.0.1 without touching the internet. The site (``site/``) gives every stage
something to do (boilerplate to strip, twelve languages in seven scripts, near and exact
duplicates, keyword spam, near-empty pages, a legacy and a wrongly declared charset, a binary
file, a 404 link, robots.txt and sitemap.xml). ``site_manifest.yaml`` records what each page is
and what should become of it, so checks read it instead of hard-coding paths.
"""

from __future__ import annotations

from pathlib import Path

SITE_ROOT: Path = Path(__file__).resolve().parent / "site"
"""Folder of the bundled website (served by :func:`lingoloom.pipelines.demo.server.serve_site`)."""

MANIFEST_PATH: Path = Path(__file__).resolve().parent / "site_manifest.yaml"
"""One entry per page of the site: path, language label and expected fate."""


def load_manifest() -> dict:
    """Return the parsed site manifest (keys ``robots``, ``sitemap``, ``pages``)."""
    import yaml

    return yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
