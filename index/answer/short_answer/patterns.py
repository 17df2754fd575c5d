"""The patterns and word lists short answers are read with: what a question asks for,
and the shapes of numbers, times, names and places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.ingest.text import STOP_WORDS, UPPER

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


_QUESTION_WORDS = STOP_WORDS | frozenset(
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


_OPENING_QUOTES = frozenset("\"“‘'")


_REFERS_BY_PRONOUN = re.compile(r"\b(?:she|he|her|his|hers|him)\b", re.I)


# "what is Roskomnadzor?", "whats the FSB": one to three words naming something.
_WHAT_IS_NAME = re.compile(r"^\W*(?:and\s+)?what(?:'s| is| was|s)\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,2}\W*$", re.I)


_WHO_IS = re.compile(r"^\W*(?:and\s+)?(?:who|what)(?:'s| is| was| are| were|s)\s+(?P<subject>.+?)\W*$", re.I)


@dataclass(frozen=True)
class Span:
    """A candidate answer: ``sentence[start:end]``."""

    start: int
    end: int


_OF_NAME = re.compile(rf"\s+of\s+([{UPPER}][\w’'-]*(?:\s+[{UPPER}][\w’'-]*)*)")


# Lower-case nouns of places whose "of" names them ("the island of Crete", "the borough of
# Queens"); "the president of Def Jam" is not Def Jam, nor "University of Washington" Washington.
_PLACE_OF = re.compile(r"island|isle|city|town|village|state|province|county|borough|district|region|country|port")
