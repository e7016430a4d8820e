"""Script post-processing: make a language label agree with the characters of the text.

Why it exists: models confuse scripts in ways the characters settle for free. The rules, applied
to a prediction list given the text's :class:`~lingoloom.langid.scripts.ScriptProfile`:

- the top label's script already matches the dominant script (or is compatible with it:
  Japanese ``Jpan`` on Han-only text) -> unchanged;
- the dominant script covers less than ``min_share`` of the letters (a mixed-script text) ->
  unchanged, nothing is certain;
- Chinese languages: ``Hans`` <-> ``Hant`` follow the text (Simplified vs Traditional);
- a language written in several scripts (:data:`MULTI_SCRIPT`: Serbian Cyrillic/Latin, Uzbek, ...)
  or a label with no known script (``Zyyy``) -> same language, the text's script;
- otherwise the label is vetoed (Hindi predicted for Arabic-script text): the best other candidate
  in the model's top-k written in the text's script takes its place; if there is none the result
  is ``und`` (the step drops it as ``script_mismatch``).
"""

from __future__ import annotations

from functools import cache

from lingoloom.langid.backend import Prediction, Predictions
from lingoloom.langid.labels import UNKNOWN, UNKNOWN_SCRIPT, split_label, with_script
from lingoloom.langid.scripts import ScriptColumns, ScriptProfile

_HAN = frozenset({"Hans", "Hant"})
_CHINESE = frozenset({"cmn", "yue", "lzh", "wuu", "hak", "nan", "gan", "hsn", "cjy", "cpx", "czh", "mnp", "cdo"})

#: Languages written in more than one script. From the languages FineWeb-2 publishes in several
#: scripts (huggingface/fineweb-2 config file names), plus Bosnian, Kazakh, Mongolian and Tajik.
MULTI_SCRIPT: dict[str, frozenset[str]] = {
    code: frozenset(scripts.split())
    for code, scripts in {
        "ace": "Arab Latn", "arb": "Arab Latn", "asm": "Beng Latn", "azj": "Cyrl Latn", "ben": "Beng Latn",
        "bjn": "Arab Latn", "bos": "Cyrl Latn", "brx": "Deva Latn", "chr": "Cher Latn", "cmo": "Khmr Latn",
        "crh": "Cyrl Latn", "crk": "Cans Latn", "fuv": "Arab Latn", "gag": "Cyrl Latn", "gom": "Deva Latn",
        "guj": "Gujr Latn", "hin": "Deva Latn", "kaa": "Cyrl Latn", "kan": "Knda Latn", "kas": "Arab Deva Latn",
        "kaz": "Arab Cyrl Latn", "khk": "Cyrl Mong", "kmr": "Arab Cyrl Latn", "knc": "Arab Latn",
        "lad": "Hebr Latn", "mal": "Latn Mlym", "mar": "Deva Latn", "min": "Arab Latn", "mni": "Beng Latn Mtei",
        "npi": "Deva Latn", "ojb": "Cans Latn", "ory": "Latn Orya", "pan": "Guru Latn", "rmn": "Cyrl Grek Latn",
        "rmy": "Cyrl Latn", "ron": "Cyrl Latn", "san": "Deva Latn", "sat": "Latn Olck", "snd": "Arab Deva Latn",
        "srp": "Cyrl Latn", "syl": "Beng Latn", "tam": "Latn Taml", "taq": "Latn Tfng", "tat": "Cyrl Latn",
        "tel": "Latn Telu", "tgk": "Arab Cyrl Latn", "ttq": "Latn Tfng", "tuk": "Arab Cyrl Latn",
        "uig": "Arab Cyrl Latn", "urd": "Arab Latn", "uzn": "Cyrl Latn", "zsm": "Arab Latn",
    }.items()
}

#: Label script -> text scripts it is compatible with (besides itself).
_COMPATIBLE: dict[str, frozenset[str]] = {
    "Jpan": _HAN | {"Hani"},
    "Hang": _HAN | {"Hani"},
    "Kore": _HAN | {"Hang", "Hani"},
    "Hans": frozenset({"Hani"}),
    "Hant": frozenset({"Hani"}),
}


#: ``split_label`` of each label seen (a model has a fixed, small label set): one dict look-up per text.
_split = cache(split_label)


def _matches(label_script: str | None, text_script: str) -> bool:
    return label_script == text_script or text_script in _COMPATIBLE.get(label_script or "", frozenset())


def refine_with_script(prediction: Prediction, profile: ScriptProfile, min_share: float = 0.5) -> tuple[Prediction, str | None]:
    """The prediction made consistent with the text's script, and what was done.

    The second value is ``None`` (unchanged), ``"relabelled"`` (same language, other script),
    ``"replaced"`` (another candidate took the top) or ``"vetoed"`` (no candidate fits: ``und``).
    """
    if not prediction or profile.letters == 0:
        return prediction, None
    return _refine(prediction, profile.script, profile.share, min_share)


def refine_batch(
    predictions: Predictions, columns: ScriptColumns, min_share: float = 0.5
) -> tuple[Predictions, list[str | None]]:
    """:func:`refine_with_script` of each prediction of a batch, given the texts' scripts
    (:class:`~lingoloom.langid.scripts.ScriptColumns`): the refined predictions and the actions.

    Most predictions already name the text's script: one cached look-up of each best label sets
    them aside (as it does texts with no prediction, whose best label is ``und``).
    """
    actions: list[str | None] = [None] * len(predictions)
    split, letters, scripts = _split, columns.letters, columns.scripts
    best, _ = predictions.best()
    todo = [
        i for i, (label, script) in enumerate(zip(best, scripts))
        if split(label)[1] != script and letters[i] and label != UNKNOWN
    ]
    changed: dict[int, Prediction] = {}
    for i in todo:
        refined, actions[i] = _refine(predictions[i], scripts[i], columns.shares[i], min_share)
        if actions[i] is not None:
            changed[i] = refined
    return predictions.replaced(changed), actions


def _refine(prediction: Prediction, text_script: str, share: float, min_share: float) -> tuple[Prediction, str | None]:
    top, score = prediction[0]
    language, script = _split(top)
    if language == UNKNOWN or _matches(script, text_script) or share < min_share:
        return prediction, None
    if script in _HAN and text_script in _HAN and language in _CHINESE:
        relabel = True
    else:
        relabel = script == UNKNOWN_SCRIPT or text_script in MULTI_SCRIPT.get(language, frozenset())
    if relabel:
        return [(with_script(top, text_script), score)] + list(prediction[1:]), "relabelled"
    for index, (label, candidate_score) in enumerate(prediction[1:], start=1):
        if _matches(_split(label)[1], text_script):
            return [(label, candidate_score)] + prediction[:index] + prediction[index + 1 :], "replaced"
    return [(UNKNOWN, 0.0)] + list(prediction), "vetoed"
