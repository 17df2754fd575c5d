"""Values that cross layers: what the engine hands to the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What kind of reply an answer is; ``abstained`` is true exactly for the last two.
AnswerKind = Literal["answer", "overview", "about", "smalltalk", "language", "not_in_article", "refused"]
ABSTAINING_KINDS: frozenset[str] = frozenset({"not_in_article", "refused"})


@dataclass(frozen=True)
class DocumentInfo:
    """An article's metadata and text, as loaded from ``corpus/``."""

    id: str
    title: str
    source: str
    language: str
    date: str
    url: str
    paragraphs: tuple[str, ...]
    # Example questions the article answers, for help texts and abstentions.
    examples: tuple[str, ...] = ()
    author: str = ""
    # Nicknames readers use for the article's names, as (nickname, name) pairs
    # from its ``alias: insta = Instagram`` lines.
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Citation:
    """One quoted sentence of an article with where it stands.

    ``paragraph`` and ``sentence`` are 1-based; ``sentence`` counts within the
    paragraph. ``text`` is the sentence exactly as in the article. ``context``
    is true for a sentence brought in only because a cited sentence depends on
    it (e.g. the antecedent of "This caused ..."); such citations come after
    all the ranked ones, and ``context_for`` is the (0-based) position in the
    answer's citations of the sentence they support.
    """

    document: str
    title: str
    paragraph: int
    sentence: int
    text: str
    score: float
    context: bool = False
    context_for: int | None = None


@dataclass(frozen=True)
class Answer:
    """The engine's reply to one message.

    ``kind`` says what the reply is: an ``answer`` quoting the article, an
    ``overview`` (the lede and key sentences), ``about`` (the article's
    metadata), ``smalltalk``, ``language`` (asked in another language),
    ``not_in_article`` or ``refused`` (empty, word-less or over-long input).
    ``answer`` is plain text as a person reads it; its first line is the
    lead: the short answer with its marker ``[1]`` when there is one, else
    the best quote. ``short_answer`` is the few words that answer a
    who/when/where/how-many question, copied exactly from the first
    citation's text. When ``abstained`` is true (``not_in_article`` and
    ``refused``) ``citations`` is empty and ``reason`` says why in a few words.
    """

    question: str
    abstained: bool
    answer: str
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    reason: str | None = None
    # The query actually searched after typo correction and follow-up
    # resolution; useful when debugging why an answer was chosen.
    query: str = ""
    kind: AnswerKind = "answer"
    short_answer: str | None = None
    # Parts of a multi-part question the article does not answer.
    unanswered: tuple[str, ...] = ()
    # The language a non-English message was written in (ISO 639-1), for ``language``.
    language: str | None = None
    # The quotes may not answer the question: it asks for no particular kind of thing, one of
    # its topic words is matched poorly, and there is no short answer. Replies say so first.
    tentative: bool = False
    # What a follow-up that asks its own thing leans on: the query, but for a follow-up only
    # its own words and the names it borrowed, so that earlier questions' frames do not pile up.
    topic: str = ""
