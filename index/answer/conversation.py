"""What a conversation keeps between messages, for follow-up questions."""

from __future__ import annotations

from index.types import Answer


def remember(last: Answer | None, answer: Answer) -> Answer | None:
    """What a conversation keeps after ``answer``: it, when it quotes the articles (a
    follow-up can lean on it), else the answer kept before ("thanks" forgets nothing)."""
    return answer if answer.kind in ("answer", "overview") and answer.citations else last
