"""One mapping from every language-code form to the project's canonical label, and back.

Why it exists: backends disagree on how to spell a language. fastText's ``lid.176`` says
``__label__zh`` (Wikipedia codes), GlotLID says ``cmn_Hani`` or ``zho_Hans``, users write BCP-47
``zh-Hant`` or ISO 639-1 ``ar``. A document's language decides which data set it feeds, so every
spelling must land on the same label, or a language silently splits in two.

The canonical label is ISO 639-3 + ``_`` + ISO 15924 script (``vie_Latn``, ``cmn_Hans``,
``arb_Arab``), as in FineWeb-2; ``und`` when unknown. The rules, in order:

1. strip a fastText ``__label__`` prefix; for ``lid.176`` (``scheme="wikipedia"``) first apply the
   few Wikipedia codes that are not ISO codes (:data:`WIKIPEDIA_CODES`, e.g. ``als`` is Alemannic
   there but Tosk Albanian in ISO 639-3);
2. parse the rest as a BCP-47 tag (``_`` accepted as separator) with ``langcodes``, which also
   replaces deprecated codes (``iw`` -> ``he``, ``tl`` -> ``fil``, ``sh`` -> ``sr-Latn``);
3. convert the language to ISO 639-3 and replace a macrolanguage by the individual language that
   dominates its web text (:data:`MACRO_TO_INDIVIDUAL`: ``zh`` -> ``cmn``, ``ar`` -> ``arb``, ``fa``
   -> ``pes``, ``ms`` -> ``zsm``, ``sw`` -> ``swh``, ...; the choices follow the file names of
   FineWeb-2's per-language configs, except Persian, where FineWeb-2 keeps the macrolanguage
   ``fas`` and we use the individual ``pes``; :func:`filter_pack_label` maps back);
4. the script is the one given, else the one in the tag, else the language's likely script from
   CLDR's likely-subtags data (shipped with ``langcodes``; its macrolanguage's when the language
   has none; ``Zyyy`` when neither has, for the text's script to replace); the generic Han script ``Hani`` becomes
   ``Hans`` for Chinese languages that default to Simplified and ``Hant`` for those that default to
   Traditional (text-based script detection refines this, see :mod:`lingoloom.langid.scripts`);
   Korean is written ``Hang`` (FineWeb-2's ``kor_Hang``), not CLDR's ``Kore``.

Back for the dataset card: :func:`card_language_code` gives ISO 639-1 where one exists
(macrolanguage included: ``cmn_Hans`` -> ``zh``), else ISO 639-3; :func:`bcp47` gives a tag with
the script (``cmn_Hans`` -> ``zh-Hans``).
"""

from __future__ import annotations

from functools import lru_cache

import langcodes
from langcodes.data_dicts import LIKELY_SUBTAGS, MACROLANGUAGES

UNKNOWN = "und"
#: ISO 15924 "undetermined script", for a known language whose usual script no data source gives.
UNKNOWN_SCRIPT = "Zyyy"
FASTTEXT_PREFIX = "__label__"

#: Macrolanguage (ISO 639-3) -> the individual language (ISO 639-3) the canonical label uses.
#: Chosen as the member FineWeb-2 publishes a config for (its web-text majority), except ``fas``.
MACRO_TO_INDIVIDUAL: dict[str, str] = {
    "aka": "twi",
    "ara": "arb",
    "aym": "ayr",
    "aze": "azj",
    "bik": "bcl",
    "bua": "bxr",
    "chm": "mhr",
    "din": "dik",
    "est": "ekk",
    "fas": "pes",
    "ful": "fuv",
    "grn": "gug",
    "iku": "ike",
    "kau": "knc",
    "kok": "gom",
    "kom": "kpv",
    "kon": "kng",
    "kur": "kmr",
    "lah": "pnb",
    "lav": "lvs",
    "mlg": "plt",
    "mon": "khk",
    "msa": "zsm",
    "nep": "npi",
    "nor": "nob",
    "oji": "ojb",
    "ori": "ory",
    "orm": "gaz",
    "pus": "pbt",
    "que": "quy",
    "sqi": "als",
    "swa": "swh",
    "uzb": "uzn",
    "yid": "ydd",
    "zha": "zyb",
    "zho": "cmn",
    "zza": "diq",
}

#: lid.176 (Wikipedia-code) labels whose meaning differs from, or is missing in, ISO/BCP-47.
WIKIPEDIA_CODES: dict[str, str] = {
    "als": "gsw",  # Alemannic on Wikipedia; ISO 639-3 "als" is Tosk Albanian
    "bh": "bho",  # Bihari (collective) -> Bhojpuri, the Bihari Wikipedia's language
    "eml": "egl",  # Emilian-Romagnol (retired code) -> Emilian
    "nah": "nhe",  # Nahuatl (collective) -> Eastern Huasteca Nahuatl, the largest
    "no": "nob",  # lid.176 "no" is Bokmål (Nynorsk is "nn")
}

#: Usual script of languages CLDR's likely-subtags data lacks or gets from the wrong macrolanguage.
DEFAULT_SCRIPTS: dict[str, str] = {
    "azb": "Arab",  # South Azerbaijani is written in Arabic script (Iran); CLDR falls back to az-Latn
    "cbk": "Latn",
    "ile": "Latn",
    "mwl": "Latn",
    "xal": "Cyrl",
}

#: Canonical label -> the label FineWeb-2 filed its per-language config under, where they differ
#: beyond the Han script (``cmn_Hans``/``cmn_Hant`` -> ``cmn_Hani`` is handled generically).
FILTER_PACK_ALIASES: dict[str, str] = {"pes_Arab": "fas_Arab"}

_HAN_SCRIPTS = ("Hans", "Hant")
#: Individual languages that ``langcodes`` would fold into a macrolanguage + region
#: (``prs`` -> ``fa-AF``); they have their own labels in GlotLID and FineWeb-2, so they stay.
_KEEP_INDIVIDUAL = frozenset({"cnr", "prs", "swc"})


def _strip(code: str) -> str:
    code = code.strip()
    if code.startswith(FASTTEXT_PREFIX):
        code = code[len(FASTTEXT_PREFIX) :]
    return code.replace("_", "-")


def _likely_script(language: str) -> str | None:
    """The likely script of an ISO 639 code (2 or 3 letters) from CLDR likely subtags."""
    parsed = langcodes.Language.get(language)
    macro = MACROLANGUAGES.get(parsed.language or "") or parsed.prefer_macrolanguage().language
    for code in (language, parsed.language, macro):
        maximized = LIKELY_SUBTAGS.get(code or "")
        if maximized:
            return langcodes.Language.get(maximized).script
    return None


@lru_cache(maxsize=8192)
def normalize_label(code: str, script: str | None = None, scheme: str = "iso") -> str:
    """Canonical ``xxx_Scrp`` label for any code form; ``und`` when the code is not a language.

    ``scheme="wikipedia"`` reads bare codes as fastText ``lid.176`` does (Wikipedia language
    codes). ``script`` (ISO 15924), when given, overrides the script of the code.
    """
    text = _strip(code)
    if not text:
        return UNKNOWN
    head, _, rest = text.partition("-")
    if scheme == "wikipedia" and head.lower() in WIKIPEDIA_CODES:
        text = WIKIPEDIA_CODES[head.lower()] + ("-" + rest if rest else "")
    try:
        lang = langcodes.Language.get(text, normalize=head.lower() not in _KEEP_INDIVIDUAL)
    except (langcodes.tag_parser.LanguageTagError, ValueError):
        return UNKNOWN
    if not lang.language or lang.language in ("und", "zxx", "mul", "mis") or not lang.is_valid():
        return UNKNOWN
    alpha3 = lang.to_alpha3()
    alpha3 = MACRO_TO_INDIVIDUAL.get(alpha3, alpha3)
    chosen = script or lang.script
    if chosen is None and lang.territory:
        chosen = lang.maximize().script
    likely = DEFAULT_SCRIPTS.get(alpha3) or _likely_script(alpha3) or _likely_script(lang.language)
    if chosen is None:
        chosen = likely
    if chosen == "Hani" and likely in _HAN_SCRIPTS:
        chosen = likely
    elif chosen == "Hani" and alpha3 in ("cmn", "yue", "lzh", "wuu", "hak", "nan"):
        chosen = "Hant" if alpha3 == "yue" else "Hans"
    if chosen == "Kore":
        chosen = "Hang"
    return f"{alpha3}_{(chosen or UNKNOWN_SCRIPT).title()}"


def split_label(label: str) -> tuple[str, str | None]:
    """``("cmn", "Hans")`` for ``cmn_Hans``; ``("und", None)`` for ``und``."""
    language, _, script = label.partition("_")
    return language, (script or None)


def with_script(label: str, script: str) -> str:
    """The same language written in another script (``srp_Cyrl`` -> ``srp_Latn``)."""
    language, _ = split_label(label)
    return UNKNOWN if language == UNKNOWN else f"{language}_{script}"


@lru_cache(maxsize=4096)
def card_language_code(label: str) -> str:
    """The Hub card's ``language`` code: ISO 639-1 where one exists (also via the macrolanguage), else 639-3."""
    language, _ = split_label(label)
    if language == UNKNOWN:
        return UNKNOWN
    macro = langcodes.Language.get(language).prefer_macrolanguage().language or language
    return macro if len(macro) == 2 else language


def bcp47(label: str) -> str:
    """A BCP-47 tag with the script, for the card's ``language_details`` (``cmn_Hans`` -> ``zh-Hans``)."""
    _, script = split_label(label)
    code = card_language_code(label)
    return code if script is None or code == UNKNOWN else f"{code}-{script}"


def filter_pack_label(label: str) -> str:
    """The label FineWeb-2 files this language's config under (``cmn_Hant`` -> ``cmn_Hani``, ``pes_Arab`` -> ``fas_Arab``)."""
    language, script = split_label(label)
    if script in _HAN_SCRIPTS:
        return f"{language}_Hani"
    return FILTER_PACK_ALIASES.get(label, label)
