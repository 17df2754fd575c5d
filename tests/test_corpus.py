from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import CorpusError
from index.ingest.corpus import corpus_fingerprint, load_corpus, read_document
from index.store.build import build_index
from index.store.files import read_index
from tests.conftest import FakeEmbedder

REAL = Path(__file__).resolve().parent.parent / "corpus" / "russia-instagram.txt"


def test_real_article_metadata_and_no_trailer() -> None:
    document = read_document(REAL)
    assert document.id == "russia-instagram"
    assert document.title == "Russia to shut down Instagram service at midnight"
    assert "Daily Mail" in document.source and "YFM Ghana" in document.source
    assert document.language == "en"
    assert len(document.examples) >= 3
    text = "\n".join(document.paragraphs)
    assert "YFM" not in text and "Source:" not in text and "DSTV" not in text
    assert document.paragraphs[0].startswith("Instagram users in Russia have been notified")


def test_front_matter_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("First paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    document = read_document(path)
    assert document.title == "plain"
    assert document.paragraphs == ("First paragraph.", "Second paragraph.")


def test_missing_corpus_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_empty_corpus_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no .txt article files"):
        load_corpus(tmp_path)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    with pytest.raises(CorpusError, match="not UTF-8"):
        load_corpus(tmp_path)


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    with pytest.raises(CorpusError, match="NUL"):
        load_corpus(tmp_path)


def test_article_without_text(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("---\ntitle: Nothing\n---\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no article text"):
        load_corpus(tmp_path)


def test_unclosed_front_matter(tmp_path: Path) -> None:
    (tmp_path / "open.txt").write_text("---\ntitle: Open\nText.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="never closed|key: value"):
        load_corpus(tmp_path)


def test_fingerprint_changes_with_any_byte(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.\n", encoding="utf-8")
    before = corpus_fingerprint(tmp_path)
    (tmp_path / "a.txt").write_text("One!\n", encoding="utf-8")
    assert corpus_fingerprint(tmp_path) != before


def test_aliases_are_read_from_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\nalias: insta = Instagram\nalias:  fb=Facebook \n---\nText.\n", encoding="utf-8")
    assert read_document(path).aliases == (("insta", "Instagram"), ("fb", "Facebook"))


@pytest.mark.parametrize("line", ["alias: insta", "alias: = Instagram", "alias: insta ="])
def test_malformed_alias_names_the_file(tmp_path: Path, line: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"---\n{line}\n---\nText.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="alias lines are 'alias: nickname = name'"):
        read_document(path)


def test_real_article_names_its_nicknames() -> None:
    aliases = dict(read_document(REAL).aliases)
    assert aliases["insta"] == "Instagram" and aliases["fb"] == "Facebook"
    assert "gram" not in aliases


def test_aliases_survive_the_index(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("---\nalias: insta = Instagram\n---\nInstagram is blocked.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", fake_embedder)
    assert read_index(tmp_path / "index").documents[0].aliases == (("insta", "Instagram"),)
