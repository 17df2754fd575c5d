"""The lexical side: BM25 over sentences, with stemming and stop words.

What it knows of the texts (``LexicalData``: the BM25 matrix, each term's
document frequency, the words, and each article's names and subject) is
computed when the index is built and stored with it, so opening an index
reads it instead of tokenising the corpus again (about 4 s and 150 MB for a
thousand articles, 27,000 sentences). A build recomputes it from all the
sentences, so it never goes stale against the dense side.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import Stemmer

from index.ingest.text import STOP_WORDS, fold, words
from index.store.bm25 import Bm25Matrix, Scores

# Question words carry no topic: "who", "why" must not match sentences that
# happen to contain them.
_STOPWORDS = (
    STOP_WORDS
    | frozenset(
        "what which who whom whose why how when where did does do was were is are say said tell happen "
        "happened happens anything something someone please know i".split()
    )
    | frozenset(
        # Chat filler: "wait so insta is just gonna be gone??" is about Instagram being gone.
        "so just even really actually basically literally wait yo bruh lol omg pls plz gonna wanna gotta kinda sorta "
        "tho hey um uh hmm ok okay".split()
    )
)


_WORD = re.compile(r"[^\W\d_][\w’']*")

# A name used in this share of an article's sentences is what the article is
# about ("Russia"), so it stands implied in every one of its sentences.
_PERVASIVE_SHARE = 0.2
# "New Yorkers", "Tibetans", "Russians", "Chinese": a people named after the article's
# subject ("york", "tibet", "russia", "china" once stemmed) is the subject too. The
# subject's stem loses a final vowel and takes one of these endings.
_DEMONYM_ENDINGS = frozenset({"n", "an", "ian", "er", "es", "ese", "ite", "i", "ish"})
_VOWELS = "aeiouy"
_OPENING = 5
# A line this short without a full stop is a heading, where every word may be
# capitalised ("Up the Falls"): no evidence of a name.
_HEADING_WORDS = 12
# Where a word opens a sentence: after a stop or a colon, and any quotes or brackets.
_OPENER = re.compile(r"[.!?:][ ‘“\"'(]*(?=[^\W\d_])")
_SENTENCE_END = re.compile(r"[.!?…][’”\"')\]]*$")

OPENING, CAPITAL, LOWER = "opening", "capital", "lower"


def word_cases(text: str) -> list[tuple[str, str]]:
    """Each word of ``text`` with how it is written: opening a sentence, capitalised, or lower case."""
    openings = {match.end() for match in _OPENER.finditer(text)}
    cases = []
    for number, match in enumerate(_WORD.finditer(text)):
        if number == 0 or match.start() in openings:
            cases.append((match.group(), OPENING))
        else:
            cases.append((match.group(), CAPITAL if match.group()[0].isupper() else LOWER))
    return cases


def capitalised_names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence: the names of ``text``, roughly."""
    return [word for word, case in word_cases(text) if case == CAPITAL]


def is_heading(text: str) -> bool:
    """Whether ``text`` reads as a title or heading rather than a sentence."""
    return len(text.split()) <= _HEADING_WORDS and not _SENTENCE_END.search(text.strip())


@dataclass(frozen=True)
class LexicalData:
    """What the lexical side knows of a list of texts: computed at build, stored, read on load."""

    size: int
    # Every folded word the texts use (spelling correction), and the openings of their names.
    words: frozenset[str]
    openings: frozenset[str]
    # Per article: the terms that are names in it, and the terms that are its subject.
    names: Mapping[str, frozenset[str]]
    pervasive: Mapping[str, frozenset[str]]
    # In how many texts each term occurs (once per text).
    frequencies: Mapping[str, int]
    bm25: Bm25Matrix

    def to_json(self) -> str:
        """Everything but the BM25 matrix's arrays, as one JSON object (sorted, so a build is reproducible)."""
        return json.dumps(
            {
                "size": self.size,
                "words": sorted(self.words),
                "openings": sorted(self.openings),
                "names": {document: sorted(terms) for document, terms in sorted(self.names.items())},
                "pervasive": {document: sorted(terms) for document, terms in sorted(self.pervasive.items())},
                "frequencies": dict(sorted(self.frequencies.items())),
                "terms": list(self.bm25.terms),
            },
            ensure_ascii=False,
        )

    @staticmethod
    def read_json(text: str) -> tuple[dict[str, Any], list[str], int]:
        """The object ``to_json`` wrote, the BM25 matrix's terms, and the number of texts."""
        data: dict[str, Any] = json.loads(text)
        return data, [str(term) for term in data["terms"]], int(data["size"])

    @classmethod
    def from_json(cls, data: dict[str, Any], bm25: Bm25Matrix) -> LexicalData:
        """The data ``to_json`` wrote (read with ``read_json``), with its matrix."""
        return cls(
            size=int(data["size"]),
            words=frozenset(map(str, data["words"])),
            openings=frozenset(map(str, data["openings"])),
            names={str(d): frozenset(map(str, terms)) for d, terms in data["names"].items()},
            pervasive={str(d): frozenset(map(str, terms)) for d, terms in data["pervasive"].items()},
            frequencies={str(term): int(n) for term, n in data["frequencies"].items()},
            bm25=bm25,
        )


def lexical_data(texts: Sequence[str], documents: Sequence[str]) -> LexicalData:
    """Compute what the lexical side knows of ``texts``, each in article ``documents[i]``."""
    terms = _Terms()
    text_words = [words(text) for text in texts]
    term_lists = [terms.of_words(folded) for folded in text_words]
    cases = _word_cases_by_document(texts, documents)
    return LexicalData(
        size=len(texts),
        words=frozenset(w for folded in text_words for w in folded),
        # Openings of the names written, so "Belarus" is known from "Belarusian"; names
        # only, or "Beyoncé" would be known from "beyond".
        openings=frozenset(
            opening[:_OPENING]
            for counted in cases.values()
            for word, case in counted
            if case == CAPITAL and len(opening := fold(word)) >= _OPENING
        ),
        names=_names_by_document(cases, terms),
        pervasive=_pervasive_by_document(term_lists, documents),
        frequencies=Counter(term for listed in term_lists for term in set(listed)),
        bm25=Bm25Matrix.of_term_lists(term_lists),
    )


class _Terms:
    """Stemmed, stop-word-free terms of folded words (one stemmer, which is not thread-safe, per user)."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")

    def of_words(self, folded: Iterable[str]) -> list[str]:
        return self.stem(word for word in folded if word not in _STOPWORDS)

    def stem(self, tokens: Iterable[str]) -> list[str]:
        return list(self._stemmer.stemWords(list(tokens)))


class LexicalIndex:
    """BM25 over a fixed list of texts, plus what words and names they use (``LexicalData``).

    ``documents`` gives the article each text belongs to (all one article when
    omitted): what is a name, and what an article is about, is decided within
    each article, so adding an article never changes another's.
    """

    def __init__(self, data: LexicalData, documents: Sequence[str] | None = None) -> None:
        self._terms = _Terms()
        self._documents = list(documents) if documents is not None else [""] * data.size
        if len(self._documents) != data.size:
            raise ValueError(f"{data.size} texts but {len(self._documents)} document ids")
        self.data = data
        # Every folded word the texts use, for spelling correction.
        self.words = data.words
        # Each term's column in the BM25 matrix: the terms the texts use, as ``frequencies`` counts them.
        self._columns = {term: i for i, term in enumerate(data.bm25.terms)}

    @classmethod
    def of_texts(cls, texts: Sequence[str], documents: Sequence[str] | None = None) -> LexicalIndex:
        """The lexical index of ``texts``, computed now (an index build stores its ``data``)."""
        documents = list(documents) if documents is not None else [""] * len(texts)
        if len(documents) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(documents)} document ids")
        return cls(lexical_data(texts, documents), documents)

    def terms(self, text: str) -> list[str]:
        """The stemmed, stop-word-free terms of ``text``."""
        return self._terms.of_words(words(text))

    def knows(self, word: str) -> bool:
        """Whether ``word``, once stemmed, occurs anywhere in the texts."""
        return self.stem(word) in self.data.frequencies

    def idf(self, word: str) -> float:
        """How rare ``word`` is among the texts (BM25's inverse document frequency of its
        first term): a word no text uses is the rarest; a word without terms counts 1."""
        terms = self.terms(word)
        if not terms:
            return 1.0
        used = self.data.frequencies.get(terms[0], 0)
        return math.log((self.data.size - used + 0.5) / (used + 0.5) + 1.0)

    def document_of(self, text: int) -> str:
        """The article that text number ``text`` belongs to."""
        return self._documents[text]

    def stem(self, word: str) -> str:
        """The stem of one folded word."""
        return self._terms.stem([word])[0]

    def is_name_word(self, word: str) -> bool:
        """Whether the folded ``word`` names something in any of the articles ("mosseri")."""
        stem = self.stem(word)
        return word not in _STOPWORDS and any(stem in names for names in self.data.names.values())

    def is_name(self, term: str, document: str) -> bool:
        """Whether ``term`` (stemmed) is a name in article ``document``, like ``instagram`` or
        ``mosseri``: written there mostly with a capital where no sentence opens."""
        return term in self.data.names.get(document, frozenset())

    def is_pervasive(self, term: str, document: str) -> bool:
        """Whether ``term`` (stemmed) is in so many of article ``document``'s sentences that it
        is the article's subject, or names its people ("yorker" where "york" is)."""
        pervasive = self.data.pervasive.get(document, frozenset())
        names = self.data.names.get(document, frozenset())
        return term in pervasive or any(is_demonym(term, subject) for subject in pervasive & names)

    def unknown_names(self, text: str) -> list[str]:
        """Capitalised words of ``text`` (not opening it) that the texts never use in any form."""
        unknown = []
        for name in capitalised_names(text):
            folded = words(name)
            if not folded:
                continue
            word = folded[0]
            # A stop word is no name, even shouted ("WHO IS MOSSERI"); nor is a code with a
            # digit in it, which the article may write out ("Q2" for "the second quarter").
            if (
                word in _STOPWORDS
                or any(ch.isdigit() for ch in name)
                or self.knows(word)
                or (len(word) >= _OPENING and word[:_OPENING] in self.data.openings)
            ):
                continue
            unknown.append(name)
        return unknown

    def scores(self, terms: Sequence[str]) -> Scores:
        """BM25 score of every text for the query ``terms`` (zeros when none is known)."""
        return self.data.bm25.scores([self._columns[term] for term in terms if term in self._columns])


def _names_by_document(by_word: dict[str, Counter[tuple[str, str]]], terms: _Terms) -> dict[str, frozenset[str]]:
    """Per article, the terms written mostly capitalised where no sentence opens."""
    # Counted by word first, then by term: a thousand articles use a few tens of
    # thousands of distinct words, each stemmed once instead of at every use.
    terms_of: dict[str, list[str]] = {}
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for document, words_counted in by_word.items():
        tally = counts[document] = Counter()
        for (word, case), times in words_counted.items():
            if word not in terms_of:
                terms_of[word] = terms.of_words(words(word))
            for term in terms_of[word]:
                tally[term, case] += times
    return {document: frozenset(_mostly_capitalised(tally)) for document, tally in counts.items()}


def _word_cases_by_document(texts: Sequence[str], documents: Sequence[str]) -> dict[str, Counter[tuple[str, str]]]:
    """Per article, how often each word is written in lower case, or capitalised where no
    sentence opens (headings, where every word may be capitalised, left out)."""
    by_word: dict[str, Counter[tuple[str, str]]] = {}
    for text, document in zip(texts, documents, strict=True):
        heading = is_heading(text)
        by_word.setdefault(document, Counter()).update(
            (word, case) for word, case in word_cases(text) if case == LOWER or (case == CAPITAL and not heading)
        )
    return by_word


def is_demonym(term: str, name: str) -> bool:
    """Whether stemmed ``term`` names the people of stemmed ``name``: "yorker" of "york",
    "tibetan" of "tibet", "russian" of "russia", "chines" of "china"."""
    root = name[:-1] if name[-1:] in _VOWELS else name
    return len(root) >= 3 and term.startswith(root) and term[len(root) :] in _DEMONYM_ENDINGS and term != name


def _mostly_capitalised(tally: Counter[tuple[str, str]]) -> list[str]:
    return [term for term, case in tally if case == CAPITAL and tally[term, CAPITAL] > tally[term, LOWER]]


def _pervasive_by_document(term_lists: Sequence[list[str]], documents: Sequence[str]) -> dict[str, frozenset[str]]:
    """Per article, the terms in at least ``_PERVASIVE_SHARE`` of its texts."""
    frequencies: dict[str, Counter[str]] = {}
    sizes: Counter[str] = Counter(documents)
    for terms, document in zip(term_lists, documents, strict=True):
        frequencies.setdefault(document, Counter()).update(set(terms))
    return {
        document: frozenset(t for t, n in counted.items() if n >= _PERVASIVE_SHARE * sizes[document])
        for document, counted in frequencies.items()
    }
