"""Names, headings and an article's subject, decided per article, without the model."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from index.store.bm25 import Bm25Matrix
from index.store.lexical import (
    CAPITAL,
    LOWER,
    OPENING,
    LexicalData,
    LexicalIndex,
    capitalised_names,
    is_demonym,
    is_heading,
    word_cases,
)

# Two articles: a news story, and a travel piece whose heading and one
# sentence capitalise ordinary words ("Up", "Falls").
NEWS = [
    "Instagram users in Russia were told to move their photos.",
    "Adam Mosseri, the head of Instagram, said the ban was wrong.",
    "Russia blocked Facebook a week earlier.",
    "Officials in Russia said the platform broke the law.",
    "Prices went up as the rouble falls.",
    "The regulator acted fast.",
]
TRAVEL = [
    "Up the Falls",
    "Walkers climb up past the falls in spring.",
    "The path Up To The Falls is steep, and the water falls fast.",
    "A guide from Oslo leads the walk.",
    "The falls freeze in winter, and the path closes.",
    "Russia is far away.",
]


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.of_texts(NEWS + TRAVEL, ["news"] * len(NEWS) + ["travel"] * len(TRAVEL))


@pytest.mark.parametrize(
    ("text", "cases"),
    [
        ("Adam met Bob.", [("Adam", OPENING), ("met", LOWER), ("Bob", CAPITAL)]),
        ("It ended. Then Bob left: Yes", [("It", OPENING), ("ended", LOWER), ("Then", OPENING), ("Bob", CAPITAL),
                                          ("left", LOWER), ("Yes", OPENING)]),
        ("‘Stop,’ said Ann", [("Stop", OPENING), ("said", LOWER), ("Ann", CAPITAL)]),
        # Digits between words are no words, but a stop among them still ends the sentence.
        ("Born in 1810. (Then Paris", [("Born", OPENING), ("in", LOWER), ("Then", OPENING), ("Paris", CAPITAL)]),
        ("the dogs' Owner: A", [("the", OPENING), ("dogs'", LOWER), ("Owner", CAPITAL), ("A", OPENING)]),
    ],
)  # fmt: skip
def test_word_cases(text: str, cases: list[tuple[str, str]]) -> None:
    assert word_cases(text) == cases


def test_capitalised_names_skip_sentence_openings() -> None:
    assert capitalised_names("The head of Instagram met Mosseri. Then he left.") == ["Instagram", "Mosseri"]


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("Up the Falls", True),
        ("History", True),
        ("Early Life and Career", True),
        ("Walkers climb up past the falls.", False),
        ("Is the path open?", False),
        ("‘The path is open,’ he said.’", False),
        ("a long line of text without any full stop at its end that goes on and on for many words", False),
    ],
)
def test_is_heading(text: str, heading: bool) -> None:
    assert is_heading(text) is heading


@pytest.mark.parametrize(
    ("term", "document", "name"),
    [
        ("instagram", "news", True),
        ("mosseri", "news", True),
        ("russia", "news", True),
        # A name in one article is no name in another that never uses it.
        ("mosseri", "travel", False),
        ("oslo", "travel", True),
        ("oslo", "news", False),
        # Capitalised only in a heading, or mostly lower case: no name.
        ("up", "travel", False),
        ("fall", "travel", False),
        ("path", "travel", False),
        # Opening a sentence is no evidence either way.
        ("regul", "news", False),
        ("offici", "news", False),
    ],
)
def test_names_are_per_article(lexical: LexicalIndex, term: str, document: str, name: bool) -> None:
    assert lexical.is_name(term, document) is name


@pytest.mark.parametrize(
    ("term", "document", "pervasive"),
    [
        ("russia", "news", True),
        ("instagram", "news", True),
        ("mosseri", "news", False),
        ("fall", "travel", True),
        ("russia", "travel", False),
        ("oslo", "travel", False),
        # The people of a subject that is a name: "Russians" in the news, not in travel.
        ("russian", "news", True),
        ("russian", "travel", False),
        # "falls" is the travel piece's subject but no name there: "fallen" is nobody.
        ("fallen", "travel", False),
    ],
)
def test_subject_is_counted_within_the_article(
    lexical: LexicalIndex, term: str, document: str, pervasive: bool
) -> None:
    assert lexical.is_pervasive(term, document) is pervasive


@pytest.mark.parametrize(
    ("term", "name", "demonym"),
    [
        ("yorker", "york", True),
        ("tibetan", "tibet", True),
        ("russian", "russia", True),
        ("chines", "china", True),
        ("israeli", "israel", True),
        ("parisian", "paris", True),
        # A longer name that merely begins the same way is somebody else.
        ("mosseri", "moss", False),
        ("apple", "app", False),
        ("instagram", "insta", False),
        ("russia", "russia", False),
        # Too short a root to tell.
        ("usan", "us", False),
    ],
)  # fmt: skip
def test_is_demonym(term: str, name: str, demonym: bool) -> None:
    assert is_demonym(term, name) is demonym


def test_another_article_changes_no_names_or_subject() -> None:
    alone = LexicalIndex.of_texts(NEWS, ["news"] * len(NEWS))
    both = LexicalIndex.of_texts(NEWS + TRAVEL, ["news"] * len(NEWS) + ["travel"] * len(TRAVEL))
    for term in ["instagram", "mosseri", "russia", "up", "fall", "oslo", "photo", "ban"]:
        assert alone.is_name(term, "news") == both.is_name(term, "news"), term
        assert alone.is_pervasive(term, "news") == both.is_pervasive(term, "news"), term


def test_each_text_knows_its_article(lexical: LexicalIndex) -> None:
    assert lexical.document_of(0) == "news"
    assert lexical.document_of(len(NEWS)) == "travel"


def test_one_document_id_per_text() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 document ids"):
        LexicalIndex.of_texts(["One.", "Two."], ["a"])


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Who is Zelensky?", ["Zelensky"]),
        ("Who is Mosseri?", []),
        ("Does Oslo have falls?", []),
        ("WHO IS MOSSERI", []),
        ("Is Belarus involved?", ["Belarus"]),
        # A code with a digit is no name the article must use: it may write it out.
        ("What did Russia earn in Q2 2007?", []),
        ("What did Belarus earn in 1Q08?", ["Belarus"]),
        # Known by the opening of a name the texts write ("Russia"), not of a common word
        # ("regulator"): "Beyoncé" is not "beyond".
        ("Are Russians affected?", []),
        ("What did Regulus say?", ["Regulus"]),
    ],
)
def test_unknown_names_are_corpus_wide(lexical: LexicalIndex, question: str, unknown: list[str]) -> None:
    assert lexical.unknown_names(question) == unknown


def test_stop_words_are_bm25s_own() -> None:
    from bm25s.stopwords import STOPWORDS_EN

    from index.ingest.text import STOP_WORDS

    assert frozenset(STOPWORDS_EN) == STOP_WORDS


def test_stored_scores_are_bm25s_scores_to_the_bit(lexical: LexicalIndex) -> None:
    import bm25s

    texts = NEWS + TRAVEL
    retriever = bm25s.BM25()
    retriever.index([lexical.terms(text) for text in texts], show_progress=False)
    for question in ["Who is the head of Instagram?", "falls in winter", "Russia blocked the path", "rouble"]:
        terms = lexical.terms(question)
        expected = retriever.get_scores(terms)
        assert expected.any(), question
        assert lexical.scores(terms).tobytes() == np.asarray(expected, dtype=np.float32).tobytes(), question


def test_the_lexical_data_reads_back_as_it_was_written(lexical: LexicalIndex) -> None:
    data, terms, size = LexicalData.read_json(lexical.data.to_json())
    buffer = io.BytesIO()
    lexical.data.bm25.save(buffer)
    buffer.seek(0)
    again = LexicalIndex(
        LexicalData.from_json(data, Bm25Matrix.load(buffer, terms, size)),
        ["news"] * len(NEWS) + ["travel"] * len(TRAVEL),
    )
    assert again.data.to_json() == lexical.data.to_json()
    for question in ["Who is the head of Instagram?", "Up the Falls", "Oslo guide"]:
        terms_asked = again.terms(question)
        assert again.scores(terms_asked).tobytes() == lexical.scores(terms_asked).tobytes()
    assert [again.is_name("mosseri", "news"), again.is_pervasive("russia", "news")] == [True, True]


def test_a_matrix_that_does_not_fit_its_texts_is_refused(lexical: LexicalIndex) -> None:
    buffer = io.BytesIO()
    lexical.data.bm25.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValueError, match="does not fit"):
        Bm25Matrix.load(buffer, lexical.data.bm25.terms, size=2)


def test_the_matrix_is_the_same_whatever_the_process_hash_seed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import hashlib\n"
        "from index.store.lexical import lexical_data\n"
        "from tests.test_lexical import NEWS, TRAVEL\n"
        "data = lexical_data(NEWS + TRAVEL, ['news'] * len(NEWS) + ['travel'] * len(TRAVEL))\n"
        "print(hashlib.sha256(data.to_json().encode() + data.bm25.indptr.tobytes() + data.bm25.indices.tobytes()"
        " + data.bm25.values.tobytes()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1


def test_texts_of_stop_words_alone_score_nothing() -> None:
    lexical = LexicalIndex.of_texts(["To be or not to be.", "It is what it is."])
    assert lexical.scores(lexical.terms("to be")).tolist() == [0.0, 0.0]
