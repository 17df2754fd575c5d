"""What a message asks for before anything is searched.

Most messages are questions for the article. Some are not, and searching
them only finds a wrong sentence: a greeting ("hi"), thanks, a question
about the bot ("what can you do?"), a request for the gist ("tl;dr"), or a
question about the article itself ("who wrote this?", "link?"). These
rules recognise them from their wording alone, so they cost no embedding.

A greeting in front of a real question ("hi, who runs Instagram?") is
peeled off and the rest is answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Intent = Literal["question", "smalltalk", "overview", "about"]
SmalltalkKind = Literal["greeting", "thanks", "ack", "identity", "capability", "farewell"]
MetadataField = Literal["author", "source", "date", "url", "title", "all"]

# Punctuation, and any emoji (with its variation selector or joiner): "ok 👌", "thanks 🙏🏻".
_OPTIONAL_TAIL = r"[\s!.?,;:)\-–—~*\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]*"

# Filler and greetings that may open a message; what follows is the message.
_GREETING = r"(hi+|hello+|hey+|hiya|howdy|yo+|sup|good (morning|afternoon|evening|day)|greetings|hallo|heya)"
_LEADING_GREETING = re.compile(rf"^\s*{_GREETING}\b(\s+(there|bot|all|everyone|guys))?[\s!,.:;👋-]*", re.I)

_SMALLTALK: tuple[tuple[SmalltalkKind, re.Pattern[str]], ...] = (
    ("greeting", re.compile(rf"^\s*{_GREETING}(\s+(there|bot|all|everyone|guys))?{_OPTIONAL_TAIL}$", re.I)),
    (
        "thanks",
        re.compile(
            r"^\s*((ok(ay)?|cool|great|nice|awesome|perfect|got it)[\s,!.]*)*"
            r"(thanks?( (a lot|so much|you( so much| very much)?|again|man|mate|bro))?|thx|tnx|ty|tysm|thank u|"
            r"cheers|much appreciated|appreciate it)\b.{0,20}$",
            re.I,
        ),
    ),
    (
        "ack",
        re.compile(
            r"^\s*(ok(ay)?|k+|kk|cool|nice|great|good|fine|alright|all right|got it|i see|understood|makes sense|"
            r"wow|interesting|lol|lmao|haha+|hmm+|oh|ah|yes|yeah|yep|no|nope|nah|sure|right|true|damn|"
            r"ok cool|very good|good bot|nice one)"
            rf"{_OPTIONAL_TAIL}$",
            re.I,
        ),
    ),
    ("farewell", re.compile(rf"^\s*(bye+|goodbye|see (you|ya)|cya|good night|gn|later){_OPTIONAL_TAIL}$", re.I)),
    (
        "identity",
        re.compile(
            r"^\s*(who|what) (are|r) (you|u)\b|^\s*are (you|u) (a )?(bot|robot|human|real|an? ai|chat ?gpt)\b|"
            r"^\s*what('s| is) (your name|this bot)\b|^\s*who (made|built|created) (you|u|this bot)\b",
            re.I,
        ),
    ),
    (
        "capability",
        re.compile(
            r"^\s*(/start|/help|help|help me|help pls|help please|start|menu|commands|\?+ ?help)"
            rf"{_OPTIONAL_TAIL}$|"
            r"^\s*what (can|do|could) (you|u) (do|help)|^\s*how (do|does) (you|u|this|it) work|"
            r"^\s*(can|could) (you|u) help( me)?( with (something|sth|a question|smth))?\W*$|"
            r"^\s*how (do|can|should) i (use|ask)( (you|u|this( bot)?|it|questions?))?\W*$|"
            r"^\s*what (should|can) i ask\b|^\s*what do (you|u) know\b|"
            r"^\s*i have a question\W*$",
            re.I,
        ),
    ),
)

# "this article", "the piece", "it": the article itself, not something in it.
_THE_ARTICLE = r"(this|the|that|your)\s+(article|story|piece|text|post|report|news|page|item|write-?up)"
_OVERVIEW = re.compile(
    r"\b(summar(y|ise|ize|ies)|tl;? ?dr|gist|overview|recap|synopsis|digest|abstract|"
    r"key (points|facts|takeaways|ideas)|main (points|ideas|facts|takeaways|story)|highlights|"
    r"takeaways|bullet points|in (a )?(nutshell|few (words|sentences|lines)|short|brief)|"
    r"(short|brief|quick) version|sum (it )?up|break (it )?down)\b|"
    rf"\bwhat('s| is| was)? ({_THE_ARTICLE}|it|this)( all| even)? about\b|"
    rf"\bwhat (happened|happens|is going on|'s going on)( in ({_THE_ARTICLE}|it))?\W*$|"
    rf"\bwhat does ({_THE_ARTICLE}|it) say\W*$|^\W*(explain|describe) ({_THE_ARTICLE}|it)\W*$|"
    rf"\bwhat is the (story|news|article)\b|^\W*(what'?s|whats) (new|the news|up with {_THE_ARTICLE})\W*$|"
    r"\bwhat are the (main|key|most important) (points|ideas|facts|takeaways|things|details|events|issues)\b",
    re.I,
)

_ABOUT_FIELDS: tuple[tuple[MetadataField, re.Pattern[str]], ...] = (
    (
        "author",
        re.compile(
            r"\b(who (wrote|writes|authored|penned|reported)|author|writer|journalist|reporter|byline|written by)\b",
            re.I,
        ),
    ),
    (
        "url",
        re.compile(r"\b(link|url|web ?address|original (article|story|source|piece|page)|where can i read)\b", re.I),
    ),
    ("title", re.compile(r"\b(title|headline|header|called|named)\b", re.I)),
    (
        "date",
        re.compile(
            rf"\bwhen (was|is|did) ({_THE_ARTICLE}|it|this) (published|written|posted|released|out|come out|from)\b|"
            r"\b(publication|publish(ed)?|posting) date\b|"
            rf"\bdate of ({_THE_ARTICLE}|publication)\b|\bhow old is ({_THE_ARTICLE}|it|this)\b|"
            rf"\bwhen (is|was) ({_THE_ARTICLE}|this|it) from\b|\bwhat date (is|was) ({_THE_ARTICLE}|it|this)\b",
            re.I,
        ),
    ),
    (
        "source",
        re.compile(
            rf"\bwhere (was|is|did) ({_THE_ARTICLE}|it|this)( come from| (first )?(published|from|posted|appear))|"
            rf"\bwhere (is|was) (this|it) from\b|\bwhere(’s|'s|s) ({_THE_ARTICLE}|this|it) from\b|"
            r"\bwho (published|posted|ran|printed)\b|"
            r"\bis (this|it) (a|an|from( the)?) [\w ]{2,30}(story|article|piece|report)\b|"
            r"\bwhich (paper|newspaper|site|website|outlet|publication)\b",
            re.I,
        ),
    ),
    ("source", re.compile(r"\b(source|publisher|publication|newspaper|paper|outlet|website|site|magazine)\b", re.I)),
)
# About the article itself rather than its contents: "this article", "the
# piece", or a metadata word with no other topic ("link?", "source pls").
_MENTIONS_ARTICLE = re.compile(rf"{_THE_ARTICLE}|\b(it|this|original)\b", re.I)
_ASKS_WHY = re.compile(r"\W*(why|how come)\b", re.I)
_BARE_FIELD = re.compile(
    r"^\W*(the |its |article |original )?(link|url|source|sources|title|headline|author|date|publisher|byline)"
    r"( (pls|please|plz|\?|of (it|this|the article)))?\W*$|"
    r"^\W*((can|could|would) (you|u) )?(pls |please )?(send|give|share|show|post|drop)( me| us)? (the |a |ur |your )?"
    r"(link|url|source)\b|"
    r"^\W*(what('s| is| was)|whats) (the |its )?(link|url|title|headline|source|author|date|publisher)"
    r"( of (it|this|the (article|story|piece)))?\W*$",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """How a message reads: its intent and, for a question, the question to search."""

    intent: Intent
    text: str
    smalltalk: SmalltalkKind | None = None
    field: MetadataField | None = None


def read_message(text: str) -> Reading:
    """Classify ``text`` as small talk, a request for an overview, a question about the
    article's metadata, or a question for the article (with greetings peeled off)."""
    stripped = " ".join(text.split())
    kind = smalltalk_kind(stripped)
    if kind is not None:
        return Reading("smalltalk", stripped, smalltalk=kind)
    rest = _LEADING_GREETING.sub("", stripped).strip() or stripped
    kind = smalltalk_kind(rest)
    if kind is not None:
        return Reading("smalltalk", rest, smalltalk=kind)
    field = metadata_field(rest)
    if field is not None:
        return Reading("about", rest, field=field)
    if _OVERVIEW.search(rest):
        return Reading("overview", rest)
    return Reading("question", rest)


def smalltalk_kind(text: str) -> SmalltalkKind | None:
    """Which kind of small talk ``text`` is, or None when it is not small talk."""
    for kind, pattern in _SMALLTALK:
        if pattern.search(text):
            return kind
    return None


def names_the_article(text: str) -> bool:
    """Whether ``text`` says "the article", "this story" and the like, or a bare "this"
    ("who wrote this?"; "this book" is something in it)."""
    return re.search(rf"{_THE_ARTICLE}|\bthis\b(?!\s+\w)", text, re.I) is not None


def metadata_field(text: str) -> MetadataField | None:
    """Which fact about the article itself ``text`` asks for (author, source, date,
    url, title), or None when it asks about the article's contents."""
    if _ASKS_WHY.match(text):
        # "Why is it called To Kill a Mockingbird?" asks for a reason, which the article gives.
        return None
    if _BARE_FIELD.search(text):
        for field, pattern in _ABOUT_FIELDS:
            if pattern.search(text):
                return field
        return "all"
    if not _MENTIONS_ARTICLE.search(text):
        return None
    for field, pattern in _ABOUT_FIELDS:
        if pattern.search(text) and _about_the_article(text, field):
            return field
    return None


def _about_the_article(text: str, field: MetadataField) -> bool:
    """Whether the field word refers to the article ("who wrote this") and not to
    something inside it ("what is the app called?", "which paper did Clegg speak to?")."""
    if field in ("author", "url", "date") or re.search(r"\bwhere (was|is|did)\b|\bwho (published|posted)", text, re.I):
        return True
    if field == "title" and not re.search(r"\b(title|headline|header)\b", text, re.I):
        # "What is it called?" names the article; "what was the city called before the English
        # renamed it?" asks the article something.
        return bool(re.search(rf"({_THE_ARTICLE}|\bthis|\bit)\s+(is\s+|was\s+)?(called|named)\b", text, re.I))
    return bool(re.search(_THE_ARTICLE, text, re.I) or re.search(r"\b(this|it)\s*\W*$|\bis (this|it)\b", text, re.I))
