"""The model run by ONNX Runtime: the same vectors as PyTorch, an export cached once, and
PyTorch whenever the export cannot be trusted. These tests load the real model."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import index.store.onnx_runtime
from index.errors import ModelError
from index.store.embedder import SentenceTransformerEmbedder
from index.store.onnx_runtime import OnnxTransformer

# Lengths from one word to past the model's 256 tokens, so batches carry padding and truncation.
TEXTS = [
    "hi",
    "Who is the head of Instagram?",
    "Adam Mosseri, the head of Instagram, said the decision would cut off 80 million people in Russia.",
    "Russia’s state communications regulator said on Friday it would restrict access to Instagram, "
    "accusing the platform of allowing calls for violence against Russians. " * 12,
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(runtime="torch")


@pytest.fixture(scope="module")
def onnx_embedder(cache_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(runtime="onnx", cache_dir=cache_dir)


def test_onnx_gives_pytorchs_vectors_and_word_vectors(
    onnx_embedder: SentenceTransformerEmbedder, torch_embedder: SentenceTransformerEmbedder
) -> None:
    assert onnx_embedder.runtime == "onnx"
    assert torch_embedder.runtime == "torch"
    vectors, words = onnx_embedder.embed_words(TEXTS)
    expected, expected_words = torch_embedder.embed_words(TEXTS)
    np.testing.assert_allclose(vectors, expected, atol=1e-4)
    np.testing.assert_allclose(onnx_embedder.embed(TEXTS), torch_embedder.embed(TEXTS), atol=1e-4)
    for got, want in zip(words, expected_words, strict=True):
        assert got.words == want.words
        np.testing.assert_allclose(got.vectors, want.vectors, atol=1e-4)


def test_one_text_alone_has_its_vector_from_a_batch(onnx_embedder: SentenceTransformerEmbedder) -> None:
    batch, _ = onnx_embedder.embed_words(TEXTS)
    for position, text in enumerate(TEXTS):
        alone, _ = onnx_embedder.embed_words([text])
        np.testing.assert_allclose(alone[0], batch[position], atol=1e-5)


def test_many_texts_come_back_in_their_order(onnx_embedder: SentenceTransformerEmbedder) -> None:
    # More texts than a batch, in several batches run at once, sorted by length inside.
    texts = [f"Sentence number {n} says {'more ' * (n % 9)}about the ban." for n in range(150)]
    together = onnx_embedder.embed(texts)
    assert together.shape == (150, onnx_embedder.dimension)
    for n in (0, 77, 149):
        np.testing.assert_allclose(together[n], onnx_embedder.embed([texts[n]])[0], atol=1e-5)


def test_the_export_is_cached_once_and_reused(
    cache_dir: Path, onnx_embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    (cached,) = cache_dir.glob("*.onnx")
    written = cached.stat().st_mtime_ns

    def no_export(*args: object) -> bytes:
        raise AssertionError("exported again")

    monkeypatch.setattr(index.store.onnx_runtime, "_export", no_export)
    again = SentenceTransformerEmbedder(runtime="onnx", cache_dir=cache_dir)
    assert again.runtime == "onnx"
    assert [p.name for p in cache_dir.iterdir()] == [cached.name]
    assert cached.stat().st_mtime_ns == written


def test_an_unreadable_cached_export_is_made_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = SentenceTransformerEmbedder(runtime="onnx", cache_dir=tmp_path)
    (cached,) = tmp_path.glob("*.onnx")
    cached.write_bytes(b"not a graph")
    with caplog.at_level(logging.WARNING):
        again = SentenceTransformerEmbedder(runtime="onnx", cache_dir=tmp_path)
    assert again.runtime == "onnx"
    assert "unreadable" in caplog.text
    assert cached.stat().st_size > 1_000_000
    np.testing.assert_allclose(again.embed(TEXTS[:2]), first.embed(TEXTS[:2]), atol=1e-5)


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with caplog.at_level(logging.WARNING):
        embedder = SentenceTransformerEmbedder(runtime="onnx", cache_dir=blocked / "models")
    assert embedder.runtime == "onnx"
    assert "cannot cache the exported model" in caplog.text


def test_a_model_that_cannot_be_exported_runs_in_pytorch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, torch_embedder: SentenceTransformerEmbedder
) -> None:
    def fail(*args: object) -> bytes:
        raise ModelError("cannot export the model to ONNX: an unsupported operator")

    monkeypatch.setattr(index.store.onnx_runtime, "_export", fail)
    with caplog.at_level(logging.WARNING):
        embedder = SentenceTransformerEmbedder(runtime="onnx")
    assert embedder.runtime == "torch"
    assert "running all-MiniLM-L6-v2 in PyTorch: cannot export" in caplog.text
    np.testing.assert_allclose(embedder.embed(TEXTS[:2]), torch_embedder.embed(TEXTS[:2]), atol=1e-6)


def test_an_export_that_gives_other_vectors_is_not_used_or_cached(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    real = OnnxTransformer.token_vectors

    def shifted(self: OnnxTransformer, encoding: dict[str, object]) -> np.ndarray:
        vectors = real(self, encoding)
        return vectors + np.linspace(0, 1, vectors.shape[-1], dtype=np.float32)

    monkeypatch.setattr(OnnxTransformer, "token_vectors", shifted)
    with caplog.at_level(logging.WARNING):
        embedder = SentenceTransformerEmbedder(runtime="onnx", cache_dir=tmp_path)
    assert embedder.runtime == "torch"
    assert "its ONNX export gives other vectors" in caplog.text
    assert not list(tmp_path.iterdir())
