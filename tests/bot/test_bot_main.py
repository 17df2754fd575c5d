"""``python -m bot`` failing at start-up: one clear line on stderr, a nonzero exit code."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from bot.__main__ import EXIT_FAILURE, EXIT_NO_TOKEN, EXIT_SETTINGS, NO_TOKEN, main
from tests.bot.fake_bot_api import FakeTelegram

GOOD_LOOKING_TOKEN = "987654321:AAThisLooksRightButNoServerKnowsIt_0"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connections are refused


async def run_bot(cwd: Path, timeout: float = 60, **settings: str) -> tuple[int, str, str]:
    """Runs ``python -m bot`` in ``cwd`` with ``settings`` as environment variables."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env={**os.environ, **settings},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_no_token_exits_3_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=\n")  # as copied from .env.example
    assert main([]) == EXIT_NO_TOKEN
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == NO_TOKEN + "\n"
    assert captured.err.startswith("TELEGRAM_BOT_TOKEN is not set; ")


def test_invalid_setting_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_MODE", "webhook")
    assert main([]) == EXIT_SETTINGS
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "WEBHOOK_URL" in err


@pytest.mark.asyncio
async def test_python_m_bot_without_token(tmp_path: Path) -> None:
    code, out, err = await run_bot(tmp_path)
    assert (code, out, err) == (EXIT_NO_TOKEN, "", NO_TOKEN + "\n")


@pytest.mark.asyncio
async def test_python_m_bot_with_malformed_token(tmp_path: Path) -> None:
    code, _, err = await run_bot(tmp_path, TELEGRAM_BOT_TOKEN="not a token")
    assert code == EXIT_SETTINGS
    assert err == (
        "TELEGRAM_BOT_TOKEN is malformed; it should look like 123456789:AAE..., exactly as @BotFather gave it.\n"
    )
    assert "not a token" not in err


@pytest.mark.asyncio
async def test_python_m_bot_with_unreachable_api(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{_closed_port()}/bot"
    code, _, err = await run_bot(tmp_path, TELEGRAM_BOT_TOKEN=GOOD_LOOKING_TOKEN, TELEGRAM_API_BASE_URL=base_url)
    assert code == EXIT_FAILURE
    (line,) = err.splitlines()
    assert line.startswith(f"Cannot reach the Telegram Bot API at {base_url}: ")
    assert GOOD_LOOKING_TOKEN not in err


@pytest.mark.asyncio
async def test_python_m_bot_with_rejected_token(tmp_path: Path, telegram: FakeTelegram) -> None:
    code, _, err = await run_bot(
        tmp_path, TELEGRAM_BOT_TOKEN=GOOD_LOOKING_TOKEN, TELEGRAM_API_BASE_URL=telegram.base_url
    )
    assert code == EXIT_FAILURE
    assert err == (
        f"The Bot API at {telegram.base_url} rejected TELEGRAM_BOT_TOKEN; "
        "check the token with @BotFather, and that the URL ends in /bot.\n"
    )
    assert telegram.calls == []  # refused before any method ran
