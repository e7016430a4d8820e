"""Pages written for these tests, in legacy charsets, with right, wrong and missing declarations.

Why: the shared newspaper4k pages hold no Korean page (``yna_co_kr`` is Yonhap's English site)
and their Arabic page carries no vowel marks (harakat). The articles below are original text
written for the tests, served as a crawler would receive them (bytes plus ``Content-Type``),
through the real Extract step: charset detection, pre-checks, trafilatura, both profiles.
The article text must come out exactly, character for character; navigation and footer must not.
"""

from __future__ import annotations

import unicodedata

import pytest
from datatrove.data import Document

from lingoloom.pipelines.extract import Extract
from lingoloom.pipelines.steps import run_steps
from lingoloom.schemas.extract import ExtractSettings

KOREAN_TITLE = "골목 서점, 동네 사랑방으로 다시 태어나다"
KOREAN_PARAGRAPHS = [
    "서울 마포구의 한 골목에 자리한 작은 서점이 주민들의 사랑방으로 자리 잡고 있다. 삼십 년 넘게 같은 "
    "자리를 지켜 온 이 서점은 지난봄 낡은 책장을 걷어내고 긴 나무 탁자를 들여놓았다.",
    "주인 박은서 씨는 \"책을 사지 않아도 누구나 앉아서 읽고 이야기할 수 있는 곳을 만들고 싶었다\"고 말했다. "
    "평일 오후에는 동네 어르신들이 신문을 펼치고, 방과 후에는 아이들이 그림책을 고르느라 분주하다.",
    "매달 첫째 주 토요일에는 주민들이 직접 고른 책으로 낭독회가 열린다. 지난달 모임에서는 열두 살 "
    "학생부터 여든을 넘긴 할머니까지 스무 명 남짓이 모여 시집 한 권을 돌려 읽었다.",
    # 똠, 뷁 and 햏 have two-byte codes in CP949 (Windows) but are not among EUC-KR's 2,350 syllables:
    # a page labelled EUC-KR but written in CP949 loses them unless decoded as CP949 (WHATWG does so)
    "서점 한쪽 벽에는 손님들이 남긴 쪽지가 빼곡하다. \"똠양꿍 맛집보다 이 서점이 더 좋아요\", "
    "\"뷁! 시험 끝나면 또 올게요\", \"햏자는 오늘도 출석\" 같은 재치 있는 글귀도 눈에 띈다.",
]
KOREAN_BOILERPLATE = ["로그인", "회원가입", "스포츠", "많이 본 뉴스", "무단 전재 및 재배포 금지", "구독 신청"]

# Arabic with full vowel marks (harakat: fatha, damma, kasra, sukun, shadda, tanwin)
ARABIC_TITLE = "مَكْتَبَةُ الْحَيِّ تَفْتَحُ أَبْوَابَهَا"
ARABIC_PARAGRAPHS = [
    "اِفْتَتَحَتِ الْبَلَدِيَّةُ مَكْتَبَةً صَغِيرَةً فِي وَسَطِ الْحَيِّ الْقَدِيمِ، وَيَزُورُهَا الْأَطْفَالُ "
    "كُلَّ مَسَاءٍ بَعْدَ الْمَدْرَسَةِ لِيَقْرَؤُوا الْقِصَصَ مَعَ أَجْدَادِهِمْ.",
    "قَالَتْ أَمِينَةُ الْمَكْتَبَةِ إِنَّ الْكُتُبَ تُعَارُ مَجَّانًا، وَإِنَّ السُّكَّانَ تَبَرَّعُوا بِأَكْثَرَ "
    "مِنْ أَلْفِ كِتَابٍ خِلَالَ شَهْرٍ وَاحِدٍ.",
    "وَفِي نِهَايَةِ كُلِّ أُسْبُوعٍ يَجْتَمِعُ الْقُرَّاءُ حَوْلَ طَاوِلَةٍ طَوِيلَةٍ لِيَتَحَدَّثُوا عَنْ كِتَابٍ "
    "اِخْتَارُوهُ مَعًا، ثُمَّ يَشْرَبُونَ الشَّايَ فِي الْحَدِيقَةِ.",
]
ARABIC_BOILERPLATE = ["الرئيسية", "تسجيل الدخول", "جميع الحقوق محفوظة", "اشترك الآن"]


def page(lang: str, title: str, paragraphs: list[str], nav: list[str], footer: list[str], meta_charset: str | None) -> str:
    """An article page: ``<nav>`` menu, related-stories ``<aside>``, article, ``<footer>``."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">' if meta_charset else ""
    menu = "".join(f'<li><a href="/section/{i}">{item}</a></li>' for i, item in enumerate(nav))
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{meta}<title>{title}</title>
<style>body {{ font-family: serif }} .menu li {{ display: inline }}</style>
<script>var sections = ["{nav[0]}"]; function track() {{ return "{footer[0]}"; }}</script>
</head><body>
<header><nav class="menu"><ul>{menu}</ul></nav></header>
<main><article>
<h1>{title}</h1>
{body}
</article>
<aside class="related"><h2>{footer[1]}</h2><ul><li><a href="/a/1">{footer[1]} 1</a></li>
<li><a href="/a/2">{footer[1]} 2</a></li></ul></aside></main>
<footer><p>Copyright &copy; 2024. {footer[2]}</p><p><a href="/subscribe">{footer[3]}</a></p></footer>
</body></html>"""


def korean_page(meta_charset: str | None) -> str:
    nav = ["홈", "정치", "경제", "사회", "문화", "스포츠", "로그인", "회원가입"]
    return page("ko", KOREAN_TITLE, KOREAN_PARAGRAPHS, nav[5:] + nav[:5], ["구독", "많이 본 뉴스",
                "동네신문. 무단 전재 및 재배포 금지.", "구독 신청"], meta_charset)


def arabic_page(meta_charset: str | None) -> str:
    nav = ["الرئيسية", "سياسة", "اقتصاد", "ثقافة", "تسجيل الدخول"]
    return page("ar", ARABIC_TITLE, ARABIC_PARAGRAPHS, nav, ["الرئيسية", "الأكثر قراءة",
                "جريدة الحي. جميع الحقوق محفوظة.", "اشترك الآن"], meta_charset)


def extract(body: bytes, content_type: str, profile: str) -> Document:
    doc = Document(text="", id="written", metadata={"url": "https://news.example.kr/a/1", "_body": body,
                                                     "_content_type": content_type, "_http_headers": {}})
    step = Extract(ExtractSettings(profile=profile))
    out = list(run_steps([step], [doc]))
    assert len(out) == 1, dict(step.stats.stats)
    return out[0]


def assert_exact(doc: Document, title: str, paragraphs: list[str], boilerplate: list[str]) -> None:
    lines = [line.strip() for line in doc.text.splitlines() if line.strip()]
    assert lines == [f"# {title}", *paragraphs]  # every character, in order, nothing else
    assert unicodedata.is_normalized("NFC", doc.text)
    for snippet in boilerplate:
        assert snippet not in doc.text
    assert doc.metadata["title"] == title


def test_cp949_only_syllables_are_in_the_fixture():
    for syllable in "똠뷁햏":
        assert syllable in KOREAN_PARAGRAPHS[3]
        assert len(syllable.encode("cp949")) == 2
        assert len(syllable.encode("euc_kr")) == 8  # Python's EUC-KR spells them as jamo sequences
        with pytest.raises(UnicodeDecodeError):
            syllable.encode("cp949").decode("euc_kr")


# (meta charset in the page, Content-Type header): right, wrong (Latin-1, UTF-8) and missing
DECLARATIONS = [
    pytest.param("euc-kr", "text/html; charset=EUC-KR", id="declared-euc-kr"),
    pytest.param("euc-kr", "text/html", id="meta-only-euc-kr"),
    pytest.param("iso-8859-1", "text/html; charset=iso-8859-1", id="wrong-latin1"),
    pytest.param("utf-8", "text/html; charset=utf-8", id="wrong-utf8"),
    pytest.param(None, "text/html", id="undeclared"),
]


@pytest.mark.parametrize("profile", ["precision", "fast"])
@pytest.mark.parametrize("meta_charset, content_type", DECLARATIONS)
def test_korean_cp949_page_comes_out_exact(meta_charset, content_type, profile):
    body = korean_page(meta_charset).encode("cp949")
    assert_exact(extract(body, content_type, profile), KOREAN_TITLE, KOREAN_PARAGRAPHS, KOREAN_BOILERPLATE)


@pytest.mark.parametrize("profile", ["precision", "fast"])
@pytest.mark.parametrize(
    "meta_charset, content_type",
    [
        pytest.param("windows-1256", "text/html; charset=windows-1256", id="declared-cp1256"),
        pytest.param("iso-8859-1", "text/html; charset=iso-8859-1", id="wrong-latin1"),
        pytest.param(None, "text/html", id="undeclared"),
    ],
)
def test_arabic_vowel_marks_survive_a_legacy_charset(meta_charset, content_type, profile):
    body = arabic_page(meta_charset).encode("cp1256")
    assert_exact(extract(body, content_type, profile), ARABIC_TITLE, ARABIC_PARAGRAPHS, ARABIC_BOILERPLATE)


@pytest.mark.parametrize("profile", ["precision", "fast"])
def test_utf8_pages_keep_every_mark(profile):
    assert_exact(extract(arabic_page("utf-8").encode("utf-8"), "text/html", profile), ARABIC_TITLE,
                 ARABIC_PARAGRAPHS, ARABIC_BOILERPLATE)
    assert_exact(extract(korean_page(None).encode("utf-8"), "text/html; charset=euc-kr", profile), KOREAN_TITLE,
                 KOREAN_PARAGRAPHS, KOREAN_BOILERPLATE)
