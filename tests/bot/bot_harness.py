"""The bot started in the test's event loop against the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.app import BotApplication, build_application, start_application, stop_application
from bot.library import Library, manifest_signature
from bot.settings import BotSettings
from bot.state import AnswerSource, Services
from index.answer.engine import Engine
from index.store.embedder import Embedder
from tests.bot.fake_bot_api import Call, FakeTelegram


def settings_without_env_file(**values: Any) -> BotSettings:
    """BotSettings from ``values`` and the (cleaned) environment, never from a .env file."""
    settings_class: Any = BotSettings  # _env_file is an init argument mypy cannot see
    settings: BotSettings = settings_class(_env_file=None, **values)
    return settings


def bot_settings(telegram: FakeTelegram, **overrides: Any) -> BotSettings:
    """Settings pointing at ``telegram``, ignoring .env."""
    return settings_without_env_file(
        telegram_bot_token=telegram.token,
        telegram_api_base_url=telegram.base_url,
        polling_timeout=5,
        **overrides,
    )


@dataclass
class RunningBot:
    """The real PTB Application, started against the fake server."""

    application: BotApplication
    telegram: FakeTelegram
    settings: BotSettings

    async def settle(self, update_id: int, timeout: float = 10) -> None:
        """Waits until update ``update_id`` (and all before it) has been fully handled."""
        if self.settings.bot_mode == "polling":
            await self.telegram.wait_confirmed(update_id, timeout)
        await asyncio.wait_for(self.application.update_queue.join(), timeout)

    @property
    def services(self) -> Services:
        """What the handlers use: the engine in service, the library."""
        services: Services = self.application.bot_data["services"]
        return services

    async def exchange(self, push: Callable[[], int], timeout: float = 10) -> list[Call]:
        """Pushes an update, waits until it is handled, returns the calls it caused."""
        since = len(self.telegram.calls)
        update_id = push()
        await self.settle(update_id, timeout)
        return [c for c in self.telegram.calls[since:] if c.method != "getUpdates"]


@asynccontextmanager
async def running_bot(
    telegram: FakeTelegram, engine: AnswerSource, library: Library | None = None, **overrides: Any
) -> AsyncIterator[RunningBot]:
    """Builds the bot as ``python -m bot`` does, starts it in this loop, stops it after."""
    settings = bot_settings(telegram, **overrides)
    application = build_application(settings, engine, library)
    await start_application(application, settings)
    try:
        yield RunningBot(application, telegram, settings)
    finally:
        await stop_application(application)


@asynccontextmanager
async def running_library_bot(
    telegram: FakeTelegram, embedder: Embedder, **overrides: Any
) -> AsyncIterator[RunningBot]:
    """The bot over the index in ``index_dir`` (an override), able to add and remove articles,
    opened as ``python -m bot`` opens it but with ``embedder``."""
    settings = bot_settings(telegram, **overrides)
    loaded = manifest_signature(settings.index_dir)
    engine = Engine.open(settings.corpus_dir, settings.index_dir, embedder.name, embedder=embedder)
    async with running_bot(telegram, engine, Library.for_settings(settings, embedder, loaded), **overrides) as bot:
        yield bot
