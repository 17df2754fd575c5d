"""The FAISS side: which index type a corpus gets, and searching it.

All vectors are L2-normalised, so inner product equals cosine similarity; every
index here uses ``METRIC_INNER_PRODUCT``.
"""

from __future__ import annotations

import faiss
import numpy as np

from index.embedder import Vectors

EXACT = "flat"
HNSW = "hnsw"
IVF = "ivf"
INDEX_KINDS = (EXACT, HNSW, IVF)

# Below this many vectors exact search is both fast enough (well under a
# millisecond per query) and perfect; see benchmarks/ for the measurement
# that places the switch.
DEFAULT_APPROXIMATE_FROM = 50_000

_HNSW_NEIGHBOURS = 32
_HNSW_EF_CONSTRUCTION = 80
_HNSW_EF_SEARCH = 128
_IVF_PROBES = 16


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
