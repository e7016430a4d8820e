"""Shared tokenisation must change the speed, not the decisions: parity with datatrove's stock filters.

With equal parameters (the eng_Latn pack is datatrove's defaults), QualityFilter keeps and drops
exactly the documents that datatrove's GopherQualityFilter -> GopherRepetitionFilter ->
FineWebQualityFilter chain keeps and drops, for the same reason.
"""

from __future__ import annotations

import json
import random

import pytest
from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.base_filter import get_filter_result

from lingoloom.filters.heuristics import DATATROVE_REASONS
from lingoloom.filters.packs import pack_for
from lingoloom.filters.quality import QualityFilter
from lingoloom.schemas.quality import QualitySettings


def stock_decision(doc: Document, chain) -> str | None:
    for family, flt in chain:
        keep, reason = get_filter_result(flt.filter(doc))
        if not keep:
            return f"{family}:{DATATROVE_REASONS.get(reason, reason)}"
    return None


def english_corpus(shared_data) -> list[str]:
    gold = json.loads((shared_data / "extraction/scrapinghub_aeb/ground-truth.json").read_text(encoding="utf-8"))
    texts = [item["articleBody"] for item in gold.values() if item.get("articleBody")][:100]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared_data / "extraction/newspaper4k/txt").glob("*.txt"))]
    rng = random.Random(7)
    junk = []
    for text in texts[:20]:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            continue
        junk.append("\n".join(lines[:3] * 6))  # repeated lines
        words = text.split()
        junk.append("\n".join(rng.sample(words, min(len(words), 120))))  # keyword list
        junk.append(" ".join(words[:40]))  # short
        junk.append("\n".join(f"- {line}" for line in lines))  # bullets
        junk.append(text.replace(". ", "... ", 30))  # ellipses
        junk.append(" # ".join(words[:300]))  # hashes
    return texts + junk


@pytest.mark.shared_data
def test_decisions_identical_to_datatrove_stock_filters_on_english(shared_data):
    texts = english_corpus(shared_data)
    assert len(texts) > 200
    chain = [
        ("gopher_quality", GopherQualityFilter()),
        ("gopher_repetition", GopherRepetitionFilter()),
        ("fineweb_quality", FineWebQualityFilter()),
    ]
    ours = QualityFilter(QualitySettings(boilerplate_lines=False, c4_line_filters="off", pii_redaction=[]))
    mismatches = []
    reasons = set()
    for i, text in enumerate(texts):
        expected = stock_decision(Document(text=text, id=str(i)), chain)
        got = ours.process(Document(text=text, id=str(i), metadata={"language": "eng_Latn"}))
        reasons.add(expected)
        if expected != got:
            mismatches.append((i, expected, got, text[:80]))
    assert not mismatches, mismatches[:5]
    # the corpus exercises keeping and several different drop reasons from each family
    assert None in reasons and len(reasons) >= 6


def test_english_pack_equals_datatrove_defaults():
    pack = pack_for("eng_Latn")
    gq, gr, fw = GopherQualityFilter(), GopherRepetitionFilter(), FineWebQualityFilter()
    assert pack.tokenizer == "datatrove"
    assert set(pack.stopwords) == gq.stop_words
    for name, value in pack.gopher_quality.model_dump().items():
        assert getattr(gq, name) == value, name
    assert pack.gopher_repetition.dup_line_frac == gr.dup_line_frac
    assert pack.gopher_repetition.dup_para_char_frac == gr.dup_para_char_frac
    assert [tuple(x) for x in pack.gopher_repetition.top_n_grams] == list(gr.top_n_grams)
    assert [tuple(x) for x in pack.gopher_repetition.dup_n_grams] == list(gr.dup_n_grams)
    assert pack.fineweb_quality.line_punct_thr == fw.line_punct_thr
    assert pack.fineweb_quality.new_line_ratio == fw.new_line_ratio
    assert pack.fineweb_quality.short_line_thr == fw.short_line_threshold
    assert pack.fineweb_quality.char_duplicates_ratio == fw.char_duplicates_ratio
