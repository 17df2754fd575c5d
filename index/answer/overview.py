"""An extractive overview of an article: its lede and its most central sentences.

News is written lede first, so the first sentence opens every overview. The
rest are the sentences nearest the article's centroid (the mean of its
sentence vectors), picked one at a time with a penalty for repeating what
is already picked (maximal marginal relevance), and shown in article order.
Sentences too short to stand alone, and sentences that lean on the one
before them, are not picked.

An encyclopedia article opens instead with a lead paragraph that summarises
it (a news story's first paragraph is its one-sentence lede): when the first
paragraph has ``LEAD_SENTENCES`` sentences or more, the overview is its
opening sentences, in order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.ingest.passages import Unit
from index.store.embedder import Vectors

SUMMARY_SENTENCES = 4
LEAD_SENTENCES = 3
_MIN_WORDS = 8
# How much a candidate's likeness to sentences already picked counts against it.
_REDUNDANCY = 0.5
_LEAD_BIAS = 0.15


def key_sentences(units: Sequence[Unit], vectors: Vectors, count: int = SUMMARY_SENTENCES) -> list[int]:
    """Positions in ``units`` (one article's sentences, in order, with their vectors) of the
    lede and the most central other sentences, or of the lead paragraph's first sentences:
    at most ``count``, in article order."""
    if not units:
        return []
    lead = [i for i, unit in enumerate(units) if unit.paragraph == units[0].paragraph]
    if len(lead) >= LEAD_SENTENCES:
        return lead[:count]
    chosen = [0]
    eligible = [
        i
        for i, unit in enumerate(units)
        if i > 0 and not unit.depends_on_previous and len(unit.text.split()) >= _MIN_WORDS
    ]
    if eligible and count > 1:
        centroid = vectors.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        # News puts what matters first: a slight preference for earlier sentences.
        position = 1.0 - np.arange(len(units)) / max(1, len(units))
        centrality = vectors @ centroid + _LEAD_BIAS * position
        while eligible and len(chosen) < count:
            redundancy = (vectors[eligible] @ vectors[chosen].T).max(axis=1)
            best = eligible[int(np.argmax(centrality[eligible] - _REDUNDANCY * redundancy))]
            chosen.append(best)
            eligible.remove(best)
    return sorted(chosen)
