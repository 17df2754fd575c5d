"""Inline keyboards and their callback data, which Telegram caps at 64 bytes.

Callback data carries small integers only, never user or article text:
``ask:I`` asks example question I; ``ctx:N:D:P-Q`` expands quote [N] to
paragraphs P to Q of document number D (its place in the corpus).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.formatting import Quote, adds_context, context_span, plain_preview
from index.types import DocumentInfo

ASK_PATTERN = r"^ask:"
CONTEXT_PATTERN = r"^ctx:"
_ASK = re.compile(r"ask:(\d{1,4})")
_CONTEXT = re.compile(r"ctx:(\d{1,3}):(\d{1,6}):(\d{1,6})-(\d{1,6})")
MAX_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
_BUTTON_TEXT = 60


@dataclass(frozen=True)
class ContextRequest:
    """What a "Show context" button asks for."""

    number: int  # the quote, [N] in the answer
    document: int  # the document's position in the corpus, 0-based
    first: int  # paragraphs, 1-based, inclusive
    last: int


def ask_data(example: int) -> str:
    """Callback data for "ask example question ``example``"."""
    return _checked(f"ask:{example}")


def parse_ask(data: str | None) -> int | None:
    """The example question's index, or None when ``data`` is not an ask button's."""
    match = _ASK.fullmatch(data or "")
    return int(match.group(1)) if match else None


def context_data(request: ContextRequest) -> str:
    """Callback data for a "Show context" button."""
    return _checked(f"ctx:{request.number}:{request.document}:{request.first}-{request.last}")


def parse_context(data: str | None) -> ContextRequest | None:
    """The request a "Show context" button carries, or None when ``data`` is not one."""
    match = _CONTEXT.fullmatch(data or "")
    if not match:
        return None
    number, document, first, last = (int(group) for group in match.groups())
    return ContextRequest(number, document, first, last)


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"callback data {data!r} exceeds Telegram's {MAX_DATA} bytes")
    return data


def examples_keyboard(examples: Sequence[str], count: int) -> InlineKeyboardMarkup | None:
    """One button per example question, for the first ``count`` of them."""
    rows = [
        [InlineKeyboardButton(plain_preview(question, _BUTTON_TEXT), callback_data=ask_data(i))]
        for i, question in enumerate(examples[:count])
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def context_keyboard(
    quotes: Sequence[Quote],
    corpus: Sequence[DocumentInfo],
    expanded: Collection[int] = (),
) -> InlineKeyboardMarkup | None:
    """A "Show context" button for each quote not yet expanded that has more to show."""
    places = {document.id: (i, document) for i, document in enumerate(corpus)}
    buttons = []
    for quote in quotes:
        if quote.number in expanded or quote.document not in places:
            continue
        position, document = places[quote.document]
        if not adds_context(quote, document):
            continue
        first, last = context_span(quote, document)
        data = context_data(ContextRequest(quote.number, position, first, last))
        label = "Show context" if len(quotes) == 1 else f"Context [{quote.number}]"
        buttons.append(InlineKeyboardButton(label, callback_data=data))
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])
