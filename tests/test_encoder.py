"""The serving encoder (ONNX Runtime, ``tokenizers``, numpy pooling) gives sentence-transformers' vectors,
its export is cached once, and a model that cannot be exported runs in PyTorch. These tests load the
real model: no fakes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import index.store.export
from index.errors import ModelError
from index.ingest.corpus import load_corpus
from index.ingest.passages import units_of
from index.settings import EngineSettings
from index.store.encoder import OnnxEncoder
from index.store.reference import SentenceTransformerEmbedder
from tests.conftest import CORPUS

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
def torch_embedder(cache_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(cache_dir=cache_dir)


@pytest.fixture(scope="module")
def encoder(torch_embedder: SentenceTransformerEmbedder) -> OnnxEncoder:
    return OnnxEncoder(torch_embedder.model_bundles()[0])


def _real_sentences() -> list[str]:
    """The seed article's sentences and passages, as the index embeds them."""
    units = [unit for document in load_corpus(CORPUS) for unit in units_of(document)]
    return [u.text for u in units] + [u.passage for u in units]


def test_the_encoder_gives_sentence_transformers_vectors_within_1e_5_on_real_sentences(
    encoder: OnnxEncoder, torch_embedder: SentenceTransformerEmbedder
) -> None:
    texts = _real_sentences() + TEXTS
    np.testing.assert_allclose(encoder.embed(texts), torch_embedder.embed(texts), atol=1e-5, rtol=0)
    vectors, words = encoder.embed_words(texts)
    expected, expected_words = torch_embedder.embed_words(texts)
    np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)
    for got, want in zip(words, expected_words, strict=True):
        assert got.words == want.words
        np.testing.assert_allclose(got.vectors, want.vectors, atol=1e-5, rtol=0)
    assert encoder.vocabulary() == torch_embedder.vocabulary()
    assert (encoder.name, encoder.dimension) == (torch_embedder.name, torch_embedder.dimension)


def test_the_encoder_records_the_models_pooling_and_length(encoder: OnnxEncoder) -> None:
    (bundle,) = encoder.model_bundles()
    assert bundle.role == "encoder"
    assert set(bundle.files) == {"graph", "weights", "tokenizer"}
    assert bundle.config["pooling"] == "mean"
    assert bundle.config["normalize"] is True
    assert bundle.config["max_length"] == 256


def test_one_text_alone_has_its_vector_from_a_batch(encoder: OnnxEncoder) -> None:
    batch, _ = encoder.embed_words(TEXTS)
    for position, text in enumerate(TEXTS):
        alone, _ = encoder.embed_words([text])
        np.testing.assert_allclose(alone[0], batch[position], atol=1e-5)


def test_many_texts_come_back_in_their_order(encoder: OnnxEncoder) -> None:
    # More texts than a batch, in several batches run at once, sorted by length inside.
    texts = [f"Sentence number {n} says {'more ' * (n % 9)}about the ban." for n in range(150)]
    together = encoder.embed(texts)
    assert together.shape == (150, encoder.dimension)
    for n in (0, 77, 149):
        np.testing.assert_allclose(together[n], encoder.embed([texts[n]])[0], atol=1e-5)


def test_the_export_is_cached_once_and_reused(
    cache_dir: Path, encoder: OnnxEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir() if not p.name.endswith("-tokenizer.json")}

    def no_export(*args: object) -> bytes:
        raise AssertionError("exported again")

    monkeypatch.setattr(index.store.export, "_export", no_export)
    again = OnnxEncoder(SentenceTransformerEmbedder(cache_dir=cache_dir).model_bundles()[0])
    after = {p.name: p.stat().st_mtime_ns for p in cache_dir.iterdir() if not p.name.endswith("-tokenizer.json")}
    assert after == before
    np.testing.assert_allclose(again.embed(TEXTS[:2]), encoder.embed(TEXTS[:2]), atol=1e-6)


def test_an_unreadable_cached_export_is_made_again(tmp_path: Path, encoder: OnnxEncoder) -> None:
    SentenceTransformerEmbedder(cache_dir=tmp_path).model_bundles()
    (graph,) = tmp_path.glob("bertmodel-*.onnx")
    graph.write_bytes(b"not a graph")
    again = OnnxEncoder(SentenceTransformerEmbedder(cache_dir=tmp_path).model_bundles()[0])
    assert graph.stat().st_size > 10_000
    np.testing.assert_allclose(again.embed(TEXTS[:2]), encoder.embed(TEXTS[:2]), atol=1e-6)


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with caplog.at_level(logging.WARNING):
        (bundle,) = SentenceTransformerEmbedder(cache_dir=blocked / "models").model_bundles()
    assert "cannot cache the exported model" in caplog.text
    assert all(path.is_file() for path in bundle.files.values())


def test_a_model_that_cannot_be_exported_runs_in_pytorch(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    torch_embedder: SentenceTransformerEmbedder,
) -> None:
    from index.cli import make_embedder

    def fail(*args: object) -> bytes:
        raise ModelError("cannot export the model to ONNX: an unsupported operator")

    monkeypatch.setattr(index.store.export, "_export", fail)
    settings_class: Any = EngineSettings  # _env_file is an init argument mypy cannot see
    settings = settings_class(_env_file=None, index_dir=tmp_path / "index", model_cache_dir=tmp_path / "models")
    with caplog.at_level(logging.WARNING):
        embedder = make_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert "running all-MiniLM-L6-v2 in PyTorch: cannot export" in caplog.text
    np.testing.assert_allclose(embedder.embed(TEXTS[:2]), torch_embedder.embed(TEXTS[:2]), atol=1e-6)


def test_an_export_that_gives_other_vectors_is_not_used_or_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = OnnxEncoder._pool

    def shifted(self: OnnxEncoder, tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        vectors = real(self, tokens, mask)
        return vectors + np.linspace(0, 1, vectors.shape[-1], dtype=np.float32)

    monkeypatch.setattr(OnnxEncoder, "_pool", shifted)
    with pytest.raises(ModelError, match="its ONNX export gives other vectors"):
        SentenceTransformerEmbedder(cache_dir=tmp_path).model_bundles()
    assert not list(tmp_path.glob("*.onnx"))
