"""The bot over the real engine and the real article: in this process, and as ``python -m bot``.

``real_engine`` and ``real_index`` come from ``tests/conftest.py``: the real
model over ``corpus/``, with its index built once per session in a temporary
directory, which the ``python -m bot`` subprocess is pointed at.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.state import AnswerSource
from tests.bot.bot_harness import running_bot
from tests.bot.fake_bot_api import ALICE, Call, FakeTelegram, parse_telegram_html
from tests.conftest import CORPUS

pytestmark = pytest.mark.asyncio

TITLE = "Russia to shut down Instagram service at midnight"


def _answers(calls: list[Call]) -> list[str]:
    return [parse_telegram_html(c.text) for c in calls if c.method == "sendMessage"]


async def test_follow_up_about_mosseri_with_the_real_engine(telegram: FakeTelegram, real_engine: AnswerSource) -> None:
    async with running_bot(telegram, real_engine) as bot:
        (head,) = _answers(await bot.exchange(lambda: telegram.message("Who is the head of Instagram?")))
        assert "Adam Mosseri" in head and TITLE in head
        (tweet,) = _answers(await bot.exchange(lambda: telegram.message("What did he tweet?")))
        assert "tweeted" in tweet
        (unknown,) = _answers(await bot.exchange(lambda: telegram.message("What is the capital of France?")))
        assert unknown.startswith("The article doesn't say")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_python_m_bot_answers_a_question_then_stops_cleanly(
    tmp_path: Path, telegram: FakeTelegram, real_index: Path, stop: signal.Signals
) -> None:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "CORPUS_DIR": str(CORPUS),
        "INDEX_DIR": str(real_index),
        "POLLING_TIMEOUT": "2",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.wait_for(lambda c: c.method == "getUpdates", timeout=120)  # the model has loaded
        assert [c.method for c in telegram.of("setMyCommands")] == ["setMyCommands"]
        telegram.message("Why was Instagram blocked in Russia?")
        (reply,) = await telegram.wait_for(lambda c: c.method == "sendMessage", timeout=60)
        assert reply.params["chat_id"] == ALICE["id"]
        assert reply.error is None and "<blockquote>" in reply.text and "[1]" in reply.text
        assert TITLE in parse_telegram_html(reply.text)
        process.send_signal(stop)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = err.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert telegram.token not in log
