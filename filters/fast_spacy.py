"""datatrove's spaCy word tokenizer, same tokens, several times faster.

Why it exists: tokenisation is most of the quality stage's cost. datatrove runs the whole blank
pipeline (and the sentencizer it adds) inside a fresh ``memory_zone`` per call, so every word's
lexeme and every lexical attribute (shape, ``like_num``, ``like_url``...) is rebuilt for every
document, and a Token object is made per word. Here:

- only the tokenizer runs (pipes never change tokens), lexical attributes are not computed
  (the tokenizer never reads them), words are sliced from the text by offsets;
- spaCy splits a text at whitespace and tokenises each whitespace-free chunk on its own
  (prefixes, suffixes, infixes, special cases); only its final special-case pass (a phrase
  matcher over the whole Doc) can look across chunks. So each distinct chunk is tokenised once
  per worker and its words are remembered; a document is then ``str.split`` plus look-ups. A
  document where two neighbouring chunks could take part in one special-case pattern (a rule
  such as Spanish "EE. UU." or an emoticon split by a space) is tokenised whole, as spaCy would,
  so the words are always exactly spaCy's.

Memory stays bounded: the chunk table is emptied when it reaches ``max_chunks`` entries, and a
fresh pipeline (vocabulary back to the blank model's) starts every ``reset_every`` documents.
"""

from __future__ import annotations

import copy
from itertools import chain


class SpecialPatterns:
    """What spaCy's special-case matcher pass looks for, as far as chunk boundaries are concerned.

    The pass gets the rules ``Tokenizer.add_special_case`` gives it (every rule when
    ``faster_heuristics`` is off, else those with an affix or a space), split as it splits them:
    by prefixes, suffixes and infixes, without special cases. A match across two chunks needs
    the last token of one and the first of the next to be adjacent in such a split.
    """

    def __init__(self, tokenizer):
        from spacy.tokenizer import Tokenizer

        bare = Tokenizer(
            tokenizer.vocab,
            rules={},
            prefix_search=tokenizer.prefix_search,
            suffix_search=tokenizer.suffix_search,
            infix_finditer=tokenizer.infix_finditer,
            token_match=tokenizer.token_match,
            url_match=tokenizer.url_match,
        )
        finders = (tokenizer.find_prefix, tokenizer.find_infix, tokenizer.find_suffix)
        self.splits: dict[str, list[str]] = {}
        for rule in tokenizer.rules or {}:
            if not tokenizer.faster_heuristics or " " in rule or any(find(rule) for find in finders):
                self.splits[rule] = [token.text for token in bare(rule)]
        self.pairs = {pair for words in self.splits.values() for pair in zip(words, words[1:])}
        self.enders = {a for a, _ in self.pairs}
        self.starters = {b for _, b in self.pairs}
        self.lengths = sorted({len(rule) for rule in self.splits})
        self.last_chars = {rule[-1] for rule in self.splits}
        self.first_chars = {rule[0] for rule in self.splits}
        # a whitespace token inside a pattern could join chunks that are not neighbours in ``str.split``
        self.chunkable = not any(char.isspace() for pair in self.pairs for token in pair for char in token)

    def edges(self, chunk: str, words: tuple[str, ...]) -> tuple[set[str] | None, set[str] | None]:
        """Tokens that can end / start ``chunk`` before the matcher pass and take part in a pattern pair.

        The chunk's own final words, or, where the pass rewrote a rule at the chunk's end or
        start, the rule's split before it did. ``None`` for none (the usual case).
        """
        ends = {words[-1]} & self.enders
        starts = {words[0]} & self.starters
        if chunk[-1] in self.last_chars or chunk[0] in self.first_chars:
            for n in self.lengths:
                if n > len(chunk):
                    break
                split = self.splits.get(chunk[-n:])
                if split and split[-1] in self.enders:
                    ends.add(split[-1])
                split = self.splits.get(chunk[:n])
                if split and split[0] in self.starters:
                    starts.add(split[0])
        return ends or None, starts or None


class ChunkWords:
    """Words of each whitespace-free chunk, learnt from one spaCy ``Tokenizer``, and the cross-chunk check."""

    def __init__(self, patterns: SpecialPatterns, max_chunks: int):
        self.patterns = patterns
        self.max_chunks = max_chunks
        self.words: dict[str, tuple[str, ...]] = {}
        self._ends: dict[str, set[str]] = {}
        self._starts: dict[str, set[str]] = {}

    def words_of(self, chunks: list[str], tokenizer) -> list[str] | None:
        """The words of a text split into ``chunks``; ``None`` when spaCy must see the whole text."""
        known = self.words
        if len(known) >= self.max_chunks:
            known.clear()
            self._ends.clear()
            self._starts.clear()
        new = [chunk for chunk in dict.fromkeys(chunks) if chunk not in known]
        if new:
            self._learn(new, tokenizer)
        if self._crosses(chunks):
            return None
        return list(chain.from_iterable(map(known.__getitem__, chunks)))

    def _learn(self, chunks: list[str], tokenizer) -> None:
        """Tokenise ``chunks`` (new, distinct) each as spaCy would on its own, and remember their words.

        One spaCy call for all of them, separated by newlines: a newline is a token of its own
        and no pattern holds whitespace (``SpecialPatterns.chunkable``), so no match spans two.
        """
        from spacy.attrs import IDX, LENGTH

        joined = "\n".join(chunks)
        starts, lengths = tokenizer(joined).to_array([IDX, LENGTH]).T.tolist()
        index, end, words = 0, len(chunks[0]), []
        for start, length in zip(starts, lengths):
            if start >= end:  # the newline after chunk ``index``
                self._remember(chunks[index], tuple(words))
                index += 1
                end += 1 + len(chunks[index])
                words = []
            else:
                words.append(joined[start : start + length])
        self._remember(chunks[index], tuple(words))

    def _remember(self, chunk: str, words: tuple[str, ...]) -> None:
        self.words[chunk] = words
        ends, starts = self.patterns.edges(chunk, words)
        if ends:
            self._ends[chunk] = ends
        if starts:
            self._starts[chunk] = starts

    def _crosses(self, chunks: list[str]) -> bool:
        """Whether a special-case pattern could span two neighbouring chunks (then spaCy must see the whole text)."""
        starts, ends, pairs = self._starts, self._ends, self.patterns.pairs
        if starts.keys().isdisjoint(chunks):
            return False
        for previous, chunk in zip(chunks, chunks[1:]):
            heads = starts.get(chunk)
            if heads is not None:
                tails = ends.get(previous)
                if tails is not None and any((a, b) in pairs for a in tails for b in heads):
                    return True
        return False


class FastSpacyTokenizer:
    """Wraps datatrove's ``SpaCyTokenizer`` (``stock``): same words, see the module docstring."""

    def __init__(self, stock, reset_every: int = 20_000, max_chunks: int = 200_000):
        self.stock = stock
        self.language = stock.language
        self.reset_every = reset_every
        self.max_chunks = max_chunks
        self._nlp = None
        self._chunks: ChunkWords | None = None
        self._patterns: SpecialPatterns | None = None
        self._calls = 0

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_nlp": None, "_chunks": None, "_calls": 0}

    def reset(self) -> None:
        """Start a fresh pipeline now: empty caches, vocabulary back to the blank model's."""
        from spacy.tokenizer import Tokenizer

        fresh = copy.copy(self.stock)
        fresh._tokenizer = None
        nlp = fresh.tokenizer
        nlp.vocab.lex_attr_getters = {}  # a private vocabulary; tokens never depend on these attributes
        self._nlp = nlp
        self._calls = 0
        self._chunks = None
        if type(nlp.tokenizer) is Tokenizer:  # rule-based: chunks are independent (not jieba, pyvi, Sudachi)
            if self._patterns is None:
                self._patterns = SpecialPatterns(nlp.tokenizer)
            if self._patterns.chunkable:
                self._chunks = ChunkWords(self._patterns, self.max_chunks)

    @property
    def nlp(self):
        if self._nlp is None or self._calls >= self.reset_every:
            self.reset()
        return self._nlp

    def word_tokenize(self, text: str) -> list[str]:
        nlp = self.nlp
        self._calls += 1
        if self._chunks is not None:
            try:
                words = self._chunks.words_of(text.split(), nlp.tokenizer)
            except Exception:  # spaCy choked on a chunk: the whole-text path has datatrove's workaround
                words = None
            if words is not None:
                return words
        return self._whole(nlp, text)

    def _whole(self, nlp, text: str) -> list[str]:
        from spacy.attrs import IDX, LENGTH

        nlp.max_length = max(nlp.max_length, len(text) + 10)
        try:
            doc = nlp.make_doc(text)
        except Exception:  # datatrove's own path has a workaround for strings spaCy chokes on
            return self.stock.word_tokenize(text)
        if not len(doc):
            return []
        starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
        words = (text[start : start + length].strip() for start, length in zip(starts, lengths))
        return [w for w in words if w]
