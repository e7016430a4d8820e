"""The dominant writing system of a text, from Unicode properties alone (no model).

Why it exists: a language-ID model answers "which language", and is sometimes confidently wrong
about the script: Serbian in Latin letters labelled Cyrillic, Traditional Chinese labelled
Simplified, Hindi predicted for Arabic-script Urdu. The script is a fact of the characters, so we
read it directly (the ``regex`` module's Unicode ``Script`` property) and use it to refine or veto
the model's label (see :mod:`lingoloom.langid.refine`).

Counting runs at C speed: ``str.translate`` maps each letter to one symbol per script (the table
fills itself on first sight of a code point) and deletes everything else, then ``str.count``. Characters of the Common and Inherited scripts (digits, punctuation,
combining marks) do not vote. Three compound scripts are resolved the way ISO 15924 labels
languages: Han + kana -> ``Jpan`` (Japanese), Hangul (+ Han) -> ``Hang`` (Korean), and plain Han
-> ``Hans`` or ``Hant`` by counting characters that exist in only one of the two standards
(``Hani`` when the text has none of them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import regex

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


def _script_table() -> str:
    """Code point -> script symbol, as one string indexable by code point (built once, ~0.2 s)."""
    global _table
    if _table is None:
        every = "".join(chr(i) if not 0xD800 <= i < 0xE000 else " " for i in range(_TABLE_SIZE))
        table = ["\x00"] * _TABLE_SIZE
        for code, name in _SCRIPTS.items():
            symbol = _SYMBOL_OF[code]
            for match in regex.finditer(rf"[\p{{Script={name}}}&&\p{{L}}]+", every, flags=regex.V1):
                table[match.start() : match.end()] = [symbol] * (match.end() - match.start())
        _table = "".join(table)
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
    for symbol in set(symbols):
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
    if simplified == traditional == 0:
        return "Hani"
    return "Hant" if traditional > simplified else "Hans"


#: Characters looked at by :func:`detect_script`: a script's share is stable long before this.
MAX_SCRIPT_CHARS = 600


def detect_script(text: str) -> ScriptProfile:
    """Dominant script of ``text`` (``Zyyy`` with share 0 when it has no letters).

    Long texts are read through three evenly spaced windows of ``MAX_SCRIPT_CHARS / 3`` characters.
    """
    if len(text) > MAX_SCRIPT_CHARS:
        part = MAX_SCRIPT_CHARS // 3
        middle = (len(text) - part) // 2
        text = text[:part] + text[middle : middle + part] + text[-part:]
    counts = script_counts(text)
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
        merged[han_variant(text)] = han
        if hangul:
            merged["Hang"] = hangul
    if kana and "Jpan" not in merged:
        merged["Jpan"] = kana
    script = max(merged, key=merged.__getitem__)
    return ScriptProfile(script, merged[script] / letters, letters, counts)
