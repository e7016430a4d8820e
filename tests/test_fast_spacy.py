"""The fast spaCy path must give exactly datatrove's words: chunk table, cross-chunk rules, bounded memory."""

from __future__ import annotations

import pytest
from datatrove.utils.word_tokenizers import SpaCyTokenizer

from lingoloom.filters.fast_spacy import FastSpacyTokenizer

TEXTS = {
    "en": [
        "Dr. Smith arrived at 9 a.m. (local time) and said: \"It's fine, isn't it?\" :) o.O\n\nThe U.S. team won 3-1.",
        "Note: (see below) -- e.g. x :-) y, and :- ) split, o. O and ca n't; he's here at 10 a.m .",
        "  leading spaces,\ttabs\nand\u00a0non-breaking   runs; hyphen-ated words, https://example.org/a?b=c #tag",
        "",
    ],
    "es": ["Los EE. UU. y la UE firmaron; EE.UU. no. Sr. García llegó a las 3 p. m. (hora local)."],
    "ru": ["Это было в т.ч. и в н.в. — д-р архитектуры и др. сотрудники, гл. науч. сотр. ушёл."],
    "id": ["Dr. med Budi dan Dr. rer. nat. Sari pergi ke 1 Kor. hari ini, go-to up-to-date."],
}


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_words_are_exactly_datatrove_spacy_words(language):
    stock = SpaCyTokenizer(language)
    fast = FastSpacyTokenizer(SpaCyTokenizer(language))
    texts = TEXTS[language] * 2  # the second pass reads every chunk from the table
    for text in texts:
        assert fast.word_tokenize(text) == stock.word_tokenize(text), text


def test_a_rule_spanning_two_chunks_is_tokenised_whole_as_spacy_does():
    stock = SpaCyTokenizer("es")
    fast = FastSpacyTokenizer(SpaCyTokenizer("es"))
    words = fast.word_tokenize("Viajó a EE. UU. ayer")
    assert "EE. UU." in words  # spaCy's rule joins the two chunks into one token
    assert words == stock.word_tokenize("Viajó a EE. UU. ayer")


def test_chunk_table_stays_bounded_and_a_fresh_pipeline_starts_periodically():
    stock = SpaCyTokenizer("en")
    fast = FastSpacyTokenizer(SpaCyTokenizer("en"), reset_every=3, max_chunks=5)
    texts = [f"word{i} another{i} (x{i}) end{i}. more{i}" for i in range(10)]
    for text in texts:
        assert fast.word_tokenize(text) == stock.word_tokenize(text)
        assert len(fast._chunks.words) <= 5 + len(text.split())
    assert fast._calls <= 3
