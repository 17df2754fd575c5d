"""What a term means, as the article says it, on small hand-made inputs (no model)."""

from __future__ import annotations

import pytest

from index.answer.abstention import meaning_veto
from index.answer.answer_types import MEANING, asked_type, gives_type
from index.answer.meanings import asked_term, gloss, meaning
from index.answer.short_answer import short_answer

TIBET = 'He was given the title of Dalai Lama—"Ocean Teacher". "Vajradhara" meaning "Holder of the Thunderbolt".'
RUBATO = "He used tempo rubato, the practice of disregarding strict time, in his mazurkas."


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What does FDNY stand for?", "FDNY"),
        ("what does the acronym PATH stand for", "PATH"),
        ("What do the letters U.S. mean?", "U.S."),
        ("what is NYPD short for", "NYPD"),
        ("What is HHC an abbreviation for?", "HHC"),
        ("FDNY stands for what?", "FDNY"),
        ("what does fdny stand for", "fdny"),
        ("what does FDNY mean in the article?", "FDNY"),
        ("What does NYPD mean exactly?", "NYPD"),
        # Any term, quoted or framed as a word.
        ("what does dalai lama mean", "dalai lama"),
        ("What does 'crystal clear' mean?", "crystal clear"),
        ("what does the word rubato mean?", "rubato"),
        ("What's the meaning of Vajradhara?", "Vajradhara"),
        ("define rubato", "rubato"),
        # No term, or no question of what words mean.
        ("what does it stand for", None),
        ("what does this mean?", None),
        ("what do you mean?", None),
        ("Who stands for election in March?", None),
        ("what does a ban mean?", "ban"),
        ("What does the ban mean for users?", None),
        ("Who does she call the definition of inspiration?", None),
        ("What does the FDNY do?", None),
        ("Who runs the NYPD?", None),
    ],
)
def test_asked_term(question: str, term: str | None) -> None:
    assert asked_term(question) == term


@pytest.mark.parametrize(
    ("term", "sentence", "words"),
    [
        ("Dalai Lama", TIBET, "Ocean Teacher"),
        ("dalai lama", TIBET, "Ocean Teacher"),
        ("Vajradhara", TIBET, "Holder of the Thunderbolt"),
        ("rubato", RUBATO, "the practice of disregarding strict time"),
        ("rubato", 'It is played with rubato, "the practice of disregarding strict time, robbing".',
         "the practice of disregarding strict time"),
        # A single quote inside a word does not close the quotation.
        ("Dalai Lama", 'He became the Dalai Lama—"the People\'s Teacher".', "the People's Teacher"),
        ("rubato", "tempo rubato, the performer’s freedom with time, was", "the performer’s freedom with time"),
        ("glasnost", "It was called glasnost, meaning openness, at the time.", "openness"),
        ("Dzong", "Each dzong (literally 'fortress') had a governor.", "fortress"),
        ("dzong", "Each dzong (literally “fortress”) had a governor.", "fortress"),
        # A dash without a quotation, or a comma without an article, glosses nothing.
        ("Dalai Lama", "He met the Dalai Lama—then young—in Lhasa.", None),
        ("Chopin", "Chopin, composer of nocturnes, died in Paris.", None),
        ("Mosseri", "The head of Instagram, Adam Mosseri, wrote on Twitter.", None),
    ],
)
def test_gloss(term: str, sentence: str, words: str | None) -> None:
    assert gloss(term, sentence) == words


def test_an_initialisms_meaning_is_its_expansion_in_either_case() -> None:
    sentence = "The New York City Fire Department (FDNY) fights fires."
    assert meaning("FDNY", sentence) == "New York City Fire Department"
    assert meaning("fdny", sentence) == "New York City Fire Department"
    assert meaning("FDNY", "The FDNY fights fires.") is None
    # A lower-case word is an initialism only where the sentence writes it as one.
    assert meaning("war", "The Washington Army Reserve fought.") is None


@pytest.mark.parametrize(
    ("question", "sentence", "gives"),
    [
        ("what does FDNY stand for", "The New York City Fire Department (FDNY) fights fires.", True),
        ("what does FDNY stand for", "The FDNY headquarters is at 9 MetroTech Center.", False),
        ("what does dalai lama mean", TIBET, True),
        ("what does dalai lama mean", "The Dalai Lama lived in Lhasa.", False),
    ],
)
def test_meaning_is_an_answer_type(question: str, sentence: str, gives: bool) -> None:
    assert asked_type(question) == MEANING
    assert gives_type(sentence, MEANING, question) is gives


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("What does FDNY stand for?", "The New York City Fire Department (FDNY) fights fires.",
         "New York City Fire Department"),
        ("what does dalai lama mean", TIBET, "Ocean Teacher"),
        ("What does rubato mean?", RUBATO, "the practice of disregarding strict time"),
    ],
)  # fmt: skip
def test_meaning_is_the_short_answer(question: str, sentence: str, expected: str) -> None:
    assert short_answer(question, sentence, stem=str) == expected


@pytest.mark.parametrize(
    ("question", "passage", "vetoed"),
    [
        ("what does dalai lama mean", TIBET, False),
        ("what does dalai lama mean", "The Dalai Lama lived in Lhasa.", True),
        ("what does 'crystal clear' mean", "I want to be crystal clear.", True),
        # A passage that spells out the initialism asked about gives its meaning.
        ("What does DRM stand for?", "It uses digital rights management (DRM) on songs.", False),
        ("What does DRM stand for?", "Songs carry DRM locks.", True),
        ("What does HP stand for?", "Apple sold iPods made by Hewlett-Packard.", False),
        ("What does HP stand for?", "He promised a new iPod.", True),
        ("What does SDK stand for?", "Apple released a kit.", True),
        # The name before the initialism in brackets defines it, in whatever order the initials come.
        ("What does FDNY stand for?", "The New York City Fire Department (FDNY) provides fire protection.", False),
        ("What does the acronym FDNY stand for?", "The FDNY provides fire protection.", True),
        # "The definition of …" in a question that asks something else: the passage must say it.
        ("Who is the definition of inspiration?", "She called her mother the definition of inspiration.", False),
        ("Who is the definition of inspiration?", "She called Oprah an inspiration.", True),
        ("What is the definition of a tablet?", "Apple sold a tablet.", True),
        ("What is the meaning of life?", "He said the meaning of life is work.", False),
    ],
)
def test_a_question_of_meaning_needs_the_article_to_give_it(question: str, passage: str, vetoed: bool) -> None:
    assert (meaning_veto(question, passage) is not None) is vetoed
