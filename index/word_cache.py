"""Contextual word vectors of stored texts, computed on demand and kept.

Word vectors are too many to store for a large corpus (one row per word), so
they are computed for the few sentences a question's first-stage ranking
keeps, in one batch, and remembered up to a bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from index.embedder import Embedder, WordVectors


class WordVectorCache:
    """Word vectors of a fixed list of texts, by position, computed lazily."""

    def __init__(self, embedder: Embedder, texts: Sequence[str], max_entries: int) -> None:
        self._embedder = embedder
        self._texts = texts
        self._max_entries = max_entries
        self._entries: OrderedDict[int, WordVectors] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, ids: Sequence[int]) -> dict[int, WordVectors]:
        """The word vectors of texts ``ids``, embedding the missing ones in one batch."""
        with self._lock:
            missing = sorted({i for i in ids if i not in self._entries})
            if missing:
                _, fresh = self._embedder.embed_words([self._texts[i] for i in missing])
                self._entries.update(zip(missing, fresh, strict=True))
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
            found = {i: self._entries[i] for i in ids}
            for i in found:
                self._entries.move_to_end(i)
            return found
