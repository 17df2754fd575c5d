"""What a question asks for and which sentences can give it, without the model."""

from __future__ import annotations

import pytest

from index.answer.answer_types import CAUSE, DURATION, MEASURE, NAME, NUMBER, TIME, asked_type, gives_type
from index.answer.retrieval import Query


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many people use Instagram in Russia?", NUMBER),
        ("What is the population of Norway?", NUMBER),
        ("When did Russia invade Ukraine?", TIME),
        ("In what year was it built? What year?", TIME),
        ("How long will the ban last?", DURATION),
        ("How long after the Facebook shutdown did Instagram get blocked?", DURATION),
        ("How long is the river?", MEASURE),
        ("how tall is the tower", MEASURE),
        ("How far is Kiel from Port Vale?", MEASURE),
        ("What is the height of the dam?", MEASURE),
        ("Why was Instagram blocked?", CAUSE),
        ("What led Russia to cut off Instagram?", CAUSE),
        ("What is the name of the Google executive?", NAME),
        ("Who is the head of Instagram?", None),
        ("What did Mosseri tweet?", None),
    ],
)
def test_asked_type(question: str, kind: str | None) -> None:
    assert asked_type(question) == kind


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("The service shuts down at midnight on Sunday.", True),
        ("It was announced on March 4.", True),
        ("The Normans invaded England in 1066.", True),
        ("The city was founded in 911 AD.", True),
        ("Caesar crossed the Rubicon in 49 BC.", True),
        ("The town was sacked in AD 410.", True),
        ("The town grew in the 1050s.", True),
        ("Railways reached it in the 1800s.", True),
        ("The music of the ’60s still sells.", True),
        ("The castle dates from the 10th century.", True),
        ("The abbey was rebuilt in the twelfth century.", True),
        ("Since 2003 the bridge has been closed.", True),
        # A span of early years, written without an era.
        ("During the Five Dynasties period (907–960) there was little contact.", True),
        ("The kingdom lasted 907-960.", True),
        ("The dam was finished in 1936.", True),
        # Numbers that are no points in time.
        ("Instagram has 80 million users.", False),
        ("The order came with 2,000 pages.", False),
        ("The ferry carries 300 passengers.", False),
        ("Tickets cost four euros.", False),
    ],
)
def test_time_answers(sentence: str, gives: bool) -> None:
    assert gives_type(sentence, TIME) is gives


@pytest.mark.parametrize(
    ("sentence", "question", "gives"),
    [
        ("The river is 6,650 km long.", "How long is the river?", True),
        ("The tower is 300 metres tall.", "How tall is the tower?", True),
        ("The tunnel runs for 6.5 miles under the bay.", "How long is the tunnel?", True),
        ("The lake covers 2 square miles.", "How big is the lake?", True),
        ("The bridge took 5 years to build.", "How long is the bridge?", True),
        # "How long is the ban" may mean for how long.
        ("The ban is permanent.", "How long is the ban?", True),
        ("The ban is permanent.", "How tall is the tower?", False),
        ("The river flows through 11 countries.", "How long is the river?", False),
        ("Instagram has 80m users.", "How big is Instagram?", False),
        ("The city lies on the river.", "How far is the city?", False),
    ],
)
def test_measure_answers(sentence: str, question: str, gives: bool) -> None:
    assert gives_type(sentence, MEASURE, question) is gives


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("The service will be blocked for two weeks.", True),
        ("The restrictions are temporary.", True),
        ("The ban stays until further notice.", True),
        ("The depression lasted for a couple of years.", True),
        ("It lasted a couple of months.", True),
        ("The service was blocked on Monday.", False),
        ("A couple of fans waited.", False),
        ("The river is 6,650 km long.", False),
    ],
)
def test_duration_answers(sentence: str, gives: bool) -> None:
    assert gives_type(sentence, DURATION) is gives


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("The match was called off because of the storm.", True),
        ("The ferry was delayed due to high winds.", True),
        ("Flights were grounded amid fears of ash.", True),
        ("The mayor resigned following the scandal.", True),
        ("Prosecutors accused the firm of fraud.", True),
        ("The storm led to floods.", True),
        ("Roads were closed to protect walkers from rockfalls.", True),
        ("The bank raised rates to prevent a run.", True),
        ("The mayor opened the library.", False),
        ("The regulator described the platform as extremist.", False),
        ("The mayor went to Kiel, explaining nothing.", False),
    ],
)
def test_cause_answers(sentence: str, gives: bool) -> None:
    assert gives_type(sentence, CAUSE) is gives


@pytest.mark.parametrize(
    ("sentence", "question", "gives"),
    [
        ("The ferry was built by Nordwerft in Kiel.", "What is the name of the shipyard?", True),
        ("The ferry was built by Nordwerft.", "What is the name of Nordwerft's ferry?", False),
        ("the ferry was built nearby.", "What is the name of the shipyard?", False),
    ],
)
def test_name_answers(sentence: str, question: str, gives: bool) -> None:
    assert gives_type(sentence, NAME, question) is gives


@pytest.mark.parametrize(
    ("question", "sentence", "kind", "gives"),
    [
        ("How big is the audience?", "Instagram has 80 million users in Russia.", MEASURE, True),
        ("How big is the audience?", "Instagram is popular in Russia.", MEASURE, False),
        ("How tall is the tower?", "The tower has 300 steps and 2,000 visitors.", MEASURE, False),
        ("How many firms left?", "Most of the major card companies have left.", NUMBER, True),
        ("How many firms left?", "The major card companies have left.", NUMBER, False),
        # Every number word up to a hundred counts, not only the common ones.
        ("How many states?", "Tibet comprised thirteen different states.", NUMBER, True),
        ("How many dates?", "The tour ran for seventy dates.", NUMBER, True),
        # An ordinal says which in a series or a ranking, not how many.
        ("What number installment is it?", "It is the thirteenth installment.", NUMBER, True),
        ("Where did it rank?", "It ranked 16th on the list.", NUMBER, True),
        ("How many games are there?", "It is the thirteenth installment.", NUMBER, False),
    ],
)
def test_sizes_and_rough_counts(question: str, sentence: str, kind: str, gives: bool) -> None:
    assert gives_type(sentence, kind, question) is gives


@pytest.mark.parametrize(
    ("text", "own", "kind"),
    [
        # A follow-up asks for its own kind of answer, not the kind of the exchange it leans on.
        ("when was it built how big is it central park", "when was it built", TIME),
        # One that asks for no kind of its own asks for the exchange's.
        ("what about Apple how many users does Google have", "what about Apple", NUMBER),
        ("what about Apple when did Google leave", "what about Apple", TIME),
        ("how big is it", "", MEASURE),
    ],
)
def test_a_follow_up_asks_for_its_own_kind_else_the_exchanges(text: str, own: str, kind: str) -> None:
    assert Query(question=text, text=text, terms=[], own=own).asked_type() == kind
