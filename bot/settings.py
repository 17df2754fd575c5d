"""The bot's settings: the engine's, plus Telegram's, from the environment and ``.env``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from index.settings import EngineSettings

# What @BotFather hands out: the bot's numeric id, a colon, then a key.
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
# Telegram accepts 1-256 of these characters in X-Telegram-Bot-Api-Secret-Token.
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class BotSettings(EngineSettings):
    """Everything ``python -m bot`` reads; every field is listed in ``.env.example``."""

    # An empty value (``TELEGRAM_BOT_TOKEN=`` as in .env.example) means "not set".
    model_config = SettingsConfigDict(env_ignore_empty=True)

    # Secret: never logged. Without it the bot cannot start (exit code 3).
    telegram_bot_token: SecretStr | None = None
    # PTB's base_url: the token is appended, or replaces "{token}" when present.
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    bot_mode: Literal["polling", "webhook"] = "polling"
    # Seconds each getUpdates long poll may wait for news.
    polling_timeout: float = Field(default=10.0, ge=0)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # The public https URL Telegram posts to; its path is the path served locally.
    webhook_url: str | None = None
    webhook_secret_token: SecretStr | None = None
    # Chats (and, for inline queries, users) the bot serves; empty means everyone.
    allowed_chat_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Users who may add articles (a link or a file sent to the bot) and /remove them; empty: nobody.
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Seconds between checks of the index's manifest, so an article added with
    # `python -m index add` while the bot runs is answered from without a restart.
    index_check_seconds: float = Field(default=5.0, gt=0)
    # Each user may send this many messages per window before one "slow down" line.
    rate_limit_messages: int = Field(default=8, ge=1)
    rate_limit_window_seconds: float = Field(default=20.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _parse_chat_ids(cls, value: Any) -> Any:
        """Accepts "1,-100200" or "[1, -100200]" as well as a list."""
        if isinstance(value, str):
            return [int(part) for part in re.split(r"[\s,\[\]]+", value) if part]
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's rule for the secret token."""
        if value is not None and not _SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> BotSettings:
        """Webhook mode cannot start without the public URL."""
        if self.bot_mode == "webhook" and not self.webhook_url:
            raise ValueError("BOT_MODE=webhook needs WEBHOOK_URL, the public https URL")
        return self

    def token(self) -> str:
        """The token's value; raises when it is not set."""
        if self.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()

    def file_base_url(self) -> str | None:
        """Where files (an admin's upload) are downloaded: Telegram's ``/file/bot`` beside ``/bot``,
        or None (PTB's default) when the API URL does not end in ``/bot``."""
        base = self.telegram_api_base_url.removesuffix("{token}").rstrip("/")
        if not base.endswith("/bot"):
            return None
        return base.removesuffix("bot") + "file/bot"

    def webhook_path(self) -> str:
        """The local path the webhook server answers on: the public URL's path."""
        return urlsplit(self.webhook_url or "").path.strip("/")
