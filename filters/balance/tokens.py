"""Estimated tokens from characters, per writing system.

Why it exists: a mixture is decided in tokens, but the pipeline must not depend on one model's
tokenizer, and characters mean very different amounts of text across scripts (one Han character
is roughly a word; a Latin word is several characters). We therefore estimate tokens as
``characters / chars_per_token(script)`` with the table below: rough medians for a modern
multilingual BPE vocabulary of ~100-250k entries (Llama-3/Gemma class), where English runs about
4 characters per token, Cyrillic and Greek about 3, Arabic, Hebrew and Indic scripts 2.5-3, and
CJK 1-1.5. The figures are estimates for relative weighting only; override them per script with
``balance.chars_per_token`` when you train with a known tokenizer.
"""

from __future__ import annotations

from typing import Mapping

#: ISO 15924 script -> estimated characters per token.
CHARS_PER_TOKEN: dict[str, float] = {
    "Latn": 4.0,
    "Cyrl": 3.2,
    "Grek": 3.0,
    "Armn": 2.8,
    "Geor": 2.8,
    "Arab": 2.9,
    "Hebr": 2.8,
    "Deva": 2.6,
    "Beng": 2.5,
    "Guru": 2.5,
    "Gujr": 2.5,
    "Taml": 2.6,
    "Telu": 2.5,
    "Knda": 2.5,
    "Mlym": 2.6,
    "Sinh": 2.4,
    "Thai": 2.6,
    "Laoo": 2.2,
    "Khmr": 2.2,
    "Mymr": 2.2,
    "Ethi": 2.0,
    "Tibt": 2.0,
    "Hang": 1.7,
    "Kore": 1.7,
    "Jpan": 1.5,
    "Hira": 1.5,
    "Kana": 1.5,
    "Hans": 1.3,
    "Hant": 1.3,
    "Hani": 1.3,
}
#: Scripts not in the table (and "und").
DEFAULT_CHARS_PER_TOKEN = 3.0


def script_of(language: str) -> str | None:
    """``"Latn"`` for ``"vie_Latn"``; None when the label has no script part (e.g. ``"und"``)."""
    _, sep, script = language.partition("_")
    return script if sep and len(script) == 4 else None


def chars_per_token(language: str, overrides: Mapping[str, float] | None = None) -> float:
    """Estimated characters per token for a language label ``lang_Script``."""
    script = script_of(language)
    if script is not None and overrides and script in overrides:
        return float(overrides[script])
    return CHARS_PER_TOKEN.get(script or "", DEFAULT_CHARS_PER_TOKEN)


def estimate_tokens(chars: int, language: str, overrides: Mapping[str, float] | None = None) -> float:
    """Estimated tokens of ``chars`` characters of text in ``language``."""
    return chars / chars_per_token(language, overrides)
