"""The abstention rules, one by one, on small hand-made inputs (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from index.answer.abstention import (
    AbstentionEvidence,
    AbstentionRule,
    decide,
    is_tentative,
    is_topic_word,
    names_as_written,
    reporting_veto,
    topic_support,
    veto_reason,
)
from index.answer.answer_types import asked_type
from index.answer.retrieval import Evidence, Query
from index.store.embedder import WordVectors
from index.store.lexical import LexicalIndex

NEWS = [
    "Instagram users in Russia were told to move their photos on Sunday.",
    "Adam Mosseri, the head of Instagram, said 80 million people in Russia use it.",
    "Russia blocked Facebook a week earlier.",
    "Officials in Russia said the platform broke the law.",
    "Users in Russia queued to download their photos.",
    "The regulator in Moscow said the decision was final.",
]
TRAVEL = [
    "Up the Falls",
    "Walkers climb up past the falls in spring, when Oslo guides lead them.",
    "The falls freeze in winter.",
    "The path closes when ice forms.",
    "Hotels in the valley fill up in July.",
    "The river below is good for fishing.",
]
SENTENCES = NEWS + TRAVEL
FREEZE = len(NEWS) + 2  # "The falls freeze in winter."
DOCUMENTS = ["news"] * len(NEWS) + ["travel"] * len(TRAVEL)


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.of_texts(SENTENCES, DOCUMENTS)


def evidence(unit: int, answer_type: bool) -> Evidence:
    return Evidence(unit, 1.0, 0.5, 0.5, 0.5, 1.0, answer_type)


def window(lexical: LexicalIndex, unit: int) -> frozenset[str]:
    """The terms of the best passage, here the sentence alone."""
    return frozenset(lexical.terms(SENTENCES[unit]))


@pytest.mark.parametrize(
    ("question", "unit", "answer_type", "veto"),
    [
        ("Who is Zelensky?", 1, True, "the article never mentions Zelensky"),
        ("How do I move my photos?", 0, False, "asks how to do something; the article reports news"),
        ("How many people use Facebook in Russia?", 1, True, "the best passage gives a number, but not about facebook"),
        ("When did Mosseri speak?", 0, False, "the best sentence has no time in it"),
        # The subject of the article is implied in every sentence of it.
        ("How many people in Russia use Instagram?", 1, True, None),
        # Names belong to the best sentence's article: "Falls", "Up" capitalised
        # in another article's heading are no missing names here.
        ("When do the Falls freeze?", FREEZE, True, None),
        ("When did Russia block Facebook?", 2, True, None),
        # A "why" question needs no typed answer.
        ("Why did Russia block Facebook?", 2, False, None),
        ("What did Mosseri say?", 1, False, None),
    ],
)
def test_veto_reason(lexical: LexicalIndex, question: str, unit: int, answer_type: bool, veto: str | None) -> None:
    query = Query(question, question, lexical.terms(question))
    best = evidence(unit, answer_type)
    assert veto_reason(query, asked_type(question), best, window(lexical, unit), lexical, SENTENCES[unit]) == veto


@pytest.mark.parametrize(
    ("question", "vetoed"),
    [
        ("When do the Oslo walkers freeze?", True),
        # "oslo" written in lower case in a question that capitalises: the common word.
        ("When do the oslo walkers freeze? Ask Mosseri", False),
        # A question all in lower case may write any name so.
        ("when do the oslo walkers freeze?", True),
    ],
)
def test_a_missing_name_counts_only_as_the_question_writes_it(
    lexical: LexicalIndex, question: str, vetoed: bool
) -> None:
    query = Query(question, question, lexical.terms(question))
    best = evidence(FREEZE, True)
    veto = veto_reason(query, asked_type(question), best, window(lexical, FREEZE), lexical, SENTENCES[FREEZE])
    assert (veto is not None) is vetoed


@pytest.mark.parametrize(
    ("question", "written"),
    [
        ("When did Beyoncé get married?", {"beyonc"}),
        ("When did she sing Get Me Bodied?", {"get", "me", "bodi"}),
        ("when did beyonce get married", None),
    ],
)
def test_names_as_written(lexical: LexicalIndex, question: str, written: set[str] | None) -> None:
    found = names_as_written(question, lexical)
    assert (found if found is None else set(found)) == written


def test_a_name_of_the_best_article_missing_from_its_passage_is_vetoed(lexical: LexicalIndex) -> None:
    # "Oslo" is a name in the travel article, and the best passage lacks it.
    question = "When do the Oslo walkers freeze?"
    query = Query(question, question, lexical.terms(question))
    best = evidence(FREEZE, True)
    assert veto_reason(query, asked_type(question), best, window(lexical, FREEZE), lexical, SENTENCES[FREEZE]) == (
        "the best passage gives a time, but not about oslo"
    )


@pytest.mark.parametrize(
    ("word", "document", "topic"),
    [
        ("founded", "news", True),
        ("photos", "news", False),  # in the passage as it is
        ("Mosseri", "news", False),  # a name of the article: checked by the name rule instead
        ("Mosseri", "travel", True),  # no name of this article: its meaning must be covered
        ("many", "news", False),  # framing
        ("about", "news", False),  # framing: "tell me about the ban"
        ("me", "news", False),
        ("the", "news", False),  # stop word
    ],
)
def test_is_topic_word(lexical: LexicalIndex, word: str, document: str, topic: bool) -> None:
    assert is_topic_word(word, lexical, document, frozenset(lexical.terms(NEWS[0]))) is topic


def _vectors(words: tuple[str, ...], rows: list[list[float]]) -> WordVectors:
    array = np.array(rows, dtype=np.float32)
    return WordVectors(words, array / np.linalg.norm(array, axis=1, keepdims=True))


@pytest.mark.parametrize(
    ("topics", "support", "word"),
    [
        ({"founded"}, 0.0, "founded"),
        ({"shut"}, 1.0, "shut"),
        ({"founded", "shut"}, 0.0, "founded"),
    ],
)
def test_topic_support_is_the_worst_covered_topic_word(topics: set[str], support: float, word: str) -> None:
    question = _vectors(("when", "founded", "shut"), [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    passage = _vectors(("closed", "shut"), [[1, 0, 0], [0, 0, 1]])
    measured, weakest = topic_support(question, topics.__contains__, lambda: passage)
    assert abs(measured - support) < 1e-6
    assert weakest == word


def test_topic_support_needs_no_passage_without_topic_words() -> None:
    question = _vectors(("who", "is"), [[1, 0], [0, 1]])

    def passage() -> WordVectors:
        raise AssertionError("passage vectors computed for nothing")

    assert topic_support(question, lambda word: False, passage) == (1.0, "")


RULE = AbstentionRule(min_score=0.8, min_support=0.2, min_typed_support=0.3)


@pytest.mark.parametrize(
    ("veto", "score", "support", "typed", "reason"),
    [
        ("the article never mentions Zelensky", 2.0, 1.0, False, "the article never mentions Zelensky"),
        (None, 2.0, 0.1, False, "nothing in the article matches 'founded'"),
        (None, 2.0, 0.25, False, None),
        (None, 2.0, 0.25, True, "nothing in the article matches 'founded'"),
        (None, 0.7, 1.0, False, "nothing in the article is close enough"),
        (None, 0.8, 0.3, True, None),
    ],
)
def test_decide(veto: str | None, score: float, support: float, typed: bool, reason: str | None) -> None:
    evidence = AbstentionEvidence(veto=veto, score=score, support=support, weakest_word="founded", typed=typed)
    assert decide(evidence, RULE) == reason


@pytest.mark.parametrize(
    ("score", "support", "typed", "tentative"),
    [
        # "Is Twitter blocked too?" quoted on Facebook: a topic word matched poorly, a low score.
        (0.73, 0.34, False, True),
        # Either matched well enough, and the quotes answer.
        (1.13, 0.34, False, False),
        (0.73, 0.5, False, False),
        # A question for a number or a time is answered by one, or refused.
        (0.73, 0.34, True, False),
    ],
)
def test_is_tentative(score: float, support: float, typed: bool, tentative: bool) -> None:
    evidence = AbstentionEvidence(veto=None, score=score, support=support, weakest_word="twitter", typed=typed)
    assert is_tentative(evidence, AbstentionRule(tentative_support=0.35, tentative_score=0.9)) is tentative


@pytest.mark.parametrize(
    ("question", "passage", "vetoed"),
    [
        ("whats the weather like in moscow rn", "Putin is now fighting back.", True),
        ("Is Instagram still blocked in Russia today?", "Instagram will shut down on Sunday.", True),
        ("What is Putin doing today?", "Today Putin is fighting back.", False),
        ("Do you think Meta was right to allow those posts?", "Meta allowed the posts.", True),
        ("Was Meta right to change its rules?", "Meta changed its rules.", True),
        ("Will Instagram come back in Russia?", "Instagram has 80 million users who will be cut off.", True),
        ("Will the ban be lifted?", "Officials said the ban would be lifted in May.", False),
        ("Will Instagram shut down?", "The service will shut down at midnight.", False),
        ("Why did Russia block Instagram?", "Russia blocked Instagram over calls for violence.", False),
    ],
)
def test_reporting_veto(question: str, passage: str, vetoed: bool) -> None:
    assert (reporting_veto(question, passage) is not None) is vetoed


@pytest.mark.parametrize(
    ("question", "passage", "vetoed"),
    [
        # "U.S." gives the one-letter term "u", which names nothing alone.
        ("How many Instagram users in the U.S.?", "Instagram has 80 million users in the US.", False),
        ("How many Instagram users in the United States?", "Instagram has 80 million users in the US.", False),
        ("How many Instagram users in the US?", "Instagram has 80 million users in the United States.", False),
        ("How many Instagram users in the UK?", "Instagram has 80 million users in the United States.", True),
    ],
)
def test_a_name_written_in_another_form_is_no_missing_name(question: str, passage: str, vetoed: bool) -> None:
    # Names a tenth of the sentences use, so that none is the article's subject.
    names = ["Sales in the United States, the US, the U.S. and the UK rose.", *(NEWS * 2)]
    lexical = LexicalIndex.of_texts([passage, *names])
    query = Query(question, question, lexical.terms(question))
    window = frozenset(lexical.terms(passage))
    veto = veto_reason(query, asked_type(question), evidence(0, True), window, lexical, passage)
    assert (veto is not None) is vetoed
