"""Real pages in many scripts come out with the right characters (newspaper4k's test pages).

Skipped when ../shared/data is absent. Also re-encodes some pages in legacy charsets behind a
lying ``charset=utf-8`` header: detection must still recover the exact characters.
"""

from __future__ import annotations

import pytest
from datatrove.data import Document

from lingoloom.pipelines.extract import Extract
from lingoloom.pipelines.extract.charset import decode_body
from lingoloom.pipelines.extract.gold import newspaper4k
from lingoloom.pipelines.extract.metric import score_page
from lingoloom.pipelines.steps import run_steps

SCRIPT_PAGES = ["arabic_article", "burmese_article", "chinese_article", "japanese_article", "thai_article"]
MOJIBAKE = ("Ã", "â€", "Â", "\ufffd", "ï»¿")


@pytest.fixture(scope="module")
def pages(shared_data):
    return {page.id: page for page in newspaper4k(shared_data / "extraction" / "newspaper4k")}


def extract(body: bytes, content_type: str = "text/html") -> str:
    doc = Document(text="", id="x", metadata={"_body": body, "_content_type": content_type, "_http_headers": {}})
    out = list(run_steps([Extract()], [doc]))
    assert len(out) == 1
    return out[0].text


def first_sentence(gold: str) -> str:
    line = next(line for line in gold.splitlines() if len(line.strip()) > 20).strip()
    return line[:40]


@pytest.mark.parametrize("page_id", SCRIPT_PAGES)
def test_script_pages_keep_their_characters(pages, page_id):
    page = pages[page_id]
    text = extract(page.read_bytes())
    assert not any(marker in text for marker in MOJIBAKE)
    assert first_sentence(page.text) in text
    assert score_page(page.text, text).recall >= 0.95


@pytest.mark.parametrize(
    "page_id, encoding",
    [("arabic_article", "cp1256"), ("chinese_article", "gb18030"), ("japanese_article2", "shift_jis"),
     ("thai_article", "cp874")],
)
def test_legacy_charsets_behind_a_lying_header(pages, page_id, encoding):
    page = pages[page_id]
    html = page.read_bytes().decode("utf-8")
    body = html.encode(encoding, "xmlcharrefreplace")  # characters the charset lacks become &#...;
    decoded = decode_body(body, "text/html; charset=utf-8")
    assert decoded is not None and decoded.text == body.decode(encoding)
    assert first_sentence(page.text) in extract(body, "text/html; charset=utf-8")
