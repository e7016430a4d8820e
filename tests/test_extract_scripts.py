"""Real pages in many scripts come out with the right characters (newspaper4k's test pages).

Skipped when ../shared/data is absent. Also re-encodes some pages in legacy charsets behind a
lying ``charset=utf-8`` header: detection must still recover the exact characters. Korean, and
Arabic with vowel marks, which these pages lack, are in test_extract_written_scripts.py.
"""

from __future__ import annotations

import unicodedata

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


def without_marks(text: str) -> str:
    """Base letters only: combining marks (Thai vowels and tones, Burmese medials, harakat) and spaces removed."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Mc") and not c.isspace())


def as_browsers_read(text: str) -> str:
    """C1 controls as browsers render them: ``&#147;`` means "“" (WHATWG maps 0x80-0x9F as
    windows-1252); newspaper4k's expected text keeps the raw controls, the extraction does not."""
    return "".join(bytes([ord(c)]).decode("cp1252", "ignore") or c if "\x80" <= c <= "\x9f" else c for c in text)


@pytest.mark.parametrize("page_id", SCRIPT_PAGES)
def test_expected_lines_come_out_with_every_mark(pages, page_id):
    """Each expected line the extraction kept (found by its base letters) is there exactly,
    combining marks included; spaces aside, since line wrapping differs between extractors."""
    page = pages[page_id]
    text = extract(page.read_bytes())
    kept, kept_letters = "".join(text.split()), without_marks(text)
    lines = [line for line in as_browsers_read(page.text).splitlines() if len(line.strip()) > 20]
    found = [line for line in lines if without_marks(line) in kept_letters]
    assert len(found) >= 0.8 * len(lines)
    for line in found:
        assert "".join(line.split()) in kept
    if page_id in ("burmese_article", "thai_article"):
        assert sum(unicodedata.category(c) in ("Mn", "Mc") for line in found for c in line) > 100


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
