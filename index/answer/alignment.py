"""Word-level evidence from contextual word vectors (late interaction).

``alignment`` is how well a sentence covers the question's words: for each
content word of the question, its best cosine match among the sentence's
words, averaged, a rare word ("Irreplaceable") weighing more than a common one
("her", "album" in an article on a singer), by its inverse document frequency.
``weakest_support`` finds the question word the passage covers worst, which
is the telling one when a question asks about something the article never
mentions ("When was Instagram *founded*?").
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.store.embedder import WordVectors


def content_mask(words: tuple[str, ...], is_content: Callable[[str], bool]) -> np.ndarray:
    """Which of ``words`` carry content (falls back to all words when none does)."""
    mask = np.array([any(ch.isalnum() for ch in w) and is_content(w) for w in words], dtype=bool)
    if not mask.any():
        mask = np.array([any(ch.isalnum() for ch in w) for w in words], dtype=bool)
    return mask


def alignment(
    query: WordVectors, mask: np.ndarray, sentence: WordVectors, weights: np.ndarray | None = None
) -> float:
    """Mean over the masked query words of their best cosine match in ``sentence``,
    weighted by ``weights`` (one per query word; equal when None)."""
    if not mask.any() or not len(sentence.words):
        return 0.0
    best = (query.vectors[mask] @ sentence.vectors.T).max(axis=1)
    if weights is None or not weights[mask].sum() > 0:
        return float(best.mean())
    # A dot product: np.average took half of this function's time.
    return float(best @ weights[mask] / weights[mask].sum())


def weakest_support(query: WordVectors, mask: np.ndarray, passage: WordVectors) -> tuple[float, str]:
    """The lowest best-match cosine among the masked query words, and that word."""
    if not mask.any() or not len(passage.words):
        return 1.0, ""
    best = (query.vectors[mask] @ passage.vectors.T).max(axis=1)
    weakest = int(best.argmin())
    return float(best[weakest]), np.array(query.words)[mask][weakest]
