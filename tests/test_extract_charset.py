"""Charset detection: BOMs, lying declarations, meta tags, stray bytes, and undecodable bodies."""

from __future__ import annotations

import codecs

from lingoloom.pipelines.extract.charset import declared_charsets, decode_body, normalize_charset

FRENCH = "<html><body><p>Le café de la façade: où est l'élève? Déjà vu, naïveté, cœur.</p></body></html>"


def test_bom_wins_over_declarations():
    body = codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le")
    decoded = decode_body(body, "text/html; charset=iso-8859-1")
    assert decoded.text.lstrip("\ufeff") == FRENCH and decoded.method == "bom"


def test_valid_utf8_beats_a_latin1_declaration():
    decoded = decode_body(FRENCH.encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert decoded.text == FRENCH and decoded.encoding == "utf-8"


def test_declared_legacy_charset_is_used_when_utf8_fails():
    body = FRENCH.replace("<html>", '<html><head><meta charset="windows-1252"></head>').encode("cp1252")
    decoded = decode_body(body, "text/html")
    assert decoded.method == "declared" and "Le café de la façade" in decoded.text


def test_whatwg_supersets():
    assert normalize_charset("ISO-8859-1") == "cp1252"
    assert normalize_charset("gb2312") == "gb18030"
    assert normalize_charset("Shift_JIS") == "cp932"
    assert normalize_charset("no-such-charset") is None


def test_declarations_from_header_and_meta_in_order():
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
    assert declared_charsets(body, "text/html; charset=\"UTF-8\"") == ["utf_8", "cp949"]


def test_nearly_utf8_with_a_stray_byte():
    text = "Żółć gęślą jaźń " * 20
    body = text.encode("utf-8") + b"\xff" + text.encode("utf-8")
    decoded = decode_body(body, "text/html; charset=windows-1250-typo")
    assert decoded.method == "utf8-lenient" and decoded.text.count("Żółć") == 40


def test_random_bytes_are_undecodable():
    import random

    rng = random.Random(1)
    assert decode_body(bytes(rng.randrange(128, 256) for _ in range(4000))) is None


def test_single_byte_declaration_that_reads_as_mojibake_is_not_trusted():
    """windows-1252 decodes EUC-KR bytes without error ("¼­¿ïÀÇ"): the strict decode proves nothing."""
    korean = "<html><body>" + "<p>서울의 작은 도서관들이 주민들의 사랑방으로 자리 잡고 있다.</p>" * 10 + "</body></html>"
    decoded = decode_body(korean.encode("cp949"), "text/html; charset=iso-8859-1")
    assert decoded.text == korean and decoded.method == "detected"


def test_single_byte_declarations_of_real_text_are_kept():
    sparse = "<html><body><p>Copyright © 2024 — all rights reserved.</p></body></html>"  # too few words to judge
    russian = "<p>Жители небольшого города собрались на площади, чтобы обсудить новую школу.</p>" * 10
    french = FRENCH * 10
    for text, encoding in ((sparse, "cp1252"), (russian, "cp1251"), (french, "cp1252")):
        decoded = decode_body(text.encode(encoding), f"text/html; charset={encoding}")
        assert decoded.text == text and decoded.method == "declared", encoding
