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
