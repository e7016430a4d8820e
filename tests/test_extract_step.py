"""The extraction step: text and metadata from real HTML, and every drop reason counted."""

from __future__ import annotations

import random
import threading

import dill
import pytest
from datatrove.data import Document
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from lingoloom.pipelines.extract import Extract
from lingoloom.pipelines.steps import run_steps
from lingoloom.schemas.extract import ExtractSettings

PARAGRAPHS = [
    "The river town of Alderbrook rebuilt its old stone bridge this summer after two decades of debate "
    "about whether the crossing should be replaced by a wider concrete span.",
    "Engineers used lime mortar matching the original 1820 recipe, and the masons trained four apprentices "
    "who will maintain the arches for the next generation of residents.",
    "Local shop owners said foot traffic doubled within a month, while the council promised that heavy "
    "lorries would keep using the ring road to protect the restored structure.",
]


def article_html(charset_meta: str | None = "utf-8", lang: str | None = "en-GB", paragraphs=PARAGRAPHS) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    lang_attr = f' lang="{lang}"' if lang else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html{lang_attr}><head>{meta}
<title>Alderbrook bridge reopens | The Valley Gazette</title>
<meta name="author" content="Mira Okafor">
<meta property="article:published_time" content="2024-07-03T09:30:00Z">
<link rel="canonical" href="https://gazette.example.org/news/alderbrook-bridge">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Alderbrook bridge reopens</h1>
{body}
</article>
<footer><p>Copyright The Valley Gazette. All rights reserved.</p></footer>
</body></html>"""


def raw_doc(body: bytes | None, content_type: str | None = "text/html; charset=utf-8", headers=None) -> Document:
    return Document(
        text="",
        id="doc-1",
        metadata={
            "url": "https://gazette.example.org/news/alderbrook-bridge?utm=x",
            "_body": body,
            "_content_type": content_type,
            "_http_headers": headers or {},
        },
    )


def run_one(doc: Document, settings: ExtractSettings | None = None):
    step = Extract(settings)
    out = list(run_steps([step], [doc]))
    return step, out


def drop_reasons(step: Extract) -> dict[str, int]:
    return {k.split("/", 1)[1]: v.total for k, v in step.stats.stats.items() if k.count("/") == 1 and k.startswith("dropped/")}


def test_extracts_main_text_and_metadata():
    step, out = run_one(raw_doc(article_html().encode("utf-8")))
    assert len(out) == 1
    doc = out[0]
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.text
    assert "All rights reserved" not in doc.text
    assert "Sport" not in doc.text
    meta = doc.metadata
    assert meta["title"].startswith("Alderbrook bridge reopens")
    assert meta["author"] == "Mira Okafor"
    assert meta["published"] == "2024-07-03"
    assert meta["canonical_url"] == "https://gazette.example.org/news/alderbrook-bridge"
    assert meta["declared_language"] == "en-GB"
    assert "_body" not in meta


def test_declared_language_falls_back_to_content_language_header():
    doc = raw_doc(article_html(lang=None).encode(), headers={"content-language": "de-AT, en"})
    _, out = run_one(doc)
    assert out[0].metadata["declared_language"] == "de-AT"


def test_headings_lists_and_tables_are_markdown_like():
    html = article_html().replace(
        "</article>",
        "<h2>Repair timeline</h2><ul><li>Survey of the arches completed</li><li>Mortar mixed on site</li></ul>"
        "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2023</td><td>1.2 million</td></tr></table></article>",
    )
    _, out = run_one(raw_doc(html.encode()))
    text = out[0].text
    assert "## Repair timeline" in text
    assert "- Survey of the arches completed" in text
    assert "| 2023 | 1.2 million |" in text


def test_wrong_declared_charset_is_not_trusted():
    # the server and the page both claim ISO-8859-1, the bytes are UTF-8
    words = ["Żółć gęślą jaźń, naïve café: the façade of São Paulo's Ørestad office." * 3]
    html = article_html(charset_meta="iso-8859-1", paragraphs=PARAGRAPHS + words)
    _, out = run_one(raw_doc(html.encode("utf-8"), "text/html; charset=ISO-8859-1"))
    assert "Żółć gęślą jaźń, naïve café" in out[0].text
    assert "Ã" not in out[0].text


def test_undeclared_legacy_charset_is_detected():
    japanese = ["東京都の古い石橋が二十年ぶりに修復され、地元の商店街では来客数が倍増したと伝えられている。" * 3] * 3
    html = article_html(charset_meta=None, lang="ja", paragraphs=japanese)
    # the header lies (utf-8); the bytes are Shift_JIS and the page declares nothing
    _, out = run_one(raw_doc(html.encode("shift_jis"), "text/html; charset=utf-8"))
    assert "東京都の古い石橋が二十年ぶりに修復され" in out[0].text


def test_meta_charset_used_when_header_has_none():
    russian = ["Старый каменный мост в городе восстановили после двадцати лет споров о его судьбе."] * 3
    html = article_html(charset_meta="windows-1251", lang="ru", paragraphs=russian)
    _, out = run_one(raw_doc(html.encode("cp1251"), "text/html"))
    assert "Старый каменный мост" in out[0].text


@pytest.mark.parametrize(
    "body, content_type, reason",
    [
        (b"", "text/html", "empty_body"),
        (b"   \r\n ", "text/html", "empty_body"),
        (None, "text/html", "empty_body"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/html", "not_html"),
        (b"%PDF-1.7 binary", "text/html", "not_html"),
        (b"<html>\x00\x00\x00binary junk</html>", "text/html", "not_html"),
        (b"%PDF-1.7", "application/pdf", "not_html"),
        (b'{"json": "api response"}', "application/json", "not_html"),
        (b"plain words without any markup at all", None, "not_html"),
        (b"<html><head><script>var a = 1;</script></head><body><script>app()</script></body></html>",
         "text/html", "no_visible_text"),
        (b"<html><body><select><option>Choose your country of residence</option></select></body></html>",
         "text/html", "empty_text"),
    ],
)
def test_bad_bodies_are_counted_drops(body, content_type, reason):
    step, out = run_one(raw_doc(body, content_type))
    assert out == []
    assert drop_reasons(step) == {reason: 1}


def test_oversize_body_dropped_before_parsing():
    html = article_html().encode()
    step, out = run_one(raw_doc(html), ExtractSettings(max_body_bytes=len(html) - 1))
    assert out == [] and drop_reasons(step) == {"oversize": 1}


def test_undecodable_body_is_counted():
    rng = random.Random(0)
    body = b"<html><body>" + bytes(rng.randrange(128, 256) for _ in range(3000)) + b"</body></html>"
    step, out = run_one(raw_doc(body, "text/html; charset=utf-8"))
    assert out == [] and drop_reasons(step) == {"undecodable": 1}


def runaway_html() -> bytes:
    # big enough that extraction takes far longer than the 50 ms limit used below
    rows = "".join(f"<div><p>Paragraph {i} of a very long page with plenty of words in it.</p></div>" for i in range(20000))
    return f"<html><body><article>{rows}</article></body></html>".encode()


def test_runaway_page_hits_time_limit_in_main_thread():
    step, out = run_one(raw_doc(runaway_html()), ExtractSettings(time_limit_seconds=0.05))
    assert out == [] and drop_reasons(step) == {"extract_timeout": 1}
    # the next page is unaffected (no stray alarm)
    _, out = run_one(raw_doc(article_html().encode()))
    assert len(out) == 1


def test_runaway_page_hits_time_limit_in_worker_thread():
    # Beam runs DoFns in worker threads, where SIGALRM is unavailable: the watchdog takes over
    result = {}

    def work():
        result["timeout"] = run_one(raw_doc(runaway_html()), ExtractSettings(time_limit_seconds=0.05))
        result["normal"] = run_one(raw_doc(article_html().encode()))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    step, out = result["timeout"]
    assert out == [] and drop_reasons(step) == {"extract_timeout": 1}
    assert len(result["normal"][1]) == 1


def test_step_pickles_after_use_and_still_works():
    step = Extract()
    list(run_steps([step], [raw_doc(article_html().encode())]))
    clone = dill.loads(dill.dumps(step))
    out = list(run_steps([clone], [raw_doc(article_html().encode())]))
    assert len(out) == 1


def test_markdown_escapes_are_undone_in_corpus_text():
    html = article_html().replace(
        "</article>", "<p>Follow @gazette_news on social media for updates, and rate us 5*5 stars today.</p></article>"
    )
    _, out = run_one(raw_doc(html.encode()))
    assert "@gazette_news" in out[0].text and "5*5 stars" in out[0].text
    assert "\\" not in out[0].text


def test_already_extracted_text_passes_through():
    doc = Document(text="Plain text from a WET record.", id="wet", metadata={"_is_extracted_text": True})
    empty = Document(text="  ", id="wet-empty", metadata={"_is_extracted_text": True})
    step = Extract()
    out = list(run_steps([step], [doc, empty]))
    assert [d.id for d in out] == ["wet"] and out[0].text == "Plain text from a WET record."
    assert "_is_extracted_text" not in out[0].metadata
    assert drop_reasons(step) == {"empty_text": 1}


@pytest.fixture(scope="module")
def shared_step():
    return Extract(ExtractSettings(time_limit_seconds=5))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=400).map(lambda t: f"<html><body><p>{t}</p></body></html>".encode("utf-8", "surrogatepass")),
    ),
    content_type=st.one_of(st.none(), st.sampled_from(["text/html", "text/html; charset=utf-8",
                                                       "text/html; charset=bogus", "image/png", ""])),
)
def test_any_body_is_kept_or_dropped_with_a_known_reason(shared_step, body, content_type):
    known = {"empty_body", "oversize", "not_html", "undecodable", "no_visible_text", "extract_timeout",
             "extract_failed", "empty_text"}
    reason = shared_step.process(raw_doc(body, content_type))
    assert reason is None or reason in known
