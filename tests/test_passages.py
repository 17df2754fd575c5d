"""Which sentences lean on the one before them, without the model."""

from __future__ import annotations

import pytest

from index.ingest.passages import depends_on_previous, noun_stems, refers_back, units_of, unreadable_alone
from index.types import DocumentInfo

PHOTOS = "An email told people to move their photos before the service was shut down."
LEAK = "Russia shut down Facebook over a leak from a content moderator."


@pytest.mark.parametrize(
    ("sentence", "previous"),
    [
        # Pronouns and demonstratives.
        ("This caused long lines at train stations.", PHOTOS),
        ("They also announced an investigation.", PHOTOS),
        ("It was the second ban in a week.", PHOTOS),
        ("Such rules are rare.", PHOTOS),
        ("‘That is wrong,’ said the minister.", PHOTOS),
        # Connectives that carry on from the sentence before.
        ("But a storm closed the harbour.", PHOTOS),
        ("However, the ferry kept running.", PHOTOS),
        ("Yet nobody complained.", PHOTOS),
        ("Still, the town celebrated.", PHOTOS),
        ("Instead the mayor resigned.", PHOTOS),
        ("Meanwhile, prices rose.", PHOTOS),
        ("Later the firm apologised.", PHOTOS),
        ("As a result, the harbour closed.", PHOTOS),
        ("In response, the council met.", PHOTOS),
        ("On the other hand, tickets are free.", PHOTOS),
        # "The <noun>" for a noun the previous sentence introduced.
        ("The leak showed moderators bending the rules.", LEAK),
        ("The moderator was later fired.", LEAK),
        ("The content was removed.", LEAK),
        ("The leaks continued for weeks.", LEAK),
        # "the <noun>" anywhere in a short sentence, for a noun the previous
        # sentence introduced with "a".
        ("The company later confirmed the leak.", LEAK),
        (
            "Officials say agents gave an order to take the app down.",
            "Agents raided the home of a man who made an app.",
        ),
        # A quote attributed to a pronoun.
        ("‘This is wrong,’ he tweeted.", PHOTOS),
        ("‘We will appeal’, she said.", PHOTOS),
        ("“No comment,” they wrote.", PHOTOS),
    ],
)
def test_depends(sentence: str, previous: str) -> None:
    assert depends_on_previous(sentence, previous)


@pytest.mark.parametrize(
    ("sentence", "previous"),
    [
        # "move" is a verb before ("to move their photos"): "The move" is something else.
        ("The move comes after Meta changed its hate speech policy.", PHOTOS),
        # A definite noun the previous sentence never mentions.
        ("The company later confirmed the leak.", PHOTOS),
        ("The harbour town of Port Vale opened a ferry.", LEAK),
        # A function word after "The" is no shared noun ("a leak from a content" has "from").
        ("The from the start approach failed.", LEAK),
        # Names and ordinary openings.
        ("The Washington Post broke the story.", LEAK),
        # "the leak" with no "a leak" before, or a leak only named before, is no reference back.
        ("Officials confirmed the leak.", PHOTOS),
        ("Officials discussed the leak.", "The leak was reported."),
        (
            "Google officials say the supposed agents gave an order to the executive to take the app down in a day.",
            "Agents raided the home of a man who made an app.",
        ),
        ("Instagram has 80 million users in Russia.", PHOTOS),
        ("Google officials say agents gave an order.", PHOTOS),
        ("Still images were banned.", PHOTOS),
        ("Thenceforth nothing changed.", PHOTOS),
        ("Italy banned it too.", PHOTOS),
        ("‘Wrong,’ Mosseri tweeted.", PHOTOS),
        ("Butter prices rose.", PHOTOS),
        ("Also-rans were ignored.", ""),
    ],
)
def test_stands_alone(sentence: str, previous: str) -> None:
    assert not depends_on_previous(sentence, previous)


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        (LEAK, {"leak", "content", "moder"}),
        # Without a parser the words after a noun are taken too ("an email told
        # people"): "The people ..." next would count as continuing it.
        (PHOTOS, {"email", "told", "peopl", "photo", "servic"}),
        ("the state communications regulator acted", {"state", "communic", "regul"}),
        ("Nobody moved.", set()),
    ],
)
def test_noun_stems(text: str, stems: set[str]) -> None:
    assert noun_stems(text) == stems


def test_the_first_sentence_of_an_article_leans_on_nothing() -> None:
    document = DocumentInfo(
        "d", "t", "", "en", "", "", paragraphs=("But a ferry began. The ferry was slow.", "Ferries grew.")
    )
    assert [u.depends_on_previous for u in units_of(document)] == [False, True, False]


@pytest.mark.parametrize(
    ("sentence", "refers"),
    [
        # A third-person pronoun anywhere, not only opening the sentence.
        ("Born and raised in Houston, she performed in talent shows.", True),
        ("The singer would later say her mother helped her fight it.", True),
        ("Its battery could not be replaced.", True),
        ("The band supported them on tour.", True),
        ("Apple sold it at a loss.", True),
        # A definite description opening the sentence.
        ("The group released a second album in 1999.", True),
        ("“The device was slow,” wrote a reviewer.", True),
        # Names, first and second person, and words that hold a pronoun's letters.
        ("The Ming court sent envoys in 1372.", False),
        ("Mathew Knowles is African-American.", False),
        ("We need to protect our users, Mosseri wrote.", False),
        ("Their hiatus saw the release of a debut album.", True),
        ("Hershey and Hitachi made the parts.", False),
        ("Theirsville is a town; the hit reached number one.", False),
    ],
)
def test_refers_back(sentence: str, refers: bool) -> None:
    assert refers_back(sentence) is refers


def test_a_sentence_is_read_with_what_it_refers_back_to_within_its_paragraph() -> None:
    paragraphs = (
        # A reference in a paragraph's first sentence: only a dependence crosses paragraphs.
        "Apple made the iPod. In 2001 it went on sale. Then it got smaller. And it got a screen. Sales grew.",
        "Critics said it cost too much. But it sold.",
    )
    document = DocumentInfo("d", "t", "", "en", "", "", paragraphs=paragraphs)
    units = units_of(document)
    # "In 2001 it…" refers back; "Then it…" and "And it…" chain, up to two sentences back.
    assert [u.antecedents for u in units] == [0, 1, 2, 2, 0, 0, 1]
    # Referring back is a reason to read a sentence with the one before, not to quote them together.
    assert [u.depends_on_previous for u in units] == [False, False, True, True, False, False, True]


@pytest.mark.parametrize(
    ("sentence", "unreadable"),
    [
        ("This caused for long lines at train stations in Moscow.", True),
        ("This doubles the capacity of the old boat.", True),
        ("These companies have left the country.", False),
        ("They also announced that the office asked the watchdog to act.", True),
        ("‘This is wrong,’ he tweeted.", True),
        ("That decision was greeted with outrage in Russia.", False),
        ("But Russian officials have said the new rules allow calls for violence.", False),
        ("The company later confirmed the leak.", False),
    ],
)
def test_unreadable_alone(sentence: str, unreadable: bool) -> None:
    assert unreadable_alone(sentence) is unreadable
