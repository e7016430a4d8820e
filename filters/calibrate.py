"""Derive a language pack's thresholds from a reference sample of clean text.

Why it exists: a contributor usually has clean text in their language (news, Wikipedia, a
book) but no feel for what "mean word length 3..10" means for it. Calibration measures every
signal on the sample with the language's tokenizer and sets each threshold just outside the
sample's range (a low quantile for minimum rules, a high quantile for maximum rules, with a
margin), so clean text passes and the usual junk (repeated lines, keyword lists, boilerplate)
still falls outside. Stopwords are the sample's most frequent words, as in FineWeb-2.

Sample formats: ``.jsonl`` (one JSON object per line with a ``text`` field), ``.parquet``
(a ``text`` column), or plain text, cut into pseudo-documents of ``lines_per_doc`` non-empty
lines.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from datatrove.data import Document
from datatrove.utils.text import PUNCTUATION_SET

from lingoloom.filters.packs import pack_for
from lingoloom.filters.quality import QualityFilter, measured_text
from lingoloom.filters.signals import TextView
from lingoloom.filters.tokenize import tokenizer_for_pack
from lingoloom.schemas.language_pack import LanguagePack, PackSource

LOW_Q, HIGH_Q = 0.02, 0.98
MARGIN = 0.15
N_STOPWORDS = 20
MIN_DOCUMENTS = 5


def read_sample(path: Path, lines_per_doc: int = 20) -> list[str]:
    """Documents of the sample file (see module docstring for formats)."""
    if path.suffix == ".jsonl":
        docs = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        docs = pq.read_table(path, columns=["text"]).column("text").to_pylist()
    else:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        docs = ["\n".join(lines[i : i + lines_per_doc]) for i in range(0, len(lines), lines_per_doc)]
    return [d for d in docs if d and d.strip()]


def quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile of non-NaN ``values`` (``nan`` when empty)."""
    values = sorted(v for v in values if v == v)
    if not values:
        return math.nan
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[max(0, min(998, round(q * 1000) - 1))]


@dataclass
class Calibration:
    """A calibrated pack, the per-signal quantiles it came from, and how many sample documents it keeps."""

    pack: LanguagePack
    quantiles: dict[str, tuple[float, float, float]]
    documents: int
    kept: int
    drops: dict[str, int]

    def report(self) -> str:
        """A short Markdown report: signal quantiles and the resulting pass rate on the sample."""
        lines = [
            f"# Calibration of {self.pack.label}",
            "",
            f"{self.documents} sample documents; {self.kept} pass the calibrated pack "
            f"({self.kept / self.documents:.1%}).",
            "",
            f"| signal | q{LOW_Q:.2f} | median | q{HIGH_Q:.2f} |",
            "|---|---|---|---|",
        ]
        for name, (low, mid, high) in self.quantiles.items():
            lines.append(f"| {name} | {low:.3f} | {mid:.3f} | {high:.3f} |")
        if self.drops:
            lines += ["", "Sample documents still dropped: " + ", ".join(f"{r} ({n})" for r, n in sorted(self.drops.items()))]
        lines += ["", f"Stopwords ({len(self.pack.stopwords)}): {' '.join(self.pack.stopwords)}", ""]
        return "\n".join(lines)


def _up(value: float, floor: float, digits: int = 3) -> float:
    return round(max(floor, value * (1 + MARGIN)), digits)


def _down(value: float, digits: int = 3) -> float:
    return round(max(0.0, value * (1 - MARGIN)), digits)


def calibrate(label: str, documents: list[str], name: str | None = None, base: LanguagePack | None = None) -> Calibration:
    """Calibrate a pack for ``label`` from clean ``documents`` (starting from ``base`` or the label's current pack)."""
    if len(documents) < MIN_DOCUMENTS:
        raise ValueError(f"need at least {MIN_DOCUMENTS} sample documents to calibrate, got {len(documents)}")
    base = base or pack_for(label)
    data = base.model_dump()
    data.update(label=label, name=name or (base.name if base.label == label else label))
    start = LanguagePack.model_validate({**data, "stopwords": [], "gopher_quality": {**data["gopher_quality"], "min_stop_words": None}})
    tokenizer = tokenizer_for_pack(start)

    views = []
    counts: Counter[str] = Counter()
    for text in documents:
        text = measured_text(text)
        words = tokenizer.word_tokenize(text)
        views.append(TextView(text, words))
        counts.update(w for w in words if not PUNCTUATION_SET.issuperset(w) and not w.isdigit())
    signals: dict[str, list[float]] = {
        "n_words": [len(v.non_symbol_words) for v in views],
        "mean_word_length": [v.mean_word_length() for v in views],
        "alpha_word_ratio": [v.alpha_word_ratio() for v in views],
        "dup_line_frac": [v.dup_line()[0] for v in views],
        "line_punct_ratio": [v.line_punct_ratio() for v in views],
        "new_line_ratio": [v.new_line_ratio() for v in views],
    }
    top_ngrams = {n: [v.top_ngram_frac(n) or 0.0 for v in views] for n, _ in start.gopher_repetition.top_n_grams}
    dup_ngrams = {n: [v.dup_ngram_frac(n) for v in views] for n, _ in start.gopher_repetition.dup_n_grams}
    for n, values in top_ngrams.items():
        signals[f"top_{n}gram_frac"] = values
    for n, values in dup_ngrams.items():
        signals[f"dup_{n}gram_frac"] = values
    q = {key: (quantile(vals, LOW_Q), quantile(vals, 0.5), quantile(vals, HIGH_Q)) for key, vals in signals.items()}

    stopwords = [w for w, _ in counts.most_common(N_STOPWORDS)]
    punct = q["line_punct_ratio"][0]
    data.update(
        stopwords=stopwords,
        gopher_quality={
            **data["gopher_quality"],
            "min_avg_word_length": _down(q["mean_word_length"][0], 1),
            "max_avg_word_length": _up(q["mean_word_length"][2], 2, 1),
            "max_non_alpha_words_ratio": _down(q["alpha_word_ratio"][0]),
            "min_stop_words": 2 if len(stopwords) >= 2 else None,
        },
        gopher_repetition={
            **data["gopher_repetition"],
            "dup_line_frac": _up(q["dup_line_frac"][2], 0.1),
            "top_n_grams": [(n, _up(q[f"top_{n}gram_frac"][2], 0.05)) for n in top_ngrams],
            "dup_n_grams": [(n, _up(q[f"dup_{n}gram_frac"][2], 0.05)) for n in dup_ngrams],
        },
        fineweb_quality={
            **data["fineweb_quality"],
            "line_punct_thr": _down(punct) if punct == punct else 0.0,
            "line_punct_exclude_zero": not (punct == punct and punct > 0),
            "new_line_ratio": _up(q["new_line_ratio"][2], 0.05),
        },
        notes=(data.get("notes") or "") + f" Thresholds calibrated on {len(documents)} sample documents "
        f"(quantiles {LOW_Q}/{HIGH_Q}, margin {MARGIN:.0%}).",
        sources=[*data.get("sources", []), PackSource(name="lingoloom languages calibrate", used_for="thresholds, stopwords").model_dump()],
    )
    pack = LanguagePack.model_validate(data)
    step = QualityFilter()
    step.use_pack(pack)
    reasons = Counter(
        step.process(Document(text=text, id=str(i), metadata={"language": label})) for i, text in enumerate(documents)
    )
    kept = reasons.pop(None, 0)
    return Calibration(pack, q, len(documents), kept, dict(reasons))
