"""The query corrector, rule by rule, without the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.answer.spelling import QueryCorrector, alias_map, initialisms, plain_idioms
from index.ingest.language_id import packaged_english_frequency as english_frequency
from index.ingest.text import words
from index.store.build import build_index
from index.types import DocumentInfo
from tests.conftest import FakeEmbedder

ARTICLE = (
    "Instagram users in Russia were told to move their photos. Roskomnadzor, the regulator, restricted "
    "access. Adam Mosseri tweeted that the government was wrong. The FSB questioned a Google executive. "
    "Officials say the claims are proven and respective agencies will debate quantitative limits. "
    "Bush met the people about the government."
)
ALIASES = {"insta": "Instagram", "ig": "Instagram", "fb": "Facebook"}


def corrector(aliases: dict[str, str] | None = None) -> QueryCorrector:
    corpus = set(words(ARTICLE))
    return QueryCorrector(
        corpus,
        general_words={"blocked", "password"},
        known=lambda word: word in corpus,
        acronyms={"FSB"},
        aliases=ALIASES if aliases is None else aliases,
        word_frequency=english_frequency,
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The article's own nicknames, also possessive and in capitals.
        ("why did russia block insta", "why did russia block Instagram"),
        ("what did insta's boss say", "what did Instagram's boss say"),
        ("Is IG down?", "Is Instagram down?"),
        ("so u can threaten putin on fb now??", "so you can threaten putin on Facebook now??"),
        # Common chat abbreviations in lower case.
        ("how many ppl use it", "how many people use it"),
        ("wat did the govt say", "what did the government say"),
        ("Whats the plan", "what is the plan"),
        # Chat letters in a question written all in lower case.
        ("why r ppl queuing", "why are people queuing"),
        ("wat happened w google pay n youtube", "what happened with google pay and youtube"),
        ("y is it blocked", "why is it blocked"),
        ("whats the deal w/ putin", "what is the deal with/ putin"),
        # Misspelt corpus words, with the writer's capitals kept.
        ("who is adam moseri", "who is adam mosseri"),
        ("What did Adam Moseri tweet?", "What did Adam Mosseri tweet?"),
        ("what did roskomnadzer say", "what did roskomnadzor say"),
        ("What did the goverment say?", "What did the government say?"),
        ("What did the FBS do?", "What did the FSB do?"),
        # A misspelt name in the possessive, corrected with its possessive kept.
        ("What was Moseri's tweet?", "What was Mosseri's tweet?"),
        ("what was moseri’s tweet", "what was mosseri’s tweet"),
    ],
)
def test_rewrites(question: str, expected: str) -> None:
    assert corrector().correct(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        # A number is a number.
        "who won 4 medals",
        "is it 2 years",
        # Letters outside chat speak: a capital, a mixed-case question, an abbreviation.
        "What did W Bush say?",
        "Did W Bush meet them?",
        "what did the u.s. say",
        "Is vitamin B in it, r you sure?",
        "the y axis",
        # Ordinary words that are nobody's nickname here.
        "a gram of gold",
        "who is zuck",
        # Real English words the corpus lacks, however close to a corpus word.
        "is it irrespective of the rules",
        "are the claims unproven",
        "was the study qualitative",
        "does it negate the ban",
        # Capitals that are acronyms, not chat speak.
        "What did the DA say?",
        "Was it 500 BC?",
        # An acronym with no corpus acronym one edit away.
        "What did the CEO say?",
        # One edit from a corpus acronym ("FSB"), but other letters: another name.
        "Did the FSA act?",
    ],
)
def test_leaves_alone(question: str) -> None:
    assert corrector().correct(question) == question


def test_nicknames_come_only_from_the_articles() -> None:
    assert corrector(aliases={}).correct("why did russia block insta") == "why did russia block insta"


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        ([[("insta", "Instagram")], [("ig", "Instagram")]], {"insta": "Instagram", "ig": "Instagram"}),
        ([[("IG", "Instagram")]], {"ig": "Instagram"}),
        # Two articles meaning different things by one nickname: neither wins.
        ([[("gram", "Instagram")], [("gram", "Grammy Awards")]], {}),
    ],
)
def test_alias_map(aliases: list[list[tuple[str, str]]], expected: dict[str, str]) -> None:
    documents = [
        DocumentInfo(f"d{i}", "", "", "en", "", "", paragraphs=("x",), aliases=tuple(a)) for i, a in enumerate(aliases)
    ]
    assert alias_map(documents) == expected


@pytest.mark.parametrize(
    ("word", "ordinary"),
    [("irrespective", True), ("unproven", True), ("negate", True), ("roskomnadzer", False), ("populaton", False)],
)
def test_english_frequency_tells_words_from_typos(word: str, ordinary: bool) -> None:
    assert (english_frequency(word) >= 2.0) is ordinary


def test_the_engine_expands_an_articles_aliases(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text(
        "---\nalias: pv = Port Vale\n---\nPort Vale starts a ferry on Monday.\n", encoding="utf-8"
    )
    build_index(corpus, tmp_path / "index", fake_embedder)
    engine = Engine.open(corpus, tmp_path / "index", fake_embedder.name, embedder=fake_embedder)
    assert engine.answer("when does the pv ferry start").query == "when does the Port Vale ferry start"


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("Why did Russia pull the plug on the app?", "Why did Russia shut down the app?"),
        ("why'd they pulled the plug on insta", "why'd they shut down insta"),
        ("Did Apple pull out of Russia?", "Did Apple leave Russia?"),
        ("Who unplugged the router?", "Who unplugged the router?"),
    ],
)
def test_idioms_are_said_plainly(question: str, plain: str) -> None:
    assert plain_idioms(question) == plain


def test_initialisms_of_spelled_out_names() -> None:
    texts = ["New York City is large. The United States grew.", "The FBI said so.", "Federal Bureau Inquiry met."]
    spelled = initialisms(texts)
    assert spelled["nyc"] == "New York City" and spelled["us"] == "United States"
    assert "fbi" not in spelled  # the texts use it as a word
    fixer = QueryCorrector(["large"], spelled_out=spelled)
    assert fixer.correct("How big is NYC?") == "How big is New York City?"
    assert fixer.correct("tell us more") == "tell us more"


def test_a_typo_one_edit_from_an_english_word_is_that_word() -> None:
    fixer = QueryCorrector(["opened", "roskomnadzor"], general_words={"happened"}, word_frequency=english_frequency)
    assert fixer.correct("what hapened") == "what happened"
    assert fixer.correct("roskomnadzer") == "roskomnadzor"
