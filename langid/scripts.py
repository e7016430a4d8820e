"""The dominant writing system of a text, from Unicode properties alone (no model).

Why it exists: a language-ID model answers "which language", and is sometimes confidently wrong
about the script: Serbian in Latin letters labelled Cyrillic, Traditional Chinese labelled
Simplified, Hindi predicted for Arabic-script Urdu. The script is a fact of the characters, so we
read it directly (the ``regex`` module's Unicode ``Script`` property) and use it to refine or veto
the model's label (see :mod:`lingoloom.langid.refine`).

Counting runs at C speed: ``str.translate`` maps each letter to one symbol per script (the table
fills itself on first sight of a code point) and deletes everything else, then ``str.count``; a
batch of texts (:func:`script_columns`, what the labeller uses, or :func:`detect_scripts`) is read
once by a compiled kernel (:mod:`lingoloom.langid.scan`) over a table of per-code-point facts, with
the same rules and the same answers. Characters of the Common and Inherited scripts (digits,
punctuation, combining marks) do not vote. Three compound scripts are resolved the way ISO 15924 labels
languages: Han + kana -> ``Jpan`` (Japanese), Hangul (+ Han) -> ``Hang`` (Korean), and plain Han
-> ``Hans`` or ``Hant`` by counting characters that exist in only one of the two standards
(``Hani`` when the text has none of them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import regex

from lingoloom.langid.scan import COMPOUND, EMPTY, MIXED, scan_scripts

UNDETERMINED = "Zyyy"

#: ISO 15924 code -> Unicode Script property value, for the scripts we distinguish.
_SCRIPTS: dict[str, str] = {
    "Latn": "Latin", "Cyrl": "Cyrillic", "Grek": "Greek", "Armn": "Armenian", "Geor": "Georgian",
    "Hebr": "Hebrew", "Arab": "Arabic", "Syrc": "Syriac", "Thaa": "Thaana", "Nkoo": "Nko",
    "Deva": "Devanagari", "Beng": "Bengali", "Guru": "Gurmukhi", "Gujr": "Gujarati", "Orya": "Oriya",
    "Taml": "Tamil", "Telu": "Telugu", "Knda": "Kannada", "Mlym": "Malayalam", "Sinh": "Sinhala",
    "Thai": "Thai", "Laoo": "Lao", "Tibt": "Tibetan", "Mymr": "Myanmar", "Khmr": "Khmer",
    "Hang": "Hangul", "Hira": "Hiragana", "Kana": "Katakana", "Hani": "Han", "Bopo": "Bopomofo",
    "Ethi": "Ethiopic", "Cher": "Cherokee", "Cans": "Canadian_Aboriginal", "Mong": "Mongolian",
    "Tfng": "Tifinagh", "Vaii": "Vai", "Olck": "Ol_Chiki", "Yiii": "Yi", "Adlm": "Adlam",
    "Copt": "Coptic", "Glag": "Glagolitic", "Runr": "Runic", "Ogam": "Ogham", "Java": "Javanese",
    "Bali": "Balinese", "Sund": "Sundanese", "Tglg": "Tagalog", "Lisu": "Lisu", "Mtei": "Meetei_Mayek",
    "Sylo": "Syloti_Nagri", "Cakm": "Chakma", "Bugi": "Buginese", "Tale": "Tai_Le", "Talu": "New_Tai_Lue",
    "Lana": "Tai_Tham", "Tavt": "Tai_Viet", "Bamu": "Bamum", "Osge": "Osage", "Hmnp": "Nyiakeng_Puachue_Hmong",
    "Rohg": "Hanifi_Rohingya", "Samr": "Samaritan", "Gong": "Gunjala_Gondi", "Limb": "Limbu",
}
_PATTERNS = [(code, regex.compile(rf"\p{{Script={name}}}")) for code, name in _SCRIPTS.items()]

#: Frequent characters that exist only in Simplified (first) or only in Traditional (second) Chinese.
_SIMPLIFIED = frozenset(
    "这们来时说为个会国对发过学后还没现进动经问开长见关样机种实与东书车门马鸟钱语认识请谢让师历电视网图医区华万产级业处应边间题点尔乐爱热总准备员两报难导线变体"
    "们么几见贝页风飞鱼龙齐气汉习乡买卖亚仅从众优伤传伟佣侠俭债倾储儿兴农冯决况冻净减凤凯击创刘则刚别剧劳务励势勋协单卖卫厂厅县参双发变叙叶号叹吗吴听启员呜响哑问团园围图圆圣场坏块坚坛垄壮声处备复头夹夺奋妇妈娱孙宁宝实宠审宪宫对寻导将尘尝层岁岛峡币师帐帮广庆库应庙废开异弃张弹强归当录彻径忆忧怀态怜总恋恳恶悬惊惯愤懒战户扩扫扬执扩护报担拥择挂挤换据掷"
)
_TRADITIONAL = frozenset(
    "這們來時說為個會國對發過學後還沒現進動經問開長見關樣機種實與東書車門馬鳥錢語認識請謝讓師歷電視網圖醫區華萬產級業處應邊間題點爾樂愛熱總準備員兩報難導線變體"
    "麼幾貝頁風飛魚龍齊氣漢習鄉買賣亞僅從眾優傷傳偉傭俠儉債傾儲兒興農馮決況凍淨減鳳凱擊創劉則剛別劇勞務勵勢勳協單衛廠廳縣參雙敘葉號嘆嗎吳聽啟嗚響啞團園圍圓聖場壞塊堅壇壟壯聲備複頭夾奪奮婦媽娛孫寧寶寵審憲宮尋導將塵嘗層歲島峽幣帳幫廣慶庫廟廢異棄張彈強歸當錄徹徑憶憂懷態憐總戀懇惡懸驚慣憤懶戰戶擴掃揚執護報擔擁擇掛擠換據擲"
)

_cache: dict[str, str | None] = {}


def char_script(char: str) -> str | None:
    """ISO 15924 code of one character's script, or ``None`` for Common/Inherited/unlisted ones."""
    found = _cache.get(char, "")
    if found != "":
        return found
    script = None
    if char.isalpha():
        for code, pattern in _PATTERNS:
            if pattern.match(char):
                script = code
                break
    _cache[char] = script
    return script


#: One private-use character stands for each script, so ``str.translate`` (C speed) turns a text
#: into a string of script symbols (``\x00`` for everything else); counting is then ``str.count``.
_SYMBOL_OF = {code: chr(0xE000 + i) for i, code in enumerate(_SCRIPTS)}
_CODE_OF = {symbol: code for code, symbol in _SYMBOL_OF.items()}
_TABLE_SIZE = 0x30000  # BMP + SMP + SIP (CJK extensions); rarer planes fall back to char_script
_table: str | None = None


#: Bytes of a row of the per-code-point facts table (see :func:`_facts`).
_COL_FLAGS = 0  # _ALPHA | _FIRST | _BEYOND
_COL_LETTER_SCRIPT = 1  # 1 + index in _SCRIPTS of a letter (regex \p{L}) of a listed script, else 0
_COL_LETTER_SCRIPT_OR_MAX = 2  # the same for letters, 255 for non-letters (a neutral element for minimum)
_COL_OUTSIDE = 3  # bit j set when _OUTSIDE[j-th script of _BLOCKS] matches the character
_ALPHA = 1  # str.isalpha
_FIRST = 2  # _FIRST_LETTER matches the character
_BEYOND = 4  # only in the last row, which stands for every code point from _TABLE_SIZE on
_SIMPLIFIED_ONLY = 8  # in _SIMPLIFIED
_TRADITIONAL_ONLY = 16  # in _TRADITIONAL
_facts_table: tuple[np.ndarray, np.ndarray] | None = None


def _mark(pattern, every: str, out: np.ndarray, value: int) -> None:
    for match in pattern.finditer(every):
        out[match.start() : match.end()] |= value


def _facts() -> tuple[np.ndarray, np.ndarray]:
    """Per-code-point facts, built once per process (~0.2 s) from the same Unicode sources as the
    per-text functions, so that the batched :func:`detect_scripts` gives the same answers as
    :func:`detect_script`: a ``(_TABLE_SIZE + 1, 4)`` uint8 array (the bytes above) and
    ``char_script`` as 1 + index in _SCRIPTS (0 for ``None``), both indexed by code point."""
    global _facts_table
    if _facts_table is None:
        every = "".join(map(chr, range(_TABLE_SIZE)))
        facts = np.zeros((_TABLE_SIZE + 1, 4), np.uint8)
        script = np.zeros(_TABLE_SIZE + 1, np.uint8)
        for index, name in enumerate(_SCRIPTS.values(), start=1):
            _mark(regex.compile(rf"\p{{Script={name}}}+"), every, script, index)
        letter = np.zeros(_TABLE_SIZE + 1, bool)
        _mark(regex.compile(r"\p{L}+"), every, letter, True)
        _mark(re.compile(_FIRST_LETTER.pattern + "+"), every, facts[:, _COL_FLAGS], _FIRST)
        for bit, block in enumerate(_BLOCKS.values()):
            _mark(re.compile(f"[^{_COMMON}{block}]+"), every, facts[:, _COL_OUTSIDE], 1 << bit)
        alpha = np.append(np.fromiter(map(str.isalpha, every), bool, _TABLE_SIZE), False)
        facts[alpha, _COL_FLAGS] |= _ALPHA
        facts[-1, _COL_FLAGS] = _BEYOND
        facts[[ord(c) for c in _SIMPLIFIED], _COL_FLAGS] |= _SIMPLIFIED_ONLY
        facts[[ord(c) for c in _TRADITIONAL], _COL_FLAGS] |= _TRADITIONAL_ONLY
        facts[:, _COL_LETTER_SCRIPT] = np.where(letter, script, 0)
        facts[:, _COL_LETTER_SCRIPT_OR_MAX] = np.where(letter, script, 255)
        _facts_table = facts, np.where(alpha, script, 0).astype(np.uint8)
    return _facts_table


def _script_table() -> str:
    """Code point -> script symbol, as one string indexable by code point (built once)."""
    global _table
    if _table is None:
        index = _facts()[0][:-1, _COL_LETTER_SCRIPT].astype(np.uint32)
        _table = np.where(index > 0, index + 0xDFFF, 0).astype("<u4").tobytes().decode("utf-32-le")
    return _table


#: Characters that are either of the script or not letters at all (ASCII, Latin-1 punctuation,
#: combining marks, general punctuation, currency): a text with nothing outside is single-script.
_COMMON = "\\x00-\\x40\\x5b-\\x60\\x7b-\\xbf\\xd7\\xf7\\u0300-\\u036f\\u2000-\\u20cf\\u3000-\\u303f\\uff01-\\uff20"
_BLOCKS = {
    "Latn": "A-Za-z\\xc0-\\xd6\\xd8-\\xf6\\xf8-\\u024f\\u1e00-\\u1eff\\u2c60-\\u2c7f\\ua720-\\ua7ff",
    "Cyrl": "\\u0400-\\u052f\\u1c80-\\u1c8f\\u2de0-\\u2dff\\ua640-\\ua69f",
    "Arab": "\\u0600-\\u06ff\\u0750-\\u077f\\u08a0-\\u08ff\\ufb50-\\ufdff\\ufe70-\\ufeff",
    "Grek": "\\u0370-\\u03ff\\u1f00-\\u1fff",
    "Hebr": "\\u0590-\\u05ff\\ufb1d-\\ufb4f",
    "Deva": "\\u0900-\\u097f\\ua8e0-\\ua8ff",
    "Thai": "\\u0e00-\\u0e7f",
    "Hang": "\\uac00-\\ud7af\\u1100-\\u11ff\\u3130-\\u318f",
}
_OUTSIDE = {code: re.compile(f"[^{_COMMON}{block}]") for code, block in _BLOCKS.items()}


def _others(script: str) -> regex.Pattern:
    """Pattern matching any letter *not* of ``script`` (compiled once per script)."""
    pattern = _OTHERS.get(script)
    if pattern is None:
        pattern = _OTHERS[script] = regex.compile(rf"[\p{{L}}--\p{{Script={_SCRIPTS[script]}}}]", flags=regex.V1)
    return pattern


_OTHERS: dict[str, regex.Pattern] = {}
_FIRST_LETTER = re.compile(r"[^\W\d_]")


def _single_script(text: str, script: str, start: int) -> bool:
    """True when no letter of another script than ``script`` occurs in ``text[start:]``."""
    outside = _OUTSIDE.get(script)
    if outside is not None and outside.search(text, start) is None:
        return True  # every character is in the script's blocks or is not a letter
    return _others(script).search(text, start) is None


def script_counts(text: str) -> dict[str, int]:
    """Letters per script (ISO 15924) in ``text``.

    Most texts are written in one script: that case costs a C-level scan or two (find the first
    letter; check that nothing outside that script's Unicode blocks follows, or failing that that
    no letter of another script does) and a letter count; only mixed-script texts take the
    per-character translation path.
    """
    if text.isascii():
        letters = sum(map(str.isalpha, text))
        return {"Latn": letters} if letters else {}
    first = _FIRST_LETTER.search(text)
    if first is None:
        return {}
    script = char_script(first.group())
    if script is not None and _single_script(text, script, first.end()):
        return {script: sum(map(str.isalpha, text))}
    symbols = text.translate(_script_table())  # code points past the table stay themselves
    counts: dict[str, int] = {}
    for symbol in sorted(set(symbols)):  # in _SCRIPTS order: ties between scripts break the same way every run
        code = _CODE_OF.get(symbol) or (char_script(symbol) if symbol != "\x00" else None)
        if code:
            counts[code] = counts.get(code, 0) + symbols.count(symbol)
    return counts


@dataclass(slots=True)
class ScriptProfile:
    """The dominant script of a text, its share of the letters, and the letter count per script."""

    script: str
    share: float
    letters: int
    counts: dict[str, int] = field(default_factory=dict)


def han_variant(text: str) -> str:
    """``Hant`` or ``Hans`` by the majority of standard-specific characters; ``Hani`` when there are none."""
    chars = Counter(text)
    simplified = sum(n for c, n in chars.items() if c in _SIMPLIFIED)
    traditional = sum(n for c, n in chars.items() if c in _TRADITIONAL)
    return _han_variant(simplified, traditional)


def _han_variant(simplified: int, traditional: int) -> str:
    if simplified == traditional == 0:
        return "Hani"
    return "Hant" if traditional > simplified else "Hans"


#: Characters looked at by :func:`detect_script`: a script's share is stable long before this.
MAX_SCRIPT_CHARS = 600


def _script_window(text: str) -> str:
    """``text``, or for a long text three evenly spaced windows of ``MAX_SCRIPT_CHARS / 3`` characters."""
    if len(text) <= MAX_SCRIPT_CHARS:
        return text
    part = MAX_SCRIPT_CHARS // 3
    middle = (len(text) - part) // 2
    return text[:part] + text[middle : middle + part] + text[-part:]


def detect_script(text: str) -> ScriptProfile:
    """Dominant script of ``text`` (``Zyyy`` with share 0 when it has no letters).

    Long texts are read through three evenly spaced windows of ``MAX_SCRIPT_CHARS / 3`` characters.
    """
    text = _script_window(text)
    return _profile(text, script_counts(text))


def _profile(text: str, counts: dict[str, int], han_counts: tuple[int, int] | None = None) -> ScriptProfile:
    """The profile of a (windowed) text from its letters per script (and, when known, its
    Simplified-only and Traditional-only character counts, see :func:`han_variant`)."""
    letters = sum(counts.values())
    if not letters:
        return ScriptProfile(UNDETERMINED, 0.0, 0, {})
    if len(counts) == 1 and "Hani" not in counts and "Hira" not in counts and "Kana" not in counts:
        ((script, n),) = counts.items()
        return ScriptProfile(script, 1.0, letters, counts)
    kana = counts.get("Hira", 0) + counts.get("Kana", 0)
    han = counts.get("Hani", 0) + counts.get("Bopo", 0)
    hangul = counts.get("Hang", 0)
    merged = {s: n for s, n in counts.items() if s not in ("Hira", "Kana", "Hani", "Bopo", "Hang")}
    if kana and kana >= 0.05 * (kana + han):
        merged["Jpan"] = kana + han
    elif hangul and hangul >= han:
        merged["Hang"] = hangul + han
    elif han:
        merged[han_variant(text) if han_counts is None else _han_variant(*han_counts)] = han
        if hangul:
            merged["Hang"] = hangul
    if kana and "Jpan" not in merged:
        merged["Jpan"] = kana
    script = max(merged, key=merged.__getitem__)
    return ScriptProfile(script, merged[script] / letters, letters, counts)


#: 1 + index in _SCRIPTS -> ISO 15924 code, and the bit of each script's Unicode blocks in the facts.
_CODES = [UNDETERMINED, *_SCRIPTS]
_BLOCK_BIT = np.array([1 << list(_BLOCKS).index(code) if code in _BLOCKS else 0 for code in _CODES], np.uint8)
#: Scripts a single-script text needs :func:`_profile`'s compound rules for (Han, kana).
_COMPOUND = np.array([code in ("Hani", "Hira", "Kana") for code in _CODES])
_CODE_ARRAY = np.array(_CODES, dtype=object)


def detect_scripts(texts: Sequence[str]) -> list[ScriptProfile]:
    """:func:`detect_script` of each text, computed for the whole batch at once (see :func:`script_columns`)."""
    return script_columns(texts).profiles()


@dataclass(slots=True)
class ScriptColumns:
    """The :class:`ScriptProfile` of each text of a batch, as parallel columns.

    Most texts of a batch are written in one script with no compound rule: their profile is
    ``(script, 1.0, letters, {script: letters})``, so only the columns the labeller reads (script,
    share, letters) are stored for them, and whole profiles (``others``) only for the rest; a
    :class:`ScriptProfile` per text is built when a consumer asks for it (:meth:`profiles`).
    """

    scripts: list[str]
    shares: list[float]
    letters: list[int]
    others: dict[int, ScriptProfile]

    def set(self, index: int, profile: ScriptProfile) -> None:
        """Record the whole ``profile`` of the text at ``index``."""
        self.scripts[index], self.shares[index], self.letters[index] = profile.script, profile.share, profile.letters
        self.others[index] = profile

    def profiles(self) -> list[ScriptProfile]:
        """One :class:`ScriptProfile` per text, in order."""
        profiles = [ScriptProfile(script, 1.0, n, {script: n}) for script, n in zip(self.scripts, self.letters)]
        for index, profile in self.others.items():
            profiles[index] = profile
        return profiles

    def take(self, indices: Sequence[int]) -> ScriptColumns:
        """The columns of the texts at ``indices``, in that order."""
        position = {index: new for new, index in enumerate(indices)}
        return ScriptColumns(
            [self.scripts[i] for i in indices],
            [self.shares[i] for i in indices],
            [self.letters[i] for i in indices],
            {position[i]: profile for i, profile in self.others.items() if i in position},
        )


def script_columns(texts: Sequence[str]) -> ScriptColumns:
    """:func:`detect_script` of each text as :class:`ScriptColumns`, computed for the whole batch at once.

    Short texts make a per-text scan cost as much as the language model's prediction, so the batch
    is joined into one array of code points and read once by a compiled kernel
    (:func:`~lingoloom.langid.scan.scan_scripts`) that takes every decision of :func:`script_counts`
    from :func:`_facts`: the script of the first letter; after it, nothing outside that script's
    blocks or no letter of another script (the single-script path); otherwise letters per script
    (the translation path). Texts with code points past the table take :func:`detect_script` itself.
    """
    n = len(texts)
    if n == 0:
        return ScriptColumns([], [], [], {})
    windows = [text if len(text) <= MAX_SCRIPT_CHARS else _script_window(text) for text in texts]
    lengths = np.fromiter(map(len, windows), np.int64, n)
    ends = np.cumsum(lengths)
    codepoints = np.frombuffer("".join(windows).encode("utf-32-le", "surrogatepass"), np.uint32)
    table, char_scripts = _facts()
    script, letters, kinds = scan_scripts(
        codepoints, ends - lengths, ends, table.view(np.uint32).ravel(), char_scripts, _BLOCK_BIT, _COMPOUND,
        _ALPHA, _FIRST, _BEYOND,
    )
    columns = ScriptColumns(_CODE_ARRAY[script].tolist(), [1.0] * n, letters.tolist(), {})
    if not kinds.any():
        return columns
    codes, counts = script.tolist(), columns.letters
    detailed = np.flatnonzero((kinds == COMPOUND) | (kinds == MIXED)).tolist()
    letters_of, han = _details([windows[i] for i in detailed])
    details = dict(zip(detailed, zip(letters_of, han)))
    for i in np.flatnonzero(kinds).tolist():
        kind = kinds[i]
        if kind == COMPOUND:
            profile = _profile(windows[i], {_CODES[codes[i]]: counts[i]}, details[i][1])
        elif kind == EMPTY:
            profile = ScriptProfile(UNDETERMINED, 0.0, 0, {})
        elif kind == MIXED:
            profile = _profile(windows[i], *details[i])
        else:
            profile = detect_script(texts[i])
        columns.set(i, profile)
    return columns


def _details(windows: list[str]) -> tuple[list[dict[str, int]], list[tuple[int, int]]]:
    """Letters per script of each of ``windows``, as :func:`script_counts`' translation path counts
    them, and its Simplified-only and Traditional-only characters (for the Han rule of
    :func:`_profile`): one pass over these texts only (the few a batch needs them for)."""
    if not windows:
        return [], []
    n = len(windows)
    lengths = np.fromiter(map(len, windows), np.int64, n)
    codepoints = np.frombuffer("".join(windows).encode("utf-32-le", "surrogatepass"), np.uint32)
    facts = _facts()[0].view(np.uint32).ravel().take(codepoints, mode="clip").view(np.uint8).reshape(-1, 4)
    owner = np.repeat(np.arange(n), lengths)
    width = len(_CODES)
    rows = np.bincount(owner * width + facts[:, _COL_LETTER_SCRIPT], minlength=n * width).reshape(n, width)
    flags = facts[:, _COL_FLAGS]
    simplified = np.bincount(owner, (flags & _SIMPLIFIED_ONLY) > 0, n).astype(np.int64).tolist()
    traditional = np.bincount(owner, (flags & _TRADITIONAL_ONLY) > 0, n).astype(np.int64).tolist()
    letters = [{_CODES[j]: c for j, c in enumerate(row) if c and j} for row in rows.tolist()]
    return letters, list(zip(simplified, traditional))
