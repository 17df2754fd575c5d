"""The index on disk: atomic builds, incremental embedding, and every way it can go wrong."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from index.answer.engine import Engine
from index.errors import IndexCorruptError, IndexMissingError, IndexStaleError, IndexWriteError
from index.store.build import build_index, index_problem
from index.store.files import MANIFEST, read_index, read_manifest
from index.store.ondisk import LineFile, RowFile
from tests.conftest import SECOND_ARTICLE, FakeEmbedder


def test_build_writes_a_consistent_index(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    report = build_index(tiny_corpus, tmp_path / "index", fake_embedder)
    assert (report.documents, report.sentences, report.passages) == (1, 5, 5)
    assert report.index_kind == "flat"
    stored = read_index(tmp_path / "index")
    assert stored.manifest.model == "fake-embedder"
    assert stored.manifest.dimension == fake_embedder.dimension
    assert stored.faiss_index.ntotal == 10
    assert [u.text for u in stored.units][:2] == [
        "The harbour town of Port Vale will start a new ferry service on Monday.",
        "The ferry was built by Nordwerft in Kiel.",
    ]


def test_build_stores_each_sentences_word_vectors(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    build_index(tiny_corpus, tmp_path / "index", fake_embedder)
    stored = read_index(tmp_path / "index")
    # Read from the file: the serving process reads only the rows questions need.
    assert isinstance(stored.words.vectors, RowFile) and stored.words.vectors.dtype == np.float16
    assert isinstance(stored.vectors, RowFile)
    assert isinstance(stored.annotations, LineFile) and len(stored.annotations) == len(stored.units)
    assert len(stored.words) == len(stored.units)
    for i, unit in enumerate(stored.units):
        expected = fake_embedder.embed_words([unit.text])[1][0]
        got = stored.words.get(i)
        assert got.words == expected.words
        np.testing.assert_allclose(got.vectors, expected.vectors, atol=1e-3)


def test_rebuild_reuses_embeddings_of_unchanged_articles(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    index_dir = tmp_path / "index"
    first = build_index(tiny_corpus, index_dir, fake_embedder)
    assert first.reused == 0 and first.embedded > 0
    fake_embedder.embedded.clear()
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE.replace("12,000", "15,000"), encoding="utf-8")
    second = build_index(tiny_corpus, index_dir, fake_embedder)
    # Only the changed sentence and the passages that hold it are embedded again.
    assert all("Altberg" in t or "15,000" in t for t in fake_embedder.embedded)
    assert any("15,000" in t for t in fake_embedder.embedded)
    assert second.embedded == len(fake_embedder.embedded)
    assert second.reused > second.embedded
    # The unchanged sentences' word vectors are carried over as they were.
    stored = read_index(index_dir)
    ferry = [i for i, u in enumerate(stored.units) if u.document == "ferry"]
    fresh_dir = tmp_path / "fresh"
    build_index(tiny_corpus, fresh_dir, fake_embedder)
    fresh = read_index(fresh_dir)
    for i in ferry:
        assert stored.words.get(i).words == fresh.words.get(i).words
        assert np.array_equal(stored.words.get(i).vectors, fresh.words.get(i).vectors)


def test_failed_build_leaves_previous_index_intact(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    before = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")

    def explode(*args: object, **kwargs: object) -> bytes:
        raise KeyboardInterrupt  # as if the build were interrupted while writing

    monkeypatch.setattr("index.store.files.faiss.serialize_index", explode)
    with pytest.raises(KeyboardInterrupt):
        build_index(tiny_corpus, index_dir, fake_embedder)
    after = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    assert after == before
    assert read_index(index_dir).manifest.documents == 1


def test_build_interrupted_while_writing_word_vectors_leaves_previous_index_intact(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    before = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    save = np.save

    def explode_on_word_vectors(file: BinaryIO, array: np.ndarray, **kwargs: bool) -> None:
        if array.dtype == np.float16:
            raise KeyboardInterrupt
        save(file, array, **kwargs)

    monkeypatch.setattr("index.store.files.np.save", explode_on_word_vectors)
    with pytest.raises(KeyboardInterrupt):
        build_index(tiny_corpus, index_dir, fake_embedder)
    after = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    assert after == before


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m index build"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    "pattern",
    ["vectors-*.npy", "words-*.json", "wordvectors-*.npy", "wordoffsets-*.npy", "lexical-*.json", "bm25-*.npz"],
)
def test_damaged_file_is_detected(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder, pattern: str) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    vectors = next(index_dir.glob(pattern))
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="damaged"):
        read_index(index_dir)
    assert index_problem(tiny_corpus, index_dir, fake_embedder.name) is not None


def test_unreadable_manifest(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    (index_dir / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="unreadable"):
        read_index(index_dir)


def test_manifest_that_lies_about_its_files(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    manifest = json.loads((index_dir / MANIFEST).read_text())
    manifest["sentences"] = 99
    (index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="disagree"):
        read_index(index_dir)


def test_missing_word_vectors_file(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    next(index_dir.glob("wordvectors-*.npy")).unlink()
    with pytest.raises(IndexCorruptError, match="missing"):
        read_index(index_dir)


def test_word_offsets_that_disagree_with_the_words(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    # A well-formed file with a valid checksum that still does not fit the rest.
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    offsets_path = next(index_dir.glob("wordoffsets-*.npy"))
    offsets = np.load(offsets_path)
    offsets[1] += 1
    np.save(offsets_path, offsets)
    manifest = json.loads((index_dir / MANIFEST).read_text())
    manifest["checksums"]["wordoffsets"] = hashlib.sha256(offsets_path.read_bytes()).hexdigest()
    (index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="disagree"):
        read_index(index_dir)


def test_index_of_an_older_format_asks_for_a_rebuild(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    manifest = json.loads((index_dir / MANIFEST).read_text())
    manifest["format_version"] = 1
    (index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="python -m index build"):
        read_index(index_dir)
    # The rebuild cannot reuse it, and still succeeds.
    assert build_index(tiny_corpus, index_dir, fake_embedder).reused == 0


def test_stale_index_after_corpus_change(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    assert index_problem(tiny_corpus, index_dir, fake_embedder.name) is None
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    assert (
        index_problem(tiny_corpus, index_dir, fake_embedder.name) == "the corpus has changed since the index was built"
    )
    with pytest.raises(IndexStaleError, match="python -m index build"):
        Engine.open(tiny_corpus, index_dir, fake_embedder.name, embedder=fake_embedder)


def test_index_built_with_another_model(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    with pytest.raises(IndexStaleError, match="built with model 'fake-embedder'"):
        Engine.open(tiny_corpus, index_dir, "other-model", embedder=fake_embedder)


def test_unwritable_index_directory(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    # A path under a regular file cannot be created, even by root.
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(IndexWriteError, match="cannot write the index"):
        build_index(tiny_corpus, blocker / "index", fake_embedder)
    assert fake_embedder.embedded == []  # it failed before any embedding work
