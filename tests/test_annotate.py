"""The language pipeline's annotations: real spaCy on real sentences, stored and reused."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from index.errors import IndexCorruptError
from index.ingest.annotate import Annotation, Annotator
from index.store.build import build_index
from index.store.files import MANIFEST, read_index
from tests.conftest import SECOND_ARTICLE, FakeEmbedder

MOSSERI = (
    "The head of Instagram, Adam Mosseri, tweeted Friday that Instagram has 80 million users in Russia, "
    "who he said will be cut ‘off from one another and from the rest of the world."
)


@pytest.fixture(scope="module")
def mosseri() -> Annotation:
    return Annotator().annotate_one(MOSSERI)


@pytest.mark.parametrize(
    ("text", "label"),
    [("Adam Mosseri", "PERSON"), ("Friday", "DATE"), ("80 million", "CARDINAL"), ("Russia", "GPE")],
)
def test_named_entities_carry_their_types(mosseri: Annotation, text: str, label: str) -> None:
    assert (text, label) in [(mosseri.span_text(e), e.label) for e in mosseri.entities]


def test_spans_are_exact_substrings_and_chunks_have_heads(mosseri: Annotation) -> None:
    for phrase in (*mosseri.entities, *mosseri.chunks):
        assert mosseri.span_text(phrase) in MOSSERI
    heads = {mosseri.span_text(c): mosseri.tokens[mosseri.root(c)].lemma for c in mosseri.chunks}
    assert heads["The head"] == "head"
    assert [t.lemma for t in mosseri.tokens[:3]] == ["the", "head", "of"]


def test_an_annotation_survives_its_json_line(mosseri: Annotation) -> None:
    line = mosseri.to_json()
    assert "\n" not in line
    assert Annotation.from_json(MOSSERI, line) == mosseri


def test_a_phrase_outside_the_tokens_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        Annotation.from_json("Hi.", '{"t": [[0, 2, "hi", "INTJ", "ROOT", 0, 0, 0]], "e": [[0, 3, "PERSON"]], "c": []}')


class CountingAnnotator(Annotator):
    """The real annotator, counting the texts it is asked to parse."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []

    def annotate(self, texts: Sequence[str]) -> list[Annotation]:
        self.parsed.extend(texts)
        return super().annotate(texts)


def test_the_index_stores_one_annotation_per_sentence_and_a_rebuild_parses_only_new_ones(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    annotator = CountingAnnotator()
    build_index(tiny_corpus, tmp_path / "index", fake_embedder, annotator=annotator)
    stored = read_index(tmp_path / "index")
    assert len(stored.annotations) == len(stored.units) == len(annotator.parsed)
    first = Annotation.from_json(stored.units[1].text, stored.annotations[1])
    # The stored annotation is the one the pipeline gives the sentence alone.
    assert first == Annotator().annotate_one(stored.units[1].text)
    assert "Nordwerft" in [first.span_text(e) for e in first.entities]
    before = len(annotator.parsed)
    (tiny_corpus / "second.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    build_index(tiny_corpus, tmp_path / "index", fake_embedder, annotator=annotator)
    fresh = annotator.parsed[before:]
    assert fresh and all(text in SECOND_ARTICLE for text in fresh)


def test_a_truncated_annotation_file_is_a_corrupt_index(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    build_index(tiny_corpus, tmp_path / "index", fake_embedder)
    manifest = json.loads((tmp_path / "index" / MANIFEST).read_text())
    path = tmp_path / "index" / manifest["files"]["annotations"]
    path.write_text(path.read_text().splitlines()[0] + "\n")
    with pytest.raises(IndexCorruptError):
        read_index(tmp_path / "index")


@pytest.mark.parametrize(
    "question",
    [
        "Who is the head of Instagram?",
        "How many Russians use Instagram, according to Adam Mosseri?",
        "When did Roskomnadzor say the block would start in Moscow?",
    ],
)
def test_a_question_parses_to_the_same_tokens_without_its_entities(question: str) -> None:
    whole = Annotator().annotate_one(question)
    parsed = Annotator().parse_question(question)
    assert whole.entities, "the full pipeline finds the question's names"
    assert parsed.tokens == whole.tokens
    assert parsed.entities == ()
