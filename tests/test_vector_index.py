"""FAISS index kinds: exact while small, approximate past a threshold, same answers either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.answer.engine import Engine
from index.store.build import build_index
from index.store.embedder import Vectors
from index.store.files import read_index
from index.store.vector_index import EXACT, HNSW, IVF, choose_index_kind, make_faiss_index, search
from tests.conftest import FakeEmbedder


def _unit_vectors(count: int, dimension: int = 32, seed: int = 7) -> Vectors:
    """Clustered unit vectors, as sentence embeddings are (topics), not uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dimension))
    vectors = (centres[rng.integers(0, 40, count)] + 0.6 * rng.standard_normal((count, dimension))).astype(np.float32)
    normalised: Vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def test_kind_follows_size() -> None:
    assert choose_index_kind(999, HNSW, 1000) == EXACT
    assert choose_index_kind(1000, HNSW, 1000) == HNSW
    assert choose_index_kind(5000, IVF, 1000) == IVF


@pytest.mark.parametrize("kind", [HNSW, IVF])
def test_approximate_index_finds_the_exact_neighbours(kind: str) -> None:
    vectors = _unit_vectors(3000)
    queries = (vectors[:50] + 0.05 * _unit_vectors(50, seed=8)).astype(np.float32)
    exact = make_faiss_index(vectors, EXACT)
    approximate = make_faiss_index(vectors, kind)
    _, truth = search(exact, queries, 10)
    _, found = search(approximate, queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.9


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown index kind"):
        make_faiss_index(_unit_vectors(10), "annoy")


def test_engine_answers_the_same_over_an_approximate_index(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    exact_dir, hnsw_dir = tmp_path / "exact", tmp_path / "hnsw"
    build_index(tiny_corpus, exact_dir, fake_embedder)
    report = build_index(tiny_corpus, hnsw_dir, fake_embedder, approximate_kind=HNSW, approximate_from=1)
    assert report.index_kind == HNSW
    assert read_index(hnsw_dir).manifest.index_kind == HNSW
    exact = Engine.open(tiny_corpus, exact_dir, fake_embedder.name, embedder=fake_embedder)
    approximate = Engine.open(tiny_corpus, hnsw_dir, fake_embedder.name, embedder=fake_embedder)
    for question in ["Who built the ferry?", "How much do tickets cost?", "What did the mayor say?"]:
        assert approximate.answer(question) == exact.answer(question)
