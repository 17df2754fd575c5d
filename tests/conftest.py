"""Shared fixtures: a deterministic fake embedder for fast unit tests, and the
real model with the real article's index for answer tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

import index.cli
from index.answer.engine import Engine
from index.ingest.text import fold
from index.store.build import build_index
from index.store.embedder import Vectors, WordVectors
from index.store.encoder import OnnxEncoder
from index.store.reference import onnx_encoder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
QA_DIR = REPO / "tests" / "qa"

TINY_ARTICLE = """---
title: Harbour town gets a new ferry
source: Test Gazette
language: en
date: 2024-05-01
example: When does the new ferry start?
example: Who built the ferry?
---
The harbour town of Port Vale will start a new ferry service on Monday. The ferry was built by Nordwerft in Kiel.
Mayor Ines Albrecht said the ferry carries 300 passengers. This doubles the capacity of the old boat.
Tickets cost four euros, and children travel free.
"""

SECOND_ARTICLE = """---
title: Mountain village opens a library
source: Test Courier
---
The mountain village of Altberg opened its first public library on Saturday.
The library holds 12,000 books donated by residents.
"""


class FakeEmbedder:
    """Deterministic embeddings: each word gets a fixed random vector (seeded by
    its hash) and a text is the normalised sum of its words, so texts that share
    words are similar and nothing else is."""

    name = "fake-embedder"
    dimension = 64

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _word(self, word: str) -> Vectors:
        seed = int.from_bytes(hashlib.sha256(fold(word).encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def _words(self, text: str) -> list[str]:
        return [w for w in text.replace("’", "'").split() if any(ch.isalnum() for ch in w)] or ["<empty>"]

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return self.embed_words(texts)[0]

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        self.embedded.extend(texts)
        rows, per_text = [], []
        for text in texts:
            words = self._words(text)
            vectors = np.stack([self._word(w.strip(".,?!‘’“”'\"")) for w in words])
            total = vectors.sum(axis=0)
            rows.append(total / max(float(np.linalg.norm(total)), 1e-9))
            per_text.append(WordVectors(tuple(words), vectors))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dimension), per_text

    def vocabulary(self) -> frozenset[str]:
        return frozenset({"blocked", "password", "weather"})


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    return corpus


@pytest.fixture
def tiny_engine(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> Engine:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    return Engine.open(tiny_corpus, index_dir, fake_embedder.name, embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> OnnxEncoder:
    """The packaged all-MiniLM-L6-v2 as answering runs it (exported to ONNX), loaded once per test session."""
    return onnx_encoder(cache_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: OnnxEncoder) -> Iterator[Path]:
    """The real article's index, built with the real model."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    build_index(CORPUS, index_dir, real_embedder)
    yield index_dir


@pytest.fixture(scope="session")
def real_engine(real_index: Path, real_embedder: OnnxEncoder) -> Engine:
    """An Engine over the real article and the real model."""
    return Engine.open(CORPUS, real_index, real_embedder.name, embedder=real_embedder)


class Workspace:
    """A corpus and its index in a temporary directory, for the command line tests."""

    def __init__(self, root: Path) -> None:
        self.corpus = root / "corpus"
        self.index = root / "index"

    def args(self, *command: str) -> list[str]:
        return ["--corpus", str(self.corpus), "--index", str(self.index), *command]

    def snapshot(self) -> dict[str, bytes]:
        """Every file of the corpus and the index, by path, with its bytes."""
        return {
            str(path.relative_to(root.parent)): path.read_bytes()
            for root in (self.corpus, self.index)
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def added_files(self) -> list[Path]:
        return sorted(p for p in self.corpus.glob("*.txt") if p.name != "ferry.txt")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A one-article corpus with its index (fake embedder); fetching allowed on loopback."""
    space = Workspace(tmp_path)
    space.corpus.mkdir()
    (space.corpus / "ferry.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    build_index(space.corpus, space.index, FakeEmbedder())
    monkeypatch.setattr(index.cli, "make_embedder", lambda settings: FakeEmbedder())
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("FETCH_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("FETCH_MAX_BYTES", "200000")
    return space


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``python -m index ARGS`` in this process: its exit status, stdout and stderr."""
    status = index.cli.main(args)
    out, err = capsys.readouterr()
    return status, out, err
