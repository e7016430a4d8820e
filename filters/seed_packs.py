"""One-off generator of the seed language packs from FineWeb-2's configs and stopwords-iso.

Why it exists: the seed packs' numbers come from published work (FineWeb-2 per-language
thresholds and stopwords, stopwords-iso lists), and a script that derives them keeps that
derivation reviewable and repeatable. It was run once to write ``filters/languages/*.yaml``;
the packs are committed with their sources, so nothing at run or test time needs the
reference data. Run again (with the data) only to re-derive::

    python -m lingoloom.filters.seed_packs --data ../shared/data/filters

Mapping (FineWeb-2 filtering step -> pack): ``language_score`` -> ``langid_threshold``, capped
at 0.65 (FineWeb-2's scores are GlotLID's, calibrated on GlotLID's score distributions; lid.176,
our default model, is less confident on the same text, and 0.65 is the lid.176 threshold
FineWeb used for English; calibrate per language on lid.176 scores to tighten); word-length bounds,
``max_non_alpha_words_ratio`` and stopwords (``min_stop_words: 2``) -> ``gopher_quality``;
``dup_line_frac``, ``top_n_grams``, ``dup_n_grams`` -> ``gopher_repetition`` (paragraph and
character-fraction rules keep Gopher's defaults); ``line_punct_thr`` (``-1`` = off -> ``0``)
and ``new_line_ratio`` -> ``fineweb_quality``. Everything else keeps datatrove's defaults.
"""

from __future__ import annotations

import argparse
import unicodedata
import json
from pathlib import Path

import yaml
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS as GOPHER_STOP_WORDS
from datatrove.utils.text import PUNCTUATION_SET

from lingoloom.filters.packs import PACKS_DIR, dump_pack
from lingoloom.filters.tokenize import ScriptTokenizer, get_tokenizer, tokenizer_name
from lingoloom.schemas.language_pack import LanguagePack

FINEWEB2 = {
    "name": "FineWeb-2 per-language filter configs (huggingface/fineweb-2 @d0defb2)",
    "url": "https://github.com/huggingface/fineweb-2/tree/main/configs",
    "license": "Apache-2.0 (code), ODC-By 1.0 (data)",
}
STOPWORDS_ISO = {
    "name": "stopwords-iso",
    "url": "https://github.com/stopwords-iso/stopwords-iso",
    "license": "MIT",
}
DATATROVE = {
    "name": "datatrove stock filter defaults (Gopher, FineWeb)",
    "url": "https://github.com/huggingface/datatrove",
    "license": "Apache-2.0",
}

#: FineWeb's lid.176 threshold; FineWeb-2's GlotLID thresholds above it are capped to it.
LID176_CAP = 0.65

#: label -> (English name, FineWeb-2 config label or None, ISO 639-1 for stopwords-iso or None, tokenizer override)
SEEDS: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "eng_Latn": ("English", None, "en", None),
    "vie_Latn": ("Vietnamese", "vie_Latn", "vi", None),
    "tha_Thai": ("Thai", "tha_Thai", "th", None),
    "cmn_Hans": ("Mandarin Chinese (Simplified)", "cmn_Hani", "zh", None),
    "cmn_Hant": ("Mandarin Chinese (Traditional)", "cmn_Hani", None, None),
    "jpn_Jpan": ("Japanese", "jpn_Jpan", "ja", None),
    "kor_Hang": ("Korean", "kor_Hang", "ko", None),
    "hin_Deva": ("Hindi", "hin_Deva", "hi", None),
    "mar_Deva": ("Marathi", "mar_Deva", "mr", None),
    "npi_Deva": ("Nepali", "npi_Deva", None, None),
    "ben_Beng": ("Bengali", "ben_Beng", "bn", None),
    "tam_Taml": ("Tamil", "tam_Taml", None, None),
    "tel_Telu": ("Telugu", "tel_Telu", None, None),
    "kan_Knda": ("Kannada", "kan_Knda", None, None),
    "mal_Mlym": ("Malayalam", "mal_Mlym", None, None),
    "guj_Gujr": ("Gujarati", "guj_Gujr", "gu", None),
    "pan_Guru": ("Punjabi (Eastern)", "pan_Guru", None, None),
    "ory_Orya": ("Odia", "ory_Orya", None, None),
    "sin_Sinh": ("Sinhala", "sin_Sinh", None, None),
    "arb_Arab": ("Standard Arabic", "arb_Arab", "ar", None),
    "pes_Arab": ("Persian (Iranian)", "fas_Arab", "fa", None),
    "urd_Arab": ("Urdu", "urd_Arab", "ur", None),
    "rus_Cyrl": ("Russian", "rus_Cyrl", "ru", None),
    "ukr_Cyrl": ("Ukrainian", "ukr_Cyrl", "uk", None),
    "bul_Cyrl": ("Bulgarian", "bul_Cyrl", "bg", None),
    "ell_Grek": ("Modern Greek", "ell_Grek", "el", None),
    "heb_Hebr": ("Hebrew", "heb_Hebr", "he", None),
    "amh_Ethi": ("Amharic", "amh_Ethi", None, "script"),
    "kat_Geor": ("Georgian", "kat_Geor", None, None),
    "hye_Armn": ("Armenian", "hye_Armn", "hy", None),
    "khm_Khmr": ("Khmer", "khm_Khmr", None, None),
    "mya_Mymr": ("Burmese", "mya_Mymr", None, "script"),
    "lao_Laoo": ("Lao", "lao_Laoo", None, None),
    "bod_Tibt": ("Tibetan", "bod_Tibt", None, "script"),
    "swh_Latn": ("Swahili", "swh_Latn", "sw", None),
    "yor_Latn": ("Yoruba", "yor_Latn", "yo", None),
    "hau_Latn": ("Hausa", "hau_Latn", "ha", None),
    "zul_Latn": ("Zulu", "zul_Latn", "zu", None),
    "som_Latn": ("Somali", "som_Latn", "so", None),
    "ind_Latn": ("Indonesian", "ind_Latn", "id", None),
    "zsm_Latn": ("Standard Malay", "zsm_Latn", "ms", None),
    "tgl_Latn": ("Tagalog", "fil_Latn", "tl", None),
    "fil_Latn": ("Filipino", "fil_Latn", "tl", None),
    "spa_Latn": ("Spanish", "spa_Latn", "es", None),
    "fra_Latn": ("French", "fra_Latn", "fr", None),
    "deu_Latn": ("German", "deu_Latn", "de", None),
    "por_Latn": ("Portuguese", "por_Latn", "pt", None),
    "tur_Latn": ("Turkish", "tur_Latn", "tr", None),
    "pol_Latn": ("Polish", "pol_Latn", "pl", None),
}

NOTES = {
    "eng_Latn": "FineWeb's English settings (datatrove's defaults); the only pack with C4 line filters on.",
    "cmn_Hans": "jieba word segmentation (via spaCy); FineWeb-2 filed these numbers under cmn_Hani.",
    "cmn_Hant": "Same numbers as cmn_Hans (FineWeb-2 has one cmn_Hani config); jieba segments Traditional text too.",
    "amh_Ethi": "Script tokenizer: it splits on the Ethiopic wordspace (U+1361) as well as spaces; spaCy's blank "
    "Amharic pipeline does not, and reads text written with U+1361 as one giant word.",
    "mya_Mymr": "Script tokenizer, Burmese syllables by the usual syllable-break rule (a consonant not stacked under "
    "a virama and not killed by an asat starts a syllable), Myanmar digits as numbers, section marks (၊ "
    "။) as punctuation. Not datatrove's Burmese tokenizer: pyidaungsu (MIT, CRF model in its wheel) "
    "imports and loads a second fastText distribution (fasttext-numpy2-wheel) at import time; myword "
    "(MIT) downloads its dictionary at run time. Thresholds from FineWeb-2 assume words; word-length and "
    "repetition numbers are adapted to syllables here (see sources).",
    "bod_Tibt": "Script tokenizer, tsheg-separated syllables (U+0F0B and the non-breaking U+0F0C separate; shads are "
    "punctuation tokens). Not datatrove's Tibetan tokenizer: botok (Apache-2.0, pure-Python wheel) "
    "downloads its dialect pack at run time, which is not allowed here; no other PyPI segmenter ships its"
    " model in a wheel.",
    "tgl_Latn": "lid.176 reports Tagalog as 'tl' and labels normalise it to fil_Latn; this pack exists for "
    "sources that declare tgl. Numbers from FineWeb-2's fil_Latn.",
    "fil_Latn": "What lid.176's 'tl' normalises to. Numbers from FineWeb-2's fil_Latn.",
    "tel_Telu": "FineWeb-2's Telugu stopwords are dominated by village-article words (గ్రామం 'village', కేంద్రం "
    "'centre', దూరంలో 'at a distance'); formal prose (the UDHR) holds only one of them, so one is required.",
    "kor_Hang": "Kiwi morphemes (kiwipiepy, Apache-2.0, abi3 wheel; its model package kiwipiepy_model, Apache-2.0, "
    "is a data-only source package: installs without compiling, nothing downloaded at run time), as "
    "FineWeb-2 measured Korean, so its thresholds apply unchanged and so do its stopwords (particles and "
    "endings: 는, 을, 에서, 했), except 으로, which Kiwi reads as 으 + 로 when it stands alone (the pack check "
    "tokenizes each stopword alone). Words are the text each morpheme covers, as in datatrove "
    "(했다 -> 했 했 다). datatrove's KiwiTokenizer itself is not used as is: it asks for Kiwi's 'sbg' "
    "model, which kiwipiepy_model has not shipped since 0.22; ours is the same tokenizer with Kiwi's "
    "default model (CoNg). "
    "Without kiwipiepy the script tokenizer (one token per Hangul syllable) takes over with a warning.",
}

def _visible(word: str) -> bool:
    """At least one character that is not a space, control or format mark (a lone U+200B is no word)."""
    return any(unicodedata.category(ch)[0] not in "ZC" for ch in word)


def _stopwords_for(tokenizer, words: list[str]) -> list[str]:
    """Stopwords as the pack's tokenizer yields them (``དང་`` -> ``དང``); ones it splits can never match."""
    kept = []
    for word in words:
        try:
            tokens = tokenizer.word_tokenize(word)
        except Exception:  # a tokenizer that fails on a single word cannot match it either
            continue
        token = tokens[0] if len(set(tokens)) == 1 else ""  # Kiwi: 했 -> 했 했 (one per morpheme) is whole
        if token and _visible(token) and not PUNCTUATION_SET.issuperset(token) and token not in kept:
            kept.append(token)
    return kept


def hand_written_fields(existing: Path | None) -> dict[str, str]:
    """The sample and its provenance are written by people, not derived: keep them from the pack on disk."""
    if existing is None or not existing.exists():
        return {}
    data = yaml.safe_load(existing.read_text(encoding="utf-8")) or {}
    return {key: data[key] for key in ("sample", "sample_source") if data.get(key)}


def build_pack(label: str, data: Path, stopwords_iso: dict[str, list[str]], existing: Path | None = None) -> LanguagePack:
    name, fw2_label, iso1, tokenizer_override = SEEDS[label]
    sources = []
    pack: dict = {"label": label, "name": name, "tokenizer": tokenizer_override or "datatrove"}
    if fw2_label and fw2_label != label:
        pack["tokenizer_language"] = fw2_label
    candidates = tuple(dict.fromkeys(x for x in (fw2_label, label, label.split("_")[0]) if x))
    tokenizer = ScriptTokenizer() if pack["tokenizer"] == "script" else get_tokenizer("datatrove", candidates)
    if tokenizer_override is None and tokenizer_name(tokenizer) == "script":
        pack["tokenizer"] = "script"
    config = yaml.safe_load((data / "fineweb2" / "configs" / f"{fw2_label}.yml").read_text()) if fw2_label else None
    stopwords: list[str] = []
    if config:
        stopwords = [str(w) for w in config.get("stopwords") or []]
        used = "langid_threshold (capped at 0.65 for lid.176), gopher_quality word lengths and alpha ratio, gopher_repetition, fineweb_quality"
        sources.append({**FINEWEB2, "used_for": f"{used} (config {fw2_label}.yml)" + (", stopwords" if stopwords else "")})
        pack["langid_threshold"] = min(float(config["language_score"]), LID176_CAP)
        pack["gopher_quality"] = {
            "min_avg_word_length": config["min_avg_word_length"],
            "max_avg_word_length": config["max_avg_word_length"],
            "max_non_alpha_words_ratio": config["max_non_alpha_words_ratio"],
        }
        pack["gopher_repetition"] = {
            "dup_line_frac": config["dup_line_frac"],
            "top_n_grams": [list(x) for x in config["top_n_grams"]],
            "dup_n_grams": [list(x) for x in config["dup_n_grams"]],
        }
        punct = float(config["line_punct_thr"])
        pack["fineweb_quality"] = {
            "line_punct_thr": max(punct, 0.0),
            "line_punct_exclude_zero": punct <= 0,
            "new_line_ratio": config["new_line_ratio"],
        }
    else:
        sources.append({**DATATROVE, "used_for": "all thresholds (FineWeb English settings)"})
        pack["c4_line_filters"] = True
    if label == "eng_Latn":
        stopwords = list(GOPHER_STOP_WORDS)
        sources[-1]["used_for"] += ", stopwords (Gopher's eight)"
    elif not stopwords and iso1 and iso1 in stopwords_iso:
        stopwords = stopwords_iso[iso1]
        sources.append({**STOPWORDS_ISO, "used_for": f"stopwords (list '{iso1}', kept: words the tokenizer keeps whole)"})
    stopwords = _stopwords_for(tokenizer, stopwords)
    pack["stopwords"] = stopwords
    if not stopwords:
        pack.setdefault("gopher_quality", {})["min_stop_words"] = None
    if pack["tokenizer"] == "script" and label in ("mya_Mymr", "bod_Tibt"):
        # syllables are shorter and repeat more than words: keep FineWeb-2's lower bound, relax the rest
        pack["gopher_quality"].update({"min_avg_word_length": 1, "max_avg_word_length": 8})
        pack["gopher_repetition"]["dup_n_grams"] = [[n, min(1.0, frac * 2)] for n, frac in pack["gopher_repetition"]["dup_n_grams"]]
        pack["gopher_repetition"]["top_n_grams"] = [[n, min(1.0, frac * 1.5)] for n, frac in pack["gopher_repetition"]["top_n_grams"]]
    if label == "tel_Telu":
        pack["gopher_quality"]["min_stop_words"] = 1
    pack.update(hand_written_fields(existing))
    pack["notes"] = NOTES.get(label, f"Seeded from FineWeb-2's {fw2_label} config." if fw2_label else "")
    pack["sources"] = sources
    return LanguagePack.model_validate(pack)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="the reference 'filters' folder (fineweb2/, stopwords_iso/)")
    parser.add_argument("--out", type=Path, default=PACKS_DIR)
    parser.add_argument("labels", nargs="*", help="only these labels (default: all seeds)")
    args = parser.parse_args(argv)
    stopwords_iso = json.loads((args.data / "stopwords_iso" / "stopwords-iso.json").read_text(encoding="utf-8"))
    for label in args.labels or SEEDS:
        pack = build_pack(label, args.data, stopwords_iso, existing=args.out / f"{label}.yaml")
        dump_pack(pack, args.out / f"{label}.yaml")
        print(f"{label}: tokenizer={pack.tokenizer} stopwords={len(pack.stopwords)}")


if __name__ == "__main__":
    main()
