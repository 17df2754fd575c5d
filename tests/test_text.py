from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.corpus import read_document
from index.ingest.passages import depends_on_previous, units_of
from index.ingest.text import split_sentences, words

CORPUS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "russia-instagram.txt"


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("He said ‘no.’ Then he left.", ["He said ‘no.’", "Then he left."]),
        ("Mr. Smith met Dr. Jones in the U.S. on Monday.", ["Mr. Smith met Dr. Jones in the U.S. on Monday."]),
        # "Inc." and "U.S." end a sentence when a word that opens sentences follows.
        ("Made by Apple Inc. The first came in 2001.", ["Made by Apple Inc.", "The first came in 2001."]),
        ("Sold in the U.S. She left.", ["Sold in the U.S.", "She left."]),
        ("Apple Inc. Chief Tim Cook spoke.", ["Apple Inc. Chief Tim Cook spoke."]),
        ("She married Jay Z. She said so.", ["She married Jay Z.", "She said so."]),
        ("John F. Kennedy and Plan A. Smith spoke.", ["John F. Kennedy and Plan A. Smith spoke."]),
        ("J. Doe wrote it. It sold 3.5 million copies!", ["J. Doe wrote it.", "It sold 3.5 million copies!"]),
        ("Is it? Yes.", ["Is it?", "Yes."]),
        ("Concerto No. 1 (Op. 11) and Études (Opp. 10, 25).", ["Concerto No. 1 (Op. 11) and Études (Opp. 10, 25)."]),
        ("Preludes [(Op. 28)] were done. No. 2 was not.", ["Preludes [(Op. 28)] were done.", "No. 2 was not."]),
        ("He said no. 12 people came.", ["He said no. 12 people came."]),
        ("They won in 2011. 4 sold well.", ["They won in 2011.", "4 sold well."]),
        (
            "He left in 1830. Émile stayed. Żelazowa Wola is near.",
            ["He left in 1830.", "Émile stayed.", "Żelazowa Wola is near."],
        ),
        (
            "It grossed $24 million.[note 1] She left.[12] Then[n 3] came.",
            ["It grossed $24 million.[note 1]", "She left.[12]", "Then[n 3] came."],
        ),
        ("  spaced   out   text.  ", ["spaced out text."]),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_closing_quote_stays_with_its_sentence() -> None:
    # pysbd splits the closing quote off this one; ours must not.
    paragraph = "‘The fact is, we would be removing content, which would be rightly viewed as unacceptable.’"
    assert split_sentences(paragraph) == [paragraph]


def test_real_article_splits_where_a_reader_would() -> None:
    document = read_document(CORPUS_FILE)
    units = units_of(document)
    assert len(document.paragraphs) == 25
    assert len(units) == 27
    two_sentence = {u.paragraph for u in units if u.sentence == 2}
    assert two_sentence == {6, 18}
    # Every sentence is quoted verbatim from its paragraph.
    for unit in units:
        assert unit.text in document.paragraphs[unit.paragraph - 1]


def test_dependent_sentences_are_recognised() -> None:
    assert depends_on_previous("This caused for long lines at train stations in Moscow.")
    assert depends_on_previous("‘This is wrong,’ he tweeted.")
    assert depends_on_previous("‘We need to protect them,’ it said, explaining the decision.")
    assert not depends_on_previous("The Post was told that an Apple employee had received threats.")


def test_words_fold_quotes_and_possessives() -> None:
    assert words("Meta’s president, ‘Death’ café") == ["meta", "president", "death", "cafe"]
    assert words("Ça s’écrit «Żelazowa Wola»") == ["ca", "s'ecrit", "zelazowa", "wola"]
