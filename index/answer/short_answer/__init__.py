"""The few words that answer a factoid question, copied from the cited sentence.

"Who is the head of Instagram?" is answered by "Adam Mosseri", "How many
users…?" by "80 million users", "When…?" by "midnight on Sunday". The span
is found by rules: the question says what kind of thing it wants (a person
or organisation, a time, a number, a duration, a place, a name); the
sentence's candidates of that kind are the spans that match its patterns
and that the question does not already say; the one nearest the words the
sentence shares with the question wins, as in classic extractive QA. A
wrong span is worse than none, so a candidate far from every shared word,
or a question of no such kind, gives None: the reply then opens with the
sentence itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index.answer.answer_types import ORDINAL, PARTITIVE, asks_rank
from index.answer.meanings import asked_term, meaning
from index.answer.short_answer.asked import (
    _ASKS_BIRTH,
    _ASKS_DEATH,
    _ASKS_LIFE,
    _BRACKETED_LIFE,
    _LIFESPAN,
    _find_subject,
    _lifespan_end,
    _named_in_question,
    _restates_question,
    _which_of_noun,
)
from index.answer.short_answer.checks import (
    _ASKS_COUNT,
    _ASKS_PRICE,
    _MONEY,
    _RELATIVE_CLAUSE,
    _after_asked_brand,
    _asked_head_noun,
    _asked_verb_stems,
    _clause_holds_anchor,
    _closeness,
    _does_asked_verb,
    _follows_asked_preposition,
    _is_full,
    _is_money,
    _names_whose,
    _phrases_after,
    _relative_of_asked,
    _rest_of_asked_name,
    _shares_word,
    _without_asked_words,
)
from index.answer.short_answer.patterns import (
    _AGE,
    _AS_PHRASE,
    _ASKED_OBJECT,
    _ASKS,
    _DOER,
    _DURATION,
    _EVENT_KINDS,
    _FREQUENCY,
    _FULL_NAME,
    _NAMED_PLACE,
    _NUMBER,
    _OPENING_QUOTES,
    _PLACE_AFTER,
    _PLACE_PREPOSITION,
    _QUESTION_WORDS,
    _REFERS_BY_PRONOUN,
    _ROLE,
    _TIME,
    _VARIANTS,
    _WHAT_IS_NAME,
    MAX_LONE_DISTANCE,
    MAX_PLACE_DISTANCE,
    MAX_TYPED_DISTANCE,
    MIN_CLOSENESS,
    ShortKind,
    Span,
)
from index.answer.short_answer.spans import (
    _anchor_positions,
    _description,
    _distance,
    _is_time,
    _matches,
    _modifies_a_noun,
    _names,
    _with_counted_noun,
    _with_group_noun,
    _with_place_noun,
    _without_modifiers,
    _words_of,
)
from index.ingest.text import UPPER


def asked_short_kind(question: str) -> ShortKind | None:
    """The kind of short answer ``question`` asks for, or None for why/how/what-happened questions."""
    if asked_term(question) is not None:
        return "meaning"
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


def short_answer(
    question: str,
    sentence: str,
    stem: Callable[[str], str],
    about: str = "",
    title: str = "",
    is_name: Callable[[str], bool] | None = None,
) -> str | None:
    """The exact substring of ``sentence`` that answers ``question`` in a few words, or None.

    ``stem`` maps a folded word to its stem, so that "owns" finds "owner";
    ``about`` is what a follow-up question was searched with ("when was
    that?" after a question on Facebook), whose words locate the answer;
    ``title`` is the title of the sentence's article: a question that says
    "her" or "his", or names part of it, is about its subject, which is not
    then the answer; ``is_name`` tells whether a folded word is a name in the
    articles, so that a sentence's capitalised opening word that is not
    ("Having walked Boo home, …") is no candidate.
    """
    kind = asked_short_kind(question)
    if kind == "meaning":
        term = asked_term(question)
        return None if term is None else meaning(term, sentence)
    if kind == "person" or (kind is None and _WHAT_IS_NAME.match(question)):
        subject = _find_subject(question, sentence)
        if subject is not None:
            # "Who is Nick Clegg?" wants what the sentence says he is, not another name; "What
            # is Roskomnadzor?" what the sentence calls it ("state media watchdog Roskomnadzor").
            return _description(subject, sentence)
    if kind is None:
        return None
    if kind == "time" and _LIFESPAN.search(sentence) and (_ASKS_BIRTH.search(question) or _ASKS_DEATH.search(question)):
        # A date of birth is no answer to "when did she die?", whatever its distance.
        return _lifespan_end(question, sentence)
    if kind == "name":
        named = _named_in_question(question, sentence)
        if named is not None:
            # "What's the Smart Voting app?" names which app; it asks what the app is.
            return _description(named, sentence)
        which = _which_of_noun(question, sentence, stem)
        if which is not None:
            return which
    # A follow-up's words and those of the exchange it leans on are all "already said".
    asked = _words_of(f"{question} {about}")
    # The answer stands by the question's own words; a bare follow-up ("when was that?") has
    # none, and then the words of the exchange it leans on locate it.
    own = {stem(w) for w in _words_of(question) if w not in _QUESTION_WORDS}
    if kind in _EVENT_KINDS:
        own |= {stem(v) for w in _words_of(question) for v in _VARIANTS.get(w, ())}
    # Own words the sentence lacks ("whats it called?") do not locate anything either.
    anchors = _anchor_positions(sentence, own, stem) or _anchor_positions(
        sentence, {stem(w) for w in asked if w not in _QUESTION_WORDS}, stem
    )
    if not anchors:
        return None
    spans = [
        s
        for s in _candidates(kind, sentence, anchors, question, is_name)
        if not _restates_question(sentence[s.start : s.end], asked)
    ]
    if kind in _EVENT_KINDS and not _ASKS_LIFE.search(question):
        # "Li Zicheng (1606–1645)", "the Hongwu Emperor (r. 1368–1398)": a life's or reign's
        # dates in brackets are not when the sentence's event happened.
        life = [m.span() for m in _BRACKETED_LIFE.finditer(sentence)]
        spans = [s for s in spans if not any(a <= s.start and s.end <= b for a, b in life)]
    if kind in ("person", "name", "place"):
        # "Alexi Navalny" does not answer a question about Navalny's app.
        # A place is judged by the asker's own words: "the Apple and Google app stores" answers
        # "where was it taken down from?" after a question on the app.
        said = _words_of(question) if kind == "place" else asked
        # "Pelham Bay Park" answers "what's the largest park?": a name may end in the asked noun.
        head = _asked_head_noun(question)
        said = [w for w in said if w != head]
        if head is not None:
            # "The New York City borough of Queens": a name in front of the asked noun says whose.
            spans = [s for s in spans if not _names_whose(sentence, s, head)]
        spans = [
            s
            for s in spans
            if (
                not _shares_word(_without_asked_words(sentence[s.start : s.end], said), said)
                and not _rest_of_asked_name(sentence[s.start : s.end], said)
                and not _after_asked_brand(question, sentence, s, said)
            )
            or _relative_of_asked(question, sentence[s.start : s.end], said)
        ]
        titled = _words_of(title)
        if titled and (_REFERS_BY_PRONOUN.search(question) or _shares_word(title, _words_of(question))):
            # A question about the article's subject ("her boyfriend", "who developed Twilight
            # Princess?") is not answered by its name ("Beyoncé", "The Legend of Zelda").
            spans = [s for s in spans if not _restates_question(sentence[s.start : s.end], titled)]
    if not spans:
        return None
    if kind == "role":
        best = spans[0]
    elif kind == "place":
        # A place follows "in", "at", "to"…: the type is clear; the nearest one wins, one in the
        # main clause first ("… is Todt Hill on Staten Island, which … is the highest point on
        # the Eastern Seaboard": the relative clause describes Staten Island).
        relative = _RELATIVE_CLAUSE.search(sentence)
        main = [s for s in spans if relative is None or s.end <= relative.start()]
        near = [s for s in main if _distance(sentence, s, anchors) < MAX_PLACE_DISTANCE]
        best = min(near or spans, key=lambda s: (_distance(sentence, s, anchors), s.start))
        if _distance(sentence, best, anchors) >= MAX_PLACE_DISTANCE:
            return None
    elif kind in ("person", "name"):
        # Names: the candidate the shared words crowd around, a full name before a lone word.
        verb_stems = _asked_verb_stems(question, stem)

        def closeness(span: Span) -> float:
            return (
                _closeness(sentence, span, anchors)
                + _ASKED_OBJECT * _follows_asked_preposition(question, sentence, span)
                + _DOER * _does_asked_verb(sentence, span, verb_stems, stem)
            )

        best = max(spans, key=lambda s: (closeness(s) + _FULL_NAME * _is_full(sentence, s), -s.start))
        if closeness(best) < MIN_CLOSENESS:
            return None
    else:
        # "Chopin was born in the Duchy of Warsaw, and grew up in Warsaw, which after 1815 became
        # part of Congress Poland": 1815 is when Warsaw changed hands, not when he was born.
        spans = [s for s in spans if _clause_holds_anchor(sentence, s, anchors)]
        if not spans:
            return None
        best = min(spans, key=lambda s: (_distance(sentence, s, anchors), s.start))
        limit = MAX_LONE_DISTANCE if len(spans) == 1 else MAX_TYPED_DISTANCE
        if _distance(sentence, best, anchors) >= limit:
            return None
        if kind == "number":
            best = _with_counted_noun(sentence, best, {stem(w) for w in asked}, stem)
    found = _without_asked_words(sentence[best.start : best.end], asked).strip(" ,;:")
    if kind in ("person", "name") and found == found.lower() and not _ROLE.fullmatch(sentence[best.start : best.end]):
        # What is left of "Yongle Emperor’s attempts" once the question's words are gone is no one.
        return None
    return found


def _candidates(
    kind: ShortKind,
    sentence: str,
    anchors: Sequence[tuple[int, float]],
    question: str,
    is_name: Callable[[str], bool] | None,
) -> list[Span]:
    if kind == "role":
        # "label Meta as" finds "classify the company as": the sentence's one such phrase.
        anchored = _phrases_after(sentence, _AS_PHRASE, anchors)
        if anchored:
            return anchored
        everywhere = _phrases_after(sentence, _AS_PHRASE, None)
        return everywhere if len(everywhere) == 1 else []
    if kind == "time":
        return _matches(_TIME, sentence)
    if kind == "duration":
        return _matches(_DURATION, sentence)
    if kind == "age":
        return [Span(*m.span(1) if m.group(1) else m.span(2)) for m in _AGE.finditer(sentence)]
    if kind == "frequency":
        return _matches(_FREQUENCY, sentence)
    if kind in ("number", "percent"):
        # "one of his nocturnes" counts nothing.
        numbers = [
            s
            for s in _matches(_NUMBER, sentence)
            if not _is_time(sentence, s)
            and not re.match(r"one\s+of\b", sentence[s.start :], re.I)
            # "the 7 Subway Extension" is a name, not seven of anything ("six Grammy Awards" are).
            and not (
                re.search(r"\bthe\s+$", sentence[: s.start], re.I) and re.match(rf"\s+[{UPPER}]", sentence[s.end :])
            )
        ]
        # "most of the …" counts roughly; the span is widened to the counted noun later.
        numbers += [Span(m.start(), m.end(1)) for m in PARTITIVE.finditer(sentence)]
        if asks_rank(question):
            numbers += _matches(ORDINAL, sentence)
        percents = [s for s in numbers if re.search(r"%|per ?cent", sentence[s.start : s.end], re.I)]
        if kind == "percent":
            return percents
        if _ASKS_PRICE.search(question):
            # "How much does a ride cost?" is answered by an amount of money, not "1.75 billion" rides.
            return [s for s in numbers if _is_money(sentence, s)]
        counted = _ASKS_COUNT.search(question)
        if counted and not any(_MONEY.fullmatch(word) for word in counted.group("counted").split()):
            # "How many New Yorkers work in food processing?" counts people, not "$5 billion".
            numbers = [s for s in numbers if not _is_money(sentence, s)]
        # "How many people" asks for a count; a percentage answers "what share".
        return [s for s in numbers if s not in percents] or percents
    names = _names(sentence, is_name)
    if kind == "place":
        named = [
            _with_place_noun(sentence, s)
            for s in names
            if _PLACE_PREPOSITION.search(sentence[: s.start])
            and not _modifies_a_noun(sentence, s)
            and not _TIME.fullmatch(sentence[s.start : s.end])
        ]
        if _NAMED_PLACE.search(question):
            # "Which city…?" wants a name, not "a hotel room".
            return named
        # Without a capital letter ("to a hotel room"), only a phrase right after the shared words.
        return named + [s for s in _phrases_after(sentence, _PLACE_AFTER, anchors) if s not in named]
    names = _without_modifiers(sentence, names)
    if kind == "person":
        # "Russian agents" are who; "Russian" alone is not.
        names = [_with_group_noun(sentence, s) for s in names]
    names = [s for s in names if not _modifies_a_noun(sentence, s)]
    people = [s for s in names if not _TIME.fullmatch(sentence[s.start : s.end])]
    if kind == "person":
        # A name in quotes is a title ("Single Ladies"), not who did something.
        people = [s for s in people if sentence[max(0, s.start - 1) : s.start] not in _OPENING_QUOTES]
        people += [Span(m.start(), m.end()) for m in _ROLE.finditer(sentence)]
    if kind == "person" or (kind == "name" and not _NAMED_PLACE.search(question)):
        # "in Russia" is where, not who, nor the executive's name.
        people = [
            s for s in people if not re.search(r"\b(?:in|at|inside|near)\s+(?:the\s+)?$", sentence[: s.start], re.I)
        ]
    return people
