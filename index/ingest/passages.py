"""From articles to the units the index holds.

Each sentence of an article is one retrievable unit, cited on its own. For the
dense side each sentence is also embedded inside a short passage (the sentence
with its neighbours), so that a paraphrase of what the passage says finds the
sentence even when the sentence alone is terse ("This is wrong, he tweeted.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer

from index.ingest.text import STOP_WORDS, split_sentences
from index.types import DocumentInfo

# How many sentences on each side of a sentence its passage takes in.
PASSAGE_RADIUS = 1
# How many sentences before it a sentence is read with, at most: "She ..." after
# "She ..." after the sentence that names her.
MAX_ANTECEDENTS = 2

# A sentence that opens with a pronoun or demonstrative ("This caused ...",
# "They also announced ..."), or with a connective that carries on from the
# sentence before ("But a storm ...", "As a result, ..."), leans on that sentence.
_OPENING_QUOTE = r"^[‘“\"'(]?"
_LEADING_REFERENCE = re.compile(
    _OPENING_QUOTE + r"(this|that|these|those|it|its|he|she|they|their|them|his|her|him|such)\b", re.IGNORECASE
)
_CONNECTIVES = (
    "but|however|yet|also|instead|meanwhile|then|later|and|nevertheless|nonetheless|moreover|furthermore|"
    "consequently|therefore|thus|hence|besides|afterwards|otherwise|likewise|similarly|accordingly|"
    "as a result|in response|in addition|in turn|in contrast|by contrast|on the other hand|even so|"
    "despite this|because of this|after that|before that|at the same time|for (his|her|its|their) part"
)
# "Still" opens noun phrases too ("Still images ..."), so it counts only with its comma.
_LEADING_CONNECTIVE = re.compile(rf"{_OPENING_QUOTE}(?:({_CONNECTIVES})(?=[\s,;:—–])|still,)", re.IGNORECASE)
# "... ,’ he said.": a quote attributed to a pronoun, whose referent came before.
_PRONOUN_ATTRIBUTION = re.compile(
    r"[’”\"'],?\s+(he|she|it|they)\s+(said|says|added|wrote|tweeted|posted|told|explained|noted|stated|"
    r"argued|claimed|insisted|continued|replied|warned)\b",
    re.IGNORECASE,
)
# "The leak ...", "The new rules ...": up to two lower-case words after "The",
# one of which may be the noun the previous sentence introduced.
_DEFINITE_OPENING = re.compile(_OPENING_QUOTE + r"The\s+([a-z][\w’'-]*)(?:\s+([a-z][\w’'-]*))?")
_DEFINITE = re.compile(r"\b[Tt]he\s+([a-z][\w’'-]*)(?:\s+([a-z][\w’'-]*))?")
_INDEFINITE = frozenset({"a", "an"})
_SHORT_SENTENCE_WORDS = 12
# Words after which the next few words are a noun phrase: "a leak", "its own
# rules", "the state communications regulator" (not "to move their photos").
_DETERMINERS = frozenset(
    "a an the this that these those its their his her our your my whose some any no each every another".split()
)
_NOUN_PHRASE_WORDS = 3
# A noun phrase ends at a function word: "the wake of the announcement".
_FUNCTION_WORDS = (
    STOP_WORDS
    | _DETERMINERS
    | frozenset(
        "about above across after against along among around as at before behind below beside between beyond by "
        "despite down during except for from in inside into like near of off on onto out outside over past since "
        "through throughout till to toward towards under until up upon via with within without "
        "is are was were be been being has have had do does did will would shall should can could may might must "
        "and or but nor so yet if because while when where whether than which who whom".split()
    )
)
# A third-person pronoun anywhere ("Born in Houston, she performed…", "…helped her
# fight it."), or an opening "The <noun>" ("The group released…"): the sentence
# speaks of someone or something named before it.
_REFERENCE = re.compile(r"\b(he|she|it|they|him|her|hers|his|its|them|their|theirs)\b", re.IGNORECASE)
_DESCRIPTION_OPENING = re.compile(_OPENING_QUOTE + r"The\s+[a-z]")
_TOKEN = re.compile(r"[^\W\d_][\w’'-]*|[^\w\s]")
_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Unit:
    """One sentence of one article, with the passage it is embedded in."""

    document: str
    paragraph: int
    sentence: int
    text: str
    passage: str
    depends_on_previous: bool
    # How many sentences before this one retrieval reads it with (0 to ``MAX_ANTECEDENTS``):
    # one it depends on, or, in its paragraph, one that names what it refers to.
    antecedents: int = 0


def units_of(document: DocumentInfo) -> list[Unit]:
    """Every sentence of ``document`` as a ``Unit``, in article order."""
    located = [
        (paragraph_no, sentence_no, sentence)
        for paragraph_no, paragraph in enumerate(document.paragraphs, start=1)
        for sentence_no, sentence in enumerate(split_sentences(paragraph), start=1)
    ]
    texts = [sentence for _, _, sentence in located]
    units: list[Unit] = []
    for position, (paragraph_no, sentence_no, sentence) in enumerate(located):
        window = texts[max(0, position - PASSAGE_RADIUS) : position + PASSAGE_RADIUS + 1]
        depends = position > 0 and depends_on_previous(sentence, texts[position - 1])
        leans = depends or (position > 0 and sentence_no > 1 and refers_back(sentence))
        units.append(
            Unit(
                document=document.id,
                paragraph=paragraph_no,
                sentence=sentence_no,
                text=sentence,
                passage=" ".join(window),
                depends_on_previous=depends,
                antecedents=min(MAX_ANTECEDENTS, 1 + units[-1].antecedents) if leans else 0,
            )
        )
    return units


def refers_back(sentence: str) -> bool:
    """Whether ``sentence`` speaks of someone or something named before it: it has a
    third-person pronoun anywhere, or opens with "The <noun>". Weaker than
    ``depends_on_previous`` ("Born in Houston, she performed…" reads on its own), but
    what the sentence is about is in the sentences before it, so retrieval reads it
    with them (within its paragraph)."""
    return bool(_REFERENCE.search(sentence) or _DESCRIPTION_OPENING.match(sentence))


def depends_on_previous(sentence: str, previous: str = "") -> bool:
    """Whether ``sentence`` needs ``previous``, the sentence before it, to be understood."""
    return bool(
        _LEADING_REFERENCE.search(sentence)
        or _LEADING_CONNECTIVE.search(sentence)
        or _PRONOUN_ATTRIBUTION.search(sentence)
        or _continues_noun_of(sentence, previous)
    )


# A pronoun subject ("They also announced…", "This caused…"), not a demonstrative
# determiner ("That decision was…", whose noun says what it is about).
_PRONOUN_SUBJECT = re.compile(
    _OPENING_QUOTE + r"(?:(?:he|she|it|they|we)\b|(?:this|that|these|those)\s+"
    r"(?:is|was|are|were|has|had|have|will|would|could|can|may|might|also|meant|led|made|came|[a-z]+ed)\b|"
    # "This doubles…": a verb in -s after "this"/"that" ("These companies…" is a noun phrase).
    r"(?:this|that)\s+[a-z]+[^s\W]s\b)",
    re.IGNORECASE,
)


def unreadable_alone(sentence: str) -> bool:
    """Whether a reader cannot make sense of ``sentence`` without the one before it: its
    subject is a bare pronoun ("This caused long lines…"), or its quote is given to one
    ("‘This is wrong,’ he tweeted."). A sentence that opens "But…" or "That decision…"
    reads on its own, so a reply quotes it alone."""
    return bool(_PRONOUN_SUBJECT.search(sentence) or _PRONOUN_ATTRIBUTION.search(sentence))


def _continues_noun_of(sentence: str, previous: str) -> bool:
    """Whether ``sentence`` refers back to a noun of ``previous``: it opens with
    "The <noun>" for a noun there, or is short and says "the <noun>" of one that
    ``previous`` introduced with "a" ("The company later confirmed the leak."
    after "... a leak ...")."""
    if not previous:
        return False
    opening = _DEFINITE_OPENING.match(sentence)
    if opening is not None and _content_stems(opening.groups()) & noun_stems(previous):
        return True
    if len(sentence.split()) > _SHORT_SENTENCE_WORDS:
        # A long sentence sets out its own subject; "the app" in it is a detail.
        return False
    definite = {stem for match in _DEFINITE.finditer(sentence) for stem in _content_stems(match.groups())}
    return bool(definite & noun_stems(previous, _INDEFINITE))


def _content_stems(words: Iterable[str | None]) -> set[str]:
    return set(_STEMMER.stemWords([w for w in words if w and w not in _FUNCTION_WORDS]))


def noun_stems(text: str, determiners: frozenset[str] = _DETERMINERS) -> set[str]:
    """Stems of the words of ``text`` that stand in a noun phrase after one of ``determiners``."""
    tokens = [token.lower() for token in _TOKEN.findall(text)]
    nouns = []
    for position, token in enumerate(tokens):
        if token in determiners:
            for following in tokens[position + 1 : position + 1 + _NOUN_PHRASE_WORDS]:
                if not following[0].isalpha() or following in _FUNCTION_WORDS:
                    break
                nouns.append(following)
    return set(_STEMMER.stemWords(nouns))
