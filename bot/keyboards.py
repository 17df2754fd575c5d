"""Inline keyboards and their callback data, which Telegram caps at 64 bytes.

Callback data carries small integers and article ids only, never user or
article text: ``ask:D:I`` asks example question I of the article with key D; ``ctx:N:D:P-Q`` expands
quote [N] to paragraphs P to Q of the article with key D. The key is the
article's id when that is short, else ``#`` and a hash of it: never the
article's place in the corpus, which moves when articles are added or
removed, so a button made before a change still opens the same article.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.formatting import Quote, adds_context, context_span, plain_preview
from index.types import DocumentInfo

ASK_PATTERN = r"^ask:"
CONTEXT_PATTERN = r"^ctx:"
_ASK = re.compile(r"ask:([A-Za-z0-9_.#-]{1,32}):(\d{1,3})")
_CONTEXT = re.compile(r"ctx:(\d{1,3}):([A-Za-z0-9_.#-]{1,32}):(\d{1,6})-(\d{1,6})")
# Ids up to this long travel as they are: "ctx:999:" + id + ":999999-999999" stays under 64 bytes.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_HASHED_KEY_HEX = 16
MAX_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
_BUTTON_TEXT = 60


@dataclass(frozen=True)
class ContextRequest:
    """What a "Show context" button asks for."""

    number: int  # the quote, [N] in the answer
    document: str  # the article's key (``document_key``)
    first: int  # paragraphs, 1-based, inclusive
    last: int


def document_key(document_id: str) -> str:
    """The article's id when it fits in callback data as it is, else ``#`` and 64 bits of its hash."""
    if _PLAIN_KEY.fullmatch(document_id) and not document_id.startswith("#"):
        return document_id
    return "#" + hashlib.sha256(document_id.encode()).hexdigest()[:_HASHED_KEY_HEX]


def find_document(key: str, documents: Iterable[DocumentInfo]) -> DocumentInfo | None:
    """The article whose key is ``key``, or None when no article has it (any more)."""
    return next((d for d in documents if document_key(d.id) == key), None)


@dataclass(frozen=True)
class ExampleRequest:
    """What an example-question button asks for: example ``number`` of the article with key ``document``."""

    document: str
    number: int


def ask_data(request: ExampleRequest) -> str:
    """Callback data for "ask this example question"."""
    return _checked(f"ask:{request.document}:{request.number}")


def parse_ask(data: str | None) -> ExampleRequest | None:
    """The example question a button asks, or None when ``data`` is not an ask button's."""
    match = _ASK.fullmatch(data or "")
    return ExampleRequest(match.group(1), int(match.group(2))) if match else None


def example_question(request: ExampleRequest, documents: Iterable[DocumentInfo]) -> str | None:
    """The question an example button asks, or None when its article or example is gone."""
    document = find_document(request.document, documents)
    if document is None or request.number >= len(document.examples):
        return None
    return document.examples[request.number]


def context_data(request: ContextRequest) -> str:
    """Callback data for a "Show context" button."""
    return _checked(f"ctx:{request.number}:{request.document}:{request.first}-{request.last}")


def parse_context(data: str | None) -> ContextRequest | None:
    """The request a "Show context" button carries, or None when ``data`` is not one."""
    match = _CONTEXT.fullmatch(data or "")
    if not match:
        return None
    number, document, first, last = match.groups()
    return ContextRequest(int(number), document, int(first), int(last))


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"callback data {data!r} exceeds Telegram's {MAX_DATA} bytes")
    return data


def examples_keyboard(documents: Iterable[DocumentInfo], count: int) -> InlineKeyboardMarkup | None:
    """One button per example question of the articles, for the first ``count`` of them."""
    examples = [(d, i, q) for d in documents for i, q in enumerate(d.examples)][:count]
    rows = [
        [
            InlineKeyboardButton(
                plain_preview(question, _BUTTON_TEXT),
                callback_data=ask_data(ExampleRequest(document_key(document.id), number)),
            )
        ]
        for document, number, question in examples
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def context_keyboard(
    quotes: Sequence[Quote],
    corpus: Iterable[DocumentInfo],
    expanded: Collection[int] = (),
) -> InlineKeyboardMarkup | None:
    """A "Show context" button for each quote not yet expanded that has more to show."""
    by_id = {document.id: document for document in corpus}
    buttons = []
    for quote in quotes:
        document = by_id.get(quote.document)
        if quote.number in expanded or document is None or not adds_context(quote, document):
            continue
        first, last = context_span(quote, document)
        data = context_data(ContextRequest(quote.number, document_key(document.id), first, last))
        label = "Show context" if len(quotes) == 1 else f"Context [{quote.number}]"
        buttons.append(InlineKeyboardButton(label, callback_data=data))
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])
