"""Approximate vs exact FAISS search: recall@k against exact search, per-query time, and exact search's scaling.

Queries are searched one at a time, as ``Retriever`` does, for the engine's
number of candidates; recall@10 and recall@candidates are the shares of exact
search's top rows that the approximate index also returns.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from index.answer.retrieval import Weights
from index.store.embedder import Vectors
from index.store.vector_index import EXACT, HNSW, IVF, make_faiss_index, search

CANDIDATES = Weights().candidates
HNSW_EF_SEARCH = (16, 32, 64, 128, 256)
IVF_NPROBE = (1, 4, 8, 16, 32, 64)
# Queries timed per corpus size in the exact-search scaling.
SCALING_QUERIES = 64


@dataclass(frozen=True)
class Queries:
    """Query vectors and the name of the set each belongs to; the first set is the headline one."""

    vectors: Vectors
    sets: tuple[str, ...]

    @property
    def primary(self) -> str:
        """The set whose recall is the headline figure."""
        return self.sets[0]


@dataclass(frozen=True)
class SearchRun:
    """Row ids found for each query and the seconds each search took."""

    ids: np.ndarray
    seconds: list[float]


@contextmanager
def faiss_threads(threads: int) -> Iterator[None]:
    """Run the block with FAISS's OpenMP pool at ``threads`` (torch's own pool is separate)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def timed_searches(index: faiss.Index, queries: Vectors, k: int) -> SearchRun:
    """Search ``queries`` one at a time, as the engine does."""
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    seconds = []
    for row, query in enumerate(queries):
        started = time.perf_counter()
        _, found = search(index, query[None, :], k)
        seconds.append(time.perf_counter() - started)
        ids[row, : found.shape[1]] = found[0]
    return SearchRun(ids, seconds)


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> np.ndarray:
    """Per query, the share of ``truth``'s first ``k`` ids among ``found``'s first ``k``."""
    return np.array([len(set(f[:k].tolist()) & set(t[:k].tolist())) / k for f, t in zip(found, truth, strict=True)])


def median_ms(seconds: Sequence[float]) -> float:
    """The median of ``seconds``, in milliseconds, rounded for reading."""
    return round(float(np.median(seconds)) * 1000, 3)


def _row(kind: str, param: str, value: int, run: SearchRun, truth: np.ndarray, queries: Queries) -> dict[str, Any]:
    """One line of the sweep: recall overall and per query set, and query time."""
    at_10 = recall(run.ids, truth, 10)
    sets = np.asarray(queries.sets)
    by_set = {f"recall_at_10_{name}": round(float(at_10[sets == name].mean()), 4) for name in dict.fromkeys(sets)}
    return {
        "kind": kind,
        param: value,
        "recall_at_10": round(float(at_10.mean()), 4),
        **by_set,
        f"recall_at_{CANDIDATES}": round(float(recall(run.ids, truth, CANDIDATES).mean()), 4),
        "query_ms_p50": median_ms(run.seconds),
        "query_ms_p95": round(float(np.percentile(run.seconds, 95)) * 1000, 3),
    }


def _built(vectors: Vectors, kind: str) -> tuple[faiss.Index, float]:
    """A FAISS index of ``kind`` made as the build makes it, and the seconds it took."""
    started = time.perf_counter()
    index = make_faiss_index(vectors, kind)
    return index, time.perf_counter() - started


@dataclass(frozen=True)
class Sweep:
    """One approximate index: how long it took to build, its sweep rows and its row at the engine's setting."""

    index: faiss.Index
    build_s: float
    rows: list[dict[str, Any]]
    default: dict[str, Any]


def sweep(vectors: Vectors, kind: str, param: str, values: Sequence[int], truth: np.ndarray, queries: Queries) -> Sweep:
    """Build ``kind`` as the engine does, then measure it at each search-time ``values`` and at its default."""
    index, build_s = _built(vectors, kind)
    default = _current_param(index)
    rows = []
    for value in values:
        _set_param(index, value)
        rows.append(_row(kind, param, value, timed_searches(index, queries.vectors, CANDIDATES), truth, queries))
    _set_param(index, default)
    default_row = _row(kind, param, default, timed_searches(index, queries.vectors, CANDIDATES), truth, queries)
    return Sweep(index, round(build_s, 2), rows, default_row)


def ann_benchmarks(vectors: Vectors, queries: Queries, default_kind: str) -> dict[str, Any]:
    """Recall and speed of HNSW and IVF (parameter sweeps) against exact search on ``vectors``."""
    exact, exact_build_s = _built(vectors, EXACT)
    exact_run = timed_searches(exact, queries.vectors, CANDIDATES)
    sweeps = {
        HNSW: sweep(vectors, HNSW, "ef_search", HNSW_EF_SEARCH, exact_run.ids, queries),
        IVF: sweep(vectors, IVF, "nprobe", IVF_NPROBE, exact_run.ids, queries),
    }
    with faiss_threads(1):
        one_thread = {
            kind: median_ms(timed_searches(index, queries.vectors, CANDIDATES).seconds)
            for kind, index in ((EXACT, exact), *((k, s.index) for k, s in sweeps.items()))
        }
    headline = sweeps[default_kind].default
    return {
        "ann_recall_at_10": headline[f"recall_at_10_{queries.primary}"],
        "ann_recall_at_10_all_queries": headline["recall_at_10"],
        "ann_query_ms": headline["query_ms_p50"],
        "exact_query_ms": median_ms(exact_run.seconds),
        "exact_query_ms_faiss_1_thread": one_thread[EXACT],
        "ann_details": {
            "vectors": len(vectors),
            "queries": {name: queries.sets.count(name) for name in dict.fromkeys(queries.sets)},
            "k_searched": CANDIDATES,
            "headline": f"{default_kind} at the engine's settings, recall on the {queries.primary} queries",
            "engine_defaults": {kind: s.default for kind, s in sweeps.items()},
            "faiss_build_s": {EXACT: round(exact_build_s, 2), **{kind: s.build_s for kind, s in sweeps.items()}},
            "faiss_omp_threads": faiss.omp_get_max_threads(),
            "query_ms_p50_faiss_1_thread": one_thread,
            "sweep": [row for s in sweeps.values() for row in s.rows],
        },
    }


def _current_param(index: faiss.Index) -> int:
    """The search-time knob of an HNSW (``efSearch``) or IVF (``nprobe``) index."""
    if isinstance(index, faiss.IndexHNSW):
        return int(index.hnsw.efSearch)
    if isinstance(index, faiss.IndexIVF):
        return int(index.nprobe)
    raise TypeError(f"no search parameter on {type(index).__name__}")


def _set_param(index: faiss.Index, value: int) -> None:
    """Set the search-time knob that ``_current_param`` reads."""
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = value
    elif isinstance(index, faiss.IndexIVF):
        index.nprobe = value
    else:
        raise TypeError(f"no search parameter on {type(index).__name__}")


def scaled(vectors: Vectors, rows: int, rng: np.random.Generator) -> Vectors:
    """``rows`` unit vectors: ``vectors`` repeated, each copy slightly perturbed and re-normalised."""
    base = vectors[np.arange(rows) % len(vectors)]
    noisy = base + rng.normal(0.0, 0.02, size=base.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return np.ascontiguousarray(noisy, dtype=np.float32)


def exact_scaling(vectors: Vectors, queries: Vectors, sizes: Sequence[int], seed: int) -> dict[str, Any]:
    """Exact search milliseconds per query at corpus ``sizes``.

    One query at a time with FAISS's default threads and with one thread, and
    64 queries in one call (what a micro-batch could do).
    """
    rng = np.random.default_rng(seed)
    queries = queries[:: max(1, len(queries) // SCALING_QUERIES)][:SCALING_QUERIES]
    figures: dict[str, dict[str, float]] = {"default_threads": {}, "faiss_1_thread": {}, "batch_of_64": {}}
    for size in sizes:
        index = make_faiss_index(scaled(vectors, size, rng), EXACT)
        figures["default_threads"][str(size)] = median_ms(timed_searches(index, queries, CANDIDATES).seconds)
        with faiss_threads(1):
            figures["faiss_1_thread"][str(size)] = median_ms(timed_searches(index, queries, CANDIDATES).seconds)
        figures["batch_of_64"][str(size)] = _batch_ms(index, queries[:64])
        del index
    return {
        "exact_query_ms_by_size": figures["default_threads"],
        "exact_query_ms_by_size_faiss_1_thread": figures["faiss_1_thread"],
        "exact_query_ms_by_size_batch_of_64": figures["batch_of_64"],
    }


def _batch_ms(index: faiss.Index, batch: Vectors, repeats: int = 5) -> float:
    """Median milliseconds per query when ``batch`` is searched in one call."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        search(index, batch, CANDIDATES)
        seconds.append((time.perf_counter() - started) / len(batch))
    return median_ms(seconds)
