"""What the question itself names: its subject, the noun of "which …", the end of
a lifespan it asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from index.answer.short_answer.patterns import (
    _ASKED_NOUN_PATTERN,
    _CAPITALISED,
    _MODIFIERS,
    _NOT_MODIFIER,
    _OF_NAME,
    _OPENERS,
    _PHRASE_WORDS,
    _PLACE_OF,
    _QUESTION_WORDS,
    _WHO_IS,
    _WORD,
    MAX_PHRASE_GAP,
    Span,
)
from index.answer.short_answer.spans import _anchor_positions, _distance, _same_word, _words_of
from index.ingest.text import UPPER, fold

_WHAT_IS_THE = re.compile(r"^\W*(?:and\s+)?what(?:['’]s|s| is| was| are| were)\s", re.I)


_ENDS_AT_NOUN = re.compile(r"(?:\s+(?:thing|stuff|all about|about|exactly))?\W*$", re.I)


def _named_in_question(question: str, sentence: str) -> re.Match[str] | None:
    """Where ``sentence`` writes the thing "what's the Smart Voting app?" asks about with the
    question's words in front of the asked noun, capitalised there as a name; else None."""
    asked = _ASKED_NOUN_PATTERN.search(question)
    # Only "what is the X app?" asks what it is: "what Lee Greenwood song did she cover?" which.
    if asked is None or not _WHAT_IS_THE.match(question) or not _ENDS_AT_NOUN.match(question, asked.end("noun")):
        return None
    framed = question[asked.start() : asked.start("noun")]
    # "what's" is "what": a question word, not a modifier.
    modifiers = [w for w in _WORD.findall(framed) if re.sub(r"['’]s$", "", fold(w)) not in _QUESTION_WORDS]
    if not modifiers:
        return None
    written = r"\s+".join(map(re.escape, [*modifiers, asked.group("noun")]))
    found = re.search(rf"\b{written}\b", sentence, re.I)
    if found is None or not all(w[:1].isupper() for w in found.group().split()[: len(modifiers)]):
        return None
    return found


def _find_subject(question: str, sentence: str) -> re.Match[str] | None:
    """Where the sentence names the subject of "who is X?", exactly or misspelt."""
    match = _WHO_IS.match(question)
    subject = re.sub(r"^(the|a|an)\s+", "", match.group("subject"), flags=re.I) if match else ""
    if len(subject) < 3:
        return None
    found = re.search(rf"\b{re.escape(subject)}\b", sentence, re.I)
    if found is not None:
        return found
    for name in _CAPITALISED.finditer(sentence):
        if fuzz.ratio(fold(subject), fold(name.group())) >= 80:
            return name
    return None


_APPOSITIVE_TITLE = re.compile(rf",\s+[“\"]?([{UPPER}][^,;:()“”\"]{{0,60}}?)[”\"]?\s*(?=[,;:(.]|$)")


def _which_of_noun(question: str, sentence: str, stem: Callable[[str], str]) -> str | None:
    """For "what laws …?", the sentence's words in front of that noun, with it: "citing Russian
    propaganda and extremism laws" gives "Russian propaganda and extremism laws"; or the title
    set after it ("her debut album, Dangerously in Love"). None when the noun is not there,
    has no such words, or a name follows it ("the company Meta")."""
    asked = _ASKED_NOUN_PATTERN.search(question)
    if asked is None:
        return None
    noun = stem(fold(asked.group("noun")))
    said = _words_of(question)
    # The phrase must stand by the question's other words ("citing … laws" for "cite"), or any
    # "third party companies" in the sentence would answer "which company".
    anchors = _anchor_positions(sentence, {stem(w) for w in said if w not in _QUESTION_WORDS} - {noun}, stem)
    for match in _WORD.finditer(sentence):
        if stem(fold(match.group())) != noun:
            continue
        # A name set after the noun ("her debut album, Dangerously in Love (2003),", "the New
        # York City borough of Queens") is which one, small words and all; the words in front
        # only say whose.
        named = _APPOSITIVE_TITLE.match(sentence, match.end()) or (
            _PLACE_OF.fullmatch(match.group()) and _OF_NAME.match(sentence, match.end())
        )
        if (
            named
            and len(named.group(1).split()) <= _PHRASE_WORDS
            and anchors
            and _distance(sentence, Span(match.start(), named.end()), anchors) <= MAX_PHRASE_GAP
        ):
            return named.group(1)
        # "the company Meta": the name is the answer, and the name candidates find it.
        if re.match(rf",?\s+[“\"]?[{UPPER}]", sentence[match.end() :]):
            continue
        before = re.search(r"((?:[\w’'-]+ ){1,8})$", sentence[: match.start()])
        words = before.group(1).split() if before else []
        kept: list[str] = []
        for word in reversed(words):
            joins = fold(word) in ("and", "or")
            if not joins and (len(kept) >= _MODIFIERS or fold(word) in _OPENERS or _NOT_MODIFIER.fullmatch(word)):
                break
            kept.insert(0, word)
        if kept and kept[-1][:1].isupper():
            # A proper name ("Pelham Bay Park") is its capitalised words, not "city is" before them.
            kept = _capitalised_tail(kept)
        while kept and fold(kept[0]) in ("and", "or"):
            kept.pop(0)
        phrase = Span(match.start() - len(" ".join(kept)) - 1, match.end())
        # A named kind ("Russian propaganda and extremism laws"), not a category ("department stores").
        if (
            any(w[:1].isupper() for w in kept)
            and not _restates_question(" ".join(kept), said)
            and anchors
            and _distance(sentence, phrase, anchors) <= MAX_PHRASE_GAP
        ):
            return sentence[phrase.start : phrase.end]
    return None


# A life's dates in brackets after a name, as encyclopedias open a biography: "Frédéric
# Chopin (/ˈʃoʊpæn/; 22 February or 1 March 1810 – 17 October 1849)", "Beyoncé (born
# September 4, 1981)". Pronunciations and other notes before a semicolon are skipped.
_YEAR_END = r"\d{3,4}(?:\s*(?:BC|AD|BCE|CE)\b)?"


_DATES_TO_YEAR = rf"[^();–]*?{_YEAR_END}"


_LIFESPAN = re.compile(
    rf"\((?:[^()]*;\s*)?(?:(?:born|b\.)\s+(?P<only>{_DATES_TO_YEAR})|"
    rf"(?P<born>{_DATES_TO_YEAR})\s*[–-]\s*(?P<died>{_DATES_TO_YEAR}))\)"
)


# The same brackets, and a reign's: "the Hongwu Emperor (r. 1368–1398)".
_BRACKETED_LIFE = re.compile(
    rf"\((?:[^()]*;\s*)?(?:(?:born|b\.|r\.|reigned|ruled)\s+[^()]*?{_YEAR_END}|"
    rf"{_DATES_TO_YEAR}\s*[–-]\s*{_DATES_TO_YEAR})\)"
)


_BIRTH_WORDS = r"born|birth|birthday"


_DEATH_WORDS = r"die|died|dies|death|pass away|passed away"


_ASKS_BIRTH = re.compile(rf"\b({_BIRTH_WORDS})\b", re.I)


_ASKS_DEATH = re.compile(rf"\b({_DEATH_WORDS})\b", re.I)


_ASKS_LIFE = re.compile(rf"\b({_BIRTH_WORDS}|{_DEATH_WORDS}|reign|reigned|rule|ruled|old|age)\b", re.I)


def _lifespan_end(question: str, sentence: str) -> str | None:
    """For "when was X born?" or "when did X die?", that end of a life's dates in brackets
    (None for the death of someone the brackets give only a birth for)."""
    lifespan = _LIFESPAN.search(sentence)
    if lifespan is None:
        return None
    if _ASKS_BIRTH.search(question):
        return (lifespan.group("only") or lifespan.group("born")).strip()
    if _ASKS_DEATH.search(question) and lifespan.group("died"):
        return lifespan.group("died").strip()
    return None


_NAME_JOINERS = frozenset({"of", "and", "&", "de"})


def _capitalised_tail(words: list[str]) -> list[str]:
    """The last run of ``words`` that are capitalised, small joining words inside it kept
    ("Office of Parks")."""
    start = len(words)
    while start > 0 and (words[start - 1][:1].isupper() or fold(words[start - 1]) in _NAME_JOINERS):
        start -= 1
    while start < len(words) and fold(words[start]) in _NAME_JOINERS:
        start += 1
    return words[start:]


def _restates_question(candidate: str, asked: Sequence[str]) -> bool:
    """Whether every word of ``candidate`` is already in the question: by its first five
    letters, or misspelt ("nik clegg" says "Nick Clegg")."""
    words = [w for w in _words_of(candidate) if w not in _OPENERS]
    return not words or all(any(_same_word(w, a) for a in asked) for w in words)
