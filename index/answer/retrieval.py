"""Hybrid retrieval in two stages.

1. Candidates: the nearest rows in FAISS (sentences and their passages) and the
   best BM25 matches, scored by dense similarity, BM25 and answer type.
2. Rerank: the best few are scored again with word-level alignment between
   the question and the sentence (late interaction over contextual word
   vectors), which tells "who owns Instagram" from "who runs Instagram"
   better than one vector per sentence can. The sentences' word vectors were
   computed at build time, so this stage is numpy work only.

Every signal is on a scale that does not move with the corpus, so that the
weights and the abstention thresholds hold for one article or a thousand:
cosines are cosines, alignment is a weighted mean of cosines, and BM25, whose
raw scores grow with the corpus's size and the question's length, counts as a
share of the question's best BM25 score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import faiss
import numpy as np

from index.answer.alignment import alignment, content_mask
from index.answer.answer_types import asked_type, gives_type
from index.ingest.passages import Unit
from index.store.embedder import Vectors, WordVectors
from index.store.lexical import LexicalIndex
from index.store.ondisk import RowFile
from index.store.vector_index import search
from index.store.word_store import StoredWords, passage_words


@dataclass(frozen=True)
class Weights:
    """How the evidence for a sentence adds up; calibrated by ``benchmarks/calibrate.py``
    on ``tests/qa`` and the realtext calibration articles."""

    alignment: float = 1.0
    sentence: float = 0.15
    passage: float = 0.3
    # BM25 as a share of the best BM25 score for the question, in [0, 1].
    bm25: float = 0.1
    # The sentence holds what the question asks for (a number, a time, ...).
    answer_type: float = 0.1
    # Rows the vector search returns, and sentences the second stage rescores.
    candidates: int = 64
    rerank: int = 12
    # Words of the sentences a dependent sentence leans on count, a little less
    # than its own (by this power of how far back they are): "The company later
    # confirmed the leak" is about Facebook.
    antecedent: float = 0.9


@dataclass(frozen=True)
class Query:
    """A question ready to search: the corrected text and its lexical terms.

    ``own`` is the question's own corrected words when ``text`` also holds the
    exchange a follow-up leans on: only the asker's own words must be covered.
    """

    question: str
    text: str
    terms: list[str]
    own: str = ""

    def asked_type(self) -> str | None:
        """The kind of answer asked for: that of the asker's own words ("when was it built?"
        after a question on a park's size asks for a time), else that of the exchange a
        follow-up leans on ("what about Apple?" after "when did Google leave?")."""
        if not self.own:
            return asked_type(self.text)
        # The exchange follows the asker's own words in ``text``.
        return asked_type(self.own) or asked_type(self.text[len(self.own) :].strip())


@dataclass(frozen=True)
class Evidence:
    """Why one sentence matched a query."""

    unit: int
    score: float
    alignment: float
    sentence_similarity: float
    passage_similarity: float
    bm25: float
    answer_type: bool


class Retriever:
    """Ranks the sentences of an index for queries."""

    def __init__(
        self,
        units: list[Unit],
        vectors: Vectors | RowFile,
        faiss_index: faiss.Index,
        lexical: LexicalIndex,
        words: StoredWords,
    ) -> None:
        self._units = units
        self._vectors = vectors
        self._faiss = faiss_index
        self.lexical = lexical
        self._words = words

    def passage_text(self, unit: int) -> str:
        """The passage (sentence with neighbours) of sentence ``unit``."""
        return self._units[unit].passage

    def sentence_vectors(self, units: Sequence[int]) -> Vectors:
        """The stored vectors of sentences ``units`` (alone, not in their passages)."""
        return self._vectors[list(units)]

    def passage_words(self, unit: int) -> WordVectors:
        """The contextual word vectors of the passage of sentence ``unit``."""
        return passage_words(self._units, self._words, unit)

    def is_content(self, word: str) -> bool:
        """Whether ``word`` carries topic (not a stop word or question word)."""
        return bool(self.lexical.terms(word))

    def rank_many(
        self, queries: Sequence[Query], vectors: Vectors, query_words: Sequence[WordVectors], weights: Weights
    ) -> list[list[Evidence]]:
        """For each query, its best sentences with their evidence, best first."""
        if not queries:
            return []
        # One FAISS call for the whole micro-batch is far cheaper than one per query.
        _, rows = search(self._faiss, vectors, weights.candidates)
        shortlists = [self._first_stage(q, v, r, weights) for q, v, r in zip(queries, vectors, rows, strict=True)]
        needed = {int(i) for ids, _ in shortlists for i in ids}
        # A sentence that leans on the ones before it is read together with them.
        needed |= {i - k for i in needed for k in range(1, self._units[i].antecedents + 1)}
        sentence_words = {i: self._words.get(i) for i in needed}
        return [
            self._second_stage(shortlist, qw, sentence_words, weights)
            for shortlist, qw in zip(shortlists, query_words, strict=True)
        ]

    def _first_stage(
        self, query: Query, vector: Vectors, rows: np.ndarray, weights: Weights
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        size = len(self._units)
        bm25 = self.lexical.scores(query.terms)
        # Rows past ``size`` are passage vectors; both kinds point at a sentence.
        candidates = {int(r) % size for r in rows if r >= 0}
        lexical_hits = np.flatnonzero(bm25)
        candidates.update(int(i) for i in lexical_hits[np.argsort(-bm25[lexical_hits])][: weights.candidates])
        ids = np.fromiter(sorted(candidates), dtype=np.int64)
        kind = query.asked_type()
        features = {
            "sentence": self._vectors[ids] @ vector,
            "passage": self._vectors[ids + size] @ vector,
            "bm25": bm25[ids],
            "typed": np.array([kind is None or gives_type(self._units[i].text, kind, query.text) for i in ids]),
        }
        first = (
            weights.sentence * features["sentence"]
            + weights.passage * features["passage"]
            + weights.bm25 * relative_bm25(features["bm25"], bm25)
            + weights.answer_type * features["typed"]
        )
        keep = np.argsort(-first, kind="stable")[: weights.rerank]
        features = {name: values[keep] for name, values in features.items()}
        features["first"] = first[keep]
        return ids[keep], features

    def _reading(self, unit: int, sentence_words: dict[int, WordVectors], antecedent: float) -> WordVectors:
        """The words a reader takes in for sentence ``unit``: with its antecedents' if it has any.

        The vectors of the sentence ``k`` before are scaled by ``antecedent ** k``
        so their matches count for less than the sentence's own.
        """
        read = [sentence_words[unit]]
        for k in range(1, self._units[unit].antecedents + 1):
            before = sentence_words[unit - k]
            read.insert(0, WordVectors(before.words, antecedent**k * before.vectors))
        if len(read) == 1:
            return read[0]
        return WordVectors(tuple(w for r in read for w in r.words), np.concatenate([r.vectors for r in read]))

    def _second_stage(
        self,
        shortlist: tuple[np.ndarray, dict[str, np.ndarray]],
        query_words: WordVectors,
        sentence_words: dict[int, WordVectors],
        weights: Weights,
    ) -> list[Evidence]:
        ids, features = shortlist
        mask = content_mask(query_words.words, self.is_content)
        rarity = np.array([self.lexical.idf(w) for w in query_words.words], dtype=np.float32)
        aligned = np.array(
            [
                alignment(query_words, mask, self._reading(int(i), sentence_words, weights.antecedent), rarity)
                for i in ids
            ],
            dtype=np.float32,
        )
        scores = features["first"] + weights.alignment * aligned
        order = np.argsort(-scores, kind="stable")
        return [
            Evidence(
                unit=int(ids[k]),
                score=float(scores[k]),
                alignment=float(aligned[k]),
                sentence_similarity=float(features["sentence"][k]),
                passage_similarity=float(features["passage"][k]),
                bm25=float(features["bm25"][k]),
                answer_type=bool(features["typed"][k]),
            )
            for k in order
        ]


def relative_bm25(scores: np.ndarray, all_scores: np.ndarray) -> np.ndarray:
    """``scores`` as shares of the best of ``all_scores`` (every sentence's BM25 for one
    question): 1 for the best match, whatever the corpus's size; zeros when nothing matches."""
    best = float(all_scores.max()) if len(all_scores) else 0.0
    if best <= 0:
        return np.zeros_like(scores, dtype=np.float32)
    return (scores / best).astype(np.float32)
