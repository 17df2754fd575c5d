"""What the bot keeps: the engine and settings for all, memory per chat and per user.

PTB builds ``ChatMemory`` and ``UserMemory`` itself (``CONTEXT_TYPES``), so
handlers read ``context.chat_data.last`` with types, not dictionary keys.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram import Update
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.ratelimit import RateWindow
from bot.settings import BotSettings
from index.types import Answer, DocumentInfo

_KEEP_SHOWN = 32  # answers per chat whose "Show context" buttons expand in place


class AnswerSource(Protocol):
    """The engine as the bot uses it."""

    @property
    def documents(self) -> tuple[DocumentInfo, ...]: ...

    @property
    def example_questions(self) -> tuple[str, ...]: ...

    def answer(self, question: str, previous: Answer | None = None) -> Answer: ...

    def answer_many(self, items: Sequence[tuple[str, Answer | None]]) -> list[Answer]: ...


class Answerer(Protocol):
    """Answers off the event loop: the engine's micro-batcher."""

    async def answer(self, question: str, previous: Answer | None = None) -> Answer: ...

    async def aclose(self) -> None: ...


@dataclass
class Services:
    """What every handler may use; kept in ``bot_data["services"]``."""

    settings: BotSettings
    engine: AnswerSource
    batcher: Answerer | None = None  # started by post_init inside the running loop
    documents: dict[str, DocumentInfo] = field(init=False)  # by id

    def __post_init__(self) -> None:
        self.documents = {d.id: d for d in self.engine.documents}

    @property
    def answerer(self) -> Answerer:
        """The running batcher; a handler before post_init is a wiring bug."""
        if self.batcher is None:
            raise RuntimeError("the answer batcher is not started; post_init has not run")
        return self.batcher


@dataclass
class Shown:
    """An answer the bot sent as one message, and which of its quotes are expanded."""

    answer: Answer
    heading: str = ""  # HTML above the answer, e.g. the example question it answers
    expanded: frozenset[int] = frozenset()


@dataclass
class ChatMemory:
    """Per-chat state: the last exchange, and recent answers by message id."""

    last: Answer | None = None
    shown: dict[int, Shown] = field(default_factory=dict)

    def remember(self, message_id: int, shown: Shown) -> None:
        """Keeps an answer expandable in place, forgetting the oldest beyond a few dozen."""
        self.shown[message_id] = shown
        while len(self.shown) > _KEEP_SHOWN:
            del self.shown[next(iter(self.shown))]


@dataclass
class UserMemory:
    """Per-user state: the rate window."""

    window: RateWindow | None = None


BotContext = CallbackContext[ExtBot[Any], UserMemory, ChatMemory, dict[str, Any]]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, chat_data=ChatMemory, user_data=UserMemory)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
