"""The PTB Application: every handler registered in one place, and how it runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.articles import LINK, add_document, add_link, articles, remove
from bot.handlers import (
    ADDRESSED,
    COMMANDS,
    about,
    ask,
    ask_example,
    gate,
    help_command,
    inline_answer,
    not_text,
    on_error,
    show_context,
    source,
    start,
    unknown_button,
    unknown_command,
)
from bot.keyboards import ASK_PATTERN, CONTEXT_PATTERN
from bot.library import Library
from bot.settings import BotSettings
from bot.state import CONTEXT_TYPES, AnswerSource, Services
from index.answer.batching import AnswerBatcher

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# Only what the handlers use; Telegram remembers the last list a bot asked for.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
# Questions in flight at once; answering itself is batched off the loop.
CONCURRENT_UPDATES = 64
# Connections to the Bot API: PTB's own defaults for its two clients.
_CONNECTIONS, _GET_UPDATES_CONNECTIONS = 256, 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)

_TO_ME = filters.ChatType.PRIVATE | ADDRESSED
_NEW = filters.UpdateType.MESSAGE  # not edits, not channel posts
QUESTIONS = _NEW & filters.TEXT & ~filters.COMMAND & _TO_ME
NOT_TEXT = _NEW & ~filters.TEXT & filters.ATTACHMENT & _TO_ME
# One handler per command of the menu that setMyCommands registers.
_COMMAND_HANDLERS = {
    "start": start,
    "help": help_command,
    "about": about,
    "source": source,
    "articles": articles,
    "remove": remove,
}
# A link or a file: added for an admin, refused for anyone else; never read as a question.
LINKS = _NEW & filters.TEXT & ~filters.COMMAND & LINK & _TO_ME
FILES = _NEW & filters.Document.ALL & _TO_ME


def build_application(settings: BotSettings, engine: AnswerSource, library: Library | None = None) -> BotApplication:
    """The bot, wired but not started: ``run`` or ``start_application`` starts it.

    With a ``library`` admins can add and remove articles, and the bot follows
    changes of the index on disk; without one it only answers."""
    services = Services(settings, engine, library)
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_base_url)
        .request(_TokenWatch(services.reject_token, connection_pool_size=_CONNECTIONS))
        .get_updates_request(_TokenWatch(services.reject_token, connection_pool_size=_GET_UPDATES_CONNECTIONS))
    )
    file_base_url = settings.file_base_url()
    if file_base_url is not None:
        builder = builder.base_file_url(file_base_url)
    application = (
        builder
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(CONCURRENT_UPDATES)
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    if settings.allowed_chat_ids:
        application.add_handler(TypeHandler(Update, gate), group=-1)
    application.add_handlers(
        [
            *(CommandHandler(c.command, _COMMAND_HANDLERS[c.command], filters=_NEW) for c in COMMANDS),
            MessageHandler(_NEW & filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
            MessageHandler(LINKS, add_link),
            MessageHandler(QUESTIONS, ask),
            MessageHandler(FILES, add_document),
            MessageHandler(NOT_TEXT, not_text),
            CallbackQueryHandler(ask_example, pattern=ASK_PATTERN),
            CallbackQueryHandler(show_context, pattern=CONTEXT_PATTERN),
            CallbackQueryHandler(unknown_button),
            InlineQueryHandler(inline_answer),
        ]
    )
    application.add_error_handler(on_error)
    return application


async def _post_init(application: BotApplication) -> None:
    """Registers the command menu and starts the answer batcher inside the running loop."""
    await application.bot.set_my_commands(COMMANDS)
    services: Services = application.bot_data["services"]
    services.batcher = AnswerBatcher(services.engine)
    if services.library is not None:
        services.watcher = asyncio.create_task(_watch_index(services), name="index-watcher")
    logger.info(
        "Answering questions about %d article(s) as @%s (%s mode)",
        len(services.documents),
        application.bot.username,
        services.settings.bot_mode,
    )


async def _post_shutdown(application: BotApplication) -> None:
    """Stops the answer batcher, if post_init got as far as starting it."""
    services: Services = application.bot_data["services"]
    if services.watcher is not None:
        services.watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await services.watcher
        services.watcher = None
    if services.batcher is not None:
        await services.batcher.aclose()
        services.batcher = None


async def _watch_index(services: Services) -> None:
    """Checks the index every INDEX_CHECK_SECONDS, so a change made beside the bot
    (``python -m index add``) is answered from without a restart."""
    while True:
        await asyncio.sleep(services.settings.index_check_seconds)
        try:
            await services.refresh()
        except Exception:  # the next check tries again; the bot keeps answering from what it has
            logger.exception("Checking the index for changes failed")


def polling_options(settings: BotSettings) -> dict[str, Any]:
    """Arguments for ``run_polling`` / ``Updater.start_polling``."""
    return {"timeout": settings.polling_timeout, "allowed_updates": ALLOWED_UPDATES}


def webhook_options(settings: BotSettings) -> dict[str, Any]:
    """Arguments for ``run_webhook`` / ``Updater.start_webhook``."""
    secret = settings.webhook_secret_token
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path(),
        "webhook_url": settings.webhook_url,
        "secret_token": secret.get_secret_value() if secret is not None else None,
        "allowed_updates": ALLOWED_UPDATES,
    }


class _TokenWatch(HTTPXRequest):
    """PTB's HTTP client to the Bot API, which also tells ``rejected`` of every 401 answer.

    PTB turns a 401 into ``InvalidToken``, but one from getUpdates only ends its
    polling task: the process would stay up, answering nothing, and a supervisor
    that restarts on exit would never learn. Every call goes through here, so a
    401 from polling, from a reply or from a download stops the bot alike."""

    def __init__(self, rejected: Callable[[], None], **options: Any) -> None:
        super().__init__(**options)
        self._rejected = rejected

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """The request, as PTB makes it; a 401 is reported before PTB raises on it."""
        code, payload = await super().do_request(*args, **kwargs)
        if code == HTTPStatus.UNAUTHORIZED:
            self._rejected()
        return code, payload


def run(application: BotApplication, settings: BotSettings) -> None:
    """Runs until SIGINT, SIGTERM or SIGABRT, then shuts down cleanly; raises ``InvalidToken``
    (after shutting down as cleanly) when the Bot API rejects the token while the bot runs."""
    asyncio.run(serve(application, settings))


async def serve(application: BotApplication, settings: BotSettings) -> None:
    """What ``run`` does, in the running loop: the same start and stop as the tests use, with
    a stop that both signals and a rejected token can ask for (PTB's ``run_polling`` has no
    way to be stopped by a failed getUpdates)."""
    services: Services = application.bot_data["services"]
    loop = asyncio.get_running_loop()
    for signal_number in STOP_SIGNALS:
        loop.add_signal_handler(signal_number, services.stopping.set)
    try:
        await start_application(application, settings)
        await services.stopping.wait()
    finally:
        await stop_application(application)
        for signal_number in STOP_SIGNALS:
            loop.remove_signal_handler(signal_number)
    if services.token_rejected:
        raise InvalidToken("the Bot API rejected the token while the bot was running")


async def start_application(application: BotApplication, settings: BotSettings) -> None:
    """What ``run`` does, inside an already running loop (for tests and embedding)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if application.updater is None:
        raise RuntimeError("the application was built without an updater")
    if settings.bot_mode == "webhook":
        await application.updater.start_webhook(**webhook_options(settings))
    else:
        await application.updater.start_polling(**polling_options(settings))
    await application.start()


async def stop_application(application: BotApplication) -> None:
    """Undoes ``start_application``: stops fetching, finishes what is in flight, shuts down."""
    if application.updater is not None and application.updater.running:
        # A polling task that ended on a rejected token raises it again here; it is reported
        # once, by whoever runs the bot, and the shutdown goes on.
        with contextlib.suppress(InvalidToken):
            await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
