"""The FAISS side: which index type a corpus gets, and searching it.

All vectors are L2-normalised, so inner product equals cosine similarity; every
index here uses ``METRIC_INNER_PRODUCT``.
"""

from __future__ import annotations

import faiss
import numpy as np

from index.store.embedder import Vectors

EXACT = "flat"
HNSW = "hnsw"
IVF = "ivf"
INDEX_KINDS = (EXACT, HNSW, IVF)

# Below this many vectors (about 280 articles of the seed article's size)
# exact search is perfect and adds little: measured by benchmarks/run.py on 2
# cores, it adds ~1 ms (+13%) to a whole answer at 10k vectors, ~6 ms (+62%)
# at 25k and ~12 ms (+116%) at 54k, where HNSW costs 0.1-0.4 ms with
# recall@10 0.97 against exact search.
DEFAULT_APPROXIMATE_FROM = 15_000

_HNSW_NEIGHBOURS = 32
_HNSW_EF_CONSTRUCTION = 80
# Measured on 54k vectors and real questions: efSearch 128 gives recall@10
# 0.954, 256 gives 0.971 for 0.4 ms; IVF needs ~64 probes for 0.967.
_HNSW_EF_SEARCH = 256
_IVF_PROBES = 64


def choose_index_kind(rows: int, approximate_kind: str, approximate_from: int) -> str:
    """``flat`` while the corpus is small, ``approximate_kind`` from ``approximate_from`` rows on."""
    return EXACT if rows < approximate_from else approximate_kind


def make_faiss_index(vectors: Vectors, kind: str) -> faiss.Index:
    """A FAISS index of ``kind`` holding ``vectors`` (row ``i`` gets id ``i``)."""
    dimension = vectors.shape[1]
    index: faiss.Index
    if kind == EXACT:
        index = faiss.IndexFlatIP(dimension)
    elif kind == HNSW:
        index = faiss.IndexHNSWFlat(dimension, _HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = _HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = _HNSW_EF_SEARCH
    elif kind == IVF:
        # FAISS wants at least 39 training points per list.
        lists = max(1, min(int(4 * np.sqrt(len(vectors))), len(vectors) // 39))
        quantizer = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
        # FAISS's k-means is seeded, so the same vectors give the same index.
        index.cp.seed = 1234
        index.train(vectors)
        index.nprobe = _IVF_PROBES
    else:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {', '.join(INDEX_KINDS)}")
    if len(vectors):
        index.add(vectors)
    return index


def search(index: faiss.Index, queries: Vectors, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores and row ids of the ``k`` nearest rows for each query (ids are -1 past the end)."""
    k = max(1, min(k, index.ntotal))
    scores, ids = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    return scores, ids
