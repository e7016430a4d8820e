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
    "mya_Mymr": "Script tokenizer (Burmese syllables): datatrove's Burmese tokenizer (pyidaungsu) pulls in a second "
    "fastText distribution, which this project forbids. Thresholds from FineWeb-2 assume words; "
    "word-length and repetition numbers are adapted to syllables here (see sources).",
    "bod_Tibt": "Script tokenizer (tsheg-separated syllables): datatrove's Tibetan tokenizer (botok) downloads "
    "its dialect pack at run time, which is not allowed here.",
    "tgl_Latn": "lid.176 reports Tagalog as 'tl' and labels normalise it to fil_Latn; this pack exists for "
    "sources that declare tgl. Numbers from FineWeb-2's fil_Latn.",
    "fil_Latn": "What lid.176's 'tl' normalises to. Numbers from FineWeb-2's fil_Latn.",
    "tel_Telu": "FineWeb-2's Telugu stopwords are dominated by village-article words (గ్రామం 'village', కేంద్రం "
    "'centre', దూరంలో 'at a distance'); formal prose (the UDHR) holds only one of them, so one is required.",
    "kor_Hang": "datatrove's Korean tokenizer (kiwipiepy) is LGPL and its model ships as a source package; without "
    "it the script tokenizer splits on spaces (eojeol), so word lengths are eojeol lengths.",
}

#: Short clean texts written for this project (the pack's own sample, run by ``languages check``).
SAMPLES = {
    "eng_Latn": (
        "The river rose slowly through the night, and by morning the families who lived along its banks had moved "
        "their animals to the hills. Teachers opened the school as a shelter, and volunteers brought bread, "
        "blankets and dry clothes to those who had lost their homes.\n"
        "When the water fell again, the town council met to decide how the old bridge should be repaired. Some "
        "members wanted a new design, but most of them agreed that the stone arches had served the valley well "
        "for two hundred years and should be kept.\n"
        "Engineers from the university studied the foundations with care. They found that the flood had washed "
        "away much of the gravel under the third pier, and they proposed to strengthen it before the winter rains."
    ),
    "spa_Latn": (
        "El río subió lentamente durante la noche y, por la mañana, las familias que vivían en sus orillas ya "
        "habían llevado a sus animales a las colinas. Los maestros abrieron la escuela como refugio y los "
        "voluntarios trajeron pan, mantas y ropa seca para quienes habían perdido su casa.\n"
        "Cuando el agua bajó, el ayuntamiento se reunió para decidir cómo reparar el viejo puente. Algunos "
        "querían un diseño nuevo, pero la mayoría estuvo de acuerdo en que los arcos de piedra habían servido "
        "bien al valle durante doscientos años y que debían conservarse."
    ),
    "fra_Latn": (
        "La rivière est montée lentement pendant la nuit, et au matin les familles qui vivaient sur ses rives "
        "avaient conduit leurs animaux vers les collines. Les enseignants ont ouvert l'école comme abri, et des "
        "bénévoles ont apporté du pain, des couvertures et des vêtements secs à ceux qui avaient perdu leur maison.\n"
        "Quand l'eau a baissé, le conseil municipal s'est réuni pour décider comment réparer le vieux pont. "
        "Certains voulaient un nouveau dessin, mais la plupart ont convenu que les arches de pierre avaient bien "
        "servi la vallée pendant deux cents ans et qu'il fallait les garder."
    ),
    "deu_Latn": (
        "Der Fluss stieg in der Nacht langsam an, und am Morgen hatten die Familien, die an seinen Ufern lebten, "
        "ihre Tiere auf die Hügel gebracht. Die Lehrer öffneten die Schule als Unterkunft, und Freiwillige "
        "brachten Brot, Decken und trockene Kleidung für alle, die ihr Haus verloren hatten.\n"
        "Als das Wasser wieder gesunken war, traf sich der Gemeinderat, um zu entscheiden, wie die alte Brücke "
        "repariert werden sollte. Einige wollten einen neuen Entwurf, aber die meisten waren sich einig, dass die "
        "steinernen Bögen dem Tal zweihundert Jahre lang gut gedient hatten und erhalten bleiben sollten."
    ),
    "por_Latn": (
        "O rio subiu lentamente durante a noite e, pela manhã, as famílias que viviam nas suas margens já tinham "
        "levado os seus animais para as colinas. Os professores abriram a escola como abrigo e os voluntários "
        "trouxeram pão, cobertores e roupa seca para quem tinha perdido a casa.\n"
        "Quando a água baixou, a câmara municipal reuniu-se para decidir como reparar a velha ponte. Alguns "
        "queriam um novo desenho, mas a maioria concordou que os arcos de pedra tinham servido bem o vale durante "
        "duzentos anos e que deviam ser mantidos."
    ),
    "ind_Latn": (
        "Sungai itu naik perlahan sepanjang malam, dan pada pagi hari keluarga yang tinggal di tepiannya sudah "
        "memindahkan hewan mereka ke perbukitan. Para guru membuka sekolah sebagai tempat berlindung, dan para "
        "relawan membawa roti, selimut, dan pakaian kering untuk orang yang kehilangan rumah.\n"
        "Ketika air surut, dewan kota bertemu untuk memutuskan bagaimana jembatan tua itu harus diperbaiki. "
        "Beberapa anggota menginginkan desain baru, tetapi sebagian besar setuju bahwa lengkungan batu itu telah "
        "melayani lembah dengan baik selama dua ratus tahun dan harus dipertahankan."
    ),
}


def _stopwords_for(tokenizer, words: list[str]) -> list[str]:
    """Stopwords as the pack's tokenizer yields them (``དང་`` -> ``དང``); ones it splits can never match."""
    kept = []
    for word in words:
        try:
            tokens = tokenizer.word_tokenize(word)
        except Exception:  # a tokenizer that fails on a single word cannot match it either
            continue
        if len(tokens) == 1 and not PUNCTUATION_SET.issuperset(tokens[0]) and tokens[0] not in kept:
            kept.append(tokens[0])
    return kept


def build_pack(label: str, data: Path, stopwords_iso: dict[str, list[str]]) -> LanguagePack:
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
    if label in SAMPLES:
        pack["sample"] = SAMPLES[label]
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
        pack = build_pack(label, args.data, stopwords_iso)
        dump_pack(pack, args.out / f"{label}.yaml")
        print(f"{label}: tokenizer={pack.tokenizer} stopwords={len(pack.stopwords)}")


if __name__ == "__main__":
    main()
