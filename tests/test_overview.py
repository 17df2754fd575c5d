"""Which sentences an overview quotes, on hand-made units and vectors (no model)."""

from __future__ import annotations

import numpy as np

from index.answer.overview import key_sentences
from index.ingest.passages import Unit


def _units(paragraph_sizes: list[int]) -> list[Unit]:
    units = []
    for paragraph, size in enumerate(paragraph_sizes, start=1):
        for sentence in range(1, size + 1):
            text = f"Sentence {sentence} of paragraph {paragraph} says something worth reading here."
            units.append(Unit("a", paragraph, sentence, text, text, depends_on_previous=False))
    return units


def _vectors(count: int) -> np.ndarray:
    vectors = np.random.default_rng(7).normal(size=(count, 8)).astype(np.float32)
    normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def test_a_lead_paragraph_is_the_overview() -> None:
    units = _units([5, 4, 4, 4])
    assert key_sentences(units, _vectors(len(units)), count=4) == [0, 1, 2, 3]


def test_a_one_sentence_lede_is_followed_by_central_sentences() -> None:
    units = _units([1, 2, 1, 3, 2, 1, 2])
    picked = key_sentences(units, _vectors(len(units)), count=4)
    assert picked[0] == 0 and len(picked) == 4 and picked == sorted(picked)
    # Not simply the opening sentences: picked for centrality across the article.
    assert picked != [0, 1, 2, 3]
