"""The real-text benchmark's pure parts, on a hand-made SQuAD sample: no model, no network.

``benchmarks/`` is on the test path (``pythonpath`` in pyproject.toml), as it is
on ``sys.path`` when the benchmark runs as a script.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from realtext_corpus import (
    GoldAnswer,
    Outcome,
    Row,
    SquadQuestion,
    corpus_text,
    format_table,
    holds_answer,
    locate_sentence,
    normalise_whitespace,
    off_topic_questions,
    parse_squad,
    rrf_best,
    sample,
    slugify,
    summarise,
    write_corpus,
)
from short_answers import matches

from index.ingest.corpus import read_document
from index.ingest.passages import units_of

CONTEXT = "The bridge opened in 1883.  It took fourteen years\nto build. Roebling designed it."
SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Brooklyn_Bridge",
            "paragraphs": [
                {
                    "context": CONTEXT,
                    "qas": [
                        {
                            "id": "q1",
                            "question": "When did the bridge open?",
                            "answers": [{"text": "1883", "answer_start": CONTEXT.index("1883")}],
                            "is_impossible": False,
                        },
                        {
                            # Straddles two sentences.
                            "id": "q2",
                            "question": "What came after the opening?",
                            "answers": [
                                {"text": "1883.  It took", "answer_start": CONTEXT.index("1883")},
                            ],
                            "is_impossible": False,
                        },
                        {
                            "id": "q3",
                            "question": "When did the bridge close?",
                            "answers": [],
                            "plausible_answers": [{"text": "1883", "answer_start": 21}],
                            "is_impossible": True,
                        },
                    ],
                },
                {
                    "context": "Roebling's son finished it. The bridge is in New York.",
                    "qas": [
                        {
                            "id": "q4",
                            "question": "Who finished it?",
                            "answers": [{"text": "Roebling's son", "answer_start": 0}],
                            "is_impossible": False,
                        }
                    ],
                },
            ],
        },
        {
            "title": "Frédéric_Chopin",
            "paragraphs": [
                {
                    "context": "Chopin was born in 1810.",
                    "qas": [
                        {
                            "id": f"c{i}",
                            "question": f"Question {i} about Chopin?",
                            "answers": [{"text": "1810", "answer_start": 19}],
                            "is_impossible": False,
                        }
                        for i in range(5)
                    ],
                }
            ],
        },
    ],
}


@pytest.fixture
def articles():
    return parse_squad(SQUAD)


def test_articles_get_titles_slugs_and_normalised_paragraphs(articles) -> None:
    bridge, chopin = articles
    assert (bridge.title, bridge.slug) == ("Brooklyn Bridge", "brooklyn-bridge")
    assert (chopin.title, chopin.slug) == ("Frédéric Chopin", "frederic-chopin")
    assert bridge.paragraphs[0] == "The bridge opened in 1883. It took fourteen years to build. Roebling designed it."
    assert [q.paragraph for q in bridge.questions] == [1, 1, 1, 2]
    assert [q.answerable for q in bridge.questions] == [True, True, False, True]
    assert bridge.words == 14 + 10


def test_answer_spans_move_with_the_white_space(articles) -> None:
    paragraph = articles[0].paragraphs[0]
    straddling = articles[0].questions[1].answers[0]
    assert straddling == GoldAnswer("1883. It took", 21, 34)
    assert paragraph[straddling.start : straddling.end] == "1883. It took"


def test_normalise_whitespace_keeps_offsets() -> None:
    text, offsets = normalise_whitespace("  a \n b  c ")
    assert text == "a b c"
    assert [" a \n b  c "[o - 1] for o in offsets] == ["a", " ", "b", " ", "c"]


def test_corpus_file_reads_back_as_the_engine_reads_it(articles, tmp_path: Path) -> None:
    bridge = articles[0]
    text = corpus_text(bridge)
    assert text.startswith("---\ntitle: Brooklyn Bridge\nsource: Wikipedia\nlanguage: en\n---\n")
    document = read_document(write_corpus(bridge, tmp_path / "corpus"))
    assert (document.id, document.title, document.source) == ("brooklyn-bridge", "Brooklyn Bridge", "Wikipedia")
    assert document.paragraphs == bridge.paragraphs
    # Every sentence the engine cites can be placed in its paragraph.
    for unit in units_of(document):
        span = locate_sentence(bridge.paragraphs[unit.paragraph - 1], unit.text, unit.sentence)
        assert span is not None
        assert bridge.paragraphs[unit.paragraph - 1][span[0] : span[1]] == unit.text


def test_a_repeated_sentence_is_placed_by_its_number() -> None:
    paragraph = "Yes. No. Yes."
    assert locate_sentence(paragraph, "Yes.", 1) == (0, 4)
    assert locate_sentence(paragraph, "Yes.", 3) == (9, 13)
    assert locate_sentence(paragraph, "Maybe.", 1) is None


@pytest.mark.parametrize(
    ("question", "paragraph", "sentence", "text", "expected"),
    [
        # The answer text is in the sentence.
        (0, 1, 1, "The bridge opened in 1883.", True),
        (0, 1, 2, "It took fourteen years to build.", False),
        # Anywhere in the article, by its text.
        (0, 2, 1, "A plaque says 1883.", True),
        # A straddling answer: both sentences it touches are right, by span.
        (1, 1, 1, "The bridge opened in 1883.", True),
        (1, 1, 2, "It took fourteen years to build.", True),
        (1, 1, 3, "Roebling designed it.", False),
        # Overlap counts only in the question's own paragraph.
        (1, 2, 1, "Roebling's son finished it.", False),
        # Unanswerable questions have nothing to hold.
        (2, 1, 1, "The bridge opened in 1883.", False),
        (3, 2, 1, "Roebling's son finished it.", True),
        (3, 1, 3, "Roebling designed it.", False),
    ],
)
def test_holds_answer(articles, question: int, paragraph: int, sentence: int, text: str, expected: bool) -> None:
    bridge = articles[0]
    assert holds_answer(bridge.questions[question], bridge.paragraphs, paragraph, sentence, text) is expected


def test_an_answer_without_a_valid_span_is_judged_by_its_text(articles) -> None:
    question = SquadQuestion("x", "When?", 1, (GoldAnswer("1883", -1, -1),), impossible=False)
    paragraphs = articles[0].paragraphs
    assert holds_answer(question, paragraphs, 1, 1, "The bridge opened in 1883.")
    assert not holds_answer(question, paragraphs, 1, 2, "It took fourteen years to build.")


def test_sampling_is_fixed_and_keeps_order() -> None:
    items = list(range(100))
    first = sample(items, 10, "seed")
    assert first == sample(items, 10, "seed")
    assert first == sorted(first) and len(set(first)) == 10
    assert sample(items, None, "seed") == items
    assert sample(items, 500, "seed") == items


def test_off_topic_questions_come_from_the_other_articles(articles) -> None:
    bridge, chopin = articles
    off = off_topic_questions(articles, bridge, 3, seed=1)
    assert len(off) == 3 and all(q.id.startswith("c") for q in off)
    assert off == off_topic_questions(articles, bridge, 3, seed=1)
    assert {q.id for q in off_topic_questions(articles, chopin, 10, seed=1)} == {"q1", "q2", "q3", "q4"}


def test_rrf_prefers_what_both_rank_well() -> None:
    import numpy as np

    lexical = np.array([0, 1, 2, 3])
    dense = np.array([3, 1, 0, 2])
    # 1 is second in both; 0 is first and third; 3 is first and last.
    assert rrf_best(lexical, dense) == 0
    assert rrf_best(lexical, dense, k=0) == 0
    assert rrf_best(np.array([2, 1, 0]), np.array([1, 2, 0])) == 1  # a tie goes to the lower id


def test_summary_rates_and_table() -> None:
    outcomes = [
        Outcome("answerable", False, True, True, top_right=True, bm25=True, dense=False, rrf=True, ms=10),
        Outcome("answerable", True, False, False, top_right=True, bm25=False, dense=False, rrf=False, ms=30),
        Outcome("unanswerable", True, ms=20),
        Outcome("off_topic", True),
        Outcome("off_topic", False, tentative=True),
    ]
    summary = summarise(outcomes)
    assert (summary.answerable, summary.unanswerable, summary.off_topic) == (2, 1, 2)
    assert summary.hit_at_1 == 0.5 and summary.hit_at_3 == 0.5 and summary.top_right == 1.0
    assert summary.false_abstention == 0.5
    assert summary.unanswerable_abstention == 1.0
    assert summary.off_topic_abstention == 0.5
    assert (summary.bm25_hit_at_1, summary.dense_hit_at_1, summary.rrf_hit_at_1) == (0.5, 0.0, 0.5)
    assert summary.ms_p50 == 20.0
    # Of the answers given: the right one was sure, no wrong one was given, the off-topic one was not.
    assert (summary.tentative_right, summary.tentative_wrong, summary.tentative_off_topic) == (0.0, None, 1.0)
    table = format_table([Row("Brooklyn Bridge", "held out", 1234, 5, summary)])
    lines = table.splitlines()
    assert len(lines) == 3 and lines[0].startswith("| article | set |")
    assert "| Brooklyn Bridge | held out | 1,234 | 5 | 2 | 0.50 | 0.50 | 1.00 | 0.50 | 1 (1.00) | 0.50 |" in lines[2]


def test_an_empty_summary_has_no_rates() -> None:
    summary = summarise([])
    assert summary.hit_at_1 is None and summary.ms_p50 is None
    assert "| – |" in format_table([Row("none", "", 0, 0, summary)])


def test_slugify() -> None:
    assert slugify("The_Legend_of_Zelda:_Twilight_Princess") == "the-legend-of-zelda-twilight-princess"
    assert slugify("???") == "article"


@pytest.mark.parametrize(
    ("short", "golds", "right"),
    [
        ("Adam Mosseri", ["Mosseri"], True),
        ("Mongols", ["the Mongols in Tibet"], False),
        ("the Mongols", ["the Mongols in Tibet"], True),
        ("1849", ["17 October 1849", "1849"], True),
        ("Warsaw", ["Paris"], False),
    ],
)
def test_a_short_answer_is_right_when_it_and_squads_mostly_overlap(short: str, golds: list[str], right: bool) -> None:
    assert matches(short, golds) is right
