"""A page's canonical link is kept as an absolute URL, relative hrefs included (dedup survivors depend on it)."""

from __future__ import annotations

import pytest
from datatrove.data import Document

from lingoloom.pipelines.extract import Extract
from lingoloom.schemas.extract import ExtractSettings

BODY = ("<html lang='en'><head><title>Walls</title><link rel='canonical' href='{href}'></head><body><article>"
        + "".join(f"<p>Dry stone walls are built without mortar; each stone is chosen by hand, sentence {i}.</p>"
                  for i in range(8)) + "</article></body></html>")


@pytest.mark.parametrize("profile", ["precision", "fast"])
@pytest.mark.parametrize("href,expected", [
    ("/en/walls.html", "http://site.test/en/walls.html"),
    ("walls.html", "http://site.test/print/walls.html"),
    ("https://other.test/walls", "https://other.test/walls"),
    ("javascript:void(0)", None),
])
def test_canonical_url_is_absolute(profile, href, expected):
    doc = Document(text="", id="x", metadata={
        "url": "http://site.test/print/page.html", "_body": BODY.format(href=href).encode(),
        "_content_type": "text/html; charset=utf-8", "_http_headers": {}})
    step = Extract(ExtractSettings(profile=profile))
    assert step.process(doc) is None
    assert doc.metadata["canonical_url"] == expected
