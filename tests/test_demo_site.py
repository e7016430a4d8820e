"""The embedded demo website: served over 127.0.0.1 exactly as its manifest says.

The demo, the crawler and the end-to-end checks rely on the site manifest being true (status,
Content-Type, charsets, duplicates, languages, scripts, robots.txt, sitemap.xml, reachability).
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from lingoloom.pipelines.demo import SITE_ROOT, load_manifest
from lingoloom.pipelines.demo.server import serve_site

ARTICLE_FATES = {"article", "legacy_charset", "wrong_charset"}
SPACELESS_SCRIPTS = {"Hans", "Jpan", "Thai"}
# Letters of each script (plus the combining marks its orthography uses).
SCRIPT_RANGES: dict[str, list[tuple[int, int]]] = {
    "Latn": [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF)],
    "Cyrl": [(0x400, 0x4FF)],
    "Arab": [(0x600, 0x6FF), (0x750, 0x77F)],
    "Deva": [(0x900, 0x97F)],
    "Ethi": [(0x1200, 0x139F)],
    "Thai": [(0xE00, 0xE7F)],
    "Hans": [(0x4E00, 0x9FFF), (0x3400, 0x4DBF)],
    "Jpan": [(0x3040, 0x30FF), (0x4E00, 0x9FFF)],
}


def in_script(ch: str, script: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in SCRIPT_RANGES[script])


def visible_text(markup: str) -> str:
    """Text a reader sees: tags, scripts, styles and the head removed, entities decoded."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", markup))


def article_text(markup: str) -> str:
    match = re.search(r"(?is)<article\b.*?</article>", markup)
    assert match, "page has no <article> element"
    return visible_text(match.group(0))


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("mailto:"):
            self.hrefs.append(href)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_site() as url:
        yield url


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest()


@pytest.fixture(scope="module")
def fetched(base_url: str, manifest: dict) -> dict[str, tuple[int, str | None, bytes]]:
    """Every manifest page fetched once: path -> (status, Content-Type, body)."""
    out = {}
    for entry in manifest["pages"]:
        try:
            with urllib.request.urlopen(base_url + entry["path"], timeout=10) as resp:
                out[entry["path"]] = (resp.status, resp.headers.get("Content-Type"), resp.read())
        except urllib.error.HTTPError as err:
            out[entry["path"]] = (err.code, None, b"")
    return out


def declared_charset(content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type)
    assert match, f"no charset in {content_type!r}"
    return match.group(1)


def decoded(entry: dict, body: bytes) -> str:
    return body.decode(entry.get("charset", "utf-8"))


def test_every_page_has_the_status_and_content_type_of_its_manifest_entry(manifest, fetched):
    for entry in manifest["pages"]:
        status, content_type, body = fetched[entry["path"]]
        assert status == entry["status"], entry["path"]
        if status == 200:
            assert content_type == entry["content_type"], entry["path"]
            assert body == (SITE_ROOT / entry["path"].lstrip("/")).joinpath(
                "index.html" if entry["path"].endswith("/") else ""
            ).read_bytes()


@pytest.mark.parametrize("path", ["/_headers.yaml", "/assets/", "/private/"])
def test_header_overrides_and_folder_listings_are_not_served(base_url, path):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base_url + path, timeout=10)
    assert err.value.code == 404


def test_legacy_page_decodes_with_its_declared_charset_and_is_not_utf8(manifest, fetched):
    legacy = [e for e in manifest["pages"] if e["fate"] == "legacy_charset"]
    assert legacy
    for entry in legacy:
        _, content_type, body = fetched[entry["path"]]
        charset = declared_charset(content_type)
        assert charset == entry["charset"]
        text = article_text(body.decode(charset))
        script = entry["language"].split("_")[1]
        assert sum(in_script(c, script) for c in text) > 300
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")


def test_wrong_charset_page_declares_a_charset_its_bytes_are_not_in(manifest, fetched):
    wrong = [e for e in manifest["pages"] if e["fate"] == "wrong_charset"]
    assert wrong
    for entry in wrong:
        _, content_type, body = fetched[entry["path"]]
        header_charset = declared_charset(content_type)
        assert header_charset.lower() != entry["charset"].lower()
        script = entry["language"].split("_")[1]
        assert sum(in_script(c, script) for c in article_text(body.decode(entry["charset"]))) > 300
        misread = body.decode(header_charset, errors="replace")
        assert not any(in_script(c, script) for c in article_text(misread) if not c.isascii())
        assert "charset" not in body.decode(entry["charset"]).split("</head>")[0].lower(), "page must not correct itself"


def test_at_least_12_languages_in_7_scripts_with_3_articles_each(manifest):
    articles = defaultdict(int)
    for entry in manifest["pages"]:
        if entry["fate"] in ARTICLE_FATES:
            articles[entry["language"]] += 1
    languages = [lang for lang, n in articles.items() if n >= 3]
    assert len(languages) >= 12, articles
    assert len({lang.split("_")[1] for lang in languages}) >= 7


def test_articles_are_long_multi_paragraph_prose_in_the_intended_script(manifest, fetched):
    for entry in manifest["pages"]:
        if entry["fate"] not in ARTICLE_FATES:
            continue
        markup = decoded(entry, fetched[entry["path"]][2])
        text = article_text(markup)
        script = entry["language"].split("_")[1]
        letters = [c for c in text if c.isalpha()]
        share = sum(in_script(c, script) for c in letters) / len(letters)
        assert share > 0.9, (entry["path"], share)
        if script in SPACELESS_SCRIPTS:
            assert len("".join(text.split())) >= 600, entry["path"]
        else:
            assert len(text.split()) >= 240, entry["path"]
        article = re.search(r"(?is)<article\b.*?</article>", markup).group(0)
        assert article.count("<p>") >= 4, entry["path"]
        assert re.search(r'<html lang="[a-z]{2}(-[A-Za-z]+)?"', markup) and "<title>" in markup, entry["path"]
        assert 'rel="canonical"' in markup and 'name="author"' in markup, entry["path"]


def test_orthography_keeps_its_diacritics(manifest, fetched):
    """Vietnamese tone marks and Yoruba tone marks and under-dots survive in the served bytes."""
    marks = {"vie_Latn": set("ạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ"), "yor_Latn": set("ẹọṣàèìòùáéíóú")}
    for entry in manifest["pages"]:
        if entry["fate"] == "article" and entry["language"] in marks:
            text = article_text(decoded(entry, fetched[entry["path"]][2])).lower()
            assert len(marks[entry["language"]] & set(text)) >= 8, entry["path"]


def test_near_duplicates_are_near_and_exact_duplicates_are_exact(manifest, fetched):
    near = [e for e in manifest["pages"] if e["fate"] == "near_duplicate"]
    exact = [e for e in manifest["pages"] if e["fate"] == "exact_duplicate"]
    assert len(near) >= 3 and len(exact) >= 2
    for entry in near:
        copy = decoded(entry, fetched[entry["path"]][2])
        original = fetched[entry["duplicate_of"]][2].decode("utf-8")
        for text_of in (visible_text, article_text):  # the whole page, and roughly what an extractor keeps
            similarity = jaccard(shingles(text_of(copy)), shingles(text_of(original)))
            assert 0.8 <= similarity <= 0.95, (entry["path"], text_of.__name__, similarity)
    for entry in exact:
        assert entry["path"] != entry["duplicate_of"]
        assert fetched[entry["path"]][2] == fetched[entry["duplicate_of"]][2]


def test_filter_targets_exist_for_every_kind(manifest):
    fates = {e["fate"] for e in manifest["pages"]}
    expected = {"spam", "near_empty", "boilerplate_only", "binary", "legacy_charset", "wrong_charset",
                "robots_disallowed", "not_found", "near_duplicate", "exact_duplicate", "article", "index"}
    assert expected <= fates, expected - fates


def test_binary_files_are_really_binary(manifest, fetched):
    for entry in manifest["pages"]:
        if entry["fate"] == "binary":
            body = fetched[entry["path"]][2]
            assert b"\x00" in body[:64] or body.startswith(b"\x89PNG\r\n\x1a\n"), entry["path"]


def test_robots_txt_disallows_exactly_the_private_pages(base_url, manifest):
    parser = urllib.robotparser.RobotFileParser(base_url + manifest["robots"])
    parser.read()
    assert parser.site_maps() == [base_url + manifest["sitemap"]]
    for entry in manifest["pages"]:
        allowed = parser.can_fetch("lingoloom-test", base_url + entry["path"])
        assert allowed == (entry["fate"] != "robots_disallowed"), entry["path"]


def test_sitemap_lists_every_allowed_html_page(base_url, manifest):
    with urllib.request.urlopen(base_url + manifest["sitemap"], timeout=10) as resp:
        tree = ET.fromstring(resp.read())
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [urlsplit(loc.text) for loc in tree.findall("sm:url/sm:loc", ns)]
    assert {f"{u.scheme}://{u.netloc}" for u in locs} == {base_url}, "sitemap URLs must be absolute, on this server"
    listed = {u.path for u in locs}
    expected = {e["path"] for e in manifest["pages"]
                if e["status"] == 200 and e["fate"] not in {"robots_disallowed", "binary"}}
    assert listed == expected


def test_a_crawl_from_the_root_reaches_every_page_within_depth_3(base_url, manifest, fetched):
    seen, frontier = {"/"}, ["/"]
    for _ in range(3):
        nxt = []
        for path in frontier:
            entry = next((e for e in manifest["pages"] if e["path"] == path), None)
            if entry is None or not (entry["content_type"] or "").startswith("text/html"):
                continue
            parser = _Links()
            parser.feed(decoded(entry, fetched[path][2]))
            for href in parser.hrefs:
                target = urlsplit(urljoin(base_url + path, href))
                if f"{target.scheme}://{target.netloc}" == base_url and target.path not in seen:
                    seen.add(target.path)
                    nxt.append(target.path)
        frontier = nxt
    assert {e["path"] for e in manifest["pages"]} <= seen


def test_site_stays_small():
    total = sum(p.stat().st_size for p in SITE_ROOT.rglob("*") if p.is_file())
    assert total < 1_500_000


def test_serve_site_serves_any_folder_with_its_own_header_overrides(tmp_path):
    (tmp_path / "a.html").write_bytes("<p>café</p>".encode("cp1252"))
    (tmp_path / "_headers.yaml").write_text(
        '/a.html: {Content-Type: "text/html; charset=windows-1252", X-Robots-Tag: noindex}\n', encoding="utf-8"
    )
    with serve_site(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "/a.html", timeout=10) as resp:
            assert resp.headers["Content-Type"] == "text/html; charset=windows-1252"
            assert resp.headers["X-Robots-Tag"] == "noindex"
            assert resp.read().decode("windows-1252") == "<p>café</p>"


def test_serve_site_rejects_a_missing_folder_and_a_malformed_headers_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with serve_site(tmp_path / "missing"):
            pass
    (tmp_path / "_headers.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping of URL path"):
        with serve_site(tmp_path):
            pass
