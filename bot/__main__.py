"""``python -m bot``: run the Telegram bot over the article index.

Exit codes: 0 after a clean stop (SIGTERM, Ctrl-C), 1 when the API, the token
or the index fails at start-up or the Bot API rejects the token while the bot
runs (revoked with @BotFather), 2 for invalid settings, and 3 when
``TELEGRAM_BOT_TOKEN`` is not set, so ``make run`` can fall back to the
terminal chat. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from pydantic import ValidationError
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.settings import TOKEN_PATTERN, BotSettings

EXIT_FAILURE = 1
EXIT_SETTINGS = 2
EXIT_NO_TOKEN = 3
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set; put the token from @BotFather in .env or the environment "
    "to run the Telegram bot (see .env.example)."
)


def main(argv: list[str] | None = None) -> int:
    """Starts the bot in polling or webhook mode and runs it until it is told to stop."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about the articles in CORPUS_DIR on Telegram. "
        "Settings come from the environment and .env (see .env.example).",
    )
    parser.parse_args(argv)
    # Opt in to PTB 23's timedelta periods now, instead of a deprecation warning on every 429.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        return _main()
    except KeyboardInterrupt:
        return 0


def _main() -> int:
    try:
        settings = BotSettings()
    except ValidationError as error:
        return _fail(_settings_problem(error), EXIT_SETTINGS)
    if settings.telegram_bot_token is None:
        return _fail(NO_TOKEN, EXIT_NO_TOKEN)
    token = settings.token()
    if not TOKEN_PATTERN.fullmatch(token):
        return _fail(
            "TELEGRAM_BOT_TOKEN is malformed; it should look like 123456789:AAE..., exactly as @BotFather gave it.",
            EXIT_SETTINGS,
        )
    # SIGTERM while starting stops as cleanly as Ctrl-C; once running, PTB handles both.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    configure_logging(settings)
    try:
        asyncio.run(_check_api(settings))
    except InvalidToken:
        return _fail(
            f"The Bot API at {settings.telegram_api_base_url} rejected TELEGRAM_BOT_TOKEN; "
            "check the token with @BotFather, and that the URL ends in /bot.",
            EXIT_FAILURE,
        )
    except TelegramError as error:
        return _fail(_api_problem(settings, error, token), EXIT_FAILURE)

    # Imported here so that a missing token is reported without loading the model stack.
    from bot.app import build_application, run
    from bot.library import Library, SerializedEmbedder, manifest_signature
    from index import Engine, EngineError
    from index.cli import make_embedder

    try:
        # One model for answering and for the rebuilds after an article is added or removed.
        embedder = SerializedEmbedder(make_embedder(settings))
        # Taken before loading: a build committed meanwhile is picked up by the first check.
        loaded = manifest_signature(settings.index_dir)
        engine = Engine.open(settings.corpus_dir, settings.index_dir, settings.embedding_model, embedder=embedder)
        engine.warm_up()
    except EngineError as error:
        return _fail(str(error), EXIT_FAILURE)
    library = Library.for_settings(settings, embedder, loaded)
    try:
        run(build_application(settings, engine, library), settings)
    except InvalidToken:
        return _fail(
            f"The Bot API at {settings.telegram_api_base_url} rejected TELEGRAM_BOT_TOKEN while the bot was running: "
            "the token was revoked or replaced; put the current one from @BotFather in TELEGRAM_BOT_TOKEN.",
            EXIT_FAILURE,
        )
    except TelegramError as error:
        return _fail(_api_problem(settings, error, token), EXIT_FAILURE)
    return 0


async def _check_api(settings: BotSettings) -> None:
    """Calls getMe once, so a bad token or an unreachable API fails before the model loads."""
    async with Bot(settings.token(), base_url=settings.telegram_api_base_url):
        pass


def _api_problem(settings: BotSettings, error: TelegramError, token: str) -> str:
    kind = "Cannot reach" if isinstance(error, NetworkError) else "Error from"
    detail = str(error).replace(token, "[token]")
    return f"{kind} the Telegram Bot API at {settings.telegram_api_base_url}: {detail}"


def _settings_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]).upper() or "settings"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"Invalid setting {where}: {first['msg']}{more}"


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


class Redact(logging.Filter):
    """Replaces each secret wherever a log line would show it: the token in URLs and errors,
    the webhook secret in PTB's DEBUG line for setWebhook."""

    def __init__(self, secrets: dict[str, str]) -> None:
        super().__init__()
        # Longest first, so a secret inside another is not half replaced.
        self._secrets = sorted(((value, label) for label, value in secrets.items() if value), key=lambda s: -len(s[0]))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True

    def _redact(self, text: str) -> str:
        for value, label in self._secrets:
            text = text.replace(value, f"[{label}]")
        return text


class SaidOnce(logging.Filter):
    """Drops PTB's tracebacks of a rejected token (its polling loop's, its shutdown's): the bot
    stops on it, and ``python -m bot`` says so in one line of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def configure_logging(settings: BotSettings) -> None:
    """Logs at LOG_LEVEL, with the token and the webhook secret scrubbed from every line."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=settings.log_level)
    secret = settings.webhook_secret_token
    secrets = {"token": settings.token(), "webhook secret": secret.get_secret_value() if secret else ""}
    for handler in logging.getLogger().handlers:
        handler.addFilter(Redact(secrets))
        handler.addFilter(SaidOnce())
    # httpx logs every request URL, and the URL holds the token; the model stack's own
    # INFO and DEBUG lines say nothing an operator needs.
    for library in ("httpx", "httpcore", "sentence_transformers", "transformers", "filelock", "urllib3", "bm25s"):
        logging.getLogger(library).setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
