"""The lexical side: BM25 over sentences, with stemming and stop words.

Built from the stored sentences when an index is opened (it takes well under a
second even for a thousand articles), so it never goes stale against the
dense side.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from index.text import words

Scores = npt.NDArray[np.float32]

# Question words carry no topic: "who", "why" must not match sentences that
# happen to contain them.
_STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(
    "what which who whom whose why how when where did does do was were is are say said tell happen "
    "happened happens anything something someone please know".split()
)


_WORD = re.compile(r"[^\W\d_][\w’']*")

# A name used in this share of sentences is what the corpus is about
# ("Russia"), so it stands implied in every sentence.
_PERVASIVE_SHARE = 0.2
_OPENING = 5


def capitalised_names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence: the names of ``text``, roughly."""
    names = []
    for number, match in enumerate(_WORD.finditer(text)):
        before = text[: match.start()].rstrip(" ‘“\"'(")
        opens_sentence = number == 0 or before.endswith((".", "!", "?", ":"))
        if match.group()[0].isupper() and not opens_sentence:
            names.append(match.group())
    return names


class LexicalIndex:
    """BM25 (bm25s) over a fixed list of texts, plus what words and names they use."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        documents = [self.terms(text) for text in texts]
        # Every folded word the texts use, for spelling correction.
        self.words = frozenset(w for text in texts for w in words(text))
        # Word openings, so "Belarus" is known from "Belarusian".
        self._openings = frozenset(w[:_OPENING] for w in self.words if len(w) >= _OPENING)
        self._names = frozenset(term for text in texts for name in capitalised_names(text) for term in self.terms(name))
        # In how many texts each term occurs (once per text).
        frequencies = Counter(term for terms in documents for term in set(terms))
        self._vocabulary = frozenset(frequencies)
        self._pervasive = frozenset(t for t, n in frequencies.items() if n >= _PERVASIVE_SHARE * len(texts))
        self._retriever = bm25s.BM25()
        self._retriever.index(documents, show_progress=False)
        self._size = len(texts)

    def terms(self, text: str) -> list[str]:
        """The stemmed, stop-word-free terms of ``text``."""
        return self._stem(word for word in words(text) if word not in _STOPWORDS)

    def knows(self, word: str) -> bool:
        """Whether ``word``, once stemmed, occurs anywhere in the texts."""
        return self._stem([word])[0] in self._vocabulary

    def is_name(self, term: str) -> bool:
        """Whether ``term`` (stemmed) is a name in the texts, like ``instagram`` or ``mosseri``."""
        return term in self._names

    def stem(self, word: str) -> str:
        """The stem of one folded word."""
        return self._stem([word])[0]

    def is_name_word(self, word: str) -> bool:
        """Whether the folded ``word`` names something in the texts ("mosseri", "russia")."""
        return word not in _STOPWORDS and self.stem(word) in self._names

    def is_pervasive(self, term: str) -> bool:
        """Whether ``term`` (stemmed) is in so many texts that it is their common subject."""
        return term in self._pervasive

    def unknown_names(self, text: str) -> list[str]:
        """Capitalised words of ``text`` (not opening it) that the texts never use in any form."""
        unknown = []
        for name in capitalised_names(text):
            folded = words(name)
            if not folded:
                continue
            word = folded[0]
            # A stop word is no name, even shouted ("WHO IS MOSSERI").
            if word in _STOPWORDS or self.knows(word) or (len(word) >= _OPENING and word[:_OPENING] in self._openings):
                continue
            unknown.append(name)
        return unknown

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25 score of every text for the query ``terms`` (zeros when none is known)."""
        known = [term for term in terms if term in self._vocabulary]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def _stem(self, tokens: Iterable[str]) -> list[str]:
        return list(self._stemmer.stemWords(list(tokens)))
