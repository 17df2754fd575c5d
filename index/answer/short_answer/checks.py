"""Tests a candidate span must pass: money, the main clause, the asked verb's doer,
and not repeating the question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from index.answer.answer_types import CURRENCY, UNIT_AFTER_NUMBER
from index.answer.short_answer.patterns import (
    _ADJECTIVAL,
    _AGENT,
    _APPOSITION,
    _ASKED_NOUN_PATTERN,
    _ASKED_VERB,
    _AUXILIARIES,
    _COPULA,
    _COPULA_NAME,
    _ENDING_PREPOSITION,
    _LEADING_ARTICLE,
    _NOT_A_PLACE,
    _OF_NAME,
    _OPENERS,
    _PHRASE_END,
    _PHRASE_WORDS,
    _PLACE_OF,
    _RELATIVE,
    _ROLE_NOUN,
    _SUPERLATIVE_NOUN,
    _TIME,
    _VARIANTS,
    _WORD,
    MAX_PHRASE_GAP,
    Span,
)
from index.answer.short_answer.spans import _distance, _same_word, _words_of
from index.ingest.text import fold

# Nouns of amounts of money: "the fare", "how many fees were paid". A question that only
# mentions one may count something else ("of the ten zip codes with the highest housing
# prices, how many …"), so asking for a price takes the narrower list below.
_MONEY_NOUNS = r"fees?|fares?|prices?|costs?|revenues?|profits?|earnings|wages?|salar(?:y|ies)|funds?"


_ASKS_PRICE = re.compile(
    r"\bhow much\b.*\b(cost|costs|pay|paid|charge|charged|charges|spend|spent|earn|earned|earns|sell for|"
    r"sold for|buy for|bought for|worth)\b|\b(price|fare|fee|salary|wage)\b",
    re.I,
)


# "How many New Yorkers work …", "how many millions of dollars": the words "how many" counts.
_ASKS_COUNT = re.compile(r"\bhow many\s+(?P<counted>(?:[\w’'-]+\s*){1,3})", re.I)


_MONEY = re.compile(rf"{CURRENCY.pattern}|{_MONEY_NOUNS}", re.I)


_CURRENCY_SIGN = re.compile(r"[$€£¥₽]|\b(?:US|USD|EUR|GBP)\s?$")


def _is_money(sentence: str, span: Span) -> bool:
    """Whether the number at ``span`` is an amount of money: a currency sign before it or in it,
    or a currency after it ("60 guilders")."""
    text = sentence[span.start : span.end]
    unit = UNIT_AFTER_NUMBER.match(sentence, span.end)
    return bool(
        _CURRENCY_SIGN.search(text)
        or _CURRENCY_SIGN.search(sentence[max(0, span.start - 4) : span.start])
        or (unit and CURRENCY.fullmatch(unit.group().strip(" -")))
    )


# A relative clause says something of the word before it, not of the sentence's subject.
_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|who|whom|whose)\b", re.I)


def _clause_holds_anchor(sentence: str, span: Span, anchors: Sequence[tuple[int, float]]) -> bool:
    """Whether ``span`` stands outside any relative clause, or in one that also holds one of the
    question's words."""
    opening = None
    for found in _RELATIVE_CLAUSE.finditer(sentence, 0, span.start):
        opening = found
    if opening is None or "," in sentence[opening.end() : span.start]:
        return True
    # The clause runs to the next comma or the sentence's end.
    end = sentence.find(",", span.end)
    end = len(sentence) if end < 0 else end
    return any(opening.end() <= position < end for position, _ in anchors)


def _asked_head_noun(question: str) -> str | None:
    """The noun of "which park …?" or "what's the largest park …?", folded."""
    asked = _ASKED_NOUN_PATTERN.search(question) or _SUPERLATIVE_NOUN.search(question)
    return fold(asked.group("noun")) if asked else None


def _asked_verb_stems(question: str, stem: Callable[[str], str]) -> frozenset[str]:
    """The stems of the verb of "who <verb> …?" and of the words told the same event with;
    none for "who is/did …?"."""
    asked = _ASKED_VERB.match(question)
    if asked is None or fold(asked.group(1)) in _AUXILIARIES:
        return frozenset()
    verb = fold(asked.group(1))
    return frozenset(stem(v) for v in _VARIANTS.get(verb, (verb,)))


_PASSIVE_AUXILIARY = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+)?$", re.I)


# The verb right before "by" or before a short phrase of place or time ("overthrown in a
# rebellion by"), and the few words after "by" up to the name: no stop between.
_PASSIVE_AGENT = re.compile(
    r"(?P<verb>[^\W\d_]+)(?:\s+(?:in|at|on|during|after|with|within|from)(?:\s+[^\W\d_]+){1,3})?"
    r"\s+by\s+(?:[\w’'-]+\s+){0,3}$"
)


def _does_asked_verb(sentence: str, span: Span, stems: frozenset[str], stem: Callable[[str], str]) -> bool:
    """Whether the name at ``span`` did what the question asks: it is followed, within three
    words (past an apposition between commas), by one of the asked verb's ``stems``, not in
    the passive ("was made by"), or it follows that verb and "by"."""
    if not stems:
        return False
    # "… was developed by Nintendo", "was overthrown in a rebellion by the Phagmodru myriarch
    # Tai Situ": the name after the asked verb and "by" did it.
    agent = _PASSIVE_AGENT.search(sentence[: span.start])
    if agent and any(stem(fold(word)) in stems for word in _WORD.findall(agent.group("verb"))):
        return True
    after = re.sub(r"^\s*,[^,]{1,80},", "", sentence[span.end :])
    following = list(_WORD.finditer(after))[:3]
    for word in following:
        if stem(fold(word.group())) in stems:
            # "The Legend of Zelda was made by Nintendo", "the regime … was overthrown in a
            # revolt": made or overthrown, not the maker.
            passive = _PASSIVE_AUXILIARY.search(after[: word.start()]) and not word.group().endswith("ing")
            return not (passive or re.match(r"\s+by\b", after[word.end() :]))
    return False


def _rest_of_asked_name(candidate: str, asked: Sequence[str]) -> bool:
    """Whether ``candidate`` is a name the question already says part of: "Mayella Ewell" for
    "who is accused of raping Mayella?" is Mayella, not the answer. Titles and adjectives in
    front ("Belarusian President Alexander Lukashenko") say whose name is asked, not which."""
    rest = _without_asked_words(candidate, asked)
    said = candidate[: len(candidate) - len(rest)].split()
    return any(
        not _ADJECTIVAL.search(word) and not re.fullmatch(_ROLE_NOUN, fold(word)) and fold(word) not in _OPENERS
        for word in said
    )


# A name that opens with a small letter: "iPod", "iTunes", "eBay".
_BRAND = re.compile(r"([a-z]+[A-Z][\w’'-]*)\s+$")


def _names_whose(sentence: str, span: Span, noun: str) -> bool:
    """Whether the name at ``span`` stands in front of the asked ``noun`` that a name follows
    with "of": "New York City" in "the New York City borough of Queens" says whose borough."""
    following = re.match(r"\s+([\w’'-]+)", sentence[span.end :])
    return (
        following is not None
        and fold(following.group(1)) in (noun, f"{noun}s")
        and _PLACE_OF.fullmatch(fold(following.group(1)).removesuffix("s")) is not None
        and _OF_NAME.match(sentence, span.end + following.end()) is not None
    )


def _after_asked_brand(question: str, sentence: str, span: Span, asked: Sequence[str]) -> bool:
    """Whether ``span`` ends a name that opens with an asked brand written with a small
    first letter: "Hi-Fi" of "iPod Hi-Fi" is no answer to "who manufactures iPods?". It is
    to a question for a kind of it: "which iPod model…?", "the smallest version of the iPod"."""
    brand = _BRAND.search(sentence[: span.start])
    if brand is None or not _shares_word(brand.group(1), asked):
        return False
    head = _asked_head_noun(question)
    if head is None:
        return True
    own = re.escape(fold(brand.group(1)))
    kind_of = rf"\b{own}\w*\s+{re.escape(head)}|\b{re.escape(head)}s?\s+of\s+(?:the\s+|an?\s+)?{own}"
    return re.search(kind_of, fold(question)) is None


def _relative_of_asked(question: str, candidate: str, asked: Sequence[str]) -> bool:
    """Whether ``candidate`` is a full name that shares only its family name with the question,
    which asks for a relative: "Nicolas Chopin" for "who was Chopin's father?"."""
    words = _words_of(candidate)
    relative = _RELATIVE.search(question)
    return (
        relative is not None
        and len(words) >= 2
        and _same_word(words[-1], fold(relative.group("family")))
        and not any(_same_word(w, a) for w in words[:-1] for a in asked)
    )


def _closeness(sentence: str, span: Span, anchors: Sequence[tuple[int, float]]) -> float:
    """How closely the shared words stand around ``span``; the agent of a shared verb
    ("created by … Alexi Navalny") counts as close."""
    near = sum(weight * math.exp(-_distance(sentence, span, [(a, weight)]) / 3) for a, weight in anchors)
    agent = re.search(r"\bby\s+(?:\S+\s+){0,3}$", sentence[max(0, span.start - 40) : span.start])
    follows_anchor = any(0 < span.start - a <= 60 for a, _ in anchors)
    copula = _COPULA.search(sentence, max(0, span.start - 60), span.start)
    return (
        near
        + (_AGENT if agent and follows_anchor else 0.0)
        + (_COPULA_NAME if copula and all(a < copula.start() for a, _ in anchors) else 0.0)
        + (_APPOSITION if _described(sentence, span, anchors) else 0.0)
    )


def _described(sentence: str, span: Span, anchors: Sequence[tuple[int, float]]) -> bool:
    """Whether an apposition right after ``span`` holds a shared word: "the FSB, the successor
    to the KGB" describes the FSB."""
    apposition = re.match(r",\s+(?:the|a|an)\s+[^,;:()“”]{3,60}", sentence[span.end :])
    if apposition is None:
        return False
    start = span.end + apposition.start()
    return any(start < a < span.end + apposition.end() for a, _ in anchors)


def _is_full(sentence: str, span: Span) -> bool:
    return len(sentence[span.start : span.end].split()) >= 2


def _shares_word(candidate: str, asked: Sequence[str]) -> bool:
    return any(any(_same_word(w, a) for a in asked) for w in _words_of(candidate) if w not in _OPENERS)


def _without_asked_words(candidate: str, asked: Sequence[str]) -> str:
    """``candidate`` without leading words the question already says ("Belarusian President
    Alexander Lukashenko" for "the Belarusian president's name" is "Alexander Lukashenko")."""
    openings = {w[:5] for w in asked}
    rest = candidate
    while (match := _WORD.match(rest)) and rest[match.end() :].strip():
        word = fold(match.group()).removesuffix("’s").removesuffix("'s")
        if word[:5] not in openings:
            break
        rest = rest[match.end() :].lstrip()
    return rest


def _phrases_after(sentence: str, opener: re.Pattern[str], anchors: Sequence[tuple[int, float]] | None) -> list[Span]:
    """The few words after each ``opener`` ("as", "to a …") that follows a shared word at once
    (any opener when ``anchors`` is None), without a leading article or quote mark: "extremist
    organization" in "classify the company as an ‘extremist organization,’"."""
    spans = []
    for match in opener.finditer(sentence):
        if anchors is not None:
            before = [(a, weight) for a, weight in anchors if a < match.start()]
            if not before or _distance(sentence, Span(match.start(), match.end()), before) > MAX_PHRASE_GAP:
                continue
        rest = sentence[match.end() :]
        stop = _PHRASE_END.search(rest)
        phrase = rest[: stop.start()] if stop else rest
        lead = _LEADING_ARTICLE.match(phrase)
        skip = lead.end() if lead else 0
        found = list(_WORD.finditer(phrase, skip))[:_PHRASE_WORDS]
        if not found or _NOT_A_PLACE.match(phrase[skip:]) or _TIME.match(phrase[skip:]):
            continue
        spans.append(Span(match.end() + found[0].start(), match.end() + found[-1].end()))
    return spans


def _follows_asked_preposition(question: str, sentence: str, span: Span) -> bool:
    """Whether ``span`` follows the preposition that ends ``question``: "the Washington Post" in
    "said in a statement to the Washington Post" for "who did he say it to?"."""
    ending = _ENDING_PREPOSITION.search(question)
    return ending is not None and bool(
        re.search(rf"\b{ending.group(1)}\s+(?:the\s+|a\s+|an\s+)?$", sentence[: span.start], re.I)
    )
