"""A message before it is read: valid text, without markup, and refused when it is no
question that can be searched (empty, no words, too long)."""

from __future__ import annotations

import html
import re
import unicodedata

from index.types import Answer

MAX_QUESTION_CHARS = 500


def valid_text(text: str) -> str:
    """``text`` with anything that is not valid Unicode text (a lone surrogate,
    as undecodable input bytes become) replaced by U+FFFD."""
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def clean_text(text: str) -> str:
    """``text`` as searched: valid, without HTML markup, and in compatibility form (full-width
    letters become plain)."""
    unmarked = html.unescape(_TAG.sub(_tag_gap, valid_text(text)))
    return unicodedata.normalize("NFKC", unmarked)


# Markup pasted into a message ("<b>who</b> is …") is no part of the question: an inline tag
# sits inside a word as often as between words; any other tag separates.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_INLINE_TAGS = frozenset("a abbr b code em i mark s small span strike strong sub sup tg-spoiler u".split())


def _tag_gap(tag: re.Match[str]) -> str:
    return "" if tag.group(1).lower() in _INLINE_TAGS else " "


def refusal(question: str) -> Answer | None:
    """An answer for input that is not a question we can search, or None."""
    stripped = clean_text(question).strip()
    if not stripped:
        return _refused(question, "Please ask a question about the article.", "empty question")
    if not any(ch.isalnum() for ch in stripped):
        return _refused(question, "Please ask a question in words.", "no words")
    if len(stripped) > MAX_QUESTION_CHARS:
        return _refused(
            question,
            f"That message is {len(stripped):,} characters long; please ask a question of at most "
            f"{MAX_QUESTION_CHARS} characters.",
            "question too long",
        )
    return None


def _refused(question: str, text: str, reason: str) -> Answer:
    return Answer(question, True, text, reason=reason, kind="refused")
