"""What kind of answer a question asks for, and whether a sentence can give it.

A "how many" question is answered by a sentence with a number in it, a "when"
question by one with a point in time, a "how long" question by one with a
duration, a "why" question by one that gives a cause, and "what is the name
of" by one with a name the question does not already hold. Retrieval uses
this as evidence, and a best sentence that cannot give what was asked is a
strong sign that the article does not say.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|percent|"
    "half"
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_UNITS = "seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?"

NUMBER, TIME, DURATION, CAUSE, NAME = "number", "time", "duration", "cause", "name"

# Checked in order: "how long after" asks for a duration, not a time.
_ASKS = (
    (DURATION, re.compile(r"\bhow long\b|\bfor how many (days|weeks|months|years|hours)\b", re.I)),
    (
        NUMBER,
        re.compile(
            r"\bhow\s+(many|much)\b|\bwhat\s+(number|percentage|share|amount)\b|\bnumber of\b|"
            r"\b(population|price|cost|revenue|salary|worth)\b",
            re.I,
        ),
    ),
    (TIME, re.compile(r"^\W*when\b|\bwhat\s+(time|day|date|year|month)\b|\bwhich (day|date|year)\b", re.I)),
    (CAUSE, re.compile(r"^\W*(why|how come)\b|\bwhat (led|caused|prompted|made)\b|\breason\b", re.I)),
    (NAME, re.compile(r"\bwhat(?:'s| is| was)? (?:the )?names? of\b|\bwhat is (?:it|that) called\b", re.I)),
)

_GIVES = {
    NUMBER: re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.I),
    TIME: re.compile(
        rf"\b({_MONTHS}|{_DAYS}|midnight|noon|today|yesterday|tomorrow|tonight|week|weeks|month|months|"
        rf"year|years|hours|days|morning|evening|night)\b|\b\d{{1,2}}(:\d\d)?\s*(am|pm)\b|\b(19|20)\d\d\b",
        re.I,
    ),
    DURATION: re.compile(
        rf"\b(\d+|{_NUMBER_WORDS}|a|an|several|few)\s+({_UNITS})\b|\b(permanent(ly)?|temporar(y|ily)|"
        rf"indefinitely|until|for good)\b",
        re.I,
    ),
    CAUSE: re.compile(
        r"\b(because|after|over|citing|due to|owing to|in response|in the wake|explaining|reason|"
        r"so that|in order to|to protect|to ensure|as a result|described)\b",
        re.I,
    ),
}

_NAME_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+")


def asked_type(question: str) -> str | None:
    """The kind of answer ``question`` asks for (``number``, ``time``, ...), or None."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


def gives_type(sentence: str, kind: str, question: str = "") -> bool:
    """Whether ``sentence`` holds the kind of thing a ``kind`` question asks for."""
    if kind == NAME:
        # Compare word openings so that "Russia's" counts as named by "Russian".
        asked = {w[:5].lower() for w in re.findall(r"[\w’'-]+", question)}
        return any(w[:5].lower() not in asked for w in _NAME_WORD.findall(sentence))
    return bool(_GIVES[kind].search(sentence))
