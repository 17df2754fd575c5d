"""The scales retrieval fuses on, without the model: BM25 as a share of the question's
best, word alignment weighted by rarity, and a word's rarity."""

from __future__ import annotations

import numpy as np
import pytest

from index.answer.alignment import alignment
from index.answer.retrieval import relative_bm25
from index.store.embedder import WordVectors
from index.store.lexical import LexicalIndex


@pytest.mark.parametrize(
    ("scores", "all_scores", "expected"),
    [
        ([4.0, 2.0], [1.0, 4.0, 2.0, 0.0], [1.0, 0.5]),
        # The same question over a corpus ten times larger: the same shares.
        ([40.0, 20.0], [10.0, 40.0, 20.0, 0.0], [1.0, 0.5]),
        ([0.0, 0.0], [0.0, 0.0], [0.0, 0.0]),  # nothing matches
        ([], [], []),
    ],
)
def test_relative_bm25(scores: list[float], all_scores: list[float], expected: list[float]) -> None:
    got = relative_bm25(np.array(scores, dtype=np.float32), np.array(all_scores, dtype=np.float32))
    assert got.tolist() == pytest.approx(expected)


def _words(*rows: tuple[str, list[float]]) -> WordVectors:
    vectors = np.array([v for _, v in rows], dtype=np.float32)
    return WordVectors(tuple(w for w, _ in rows), vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


QUESTION = _words(("her", [1.0, 0.0]), ("Irreplaceable", [0.0, 1.0]))
# One sentence matches the common word, the other the rare one.
MATCHES_COMMON = _words(("her", [1.0, 0.0]))
MATCHES_RARE = _words(("Irreplaceable", [0.0, 1.0]))
MASK = np.array([True, True])


@pytest.mark.parametrize(
    ("weights", "common", "rare"),
    [
        (None, 0.5, 0.5),  # unweighted: a tie
        ([1.0, 1.0], 0.5, 0.5),
        ([1.0, 3.0], 0.25, 0.75),  # the rare word weighs three times the common one
        ([0.0, 0.0], 0.5, 0.5),  # no weight anywhere: the plain mean
    ],
)
def test_alignment_weighs_rare_words_more(weights: list[float] | None, common: float, rare: float) -> None:
    w = None if weights is None else np.array(weights, dtype=np.float32)
    assert alignment(QUESTION, MASK, MATCHES_COMMON, w) == pytest.approx(common)
    assert alignment(QUESTION, MASK, MATCHES_RARE, w) == pytest.approx(rare)


def test_idf_ranks_words_by_rarity() -> None:
    lexical = LexicalIndex.of_texts(
        ["Her album sold well.", "Her album tour was long.", "Her song Irreplaceable topped charts.", "Her dog barked."]
    )
    assert lexical.idf("Irreplaceable") > lexical.idf("album") > lexical.idf("her")
    # A word no sentence uses is the rarest; a stop word has no term and counts 1.
    assert lexical.idf("Zelensky") > lexical.idf("Irreplaceable")
    assert lexical.idf("the") == 1.0
