"""BM25 scores of every term in every text, computed once, when an index is built.

bm25s computes the matrix at build time (its default, Lucene's BM25), and the
index stores it. Answering reads it back: a question's score for a text is
the sum of its terms' stored scores for that text, added in the order bm25s
adds them, so the float32 scores are bm25s's own. Answering therefore never
imports bm25s, nor the scipy it brings (about 11 MB a process), and never
re-tokenises the corpus when it opens an index (about 150 MB and 4 s for a
thousand articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Bm25Matrix:
    """Term-by-text BM25 scores, one compressed column a term (CSC, as bm25s keeps them)."""

    # Column i is the term terms[i]; its texts are indices[indptr[i]:indptr[i + 1]].
    terms: tuple[str, ...]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    values: Scores
    size: int

    @classmethod
    def of_term_lists(cls, term_lists: Sequence[list[str]]) -> Bm25Matrix:
        """The matrix of texts given as their terms (stemmed, without stop words)."""
        import bm25s  # the build's alone: see the module's docstring

        if not any(term_lists):
            # Texts of stop words only ("To be or not to be."): nothing to score, and bm25s refuses.
            empty = np.empty(0)
            return cls(
                (), np.zeros(1, dtype=np.int64), empty.astype(np.int32), empty.astype(np.float32), len(term_lists)
            )
        retriever = bm25s.BM25()
        retriever.index(list(term_lists), show_progress=False)
        stored = retriever.scores
        indptr = np.asarray(stored["indptr"], dtype=np.int64)
        # bm25s lists an empty text's "" as a term after the last column; it has no column.
        terms = [""] * (len(indptr) - 1)
        for term, column in retriever.vocab_dict.items():
            if column < len(terms):
                terms[column] = term
        # bm25s numbers terms in the order of a set, which changes from process to process: the
        # columns are put in the terms' order, so that a build of the same texts writes the same file.
        order = sorted(range(len(terms)), key=terms.__getitem__)
        columns = [np.arange(indptr[c], indptr[c + 1]) for c in order]
        taken = np.concatenate(columns) if columns else np.empty(0, dtype=np.int64)
        return cls(
            tuple(terms[c] for c in order),
            np.concatenate([[0], np.cumsum([len(c) for c in columns], dtype=np.int64)]).astype(np.int64),
            np.asarray(stored["indices"], dtype=np.int32)[taken],
            np.asarray(stored["data"], dtype=np.float32)[taken],
            len(term_lists),
        )

    def scores(self, columns: Sequence[int]) -> Scores:
        """Every text's score for the terms numbered ``columns`` (zeros for none)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for column in columns:
            start, end = self.indptr[column], self.indptr[column + 1]
            np.add.at(scores, self.indices[start:end], self.values[start:end])
        return scores

    def save(self, handle: IO[bytes]) -> None:
        """Write the arrays (the terms are stored with the lexical data's JSON)."""
        np.savez(handle, indptr=self.indptr, indices=self.indices, values=self.values)

    @classmethod
    def load(cls, handle: IO[bytes], terms: Sequence[str], size: int) -> Bm25Matrix:
        """The matrix ``save`` wrote; ``ValueError`` when its arrays do not fit ``terms`` and ``size``."""
        with np.load(handle, allow_pickle=False) as arrays:
            matrix = cls(
                tuple(terms),
                np.asarray(arrays["indptr"], dtype=np.int64),
                np.asarray(arrays["indices"], dtype=np.int32),
                np.asarray(arrays["values"], dtype=np.float32),
                size,
            )
        nonzero = len(matrix.values)
        if (
            len(matrix.indptr) != len(terms) + 1
            or len(matrix.indices) != nonzero
            or (len(matrix.indptr) and (matrix.indptr[0] != 0 or matrix.indptr[-1] != nonzero))
            or np.any(np.diff(matrix.indptr) < 0)
            or (nonzero and not 0 <= int(matrix.indices.min()) <= int(matrix.indices.max()) < size)
        ):
            raise ValueError("the BM25 matrix does not fit its terms and texts")
        return matrix
