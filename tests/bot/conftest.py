"""Fixtures for the bot tests: a Bot API server on loopback, a fake engine, a running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bot.settings import BotSettings
from tests.bot.bot_harness import RunningBot, running_bot
from tests.bot.fake_bot_api import FakeTelegram
from tests.bot.fake_qa_engine import FakeEngine


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A developer's exported settings must not leak into the tests."""
    for name in BotSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    # As python -m bot does: PTB 23's timedelta periods, not a deprecation warning per 429.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    yield


@pytest_asyncio.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A fresh Bot API server on a free loopback port."""
    server = await FakeTelegram().start()
    yield server
    await server.close()


@pytest.fixture
def engine() -> FakeEngine:
    """The deterministic stand-in engine."""
    return FakeEngine()


@pytest_asyncio.fixture
async def bot(telegram: FakeTelegram, engine: FakeEngine) -> AsyncIterator[RunningBot]:
    """The bot polling the fake server, answering from the fake engine; the rate limit is
    raised so that long conversations in one test stay under it (its own test lowers it)."""
    async with running_bot(telegram, engine, rate_limit_messages=1000) as running:
        yield running
