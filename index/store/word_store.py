"""Contextual word vectors of every sentence, computed at build time and stored.

The rerank (late interaction) and the abstention's topic support need the
contextual vector of each word of a candidate sentence and of its passage.
Computing them while a question waits costs a forward pass over a dozen
passages, which grows with the article; so the build keeps them from the same
forward pass that gives the sentence vectors, and a question only slices them.

On disk they are one ``(words, dimension)`` float16 array (half of float32,
and the cosines it gives differ from float32's by ~1e-3, far below what moves
an answer) and an offsets array: sentence ``i`` owns rows
``offsets[i]:offsets[i + 1]``.

The array is the largest part of an index (about 27 KB a sentence: 750 MB
for 1,000 articles) and a question needs a few hundred KB of it, so the
serving process reads the rows it needs from the file (``RowFile``, one
``pread`` a sentence) instead of holding or mapping the array. Memory-mapped,
the pages questions touched (and the kernel's read-ahead around them) stayed
in the process: 736 MB after 100 questions on 1,000 articles. Read, they stay
in the operating system's page cache, which is shared, and given back
whenever a process needs the memory.

A passage (a sentence with its neighbours) is read as the words of those
sentences, each in its own context, rather than embedded as one text: the
evaluation gives the same answers, and it needs a third of the storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.ingest.passages import PASSAGE_RADIUS, Unit
from index.store.embedder import WordVectors
from index.store.ondisk import RowFile

WORD_DTYPE = np.float16

# One text's words and their rows as stored (float16; a view into the
# memory-mapped file for a stored text, so reusing it copies nothing).
Packed = tuple[tuple[str, ...], npt.NDArray[np.float16]]


@dataclass(frozen=True)
class StoredWords:
    """The words of each sentence and their vectors, by sentence position."""

    words: Sequence[tuple[str, ...]]
    # In memory while a build packs them; read from the file once stored.
    vectors: npt.NDArray[np.float16] | RowFile
    offsets: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.words)

    def get(self, text: int) -> WordVectors:
        """The words of sentence ``text`` with their (float32) vectors."""
        words, rows = self.packed(text)
        return WordVectors(words, np.asarray(rows, dtype=np.float32))

    def packed(self, text: int) -> Packed:
        """The words of sentence ``text`` with their rows as stored."""
        start, end = int(self.offsets[text]), int(self.offsets[text + 1])
        return self.words[text], self.vectors[start:end]

    def consistent(self, dimension: int) -> bool:
        """Whether the arrays agree with each other and with ``dimension``."""
        offsets = self.offsets
        return bool(
            self.vectors.dtype == WORD_DTYPE
            and self.vectors.ndim == 2
            and self.vectors.shape[1] == dimension
            and offsets.dtype == np.int64
            and offsets.shape == (len(self.words) + 1,)
            and offsets[0] == 0
            and offsets[-1] == self.vectors.shape[0]
            and np.all(np.diff(offsets) == [len(w) for w in self.words])
        )


def compact(words: WordVectors) -> Packed:
    """``words`` as stored: float16 rows."""
    return words.words, words.vectors.astype(WORD_DTYPE)


def pack(per_text: Sequence[Packed], dimension: int) -> StoredWords:
    """One ``StoredWords`` holding ``per_text`` in order."""
    lengths = np.array([len(words) for words, _ in per_text], dtype=np.int64)
    offsets = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(lengths)])
    vectors = np.zeros((int(offsets[-1]), dimension), dtype=WORD_DTYPE)
    for (_, rows), start in zip(per_text, offsets, strict=False):
        vectors[start : start + len(rows)] = rows
    return StoredWords([words for words, _ in per_text], vectors, offsets)


def passage_words(units: Sequence[Unit], words: StoredWords, unit: int) -> WordVectors:
    """The words of ``unit``'s passage: its own and its neighbours' in the same article, in order."""
    document = units[unit].document
    span = [
        i
        for i in range(unit - PASSAGE_RADIUS, unit + PASSAGE_RADIUS + 1)
        if 0 <= i < len(units) and units[i].document == document
    ]
    parts = [words.get(i) for i in span]
    return WordVectors(tuple(w for part in parts for w in part.words), np.concatenate([part.vectors for part in parts]))
