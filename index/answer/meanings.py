"""What the article says a term means: the words an initialism stands for, or a gloss.

"What does FDNY stand for?" is answered by "The New York City Fire Department
(FDNY)", "what does Dalai Lama mean?" by 'the title of Dalai Lama—"Ocean
Teacher"', "what does rubato mean?" by "tempo rubato, the practice in
performance of disregarding strict time, …": always the article's own words,
never a dictionary's.
"""

from __future__ import annotations

import re

from index.answer.initialisms import INITIALISM, expansion

# "What does FDNY stand for?", "what does the word X mean", "what is NYPD short for",
# "FDNY stands for what?", "what's the meaning of X", "define X". "What does the ban mean for
# users?" asks what follows from it, not what the words mean.
_ASKS_MEANING = re.compile(
    r"\bwhat (?:does|do|did) (?P<term>[^?]{1,40}?) "
    r"(?:mean(?:\s+(?:exactly|here|in (?:the|this) \w+))?\W*$|stand for\b)|"
    r"\bwhat(?:'s| is| was) (?P<short>[^?]{1,40}?) (?:short|an? (?:acronym|abbreviation|initialism)) for\b|"
    r"(?P<stands>\S+) stands? for\b|"
    r"^\W*(?:what(?:'s| is| was)\s+)?(?:the\s+)?(?:meaning|definition) of (?P<of>[^?]{1,40}?)\W*$|"
    r"^\W*define (?P<define>[^?]{1,40}?)\W*$",
    re.I,
)
# "What does FDNY mean in the article?": an initialism's meaning may be asked anywhere.
_ASKS_INITIALISM_MEANING = re.compile(r"\bwhat (?:does|do|did) (?P<term>[^?]{1,40}?) mean\b", re.I)
# "the acronym PATH", "the word 'glasnost'", "the letters U.S.": what the term is called.
_TERM_FRAME = re.compile(
    r"^(?:the\s+|an?\s+)?(?:(?:word|term|name|title|phrase|acronym|abbreviation|initialism|letters)\s+)?", re.I
)
_QUOTES = " \"'“”‘’"
# "What does it mean?" asks about something said before, not a term.
_NO_TERM = frozenset("it this that they these those he she his her its their you we i them us me".split())
# A gloss in quotes: 'Dalai Lama—"Ocean Teacher"', '"Vajradhara" meaning "Holder of the Thunderbolt"'.
# A single quote closes only where no letter follows ("the People's Teacher" is whole).
_QUOTED = r"(?:“([^”]{2,80})”|\"([^\"]{2,80})\"|[‘']((?:[^’']|[’'](?=\w)){2,80})[’'](?!\w))"
# Words that say a gloss follows: "meaning", "which means", "literally".
_GLOSSING = r"\(?(?:meaning|which means|means|literally|lit\.|translated as)"


def asked_term(question: str) -> str | None:
    """The term whose meaning ``question`` asks, or None: "FDNY" for "what does FDNY stand
    for?", "PATH" for "what does the acronym PATH mean", "dalai lama" for "what does dalai
    lama mean", None for "what does it mean?" or "what does the ban mean for users?"."""
    asked = _ASKS_MEANING.search(question) or _ASKS_INITIALISM_MEANING.search(question)
    if asked is None:
        return None
    branch, said = next((name, term) for name, term in asked.groupdict().items() if term is not None)
    initialisms = INITIALISM.findall(said)
    if initialisms:
        return str(initialisms[-1])
    if branch in ("short", "stands") or asked.re is _ASKS_INITIALISM_MEANING:
        # "Who stands for election?" and "what does the ban mean for users?" ask no meaning.
        return None
    term = _TERM_FRAME.sub("", said.strip(_QUOTES)).strip(_QUOTES)
    return term if term and term.lower() not in _NO_TERM else None


def meaning(term: str, sentence: str) -> str | None:
    """What ``sentence`` says ``term`` means, in its own words, or None: an initialism's
    expansion ("New York City Fire Department" for FDNY, also when the question writes it
    in lower case), else a gloss (``gloss``)."""
    written = term.upper() if term.islower() else term
    # A lower-case "fdny" is an initialism only where the sentence writes it as one.
    if INITIALISM.fullmatch(term) or (
        term.isalpha() and 2 <= len(term) <= 5 and term.islower() and re.search(rf"\b{written}\b", sentence)
    ):
        expanded = expansion(written, sentence)
        if expanded is not None:
            return expanded
    return gloss(term, sentence)


def gloss(term: str, sentence: str) -> str | None:
    """The words ``sentence`` glosses ``term`` with, or None: a quotation after a dash
    ('Dalai Lama—"Ocean Teacher"'), the words after "meaning", "means" or "literally"
    (quoted or not: "glasnost, meaning openness"), or an apposition that opens with an
    article, quoted or not ('rubato, "the practice … of disregarding strict time,')."""
    written = r"\s+".join(map(re.escape, term.split()))
    head = rf"(?<!\w)[“\"‘]?{written}[”\"’]?"
    for pattern in (
        rf"{head}\s*(?:—|–|--|\s-\s)\s*{_QUOTED}",
        rf"{head},?\s+{_GLOSSING}\s+{_QUOTED}",
        rf"{head},?\s+{_GLOSSING}\s+([^,;:.()“”\"]{{2,60}})",
        rf"{head},\s+[“\"‘]?((?:the|a|an)\s+[^,;:()“”\"]{{3,80}}?)(?:,|[”\"]|’(?!\w))",
    ):
        found = re.search(pattern, sentence, re.I)
        if found is not None:
            return next(group for group in found.groups() if group).strip()
    return None
