"""Quality signals of one document, computed from ONE tokenisation and shared by every rule.

Why it exists: datatrove's Gopher, Gopher-repetition and FineWeb filters each split the text
into lines, paragraphs and words again and rebuild n-gram strings with ``join``. Here a
:class:`TextView` holds the text, its words (tokenised once) and lazily the derived splits, and
the functions below compute each measure with exactly datatrove's arithmetic (same splits, same
duplicate counting, same tie-breaking), so thresholds mean the same thing and decisions are
identical, only cheaper. n-gram strings are slices of one pre-joined string instead of fresh
joins.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property, lru_cache
from itertools import accumulate

import regex
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION

from lingoloom.schemas.language_pack import LanguagePack

_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
_LINE_SPLIT = re.compile("\n+")
STOP_CHARS: tuple[str, ...] = tuple(TERMINAL_PUNCTUATION)
NAN = float("nan")


def find_duplicates(items: list[str]) -> tuple[int, int]:
    """(number of repeated elements, characters in them): datatrove's ``find_duplicates``."""
    seen: set[str] = set()
    dup_elements = dup_chars = 0
    for element in items:
        if element in seen:
            dup_chars += len(element)
            dup_elements += 1
        else:
            seen.add(element)
    return dup_elements, dup_chars


def _memo(method):
    """Cache a TextView measure per arguments: signals and rules ask for the same measures."""

    def wrapper(self, *args):
        key = (method.__name__, *args)
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = method(self, *args)
        return memo[key]

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class TextView:
    """A document's text with its words and every split the rules need, each computed at most once."""

    __slots__ = ("text", "words", "__dict__")

    def __init__(self, text: str, words: list[str]):
        self.text = text
        self.words = words

    @cached_property
    def non_symbol_words(self) -> list[str]:
        """Words with at least one character outside datatrove's punctuation set."""
        issuperset = PUNCTUATION_SET.issuperset
        return [w for w in self.words if not issuperset(w)]

    @cached_property
    def lines(self) -> list[str]:
        """``text.splitlines()`` (Gopher quality's notion of a line)."""
        return self.text.splitlines()

    @cached_property
    def newline_lines(self) -> list[str]:
        """Lines split on runs of ``\\n`` (Gopher repetition's notion of a line)."""
        return _LINE_SPLIT.split(self.text)

    @cached_property
    def paragraphs(self) -> list[str]:
        return _PARAGRAPH_SPLIT.split(self.text.strip())

    @cached_property
    def nonblank_lines(self) -> list[str]:
        """Non-blank lines of ``text.split('\\n')`` (FineWeb's notion of a line)."""
        return [line for line in self.text.split("\n") if line.strip() != ""]

    def computed(self, name: str, *args) -> bool:
        """Whether the measure ``name(*args)`` was already computed (by a rule)."""
        return (name, *args) in self.__dict__.get("_memo", {})

    @cached_property
    def _spaced(self) -> tuple[str, list[int]]:
        return _joined(self.words, " ")

    @cached_property
    def _glued(self) -> tuple[str, list[int]]:
        return _joined(self.words, "")

    # --- Gopher quality ---------------------------------------------------------------
    @_memo
    def mean_word_length(self) -> float:
        words = self.non_symbol_words
        return sum(map(len, words)) / len(words) if words else NAN

    @_memo
    def hash_ratio(self) -> float:
        return self.text.count("#") / len(self.words) if self.words else NAN

    @_memo
    def ellipsis_ratio(self) -> float:
        return (self.text.count("...") + self.text.count("…")) / len(self.words) if self.words else NAN

    @_memo
    def bullet_line_ratio(self) -> float:
        lines = self.lines
        if not lines:
            return NAN
        return sum(s.lstrip().startswith(("•", "-")) for s in lines) / len(lines)

    @_memo
    def ellipsis_line_ratio(self) -> float:
        lines = self.lines
        if not lines:
            return NAN
        return sum(s.rstrip().endswith(("...", "…")) for s in lines) / len(lines)

    @_memo
    def alpha_word_ratio(self) -> float:
        words = self.words
        if not words:
            return NAN
        isalpha = str.isalpha
        return sum(1 for w in words if isalpha(w) or any(map(isalpha, w))) / len(words)

    @_memo
    def stopword_count(self, stopwords: frozenset[str]) -> int:
        return len(stopwords.intersection(self.words)) if stopwords else 0

    # --- Gopher repetition ------------------------------------------------------------
    @_memo
    def dup_para(self) -> tuple[float, float]:
        """(duplicated paragraph share, duplicated paragraph character share)."""
        paragraphs = self.paragraphs
        dups, chars = find_duplicates(paragraphs)
        return dups / len(paragraphs), chars / len(self.text) if self.text else NAN

    @_memo
    def dup_line(self) -> tuple[float, float]:
        """(duplicated line share, duplicated line character share)."""
        lines = self.newline_lines
        dups, chars = find_duplicates(lines)
        return dups / len(lines), chars / len(self.text) if self.text else NAN

    @_memo
    def top_ngram_frac(self, n: int) -> float | None:
        """Share of characters covered by the most frequent word n-gram (``None``: too few words)."""
        if len(self.words) < n or not self.text:
            return None
        joined, starts = self._spaced
        counter = Counter([joined[a : b - 1] for a, b in zip(starts, starts[n:])])
        gram, freq = counter.most_common(1)[0]
        return len(gram) * freq / len(self.text)

    @_memo
    def dup_ngram_frac(self, n: int) -> float:
        """Share of characters in repeated word n-grams, scanning as datatrove's ``find_all_duplicate``."""
        if not self.text:
            return NAN
        joined, starts = self._glued
        grams = [joined[a:b] for a, b in zip(starts, starts[n:])]
        if len(set(grams)) == len(grams):  # no n-gram repeats: nothing to scan
            return 0.0
        seen: set[str] = set()
        repeated = idx = 0
        limit = len(grams)
        while idx < limit:
            gram = grams[idx]
            if gram in seen:
                repeated += len(gram)
                idx += n
            else:
                seen.add(gram)
                idx += 1
        return repeated / len(self.text)

    # --- FineWeb quality --------------------------------------------------------------
    @_memo
    def line_punct_ratio(self, stop_chars: tuple[str, ...] = STOP_CHARS) -> float:
        lines = self.nonblank_lines
        return sum(1 for line in lines if line.endswith(stop_chars)) / len(lines) if lines else NAN

    @_memo
    def short_line_ratio(self, short_line_length: int = 30) -> float:
        lines = self.nonblank_lines
        return sum(1 for line in lines if len(line) <= short_line_length) / len(lines) if lines else NAN

    @_memo
    def line_char_dup_ratio(self) -> float:
        chars = len(self.text) - self.text.count("\n")
        return find_duplicates(self.nonblank_lines)[1] / chars if chars else NAN

    @_memo
    def new_line_ratio(self) -> float:
        return self.text.count("\n") / len(self.words) if self.words else NAN


def _joined(words: list[str], sep: str) -> tuple[str, list[int]]:
    """``sep.join(words)`` and the start offset of every word (plus one past the end)."""
    starts = [0, *accumulate(map(len, words))]
    if sep:
        step = len(sep)
        starts = [start + step * i for i, start in enumerate(starts)]
    return sep.join(words), starts


_SCRIPT_ALIASES = {"Hans": ("Hani",), "Hant": ("Hani",), "Jpan": ("Hani", "Hira", "Kana"), "Kore": ("Hang", "Hani")}
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=None)
def _script_letters(script: str) -> "regex.Pattern[str] | None":
    if script in ("Zyyy", "Zzzz", "Zinh"):
        return None
    codes = _SCRIPT_ALIASES.get(script, (script,))
    try:
        return regex.compile("[\\p{L}&&[" + "".join(f"\\p{{sc={code}}}" for code in codes) + "]]+", regex.V1)
    except regex.error:
        return None


SCRIPT_SHARE_CHARS = 2000


def script_share(text: str, label: str) -> float:
    """Share of letters written in the label's script, over the first SCRIPT_SHARE_CHARS characters
    (a signal for reports, not a rule: the head of the text is enough and keeps it cheap);
    ``nan`` when the script is unknown or there are no letters."""
    pattern = _script_letters(label.split("_", 1)[1]) if "_" in label else None
    if pattern is None:
        return NAN
    text = text[:SCRIPT_SHARE_CHARS]
    letters = sum(map(len, _LETTERS.findall(text)))
    return sum(map(len, pattern.findall(text))) / letters if letters else NAN


def quality_signals(
    view: TextView, pack: LanguagePack, stopwords: frozenset[str], label: str, complete: bool = True
) -> dict[str, float | None]:
    """The signals of :data:`QUALITY_SIGNALS` that the rules define (``quality_score`` is the classifier's).

    With ``complete=False`` (a dropped document) the costly repetition measures are reported only
    if a rule already computed them, so a drop costs no more than the rule that made it.
    """
    def costly(name: str, *args):
        return getattr(view, name)(*args) if complete or view.computed(name, *args) else None

    line = costly("dup_line") if view.text else None
    top2 = costly("top_ngram_frac", 2)
    signals = {
        "n_chars": float(len(view.text)),
        "n_words": float(len(view.non_symbol_words)),
        "n_lines": float(len(view.lines)),
        "mean_word_length": view.mean_word_length(),
        "symbol_word_ratio": max(view.hash_ratio(), view.ellipsis_ratio()) if view.words else NAN,
        "alpha_word_ratio": view.alpha_word_ratio(),
        "stopword_count": float(view.stopword_count(stopwords)),
        "bullet_line_ratio": view.bullet_line_ratio(),
        "ellipsis_line_ratio": view.ellipsis_line_ratio(),
        "dup_line_frac": line[0] if line else None,
        "dup_line_char_frac": line[1] if line else None,
        "top_2gram_frac": top2,
        "dup_5gram_frac": costly("dup_ngram_frac", 5),
        "line_punct_ratio": view.line_punct_ratio(),
        "short_line_ratio": view.short_line_ratio(pack.fineweb_quality.short_line_length),
        "new_line_ratio": view.new_line_ratio(),
        "script_share": script_share(view.text, label),
    }
    return {name: (None if value is None or value != value else float(value)) for name, value in signals.items()}
