"""What the bot keeps: the engine and settings for all, memory per chat and per user.

The engine can be replaced while the bot runs (an article added or removed):
``Services.swap`` puts the new engine and its articles in place in one step,
in the event loop's thread, so no handler sees one without the other.

PTB builds ``ChatMemory`` and ``UserMemory`` itself (``CONTEXT_TYPES``), so
handlers read ``context.chat_data.last`` with types, not dictionary keys.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.ratelimit import RateWindow
from bot.settings import BotSettings
from index.types import Answer, DocumentInfo

if TYPE_CHECKING:
    from bot.library import Library

logger = logging.getLogger(__name__)

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

    def swap(self, engine: AnswerSource) -> None: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Loaded:
    """An engine and its articles by id: they change together."""

    engine: AnswerSource
    documents: Mapping[str, DocumentInfo]

    @classmethod
    def of(cls, engine: AnswerSource) -> Loaded:
        """``engine`` with its articles indexed by id."""
        return cls(engine, {d.id: d for d in engine.documents})


class Services:
    """What every handler may use; kept in ``bot_data["services"]``."""

    def __init__(self, settings: BotSettings, engine: AnswerSource, library: Library | None = None) -> None:
        self.settings = settings
        self.library = library  # adding and removing articles; None when the bot only answers
        self.batcher: Answerer | None = None  # started by post_init inside the running loop
        self.watcher: asyncio.Task[None] | None = None  # the periodic index check, with a library
        self.generation = 0  # how many times the engine was swapped
        # Set to stop the bot: a signal, or the Bot API rejecting the token (then token_rejected).
        self.stopping = asyncio.Event()
        self.token_rejected = False
        self._loaded = Loaded.of(engine)

    def reject_token(self) -> None:
        """The Bot API answered 401: the token was revoked or replaced, so every further call
        fails too. The bot stops, and ``python -m bot`` exits non-zero saying why."""
        if not self.token_rejected:
            logger.debug("The Bot API rejected the token; stopping")
        self.token_rejected = True
        self.stopping.set()

    @property
    def engine(self) -> AnswerSource:
        """The engine answering now."""
        return self._loaded.engine

    @property
    def documents(self) -> Mapping[str, DocumentInfo]:
        """The current engine's articles by id, in corpus order."""
        return self._loaded.documents

    def swap(self, engine: AnswerSource) -> None:
        """Answers from ``engine`` from now on; answers already being computed finish on the old one."""
        # No await in between: handlers run in this thread, so none sees half a swap.
        self._loaded = Loaded.of(engine)
        if self.batcher is not None:
            self.batcher.swap(engine)
        self.generation += 1

    async def refresh(self) -> bool:
        """Swaps in the index on disk when it is not the one in service; True when it did."""
        if self.library is None:
            return False
        engine = await self.library.refresh()
        if engine is None:
            return False
        self.swap(engine)
        logger.info("Loaded the changed index: answering from %d article(s)", len(self.documents))
        return True

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
    # The article ids /articles last listed here, so /remove N takes the article the admin saw as N.
    listed: tuple[str, ...] = ()

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


def services_of(context: BotContext) -> Services:
    """The bot's ``Services``, from ``bot_data``."""
    services: Services = context.bot_data["services"]
    return services


def memory_of(context: BotContext) -> ChatMemory:
    """The chat's ``ChatMemory``; a chat handler reached without a chat is a wiring bug."""
    if context.chat_data is None:
        raise RuntimeError("an update without a chat reached a chat handler")
    return context.chat_data
