"""Turn a raw HTTP body into text without trusting a wrong charset declaration.

Why it exists: web pages often declare one charset and use another (a CMS template says
ISO-8859-1 around UTF-8 articles, a proxy adds ``charset=utf-8`` to Shift_JIS pages). Decoding
with the declaration alone produces mojibake that later stages cannot repair. Order used:

1. a byte-order mark (authoritative);
2. pure ASCII (every ASCII-compatible declaration gives the same text);
3. valid UTF-8: multi-byte UTF-8 sequences almost never occur by accident in legacy encodings,
   so a body that decodes cleanly as UTF-8 *is* UTF-8 whatever it declares;
4. the declarations (HTTP header, then ``<meta charset>``/``http-equiv``), validated by a strict
   decode, with WHATWG's superset mapping (ISO-8859-1 -> windows-1252, GB2312 -> GB18030, ...).
   A single-byte charset decodes almost any bytes without error, so a strict decode proves
   nothing (EUC-KR Korean declared ISO-8859-1 decodes "cleanly" to ``¼­¿ïÀÇ``); its result is
   kept unless charset-normalizer's mess measure, on the words holding non-ASCII characters,
   reads them as mojibake (judged from 20 such words up: a few ``©`` or ``—`` alone read as
   noise, and a wrong charset on so few characters damages little);
5. nearly-valid UTF-8 (a few stray bytes among many well-formed multi-byte sequences);
6. charset-normalizer's detection.

Nothing decodes cleanly -> ``None`` (the caller counts ``undecodable``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

UNDECODABLE = "undecodable"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: WHATWG Encoding Standard: labels that browsers decode with a superset encoding.
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf_16": "utf-8",  # a UTF-16 declaration on a body without BOM is always wrong in practice
    "utf_16_le": "utf-8",
    "utf_16_be": "utf-8",
}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.IGNORECASE)
_META_SCAN_BYTES = 16_384
#: Nearly-valid UTF-8: at most one replacement per this many correctly decoded non-ASCII characters.
_UTF8_GOOD_PER_BAD = 20
_MESS_SAMPLE_CHARS = 4_000
_MESS_MIN_WORDS = 20
#: charset-normalizer's own default limit between text and mojibake
_MAX_MESS = 0.2


@dataclass(frozen=True)
class Decoded:
    """The decoded page and how its encoding was decided (for stats and debugging)."""

    text: str
    encoding: str
    method: str  # bom | ascii | utf8 | declared | utf8-lenient | detected


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label (WHATWG supersets applied), or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return _SUPERSETS.get(name, name)


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Charsets declared by the HTTP header and by the page's ``<meta>``, normalised, in that order."""
    labels: list[str | None] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        labels.append(match.group(1) if match else None)
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    if match:
        labels.append(match.group(1).decode("ascii", "ignore"))
    result: list[str] = []
    for label in labels:
        name = normalize_charset(label)
        if name and name not in result:
            result.append(name)
    return result


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


@lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """True when every byte decodes on its own (no multi-byte sequences), e.g. windows-1252, KOI8-R."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    return all(len(decoder.decode(bytes([byte]), False)) == 1 for byte in range(0x80, 0x100))


def _plausible(text: str) -> bool:
    """False when the words holding non-ASCII characters read as mojibake (a wrong single-byte charset)."""
    words: list[str] = []
    size = 0
    for word in text.split():
        if not word.isascii():
            words.append(word)
            size += len(word) + 1
            if size >= _MESS_SAMPLE_CHARS:
                break
    # maximum_threshold=1: the whole sample is measured (a lower one stops at the first messy stretch)
    return len(words) < _MESS_MIN_WORDS or mess_ratio(" ".join(words), 1.0) < _MAX_MESS


def _nearly_utf8(body: bytes) -> str | None:
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if non_ascii >= _UTF8_GOOD_PER_BAD * bad else None


def decode_body(body: bytes, content_type: str | None = None) -> Decoded | None:
    """Decode ``body`` following the module's order; None when nothing decodes cleanly."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = _strict(body, encoding)
            if text is not None:
                return Decoded(text, encoding, "bom")
            break
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", "ascii")
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf8")
    for encoding in declared_charsets(body, content_type):
        text = _strict(body, encoding)
        if text is not None and (not _single_byte(encoding) or _plausible(text)):
            return Decoded(text, encoding, "declared")
    text = _nearly_utf8(body)
    if text is not None:
        return Decoded(text, "utf-8", "utf8-lenient")
    best = from_bytes(body).best()
    if best is not None:
        return Decoded(str(best), best.encoding, "detected")
    return None
