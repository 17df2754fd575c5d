"""Values that cross layers: what the engine hands to the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """The engine's reply to one question.

    ``answer`` is plain text as a person reads it. When ``abstained`` is true
    the article has nothing relevant and ``citations`` is empty; ``reason``
    then says why in a few words (``"not in the article"``, ``"empty
    question"`` ...).
    """

    question: str
    abstained: bool
    answer: str
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    reason: str | None = None
    # The query actually searched after typo correction and follow-up
    # resolution; useful when debugging why an answer was chosen.
    query: str = ""
