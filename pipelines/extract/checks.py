"""Cheap checks on a raw HTTP body, run before any decoding or parsing.

Why it exists: parsing is the expensive part of extraction; bodies that are not HTML (images,
PDFs, archives served with a wrong header), too big, or empty are rejected first, each with its
own counted reason, so the cost goes only to pages that can hold main text.
"""

from __future__ import annotations

NOT_HTML = "not_html"
OVERSIZE = "oversize"
EMPTY_BODY = "empty_body"

#: Leading bytes of common non-HTML formats (served as text/html often enough to matter).
BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx, epub, jar
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # jpeg
    b"RIFF",  # webp, wav, avi
    b"\x1f\x8b",  # gzip left compressed
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x00\x00\x01\x00",  # ico
    b"wOFF",
    b"wOF2",
    b"OggS",
    b"ID3",
    b"fLaC",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",  # legacy MS Office
    b"\x1aE\xdf\xa3",  # matroska/webm
)
_FTYP_OFFSET = 4  # mp4/mov/heic: "....ftyp"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF_BYTES = 1024


def media_type(content_type: str | None) -> str | None:
    """``text/html; charset=utf-8`` -> ``text/html`` (lower-case); None when absent or blank."""
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    return value or None


def looks_binary(body: bytes) -> bool:
    """True for bodies that start with a known binary signature or hold NUL bytes near the start.

    UTF-16 bodies (with a byte-order mark) legitimately contain NUL bytes and are not binary.
    """
    head = body[:_SNIFF_BYTES]
    if head.startswith(_UTF16_BOMS):
        return False
    if head.startswith(BINARY_MAGIC) or head[_FTYP_OFFSET : _FTYP_OFFSET + 4] == b"ftyp":
        return True
    return b"\x00" in head


def precheck(body: bytes | None, content_type: str | None, allowed: frozenset[str], max_bytes: int,
             min_bytes: int) -> str | None:
    """The drop reason for a body that cannot be an HTML page worth parsing, or None to go on."""
    if body is None or len(body.strip()) < min_bytes:
        return EMPTY_BODY
    if len(body) > max_bytes:
        return OVERSIZE
    declared = media_type(content_type)
    if declared is not None and declared not in allowed:
        return NOT_HTML
    if looks_binary(body):
        return NOT_HTML
    if declared is None and b"<" not in body[:_SNIFF_BYTES]:
        return NOT_HTML
    return None
