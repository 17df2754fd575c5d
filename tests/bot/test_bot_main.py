"""``python -m bot`` failing at start-up: one clear line on stderr, a nonzero exit code."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from bot.__main__ import EXIT_FAILURE, EXIT_NO_TOKEN, EXIT_SETTINGS, NO_TOKEN, main
from index.store.build import build_index
from tests.bot.fake_bot_api import FakeTelegram
from tests.conftest import REPO, TINY_ARTICLE, FakeEmbedder

GOOD_LOOKING_TOKEN = "987654321:AAThisLooksRightButNoServerKnowsIt_0"
# python -m bot with the fake embedder: the whole entrypoint, started in seconds.
FAKE_MODEL_BOT = "tests.bot.fake_model_bot"
# Seconds for the bot to start, meet the revoked token and exit, on a busy machine.
EXIT_BOUND = 60


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connections are refused


async def run_bot(cwd: Path, timeout: float = 60, module: str = "bot", **settings: str) -> tuple[int, str, str]:
    """Runs ``python -m MODULE`` (the bot) in ``cwd`` with ``settings`` as environment variables;
    a bot still running after ``timeout`` seconds is killed and fails the test, with its stderr."""
    out_path, err_path = cwd / "bot.stdout", cwd / "bot.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO), **settings},
            stdout=out,
            stderr=err,
        )
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            pytest.fail(f"the bot was still running after {timeout:g} s; its stderr:\n{err_path.read_text()}")
    assert process.returncode is not None
    return process.returncode, out_path.read_text(), err_path.read_text()


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


def _serving_settings(root: Path, telegram: FakeTelegram, **more: str) -> dict[str, str]:
    """The environment of a bot over a one-article index (fake embedder) and ``telegram``."""
    corpus, index_dir = root / "corpus", root / "index"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    build_index(corpus, index_dir, FakeEmbedder())
    return {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "CORPUS_DIR": str(corpus),
        "INDEX_DIR": str(index_dir),
        "EMBEDDING_MODEL": FakeEmbedder.name,
        "POLLING_TIMEOUT": "1",
        **more,
    }


def _revoked_line(telegram: FakeTelegram) -> str:
    return (
        f"The Bot API at {telegram.base_url} rejected TELEGRAM_BOT_TOKEN while the bot was running: "
        "the token was revoked or replaced; put the current one from @BotFather in TELEGRAM_BOT_TOKEN."
    )


@pytest.mark.asyncio
async def test_a_token_revoked_while_polling_exits_1_with_one_line(tmp_path: Path, telegram: FakeTelegram) -> None:
    """getMe succeeds at start-up, then getUpdates answers 401: a supervisor must learn of it."""
    telegram.revoke_on = "getUpdates"
    settings = _serving_settings(tmp_path, telegram, LOG_LEVEL="WARNING")
    code, out, err = await run_bot(tmp_path, EXIT_BOUND, FAKE_MODEL_BOT, **settings)
    assert (code, out, err) == (EXIT_FAILURE, "", _revoked_line(telegram) + "\n")
    assert [c.method for c in telegram.calls][:1] == ["getMe"] and telegram.revoked


@pytest.mark.asyncio
async def test_a_token_revoked_while_answering_exits_1_and_the_question_is_not_logged(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """The answer to a question is refused with 401: the bot stops, and its log at INFO (the
    default) holds neither the question's text nor a traceback."""
    telegram.revoke_on = "sendMessage"
    telegram.message("Who built the ferry for my-private-trip-4711?")
    code, _, err = await run_bot(tmp_path, EXIT_BOUND, FAKE_MODEL_BOT, **_serving_settings(tmp_path, telegram))
    assert code == EXIT_FAILURE
    assert err.splitlines()[-1] == _revoked_line(telegram)
    assert "my-private-trip-4711" not in err and "Traceback" not in err, err
    # The answer was the first call refused, and no apology was tried after it: it would fail too.
    assert [c.method for c in telegram.calls if c.error][:1] == ["sendMessage"]
    assert len(telegram.of("sendMessage")) == 1
