"""``lingoloom languages check``: is a language pack ready to use?

Why it exists: a contributor adding a language needs one command that says what is wrong with
their pack before a run deletes half of their language. Checks, in order: the YAML validates;
the tokenizer it asks for works offline (no silent fallback); thresholds are in plausible ranges;
the stopwords are single tokens under that tokenizer; the pack's own sample text (when given)
passes the filters. A pack without a sample still checks out (``languages calibrate`` writes
one without), but every pack shipped with lingoloom must have one: the test suite requires it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datatrove.data import Document

from lingoloom.filters.packs import PackError, load_pack_file
from lingoloom.filters.tokenize import ScriptTokenizer, keeps_whole, tokenizer_for_pack, tokenizer_name
from lingoloom.schemas.language_pack import LanguagePack

#: (field path, low, high): values outside are almost certainly a mistake.
RANGES: tuple[tuple[str, float, float], ...] = (
    ("gopher_quality.min_doc_words", 1, 1000),
    ("gopher_quality.min_avg_word_length", 0, 10),
    ("gopher_quality.max_avg_word_length", 2, 100),
    ("gopher_quality.max_non_alpha_words_ratio", 0.2, 1),
    ("gopher_quality.min_stop_words", 0, 20),
    ("gopher_repetition.dup_line_frac", 0.05, 2),
    ("fineweb_quality.new_line_ratio", 0.01, 10),
    ("langid_threshold", 0.1, 1),
)
MAX_MEAN_TOKEN_LENGTH = 30


@dataclass
class CheckResult:
    """Outcome of checking one pack: ``problems`` fail the check, ``notes`` are informational.

    ``sample_passed`` is ``None`` when the pack has no sample (or the check stopped before it),
    else whether the pack's filters kept its own sample.
    """

    path: Path
    label: str = "?"
    tokenizer: str = "?"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sample_passed: bool | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _get(pack: LanguagePack, dotted: str):
    value = pack
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def check_pack(path: Path) -> CheckResult:
    """Run every check on the pack file at ``path``."""
    result = CheckResult(path)
    try:
        pack = load_pack_file(path)
    except PackError as err:
        result.problems.append(str(err))
        return result
    result.label = pack.label

    tokenizer = tokenizer_for_pack(pack)
    result.tokenizer = tokenizer_name(tokenizer)
    if pack.tokenizer != "script" and isinstance(tokenizer, ScriptTokenizer):
        result.problems.append(
            f"tokenizer {pack.tokenizer!r} does not work offline for {pack.label} (see the warning above); "
            "install its package or set `tokenizer: script`"
        )

    for dotted, low, high in RANGES:
        value = _get(pack, dotted)
        if value is not None and value and not low <= value <= high:
            result.problems.append(f"{dotted} = {value} is outside the plausible range [{low}, {high}]")

    split = [w for w in pack.stopwords if not keeps_whole(tokenizer, w)]
    if split:
        result.problems.append(
            f"{len(split)} stopwords are not single tokens for this tokenizer and can never match: {split[:5]}"
        )
    needed = pack.gopher_quality.min_stop_words or 0
    if needed > len(pack.stopwords):
        result.problems.append(f"min_stop_words = {needed} but the pack lists only {len(pack.stopwords)} stopwords")

    if pack.sample:
        _check_sample(pack, tokenizer, result)
    else:
        result.notes.append(
            "no sample text: add `sample:` (a clean paragraph you wrote) so the check can run the filters on it; "
            "packs shipped with lingoloom must have one"
        )
    if pack.sample and not pack.sample_source:
        result.notes.append("the sample has no `sample_source:`: say who wrote it and on what terms")
    return result


def _check_sample(pack: LanguagePack, tokenizer, result: CheckResult) -> None:
    from lingoloom.filters.quality import QualityFilter

    words = tokenizer.word_tokenize(pack.sample)
    if len(words) < 2 or sum(map(len, words)) / len(words) > MAX_MEAN_TOKEN_LENGTH:
        result.problems.append("the tokenizer reads the sample as (nearly) one giant word")
        result.sample_passed = False
        return
    step = QualityFilter()
    step.use_pack(pack)
    reason = step.process(Document(text=pack.sample, id="sample", metadata={"language": pack.label}))
    result.sample_passed = not reason
    if reason:
        result.problems.append(f"the pack's own sample is dropped by its filters: {reason}")
    else:
        result.notes.append(f"sample passes ({len(words)} tokens)")
