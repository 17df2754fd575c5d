"""Finding and growing candidate spans in a sentence: names, places, counted nouns."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from index.answer.answer_types import PARTITIVE, UNIT_AFTER_NUMBER
from index.answer.short_answer.patterns import (
    _ADJECTIVAL,
    _CAPITALISED,
    _NOT_NOUN_PHRASE,
    _OPENERS,
    _OPENING_ADVERB,
    _PAST_VERB,
    _PHRASE_WORDS,
    _QUANTIFIERS,
    _QUESTION_WORDS,
    _REPORTING,
    _TIME,
    _WORD,
    Span,
)
from index.ingest.text import STOP_WORDS, UPPER, fold


def _with_place_noun(sentence: str, span: Span) -> Span:
    """ "Moscow" in "lines at train stations in Moscow" is "train stations in Moscow"."""
    before = re.search(
        r"\b(?:at|on|near|outside|inside|to|from|into)\s+((?:the\s+|a\s+)?(?:[a-z]+\s+){1,3}(?:in|of)\s+)$",
        sentence[: span.start],
    )
    return Span(before.start(1), span.end) if before else span


_ADJECTIVE_ENDING = re.compile(r"[a-z](?:ic|al|ive|ous|ful|ent|ant|ary|ern)$")


# The lower-case word after a position: "24 *hours*", "Russian *propaganda*".
_NEXT_WORD = re.compile(r"\s+([a-z][\w-]*)")


def _with_counted_noun(sentence: str, span: Span, asked_stems: set[str], stem: Callable[[str], str]) -> Span:
    """The number with the noun the question counts: "24" for "how many hours" is "24 hours";
    "most" for "how many companies" is "most of the major American credit card companies"."""
    if PARTITIVE.match(sentence, span.start):
        # To the last of the question's words in a row: "card companies", not "card".
        found = list(_WORD.finditer(sentence, span.end))[: _PHRASE_WORDS + 1]
        last = None
        for number, word in enumerate(found):
            if stem(fold(word.group())) in asked_stems:
                last = number
            elif last is not None:
                break
        return span if last is None else Span(span.start, found[last].end())
    # "5,000 francs", and "468.9 square miles" even for "how big is it in square miles?".
    unit = UNIT_AFTER_NUMBER.match(sentence, span.end)
    end = unit.end() if unit else span.end
    following = _NEXT_WORD.match(sentence, span.end)
    # "16th on the list" for "where did it rank on the list?" counts no "on".
    if following and fold(following.group(1)) not in STOP_WORDS and stem(fold(following.group(1))) in asked_stems:
        counted = following.end()
        # "some 30 public performances": an adjective goes on to its noun.
        while _ADJECTIVE_ENDING.search(sentence, 0, counted) and (noun := _NEXT_WORD.match(sentence, counted)):
            if fold(noun.group(1)) in STOP_WORDS:
                break
            counted = noun.end()
        end = max(end, counted)
    return Span(span.start, end)


def _modifies_a_noun(sentence: str, span: Span) -> bool:
    """A lone capitalised word used as an adjective or possessive ("Russian propaganda",
    "American credit card companies", "Meta’s president") names no answer."""
    text = sentence[span.start : span.end]
    following = _NEXT_WORD.match(sentence, span.end)
    return len(text.split()) == 1 and following is not None and bool(_ADJECTIVAL.search(text))


def _with_group_noun(sentence: str, span: Span) -> Span:
    """ "Russian" before "agents" is "Russian agents": an adjectival name with the people it qualifies."""
    following = re.match(r"\s+([a-z]+s)\b", sentence[span.end :])
    text = sentence[span.start : span.end]
    # "the Emperor’s attempts" are no people: a possessive qualifies anything.
    possessive = text.endswith(("’s", "'s"))
    if (
        _ADJECTIVAL.search(text)
        and not possessive
        and following
        and following.group(1) not in _QUESTION_WORDS | _REPORTING
    ):
        return Span(span.start, span.end + following.end())
    return span


def _without_modifiers(sentence: str, names: list[Span]) -> list[Span]:
    """Drop a name that only modifies a noun before another name: "Putin" in "Putin opponent
    Alexi Navalny"."""
    kept = []
    for number, span in enumerate(names):
        between = sentence[span.end : names[number + 1].start] if number + 1 < len(names) else ""
        # A verb between two names ("Apple sued Samsung", "the emperor invited Deshin Shekpa")
        # leaves the first the one who did it.
        if (
            re.fullmatch(r"\s+[a-z]+\s+", between)
            and between.strip() not in _QUESTION_WORDS
            and not _PAST_VERB.fullmatch(between.strip())
        ):
            continue
        kept.append(span)
    return kept


def _matches(pattern: re.Pattern[str], sentence: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in pattern.finditer(sentence) if m.group().strip()]


def _is_time(sentence: str, span: Span) -> bool:
    """A number that is part of a date ("February 24") is no count."""
    return any(m.start() <= span.start and span.end <= m.end() for m in _TIME.finditer(sentence))


_PARTICIPLE = re.compile(r"[a-z]{2,}(?:ing|ed)")


def _names(sentence: str, is_name: Callable[[str], bool] | None = None) -> list[Span]:
    """Capitalised spans, without a sentence-opening word that is capitalised only for that:
    a word that opens sentences, or a participle the articles never write as a name
    (``is_name``): "Having walked Boo home, …"."""
    spans = []
    for match in _CAPITALISED.finditer(sentence):
        start, text = match.start(), match.group()
        first = text.split()[0]
        folded = fold(first).strip("’'")
        if _opens_sentence(sentence, start) and (
            folded in _OPENERS | _QUANTIFIERS
            or _OPENING_ADVERB.match(sentence, start)
            or (is_name is not None and _PARTICIPLE.fullmatch(folded) is not None and not is_name(folded))
        ):
            # "Then the Smart Voting app": "the" joined "Then" to the name.
            rest = re.sub(r"^(?:the|of)\s+", "", text[len(first) :].lstrip())
            if not rest:
                continue
            start = match.end() - len(rest)
        end = match.end()
        # "Moscow." ends the sentence; "U.S." keeps its stop.
        if sentence[end - 1] == "." and not re.search(r"\.\w+\.$", sentence[start:end]):
            end -= 1
        spans.append(Span(start, end))
    return spans


def _opens_sentence(sentence: str, position: int) -> bool:
    return not sentence[:position].strip(" ‘“\"'([")


def _description(found: re.Match[str], sentence: str) -> str | None:
    """For "who is X?", X being ``found`` in ``sentence``: the appositive that says who X is
    ("Nick Clegg, Meta’s president of public affairs," or "The head of Instagram, Adam Mosseri,")."""
    # The apposition ends at a comma, or with the sentence when it opens with an article: "… from
    # the FSB, the successor to the KGB."
    after = re.match(
        r",\s+([^,;:“”()]{3,80}?),|,\s+((?:the|a|an)\s+[^,;:“”()]{3,80}?)[.!?]?[’”\"')]*$", sentence[found.end() :]
    )
    apposition = after and (after.group(1) or after.group(2))
    if apposition and len(apposition.split()) <= 8 and not _NOT_NOUN_PHRASE.match(apposition):
        return apposition
    # Between dashes, to a relative clause: "the Smart Voting app – an app created by Alexi
    # Navalny which allowed … –".
    dashed = re.match(
        r"\s+[–—]\s+((?:the|a|an)\s+[^–—;:“”()]{3,80}?)(?:,?\s+(?:which|who|that)\b|\s+[–—])", sentence[found.end() :]
    )
    if dashed and len(dashed.group(1).split()) <= 8:
        return dashed.group(1)
    # "The FDNY's motto is New York's Bravest.": what the sentence says X is, to its end.
    said = re.match(
        r"\s+(?:is|was|are|were)\s+(?!(?:not|also|now|still|being)\b)([^,;:“”()]{2,60}?)[.!?]?[’”\"')]*$",
        sentence[found.end() :],
    )
    if said and len(said.group(1).split()) <= 8:
        return said.group(1)
    before = re.search(r"(?:^|,\s+|\b(?:by|from|with)\s+)([^,;:“”()]{3,80}?),\s+$", sentence[: found.start()])
    # "However, X …" is no description: one word before a comma is an opener, not a title.
    if before and 2 <= len(before.group(1).split()) <= 8 and not _NOT_NOUN_PHRASE.match(before.group(1).lower()):
        return before.group(1)
    if not found.group()[:1].isupper():
        # "Who were the agents?": the name in front says whose ("the supposed FSB agents").
        named = re.search(rf"\b((?:[{UPPER}][\w’'-]*\s+)+)$", sentence[: found.start()])
        if named and not _opens_sentence(sentence, named.start(1)) and not _ADJECTIVAL.search(named.group(1).strip()):
            return sentence[named.start(1) : found.end()]
        return None
    # A title in front of the name, without commas: "state media watchdog Roskomnadzor".
    title = re.search(r"(?<!\w)((?:the\s+)?(?:[a-z][a-z-]+\s+){1,3})$", sentence[: found.start()])
    if title:
        words = title.group(1).split()
        while words and (words[0].endswith("ed") or words[0] in _QUESTION_WORDS - {"the"}):
            words = words[1:]
        if words and words != ["the"] and words[-1] not in _QUESTION_WORDS:
            return " ".join(words)
    return None


def _words_of(text: str) -> list[str]:
    return [fold(w).replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]


def _same_word(word: str, asked: str) -> bool:
    if word[:5] == asked[:5]:
        return True
    return len(word) >= 4 and fuzz.ratio(word, asked) >= 80


def _anchor_positions(sentence: str, asked_stems: set[str], stem: Callable[[str], str]) -> list[tuple[int, float]]:
    """The sentence's words that the question also uses: each word's offset, and its weight
    (a word the sentence repeats locates less: 1 / the square root of its count)."""
    found: list[tuple[int, str]] = []
    for match in _WORD.finditer(sentence):
        word = fold(match.group()).replace("’", "'").removesuffix("'s")
        if word in _OPENERS or len(word) < 3:
            continue
        own = stem(word)
        for asked in asked_stems:
            if own == asked or (len(asked) >= 3 and (own.startswith(asked) or asked.startswith(own))):
                found.append((match.start(), asked))
                break
    counts = {asked: sum(a == asked for _, a in found) for _, asked in found}
    return [(position, 1 / math.sqrt(counts[asked])) for position, asked in found]


def _distance(sentence: str, span: Span, anchors: Sequence[tuple[int, float]]) -> int:
    """Words between ``span`` and the nearest anchor (0 when an anchor is inside it)."""

    def words_between(anchor: int) -> int:
        if span.start <= anchor < span.end:
            return 0
        if anchor < span.start:
            # The anchor's own word is not between.
            return max(0, len(_WORD.findall(sentence[anchor : span.start])) - 1)
        return len(_WORD.findall(sentence[span.end : anchor]))

    return min(words_between(anchor) for anchor, _ in anchors)
