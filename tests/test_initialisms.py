"""Initialisms and what they stand for, on small hand-made inputs (no model)."""

from __future__ import annotations

import pytest

from index.answer.initialisms import expansion, initialism_words, spells_out


@pytest.mark.parametrize(
    ("letters", "passage", "capitalised", "spelt"),
    [
        ("HP", "made by Hewlett-Packard", True, True),
        ("BOA", "the Bank of America", True, False),  # "of" is skipped, not an initial
        ("BA", "the Bank of America", True, True),
        ("DRM", "digital rights management", True, False),
        ("DRM", "digital rights management", False, True),
        ("HP", "he promised", True, False),
        ("NYC", "New York", True, False),
    ],
)
def test_spells_out(letters: str, passage: str, capitalised: bool, spelt: bool) -> None:
    assert spells_out(letters, passage, capitalised=capitalised) is spelt


@pytest.mark.parametrize(
    ("question", "passage", "named"),
    [
        # The question's initialism spelt out in the passage, with dots or without.
        ("What share of the US market?", "sales in the United States rose", {"US"}),
        ("What share of the U.S. market?", "sales in the United States rose", {"U.S."}),
        # The question's capitalised words spelling out an initialism of the passage.
        ("How many records in the United States?", "she sold 15 million albums in the US", {"United", "States"}),
        ("Who runs Bank of America?", "the BA chief said", {"Bank", "of", "America"}),
        # A question all in lower case writes initialisms and names so too.
        ("how many work in the us", "about 14,000 workers in the U.S.", {"us"}),
        ("how many work in the united states", "about 14,000 workers in the U.S.", {"united", "states"}),
        ("How many work in the us?", "about 14,000 workers in the U.S.", set()),
        # Nothing spelt either way.
        ("What share of the US market?", "sales in Europe rose", set()),
        ("How many records in the United States?", "she sold 15 million albums in the UK", set()),
        ("Who is the CEO?", "the chief executive officer", set()),  # capitals only
    ],
)
def test_initialism_words(question: str, passage: str, named: set[str]) -> None:
    assert initialism_words(question, passage) == named


@pytest.mark.parametrize(
    ("initialism", "sentence", "words"),
    [
        # A name with the initialism in brackets after it, whatever the order of the initials,
        # without the words before it that are not among them.
        ("FDNY", "The New York City Fire Department (FDNY) fights fires.", "New York City Fire Department"),
        ("NYCS", "Like the New York City Subway (NYCS), it runs all night.", "New York City Subway"),
        ("HP", "On January 8, 2004, Hewlett-Packard (HP) announced it.", "Hewlett-Packard"),
        # A run of capitalised words whose initials spell it, small joining words inside.
        ("PATH", "The Port Authority Trans-Hudson (PATH train) links Midtown.", "Port Authority Trans-Hudson"),
        ("BA", "She banked with the Bank of America then.", "Bank of America"),
        # Right before it in brackets, small letters spell it too.
        ("DRM", "Songs carry digital rights management (DRM) locks.", "digital rights management"),
        ("DRM", "Songs carry strong rights management (DRM) locks.", None),
        ("U.S.", "Sales in the United States rose.", "United States"),
        # The initialism written with dots is not its own expansion; nothing spelt, nothing found.
        ("B.I.C.", 'She was officially credited as "B.I.C." on it.', None),
        ("NYPD", "Members of the NYPD are called New York's Finest.", None),
    ],
)
def test_expansion(initialism: str, sentence: str, words: str | None) -> None:
    assert expansion(initialism, sentence) == words
