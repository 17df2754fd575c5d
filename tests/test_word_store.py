"""Stored word vectors: packing, slicing, consistency, and a passage read from its sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.ingest.passages import Unit
from index.store.embedder import WordVectors
from index.store.ondisk import LineFile, RowFile
from index.store.word_store import compact, pack, passage_words


def _words(*words: str) -> WordVectors:
    rng = np.random.default_rng(len(words))
    vectors = rng.standard_normal((len(words), 4)).astype(np.float32)
    return WordVectors(words, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def _unit(document: str, text: str) -> Unit:
    return Unit(document, 1, 1, text, text, False)


def test_pack_then_get_gives_each_texts_words_back() -> None:
    texts = [_words("a", "b"), _words(), _words("c", "d", "e")]
    stored = pack([compact(t) for t in texts], dimension=4)
    assert stored.consistent(4) and len(stored) == 3
    assert list(stored.offsets) == [0, 2, 2, 5]
    for i, text in enumerate(texts):
        got = stored.get(i)
        assert got.words == text.words and got.vectors.dtype == np.float32
        np.testing.assert_allclose(got.vectors, text.vectors, atol=1e-3)


def test_inconsistent_arrays_are_recognised() -> None:
    stored = pack([compact(_words("a", "b")), compact(_words("c"))], dimension=4)
    assert not stored.consistent(8)
    shifted = stored.offsets.copy()
    shifted[1] = 1
    assert not type(stored)(stored.words, stored.vectors, shifted).consistent(4)
    assert isinstance(stored.vectors, np.ndarray)
    assert not type(stored)(stored.words, stored.vectors.astype(np.float32), stored.offsets).consistent(4)


def test_a_row_file_reads_the_rows_np_load_would(tmp_path: Path) -> None:
    rows = np.arange(5 * 4, dtype=np.float16).reshape(5, 4)
    np.save(tmp_path / "rows.npy", rows)
    stored = RowFile(tmp_path / "rows.npy")
    assert (stored.shape, len(stored)) == ((5, 4), 5) and stored.dtype == np.float16
    np.testing.assert_array_equal(stored[1:3], rows[1:3])
    np.testing.assert_array_equal(stored[4:9], rows[4:])
    assert stored[2:2].shape == (0, 4)


def test_a_passage_is_its_sentences_words_within_one_article() -> None:
    units = [_unit("x", "one"), _unit("x", "two"), _unit("y", "three"), _unit("y", "four")]
    stored = pack([compact(_words(u.text)) for u in units], dimension=4)
    assert passage_words(units, stored, 0).words == ("one", "two")
    # The neighbour in another article is not part of the passage.
    assert passage_words(units, stored, 1).words == ("one", "two")
    assert passage_words(units, stored, 2).words == ("three", "four")
    both = passage_words(units, stored, 3)
    np.testing.assert_array_equal(both.vectors, np.concatenate([stored.get(2).vectors, stored.get(3).vectors]))


def test_rows_are_gathered_in_the_order_asked(tmp_path: Path) -> None:
    array = np.arange(40, dtype=np.float32).reshape(10, 4)
    np.save(tmp_path / "rows.npy", array)
    rows = RowFile(tmp_path / "rows.npy")
    for wanted in ([3], [9, 0, 4, 5, 6, 5], np.array([7, 8, 1]), []):
        np.testing.assert_array_equal(rows[wanted], array[list(wanted)])
    with pytest.raises(IndexError):
        rows[[10]]


def test_lines_are_read_one_at_a_time_and_only_newlines_end_them(tmp_path: Path) -> None:
    lines = ['{"a": 1}', "Zürich\u2028café", "", "last"]
    (tmp_path / "lines.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    read = LineFile(tmp_path / "lines.jsonl")
    assert len(read) == 4 and list(read) == lines and read[1] == lines[1] and read[-1] == "last"
    (tmp_path / "cut.jsonl").write_text('{"a": 1}\n{"b"', encoding="utf-8")
    with pytest.raises(ValueError, match="newline"):
        LineFile(tmp_path / "cut.jsonl")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    assert len(LineFile(tmp_path / "empty.jsonl")) == 0
