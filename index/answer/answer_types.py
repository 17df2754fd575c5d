"""What kind of answer a question asks for, and whether a sentence can give it.

A "how many" question is answered by a sentence with a number in it, a "when"
question by one with a point in time (a date, or a year of any era: "1066",
"the 1050s", "the 10th century", "911 AD"), a "how long did it last" question
by one with a duration, "how tall" or "how long is the river" by one with a
measure (a number with a unit), a "why" question by one that gives a cause,
"what is the name of" by one with a name the question does not already
hold, and "what does FDNY stand for?" by one that spells the initialism out.
Retrieval uses this as evidence, and a best sentence that cannot give what was
asked is a strong sign that the article does not say.
"""

from __future__ import annotations

import functools
import re

from index.answer.meanings import asked_term, meaning
from index.ingest.text import UPPER

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|percent|"
    "half"
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_UNITS = "seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century"
_MEASURE_UNITS = (
    # No one-letter units or "in": "$5m", "3 in Russia" are no measures.
    r"(?:kilo|centi|milli)?met(?:re|er)s?|km|cm|mm|miles?|feet|foot|ft|inch(?:es)?|yards?|"
    r"(?:square|sq|cubic)\s+\w+|acres?|hectares?|(?:kilo)?grams?|kg|tonnes?|tons?|pounds?|lbs?|"
    r"ounces?|oz|litres?|liters?|gallons?|knots?|mph|km/h|kph|degrees?|°[CF]?|light[- ]years?|"
    r"storeys?|stories|floors?|(?:kilo|mega|giga|tera)?bytes?|[KMGT]B|kB|[kMG]?Hz|[kMG]bps|mAh|" + _UNITS
)
_CURRENCIES = (
    r"dollars?|euros?|pounds?|pence|cents?|francs?|guineas?|guilders?|marks?|rubles?|roubles?|yen|yuan|pesos?|"
    r"lire|lira|shillings?|crowns?|florins?|ducats?|rupees?|dinars?|złoty|zlotys?"
)
CURRENCY = re.compile(_CURRENCIES, re.I)
# What a number is counted in, when it is: "5,000 francs", "20 km", "one guinea".
UNIT_AFTER_NUMBER = re.compile(rf"\s*-?\s*(?:{_MEASURE_UNITS}|{_CURRENCIES})(?![^\W\d_])", re.I)
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first"
)

# "the thirteenth installment", "ranked 16th": answers to "what number…?" and "where did it rank?".
ORDINAL = re.compile(rf"\b(?:\d+(?:st|nd|rd|th)|{_ORDINALS})\b", re.I)
_ASKS_RANK = re.compile(
    r"\b(?:what|which) (?:number|place|position|installment|instalment|entry|edition|generation)\b|"
    r"\b(?:what|which|where)\b.*\b(?:rank(?:ed|s)?|placed?)\b",
    re.I,
)

NUMBER, TIME, DURATION, MEASURE, CAUSE, NAME = "number", "time", "duration", "measure", "cause", "name"
# "What does FDNY stand for?", "what does Dalai Lama mean?" ask what the article says a term means.
MEANING = "meaning"

# Checked in order: "how long is the river" asks for a measure, "how long
# after" for a duration, not a time.
_ASKS = (
    (
        MEASURE,
        re.compile(
            r"\bhow (tall|far|high|deep|wide|big|large|heavy|thick|fast|long (is|was|are|were) (the|a|an|its|their))\b|"
            r"\bwhat (is|was|are) (the|its|their) (length|height|distance|area|depth|width|size|weight|speed|"
            r"elevation|altitude)\b",
            re.I,
        ),
    ),
    (DURATION, re.compile(r"\bhow long\b|\bfor how many (days|weeks|months|years|hours)\b", re.I)),
    (
        NUMBER,
        re.compile(
            r"\bhow\s+(many|much)\b|\bwhat\s+(number|percentage|share|amount)\b|\bnumber of\b|"
            r"\b(what|which|where)\b.*\brank(ed|s)?\b|"
            r"\b(what|which) (installment|instalment|entry|edition|generation)\b|"
            r"\b(population|price|cost|revenue|salary|worth)\b",
            re.I,
        ),
    ),
    (
        TIME,
        re.compile(
            r"^\W*when\b|\b(from|since|by|until) when\b|"
            r"\bwhat\s+(time|day|date|year|month)\b|\bwhich (day|date|year)\b",
            re.I,
        ),
    ),
    (CAUSE, re.compile(r"^\W*(why|how come)\b|\bwhat (led|caused|prompted|made)\b|\breason\b", re.I)),
    (NAME, re.compile(r"\bwhat(?:'s| is| was)? (?:the )?names? of\b|\bwhat is (?:it|that) called\b", re.I)),
)

_YEAR = (
    # A year of any era: "1066", "2003", the "1800s" or "the 1050s", the
    # "'60s", "911 AD", "44 BC", "AD 79", "the 10th century", "a millennium", a span of
    # early years such as "(907–960)" (a dash between numbers of three digits or more).
    r"\b(1\d|20)\d\d\b(?!,\d)|\b\d{3,4}s\b|['’]\d0s\b|\b\d{1,4}\s*(BC|BCE|AD|CE)\b|\b(AD|A\.D\.)\s*\d{1,4}\b|"
    r"\b\d{3,4}\s?[–-]\s?\d{3,4}\b(?![,.]\d)|"
    rf"\b(\d{{1,2}}(st|nd|rd|th)|{_ORDINALS})[\s-]+(century|centuries|millennium)\b|"
    r"\b(in|since|by|from|until|till|before|after|during|around|circa|c\.)\s+\d{3,4}\b(?![,.]\d)"
)
_GIVES = {
    NUMBER: re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.I),
    TIME: re.compile(
        rf"\b({_MONTHS}|{_DAYS}|midnight|noon|today|yesterday|tomorrow|tonight|week|weeks|month|months|"
        rf"year|years|hours|days|morning|evening|night|century|centuries)\b|\b\d{{1,2}}(:\d\d)?\s*(am|pm)\b|{_YEAR}",
        re.I,
    ),
    MEASURE: re.compile(rf"(\d|\b({_NUMBER_WORDS}))[\d,.]*\s*-?\s*({_MEASURE_UNITS})(?![^\W\d_])", re.I),
    DURATION: re.compile(
        rf"\b(\d+|{_NUMBER_WORDS}|a|an|several|few|(?:a )?couple of)\s+({_UNITS})\b|\b(permanent(ly)?|temporar(y|ily)|"
        rf"indefinitely|until|for good)\b",
        re.I,
    ),
    CAUSE: re.compile(
        r"\b(because|after|over|citing|cited|due to|owing to|thanks to|in response|in the wake|reasons?|"
        r"so that|in order to|so as to|as a result|result of|following|amid|caused|led to|prompted|"
        r"blamed|accus(ed|ing)|alleg(ed|ing)|on (the )?grounds|for fear|justif(y|ied|ying)|aim(ed|ing)? (at|to)|"
        # Purpose: "to protect them from harassment", "to prevent a run on banks".
        r"to (protect|ensure|prevent|avoid|stop|keep|safeguard|counter|curb))\b",
        re.I,
    ),
}

# "How long is the ban?" may ask for a length or a duration.
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
# "How big is the audience?" may ask for a size or a head count ("80 million users").
_HOW_BIG = re.compile(r"\bhow (big|large)\b", re.I)
_COUNT = re.compile(rf"\d[\d,.]*\s*(million|billion|thousand)\b|\b\d{{1,3}}(,\d{{3}})+\b|\b({_NUMBER_WORDS})\b", re.I)
# "most of the major credit card companies" answers "how many companies", roughly.
PARTITIVE = re.compile(r"\b(most|all|many|several|none|some|few|dozens|hundreds|thousands|millions) of\b", re.I)

_NAME_WORD = re.compile(rf"(?<![.!?]\s)(?<!^)\b[{UPPER}][\w’'-]+")


def asked_type(question: str) -> str | None:
    """The kind of answer ``question`` asks for (``number``, ``time``, ...), or None."""
    if asked_term(question) is not None:
        return MEANING
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


def gives_type(sentence: str, kind: str, question: str = "") -> bool:
    """Whether ``sentence`` holds the kind of thing a ``kind`` question asks for."""
    if kind == MEANING:
        term = asked_term(question)
        return term is not None and meaning(term, sentence) is not None
    if kind == NAME:
        # Compare word openings so that "Russia's" counts as named by "Russian".
        return not _name_openings(sentence) <= _word_openings(question)
    if kind == MEASURE and _HOW_LONG.search(question) and _holds(sentence, DURATION):
        return True
    if kind == MEASURE and _HOW_BIG.search(question) and _COUNT.search(sentence):
        return True
    if kind == NUMBER and PARTITIVE.search(sentence):
        return True
    if kind == NUMBER and asks_rank(question) and ORDINAL.search(sentence):
        return True
    return _holds(sentence, kind)


def asks_rank(question: str) -> bool:
    """Whether ``question`` asks which in a series or a ranking ("what number installment
    is it?", "where did it rank?"), which an ordinal answers."""
    return _ASKS_RANK.search(question) is not None


@functools.lru_cache(maxsize=1 << 12)
def _word_openings(question: str) -> frozenset[str]:
    return frozenset(w[:5].lower() for w in re.findall(r"[\w’'-]+", question))


@functools.lru_cache(maxsize=1 << 16)
def _name_openings(sentence: str) -> frozenset[str]:
    return frozenset(w[:5].lower() for w in _NAME_WORD.findall(sentence))


# Every question tests the same article sentences against a handful of kinds;
# the answers are kept rather than searched for again (a millisecond a question).
@functools.lru_cache(maxsize=1 << 16)
def _holds(sentence: str, kind: str) -> bool:
    return bool(_GIVES[kind].search(sentence))
