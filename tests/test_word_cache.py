from __future__ import annotations

from collections.abc import Sequence

from index.embedder import Vectors, WordVectors
from index.word_cache import WordVectorCache
from tests.conftest import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        self.batches.append(len(texts))
        return super().embed_words(texts)


def test_missing_texts_are_embedded_once_in_one_batch() -> None:
    embedder = CountingEmbedder()
    cache = WordVectorCache(embedder, ["one two", "three", "four five six"], max_entries=10)
    first = cache.get([0, 2, 0])
    assert set(first) == {0, 2} and first[2].words == ("four", "five", "six")
    cache.get([0, 1, 2])
    assert embedder.batches == [2, 1]


def test_least_recently_used_entries_are_evicted() -> None:
    embedder = CountingEmbedder()
    cache = WordVectorCache(embedder, [str(i) for i in range(5)], max_entries=2)
    cache.get([0])
    cache.get([1])
    cache.get([0])  # 0 is now the most recent
    cache.get([2])  # evicts 1
    embedder.batches.clear()
    cache.get([0, 2])
    assert embedder.batches == []
    cache.get([1])
    assert embedder.batches == [1]
