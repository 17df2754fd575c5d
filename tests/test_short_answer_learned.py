"""The trained short-answer model: what a question asks for, its candidates, and the
shipped model's choice (real spaCy, real sentences, the model in the repository)."""

from __future__ import annotations

import pytest

from index.answer.short_answer.learned import FACTOID, ShortAnswerModel, candidates, frame_of
from index.ingest.annotate import Annotator

ANNOTATOR = Annotator()


@pytest.mark.parametrize(
    ("question", "kind", "noun"),
    [
        ("Who is the head of Instagram?", "who", ""),
        ("How many users does Instagram have in Russia?", "how_many", "user"),
        ("How much money did the telescope cost?", "how_much", "money"),
        ("Which year did the war end?", "which_n", "year"),
        ("What company owns Instagram?", "what_n", "company"),
        ("When will the service shut down?", "when", ""),
        ("Where is the new library?", "where", ""),
        ("How tall is the tower?", "how_adj", "tall"),
        ("Why was Instagram blocked?", "why", ""),
        ("How did users react?", "how", ""),
    ],
)
def test_the_frame_says_what_a_question_asks_for(question: str, kind: str, noun: str) -> None:
    frame = frame_of(ANNOTATOR.annotate_one(question))
    assert (frame.kind, frame.noun) == (kind, noun)


def test_why_and_how_are_no_factoids() -> None:
    assert {"why", "how", "what", "other"}.isdisjoint(FACTOID)


SEED = (
    "The head of Instagram, Adam Mosseri, tweeted Friday that Instagram has 80 million users in Russia, "
    "who he said will be cut ‘off from one another and from the rest of the world."
)


def test_candidates_are_the_sentences_typed_phrases_and_the_rules_span() -> None:
    frame = frame_of(ANNOTATOR.annotate_one("Who is the head of Instagram?"))
    found = {c.text: c.features for c in candidates(frame, ANNOTATOR.annotate_one(SEED), "Adam Mosseri")}
    assert "q=who|l=PERSON" in found["Adam Mosseri"]
    assert "rule_exact|q=who" in found["Adam Mosseri"]
    # "Instagram" is in the question: a candidate that repeats it overlaps it entirely.
    assert found["Instagram"]["overlap"] == 1.0
    assert all(text in SEED for text in found)


MODEL = ShortAnswerModel.load()


@pytest.mark.parametrize(
    ("question", "sentence", "rule", "expected"),
    [
        ("Who is the head of Instagram?", SEED, "Adam Mosseri", "Adam Mosseri"),
        ("How many users does Instagram have in Russia?", SEED, "80 million users", "80 million"),
        ("When did Mosseri tweet?", SEED, "Friday", "Friday"),
        # Without the hand rules' agreement a lone name is not sure enough to be bold.
        ("Who is the head of Instagram?", SEED, None, None),
        # The sentence names no time at all: nothing to put in bold.
        ("When was the library opened?", "The library holds 12,000 books donated by residents.", None, None),
        # A why-question gets no bold answer.
        ("Why did Mosseri tweet?", SEED, "Friday", None),
    ],
)
def test_the_shipped_model_chooses_or_declines(
    question: str, sentence: str, rule: str | None, expected: str | None
) -> None:
    frame = frame_of(ANNOTATOR.annotate_one(question))
    chosen, probability = MODEL.choose(frame, ANNOTATOR.annotate_one(sentence), rule)
    if expected is None:
        assert chosen is None
    else:
        assert chosen is not None and expected in chosen and probability >= MODEL.threshold


def test_the_shipped_model_is_a_probability_with_a_threshold() -> None:
    assert 0.0 < MODEL.threshold < 1.0
    assert len(MODEL.weights) > 100
