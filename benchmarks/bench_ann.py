"""Approximate vs exact FAISS search: recall@k against exact search, per-query time, and exact search's scaling.

Queries are searched one at a time, as ``Retriever`` does, for the engine's
number of candidates; recall@10 and recall@candidates are the shares of exact
search's top rows that the approximate index also returns.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from index.embedder import Vectors
from index.retrieval import Weights
from index.vector_index import EXACT, HNSW, IVF, make_faiss_index, search

CANDIDATES = Weights().candidates
HNSW_EF_SEARCH = (16, 32, 64, 128, 256)
IVF_NPROBE = (1, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Queries:
    """Query vectors and the name of the set each belongs to."""

    vectors: Vectors
    sets: tuple[str, ...]


@dataclass(frozen=True)
class SearchRun:
    """Row ids found for each query and the seconds each search took."""

    ids: np.ndarray
    seconds: list[float]


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


def ann_benchmarks(vectors: Vectors, queries: Queries, default_kind: str) -> dict[str, Any]:
    """Recall and speed of HNSW and IVF (parameter sweeps) against exact search on ``vectors``."""
    exact, exact_build_s = _built(vectors, EXACT)
    exact_run = timed_searches(exact, queries.vectors, CANDIDATES)
    truth = exact_run.ids
    sweep: list[dict[str, Any]] = []
    build_s = {EXACT: round(exact_build_s, 2)}
    defaults: dict[str, dict[str, Any]] = {}
    for kind, param, values in ((HNSW, "ef_search", HNSW_EF_SEARCH), (IVF, "nprobe", IVF_NPROBE)):
        index, seconds = _built(vectors, kind)
        build_s[kind] = round(seconds, 2)
        default = _current_param(index, kind)
        for value in values:
            _set_param(index, kind, value)
            sweep.append(_row(kind, param, value, timed_searches(index, queries.vectors, CANDIDATES), truth, queries))
        _set_param(index, kind, default)
        defaults[kind] = _row(kind, param, default, timed_searches(index, queries.vectors, CANDIDATES), truth, queries)
    headline = defaults[default_kind]
    return {
        "ann_recall_at_10": headline["recall_at_10"],
        "ann_query_ms": headline["query_ms_p50"],
        "exact_query_ms": median_ms(exact_run.seconds),
        "ann_details": {
            "vectors": len(vectors),
            "queries": {name: queries.sets.count(name) for name in dict.fromkeys(queries.sets)},
            "k_searched": CANDIDATES,
            "headline_kind": default_kind,
            "engine_defaults": defaults,
            "faiss_build_s": build_s,
            "faiss_omp_threads": faiss.omp_get_max_threads(),
            "sweep": sweep,
        },
    }


def _current_param(index: faiss.Index, kind: str) -> int:
    return int(index.hnsw.efSearch if kind == HNSW else index.nprobe)


def _set_param(index: faiss.Index, kind: str, value: int) -> None:
    if kind == HNSW:
        index.hnsw.efSearch = value
    else:
        index.nprobe = value


def scaled(vectors: Vectors, rows: int, rng: np.random.Generator) -> Vectors:
    """``rows`` unit vectors: ``vectors`` repeated, each copy slightly perturbed and re-normalised."""
    base = vectors[np.arange(rows) % len(vectors)]
    noisy = base + rng.normal(0.0, 0.02, size=base.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return np.ascontiguousarray(noisy, dtype=np.float32)


def exact_scaling(vectors: Vectors, queries: Vectors, sizes: Sequence[int], seed: int) -> dict[str, Any]:
    """Exact search time per query at corpus ``sizes``: one query at a time, and 64 in one call."""
    rng = np.random.default_rng(seed)
    batch = queries[:64]
    one_ms: dict[str, float] = {}
    batch_ms: dict[str, float] = {}
    for size in sizes:
        index = make_faiss_index(scaled(vectors, size, rng), EXACT)
        one_ms[str(size)] = median_ms(timed_searches(index, queries, CANDIDATES).seconds)
        seconds = []
        for _ in range(5):
            started = time.perf_counter()
            search(index, batch, CANDIDATES)
            seconds.append((time.perf_counter() - started) / len(batch))
        batch_ms[str(size)] = median_ms(seconds)
        del index
    return {"exact_query_ms_by_size": one_ms, "exact_query_ms_by_size_batch_of_64": batch_ms}
