"""Webhook mode: Telegram's POSTs arrive at the bot's own endpoint on loopback."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import aiohttp
import pytest
from telegram.error import InvalidToken

from bot.__main__ import Redact
from bot.app import build_application, serve
from tests.bot.bot_harness import bot_settings, running_bot
from tests.bot.fake_bot_api import ALICE, FakeTelegram
from tests.bot.fake_qa_engine import FakeEngine

pytestmark = pytest.mark.asyncio

SECRET = "s3cret-Token_for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 10 + update_id,
            "date": 0,
            "chat": {"id": ALICE["id"], "type": "private", "first_name": "Alice"},
            "from": ALICE,
            "text": text,
        },
    }


async def test_webhook_answers_posts_with_the_secret_and_refuses_others(
    telegram: FakeTelegram, engine: FakeEngine
) -> None:
    port = _free_port()
    overrides: dict[str, Any] = {
        "bot_mode": "webhook",
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
        "webhook_url": "https://bot.example.com/telegram/hook",
        "webhook_secret_token": SECRET,
    }
    async with running_bot(telegram, engine, **overrides) as bot:
        (registered,) = telegram.of("setWebhook")
        assert registered.params["url"] == "https://bot.example.com/telegram/hook"
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == ["message", "callback_query", "inline_query"]
        assert telegram.of("getUpdates") == []

        endpoint = f"http://127.0.0.1:{port}/telegram/hook"
        async with aiohttp.ClientSession() as http:
            for headers in ({HEADER: "wrong"}, {}):
                async with http.post(endpoint, json=_update(1, "Who is the head of Acme?"), headers=headers) as refused:
                    assert refused.status == 403
            async with http.post(endpoint, json=_update(2, "Who is the head of Acme?"), headers={HEADER: SECRET}) as ok:
                assert ok.status == 200
        await bot.settle(2)

        assert [question for question, _ in engine.calls] == ["Who is the head of Acme?"]
        (reply,) = telegram.of("sendMessage")
        assert reply.params["chat_id"] == ALICE["id"]
        assert "Jane Doe, the head of Acme" in reply.text


async def test_the_webhook_secret_and_the_token_are_scrubbed_from_debug_logs(
    telegram: FakeTelegram, engine: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    overrides: dict[str, Any] = {
        "bot_mode": "webhook",
        "webhook_port": _free_port(),
        "webhook_url": "https://bot.example.com/telegram/hook",
        "webhook_secret_token": SECRET,
    }
    # The filter python -m bot puts on every handler of the root logger.
    caplog.handler.addFilter(Redact({"token": telegram.token, "webhook secret": SECRET}))
    async with running_bot(telegram, engine, **overrides):
        assert telegram.of("setWebhook")
    # PTB's DEBUG line for setWebhook carries the secret; the filter leaves its label.
    assert "secret_token" in caplog.text and "[webhook secret]" in caplog.text
    assert SECRET not in caplog.text and telegram.token not in caplog.text


async def test_a_token_revoked_in_webhook_mode_stops_the_bot(telegram: FakeTelegram, engine: FakeEngine) -> None:
    """No getUpdates to fail in webhook mode: the reply refused with 401 stops the bot, which
    shuts down and raises InvalidToken for ``python -m bot`` to report."""
    port = _free_port()
    settings = bot_settings(
        telegram,
        bot_mode="webhook",
        webhook_port=port,
        webhook_url="https://bot.example.com/telegram/hook",
        webhook_secret_token=SECRET,
    )
    application = build_application(settings, engine)
    telegram.revoke_on = "sendMessage"
    serving = asyncio.create_task(serve(application, settings))
    async with asyncio.timeout(30):  # bounded: the webhook server listens once the bot has started
        while not application.running:
            await asyncio.sleep(0.01)
    endpoint = f"http://127.0.0.1:{port}/telegram/hook"
    question = _update(1, "Who is the head of Acme?")
    async with aiohttp.ClientSession() as http, http.post(endpoint, json=question, headers={HEADER: SECRET}) as posted:
        assert posted.status == 200
    with pytest.raises(InvalidToken):
        await asyncio.wait_for(serving, 30)
    assert not application.running and [c.method for c in telegram.calls if c.error] == ["sendMessage"]
