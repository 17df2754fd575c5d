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

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bm25s.stopwords import STOPWORDS_EN
from rapidfuzz import fuzz

from index.answer_types import CURRENCY, ORDINAL, PARTITIVE, UNIT_AFTER_NUMBER, asks_rank
from index.meanings import asked_term, meaning
from index.text import UPPER, fold

ShortKind = Literal[
    "person", "time", "number", "percent", "duration", "age", "frequency", "place", "name", "role", "meaning"
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A time or number this many words or more from every word the sentence shares with the question
# is a guess. A name must have shared words close around it: closeness sums exp(-d/3) over the
# shared words d words away, so one word two off, or two words five off, make it.
MAX_TYPED_DISTANCE = 16
MIN_CLOSENESS = 0.5
# A full name ("Alexi Navalny") outweighs a lone capitalised word ("Putin") this much.
_FULL_NAME = 0.3
_AGENT = 0.3
# Possessives and nationality adjectives: "Meta’s", "Russian", "Belarusian", "Chinese", "British",
# "Southern", "Japan-exclusive".
_ADJECTIVAL = re.compile(r"(?:['’]s|[a-z](?:an|ese|ish|i)|(?:th|st)ern|-[a-z]+)$")
MAX_PLACE_DISTANCE = 8
# A time or number that is the sentence's only one of its kind may stand this far from the
# shared words: the sentence was chosen for the question, and there is nothing to confuse it with.
MAX_LONE_DISTANCE = 30
# A lower-case place ("to a hotel room") or role ("as an extremist organization") must follow
# a shared word this closely: without a capital letter, only the syntax says what it is.
MAX_PHRASE_GAP = 2
_PHRASE_WORDS = 6
# A name followed by an apposition that holds a shared word ("the FSB, the successor to the
# KGB") is described by it, however many words the apposition has.
_APPOSITION = 0.5

# "Who did he say it to?", "who did they make peace with?": the answer follows that word, and
# counts as close as an apposition does.
_ENDING_PREPOSITION = re.compile(r"\b(to|with|from|for|by|against|at|on)\W*$", re.I)
_ASKED_OBJECT = 0.5
# "Who bought Manhattan from the Lenape?": the name right before "purchased" did it.
_ASKED_VERB = re.compile(r"^\W*(?:and\s+)?who\s+([a-z]+)\b", re.I)
_AUXILIARIES = frozenset("is was are were did does do has had have will would can could may might".split())
_DOER = 1.0
_SUPERLATIVE_NOUN = re.compile(r"\bthe (?:\w+est|most \w+|first|last) (?P<noun>\w+)", re.I)
# People and bodies named by a role rather than a name: "the state communications regulator",
# "a content moderator". General English nouns, not any article's.
_ROLE_NOUN = (
    r"(?:regulators?|watchdogs?|agency|agencies|authorit(?:y|ies)|officials?|government|ministry|police|"
    r"courts?|company|companies|firms?|owners?|founders?|spokes(?:man|woman|person)|ministers?|presidents?|"
    r"executives?|employees?|moderators?|investigators?|prosecutors?|researchers?|scientists?|residents?|"
    r"workers?|staff|soldiers?|troops|army|military|agents?|lawmakers?|parliament|council|committee|"
    r"commission|board|union|activists?|protesters?|journalists?|reporters?|editors?|developers?|engineers?|"
    r"experts?|analysts?|critics?|opponents?|supporters?|leaders?|mayor|governor|chief|director|managers?|"
    r"citizens|officers?|judges?|lawyers?|doctors?|teachers?|students?|volunteers?|investors?|regime|"
    r"administration|department|bank|banks|newspaper|broadcaster|network)"
)
# Not a role noun that qualifies another noun: "a military invasion", "the police officers".
_ROLE = re.compile(
    rf"\b(?:the|a|an)\s+(?:[a-z][\w-]*\s+){{0,3}}{_ROLE_NOUN}\b(?!\s+(?:{_ROLE_NOUN}|[a-z]+(?:ions?|ments?))\b)"
)
# What follows "as" in "label X as …": words up to a comma, a clause word or the end.
_AS_PHRASE = re.compile(r"\bas\s+(?!(?:well|of|if|though|part|long|soon|much|many|far|such|a result|usual)\b)")
_PHRASE_END = re.compile(
    r"[,;:.!?()“”\"–—]|[’'](?![a-z])|\s(?:which|who|that|because|after|before|while|alleging|"
    r"under|with|without|for|to|in|on|at|by|from|since|until|when|where|as)\b"
)
_NAMED_PLACE = re.compile(
    r"\b(?:city|cities|country|countries|town|region|state|capital|village|province|continent|island)\b", re.I
)
_PLACE_AFTER = re.compile(
    r"\b(?:to|into|in|at|from|inside|near|outside|onto)\s+(?=(?:the|a|an|both|its|their|his|her)\s)"
)
# "in the wake of", "at the end", "in a statement": phrases after a preposition that are no place.
_NOT_A_PLACE = re.compile(
    r"^(?:wake|end|beginning|start|past|future|meantime|face|form|way|name|hope|order|event|case|time|"
    r"statement|interview|report|letter|message|email|post|tweet|reaction|response|rest|middle|process)\b",
    re.I,
)
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|a|an|both|its|their|his|her)\s+)*[‘'\"“]?", re.I)

_NUMBER_WORD = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|forty|"
    "fifty|sixty|seventy|eighty|ninety|hundred|a hundred|a thousand|a million|dozens?|hundreds|thousands|"
    "millions|billions|several|a few|a dozen|half"
)
_NUMERAL = rf"(?:\d[\d,.]*\d|\d|{_NUMBER_WORD})"
_MULTIPLIER = r"(?:\s+(?:million|billion|trillion|thousand|hundred))?"
_APPROX = r"(?:(?:about|around|nearly|almost|over|more than|less than|fewer than|up to|at least|some|roughly)\s+)?"
# Not the "52" of "the 52nd Grammy Awards", nor a number inside a word.
# A unit written onto the number: "30GB", "1.2GHz", "20km".
_GLUED_UNIT = r"(?:[KMGT]B|kB|[kMG]?Hz|[kMG]bps|mAh|km|cm|mm|kg|mph|ft|lbs?)"
_NUMBER = re.compile(
    rf"(?:\b{_APPROX}|(?<!\w)(?=[$€£]))(?:[$€£]\s?)?{_NUMERAL}(?!\d)"
    rf"(?:(?-i:{_GLUED_UNIT})|{_MULTIPLIER}(?![\w’'-]*(?:st|nd|rd|th)\b))(?![A-Za-z])"
    r"(?:\s*(?:%|percent\b|per cent\b))?",
    re.I,
)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries)"
_TIME_CORE = (
    rf"(?:midnight|noon|midday|dawn|{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?|"
    rf"{_MONTH}(?:\s+{_ORDINAL})?(?:,?\s+\d{{3,4}})?|{_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{3,4}})?|"
    r"\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|"
    rf"(?:last|next|this|that|the following|the previous|the same)\s+(?:{_WEEKDAY}|week|weekend|month|year|night|"
    r"morning|spring|summer|autumn|fall|winter)|"
    r"(?:the\s+)?(?:early|late|mid)?-?(?:1\d|20)\d\ds|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\s+century|"
    r"(?:1\d{3}|20\d\d)(?!\s*(?:%|percent|million|thousand|people|users))|\d{1,4}\s*(?:BC|AD|BCE|CE)\b|(?<=\bin\s)\d{3,4}|"
    r"today|yesterday|tomorrow|tonight|"
    rf"(?:{_NUMERAL}|a|an)\s+{_UNIT}\s+(?:ago|later|earlier|after|before))"
)
_TIME = re.compile(rf"\b{_TIME_CORE}(?:\s+(?:on|of|in|at)\s+{_TIME_CORE})?\b", re.I)
_DURATION = re.compile(
    rf"\b(?:{_APPROX}(?:{_NUMERAL}|a|an|several|a few|many)\s+(?:more\s+)?{_UNIT}|"
    r"(?:for|within)\s+(?:hours|days|weeks|months|years|decades)|permanently|temporarily|indefinitely)\b",
    re.I,
)

# The age alone: "20" for "at the age of 20", "aged 20", "20 years old", "a 20-year-old".
_AGE = re.compile(rf"\b(?:age\s+of\s+|aged\s+)({_NUMERAL})\b|\b({_NUMERAL})[- ]years?[- ]old\b", re.I)
_FREQUENCY = re.compile(
    rf"\b(?:every\s+(?:other\s+|{_NUMERAL}\s+)?{_UNIT}|(?:once|twice|{_NUMERAL}\s+times)\s+(?:a|an|per|each|every)\s+"
    r"(?:[a-z]+\s+)?[a-z]+|annually|yearly|biennially|daily|weekly|fortnightly|monthly|hourly|quarterly)\b",
    re.I,
)
# "Chopin's father" is a Chopin: a relative shares the family name the question says.
# Lower case: "Destiny's Child" is a band.
_RELATIVE = re.compile(
    r"(?P<family>[\w-]+)['’]s\s+(?:[a-z]+\s+)?(?:father|mother|parents?|sons?|daughters?|child(?:ren)?|brothers?|"
    r"sisters?|siblings?|wife|husband|spouse|grand(?:father|mother|son|daughter|parents?)s?|uncles?|aunts?|"
    r"cousins?|nephews?|nieces?|family)\b"
)
# "… was the Czech pianist Wojciech Żywny": what a subject holding the question's words is.
_COPULA = re.compile(r"\b(?:is|was|are|were|became|becomes)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}$")
_COPULA_NAME = 0.5
# Words an event is told with in the question and the article alike: "when does the ban
# start?" is answered where the sentence says "beginning at midnight". General English only.
_SAME_EVENT = (
    "start starts started begin begins began beginning commence commenced launch launched",
    "end ends ended finish finished stop stopped expire expired conclude concluded",
    "die died dies death dead",
    "born birth",
    "ban banned block blocked prohibit prohibited forbid forbidden outlaw outlawed",
    "buy bought purchase purchased acquire acquired acquisition",
    "sell sold sale",
    "marry married marriage wedding wed",
    "leave left depart departed departure",
    "arrive arrived arrival reach reached",
    "win won victory",
    "build built construct constructed construction",
    "write wrote written writes pen penned author authored compose composed",
    "found founded establish established",
    "overthrow overthrew overthrown topple toppled",
    "fall fell fallen collapse collapsed",
    "release released publish published",
)
_VARIANTS = {word: tuple(group.split()) for group in _SAME_EVENT for word in group.split()}
# The kinds an event's other words locate: "when did it start", "how many did she win". A name
# or a place is located by the question's own words ("gave birth to their first child" is no
# place of birth).
_EVENT_KINDS = frozenset(("time", "duration", "age", "number"))

# Capitalised words, possibly joined by "of"/"de"/"al" and possessives: "Prosecutor
# General’s Office", "Bank of America", "Adam Mosseri".
_CAPITALISED = re.compile(
    rf"\b(?:[{UPPER}][\w’'.-]*)(?:\s+(?:(?:of|de|del|da|van|von|al|bin|the)\s+)?(?:[{UPPER}][\w’'.-]*|\d+))*"
)
# "Additionally,", "Unsurprisingly,": an adverb opening a sentence (long, so "Italy," stays a name).
_OPENING_ADVERB = re.compile(r"[A-Z][a-z]{5,}ly,")
# Sentence-opening words that are capitalised only for opening it.
_OPENERS = frozenset(
    "the a an but and or so yet in on at as after before since while when if it its this that these those "
    "there their they he she his her we our you your i also however meanwhile then now within "
    "instead even still thus therefore moreover furthermore nevertheless nonetheless although though despite "
    "during following because according whereas indeed later earlier eventually finally initially originally "
    "subsequently today currently soon once here similarly likewise consequently hence otherwise rather "
    "regardless unlike upon under over with without between among by for from to of".split()
)
# Words that open a sentence and are no name: "Most biographers …".
_QUANTIFIERS = frozenset("most many some several few all both each every such another other no".split())
# Verbs that follow a name and are no plural noun: "Rawski writes" is Rawski.
_REPORTING = frozenset(
    "says writes argues states notes claims believes suggests adds explains asserts contends maintains "
    "describes concludes points remarks reports insists admits denies tells asks wants thinks".split()
)
_QUESTION_WORDS = frozenset(STOPWORDS_EN) | frozenset(
    "who whom whose what which when where why how many much long did does do was were is are say said tell "
    "according article happen happened again exactly even whats called named name names".split()
)
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|on|from|to|inside|within|near|outside|across)\s+(?:the\s+)?$", re.I)

# "which security agency": up to two words before the noun, none of them a verb or article.
_ASKED_NOUN = (
    # "which mayor", "what tech company", and "what was her debut album", "what is the debut
    # album" (a bare "what is the law?" asks what it is, not which one).
    r"\b(?:which|what)(?:'s|s| is| was| are| were)? (?:(?:her|his|its|their) |the (?=[\w-]+ [\w-]+))?"
    r"(?:(?!(?:did|does|do|is|was|are|were|has|have|had|will|would|can|could|the|a|an)\b)"
    r"[\w-]+ ){0,2}(?P<noun>leader|person|man|woman|official|executive|minister|journalist|reporter|chief|"
    r"founder|owner|ceo|spokes(?:man|woman|person)|politician|opponent|critic|author|president|"
    r"company|companies|firm|organi[sz]ation|agency|app|application|newspaper|paper|"
    r"outlet|platform|service|watchdog|regulator|office|official|president|"
    r"website|site|network|social network|store|stores|brand|group|party|law|laws|team|body|ministry|"
    r"mayor|governor|king|queen|emperor|prince|princess|pope|general|senator|actor|actress|singer|band|"
    r"album|song|book|novel|film|movie|ship|club|university|school|park|building|bridge|street|award|prize|"
    r"nickname|alias|character|game|console|label|format|system|language|device|product|model|show|series|"
    r"magazine|channel|station|airport|river|island|mountain)\b"
)
_ASKED_NOUN_PATTERN = re.compile(_ASKED_NOUN, re.I)
# Words that end the modifiers in front of a noun, walking back from it.
_NOT_MODIFIER = re.compile(r"\w+(?:ing|ed)$|\d+", re.I)
_MODIFIERS = 4

_ASKS: tuple[tuple[ShortKind, re.Pattern[str]], ...] = (
    # "What are they trying to classify Meta as?": the words after "as" in the sentence.
    ("role", re.compile(r"^\W*(?:and\s+)?(?:what|how)\b.*\s(?:as)\W*$", re.I)),
    ("percent", re.compile(r"\bwhat (percentage|percent|share|proportion|fraction)\b|\bwhat ?%|\bhow much of\b", re.I)),
    ("duration", re.compile(r"\bhow long\b|\bfor how many (hours|days|weeks|months|years)\b", re.I)),
    ("age", re.compile(r"\bhow old\b|\b(at )?what age\b", re.I)),
    ("frequency", re.compile(r"\bhow (often|frequently)\b", re.I)),
    (
        "number",
        re.compile(
            r"\bhow (many|much|big|large|cold|hot|warm|tall|high|far|deep|heavy|fast|wide)\b|"
            r"\bwhat (number|amount|sum)\b|\bthe number of\b|\b(what|which|where)\b.*\brank(ed|s)?\b|"
            r"\b(what|which) (installment|instalment|entry|edition|generation|position)\b|"
            r"\bwhat place did\b",
            re.I,
        ),
    ),
    (
        "time",
        re.compile(
            r"(^|[,;]|\band\b)\s*(when|how soon)\b|\b(from|since|by|until) when\b|"
            r"\b(what|which|at what|on what|by what) (time|day|date|year|month|hour|week)\b",
            re.I,
        ),
    ),
    (
        "name",
        re.compile(
            r"\bwhat('s| is| was| are| were)? (the )?names? of\b|\bwhat('s| is| was)? (his|her|its|their) names?\b|"
            r"\bwhat('s| is| was)? [\w\s’']{1,40}['’]s names?\b|\bnames?\W*$|"
            r"\bwhat (is|was|are|were) [\w\s’']{1,40} called\b|\bwhat'?s [\w\s’']{1,40} called\b|"
            # "What's the largest park in the city?": the one thing a superlative picks out.
            r"\b(what|which)('s|s| is| was| are| were) the (\w+est|most \w+|first|last)\b|" + _ASKED_NOUN,
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"(^|[,;]|\band\b)\s*where(['’]?s)?\b|\b(what|which) (city|country|countries|place|town|region)\b", re.I
        ),
    ),
    ("person", re.compile(r"(^|[,;]|\band\b)\s*(who|whom|whose)\b|\bwho('s| is| was| did)\b", re.I)),
)
# Between commas after a name, a phrase that opens with a preposition, a conjunction, an
# adverb or a verb says when or what it did, not what it is: "Lightning, on September 12,",
# "Foxconn, Apple's manufacturer, initially denied the abuses,".
_NOT_NOUN_PHRASE = re.compile(
    r"(?:on|in|at|by|for|from|with|without|during|after|before|since|until|as|to|into|which|who|whom|whose|"
    r"where|when|while|and|but|or|so|if|because|although|though|however|then|also|including|not|"
    r"[a-z]+ly|[a-z]+ed)\b"
)
_PAST_VERB = re.compile(
    r"[a-z]+ed|met|told|said|sent|gave|made|won|beat|led|took|left|became|wrote|sold|bought|saw|knew|"
    r"caught|fought|brought|taught|struck|chose|drew|overthrew|threw|forgave|shot|hit|let|put|became",
)
_OPENING_QUOTES = frozenset('"“‘\'')
_REFERS_BY_PRONOUN = re.compile(r"\b(?:she|he|her|his|hers|him)\b", re.I)
# "what is Roskomnadzor?", "whats the FSB": one to three words naming something.
_WHAT_IS_NAME = re.compile(r"^\W*(?:and\s+)?what(?:'s| is| was|s)\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,2}\W*$", re.I)
_WHO_IS = re.compile(r"^\W*(?:and\s+)?(?:who|what)(?:'s| is| was| are| were|s)\s+(?P<subject>.+?)\W*$", re.I)


@dataclass(frozen=True)
class Span:
    """A candidate answer: ``sentence[start:end]``."""

    start: int
    end: int


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
    if following and fold(following.group(1)) not in STOPWORDS_EN and stem(fold(following.group(1))) in asked_stems:
        counted = following.end()
        # "some 30 public performances": an adjective goes on to its noun.
        while _ADJECTIVE_ENDING.search(sentence, 0, counted) and (noun := _NEXT_WORD.match(sentence, counted)):
            if fold(noun.group(1)) in STOPWORDS_EN:
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


_OF_NAME = re.compile(rf"\s+of\s+([{UPPER}][\w’'-]*(?:\s+[{UPPER}][\w’'-]*)*)")
# Lower-case nouns of places whose "of" names them ("the island of Crete", "the borough of
# Queens"); "the president of Def Jam" is not Def Jam, nor "University of Washington" Washington.
_PLACE_OF = re.compile(r"island|isle|city|town|village|state|province|county|borough|district|region|country|port")


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


def _words_of(text: str) -> list[str]:
    return [fold(w).replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]


def _restates_question(candidate: str, asked: Sequence[str]) -> bool:
    """Whether every word of ``candidate`` is already in the question: by its first five
    letters, or misspelt ("nik clegg" says "Nick Clegg")."""
    words = [w for w in _words_of(candidate) if w not in _OPENERS]
    return not words or all(any(_same_word(w, a) for a in asked) for w in words)


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
