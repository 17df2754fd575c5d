"""Answers from the real model on the real article."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.evaluate import Question, evaluate, format_report, load_questions
from tests.conftest import QA_DIR

QUESTION_SETS = sorted(QA_DIR.glob("questions-*.jsonl"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("why was Instagram blocked?", "restrict access to Instagram over"),
        ("At what time does the Instagram shutdown begin?", "midnight on Sunday"),
        ("Who is Meta's president of public affairs?", "Nick Clegg, Meta’s president of public affairs"),
        ("How many users does Instagram have in Russia according to Mosseri?", "80 million users"),
        ("Was the leak about Facebook's moderation ever confirmed?", "later confirmed the leak"),
        ("Smart Voting", "Smart Voting app –"),
        ("what happened to apple pay there", "Apple Pay technology"),
        ("wat did roskomnadzer say", "Roskomnadzor"),
        ("how many ppl use insta", "80 million users"),
        ("What did the state regulator's email encourage people to do?", "move their photos and videos"),
        ("Why were there long lines at Moscow train stations?", "long lines at train stations"),
    ],
)
def test_answers_cite_the_right_sentence(real_engine: Engine, question: str, expected: str) -> None:
    answer = real_engine.answer(question)
    assert not answer.abstained, answer.reason
    assert expected in answer.citations[0].text


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "Who is the president of Brazil?",
        "How do I reset my Instagram password?",
        "What are the opening hours of the Hermitage museum?",
        "Does Telegram still work in Russia?",
    ],
)
def test_abstains_when_the_article_does_not_say(real_engine: Engine, question: str) -> None:
    answer = real_engine.answer(question)
    assert answer.abstained
    assert answer.citations == ()
    assert answer.answer.startswith("The article doesn't say.")


def test_dependent_sentence_is_quoted_with_its_antecedent(real_engine: Engine) -> None:
    answer = real_engine.answer("What caused long lines at train stations in Moscow?")
    assert answer.citations[0].text == "This caused for long lines at train stations in Moscow."
    assert answer.citations[1].context
    assert answer.citations[1].text.startswith("Apple has also shut down many services")


def test_follow_up_question_is_about_the_last_answer(real_engine: Engine) -> None:
    first = real_engine.answer("Who is Nick Clegg?")
    follow_up = real_engine.answer("Who did he talk to?", previous=first)
    assert "Washington Post" in follow_up.citations[0].text
    # Without the conversation, "he" is someone else entirely.
    assert "Washington Post" not in real_engine.answer("Who did he talk to?").citations[0].text


def test_citations_are_verbatim_and_never_the_trailer(real_engine: Engine) -> None:
    document = real_engine.documents[0]
    for question in ["Source", "YFM channel 888 DSTV", "Listen to YFM", "Who owns Instagram?"]:
        for citation in real_engine.answer(question).citations:
            assert citation.text in document.paragraphs[citation.paragraph - 1]
            assert "YFM" not in citation.text and "Source: Daily Mail" not in citation.text


def _questions() -> list[Question]:
    return [q for path in QUESTION_SETS for q in load_questions(path)]


def test_question_sets_cover_every_kind() -> None:
    kinds = {q.kind for q in _questions()}
    assert {
        "why",
        "who",
        "when",
        "what",
        "howmany",
        "paraphrase",
        "informal",
        "keyword",
        "typo",
        "unanswerable",
    } <= kinds
    assert len(_questions()) >= 60


@pytest.mark.parametrize("path", QUESTION_SETS, ids=lambda p: p.name)
def test_question_set_meets_the_targets(real_engine: Engine, path: Path) -> None:
    report = evaluate(load_questions(path), lambda texts: real_engine.answer_many([(t, None) for t in texts]))
    print(format_report(report))
    assert report.answerable.hit_at_1 is not None and report.answerable.hit_at_1 >= 0.90
    assert report.unanswerable_abstention is not None and report.unanswerable_abstention >= 0.90
    assert report.false_abstention is not None and report.false_abstention <= 0.05


def test_gold_strings_are_in_the_article() -> None:
    # A typo in a gold string would make a question impossible to hit.
    text = Path(QA_DIR.parent.parent / "corpus" / "russia-instagram.txt").read_text(encoding="utf-8")
    for question in _questions():
        for gold in question.gold:
            assert gold in text, (question.id, gold)
