"""The engine on a large corpus: real answers with an exact or an approximate FAISS index, by corpus size.

Isolated FAISS timings leave out what happens around a search inside an
answer (the query was just embedded, torch's threads are still busy, the scan
evicts the caches the rerank then needs), so this measures whole answers on
the first articles of the synthetic corpus, with each FAISS kind.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from bench_ann import faiss_threads
from bench_answers import one_at_a_time, percentiles

from index.answer.engine import Engine
from index.store.embedder import Embedder
from index.store.files import StoredIndex, read_index
from index.store.lexical import lexical_data
from index.store.vector_index import EXACT, make_faiss_index

# Questions answered per engine: enough for a median, few enough for ten minutes.
SAMPLE_QUESTIONS = 64


def first_articles(stored: StoredIndex, articles: int) -> StoredIndex:
    """The index of the first ``articles`` articles alone (without a FAISS index of its own yet)."""
    documents = stored.documents[:articles]
    kept = {d.id for d in documents}
    rows = sum(1 for unit in stored.units if unit.document in kept)
    if any(unit.document not in kept for unit in stored.units[:rows]):
        raise ValueError("units are not in article order")
    total = len(stored.units)
    # Sentence vectors come first, then passage vectors, each in unit order.
    vectors = stored.vectors[list(range(rows)) + list(range(total, total + rows))]
    units = stored.units[:rows]
    lexical = lexical_data([u.text for u in units], [u.document for u in units])
    part = replace(stored, documents=documents, units=units, vectors=vectors, lexical=lexical)
    return replace(part, annotations=stored.annotations[:rows])


def answer_passes(engine: Engine, questions: Sequence[str]) -> dict[str, Any]:
    """A first pass (word-vector cache cold), then warm passes with FAISS's default threads and one thread."""
    cold = one_at_a_time(engine, questions)
    warm = one_at_a_time(engine, questions)
    with faiss_threads(1):
        warm_one_thread = one_at_a_time(engine, questions)
    return {
        "first_pass_ms_p50": percentiles(cold.latencies_ms)["p50"],
        "warm_ms": percentiles(warm.latencies_ms),
        "warm_ms_faiss_1_thread": percentiles(warm_one_thread.latencies_ms),
    }


def engine_by_size(
    index: StoredIndex, embedder: Embedder, questions: Sequence[str], sizes: Sequence[int], approximate: str
) -> dict[str, Any]:
    """Warm answer latency with exact and ``approximate`` FAISS indexes at about ``sizes`` vectors (and all)."""
    sample = list(questions[:: max(1, len(questions) // SAMPLE_QUESTIONS)][:SAMPLE_QUESTIONS])
    per_article = len(index.vectors) / len(index.documents)
    counts = sorted({min(len(index.documents), max(1, round(size / per_article))) for size in sizes})
    if counts[-1] != len(index.documents):
        counts.append(len(index.documents))
    figures: dict[str, Any] = {"questions": len(sample)}
    for articles in counts:
        part = first_articles(index, articles)
        row: dict[str, Any] = {"articles": articles}
        for kind in (EXACT, approximate):
            engine = Engine(replace(part, faiss_index=make_faiss_index(np.asarray(part.vectors[:]), kind)), embedder)
            row[kind] = answer_passes(engine, sample)
        figures[str(len(part.vectors))] = row
    return figures


def large_corpus_answers(
    corpus_dir: Path,
    index_dir: Path,
    model: str,
    embedder: Embedder,
    questions: Sequence[str],
    sizes: Sequence[int],
    approximate: str,
) -> dict[str, Any]:
    """Open the large index as the CLI and bot do (timed), then answer on it by size and FAISS kind."""
    opening = time.perf_counter()
    Engine.open(corpus_dir, index_dir, model, embedder=embedder)
    open_s = time.perf_counter() - opening
    return {
        "engine_open_s": round(open_s, 2),
        "by_vectors": engine_by_size(read_index(index_dir), embedder, questions, sizes, approximate),
    }
