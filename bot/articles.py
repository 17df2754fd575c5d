"""Handlers for the articles themselves: admins add them (a link or a file) and remove them; all may list them.

An admin is a user in ADMIN_USER_IDS. The work (fetching, extracting,
rebuilding) runs off the event loop in ``bot.library.Library``, one change at
a time; after it the bot swaps in the new engine before it replies, so the
next question is answered from the new set of articles. Uploaded files are
read, never logged.

Replies are Telegram HTML, and much of what they quote came from outside: a
URL, a server's reason phrase or content type inside an error, a file's name.
All of it passes through ``html.escape``, so an ``&`` does not make Telegram
refuse the reply and a server's ``<a href=...>`` is shown, not made a link.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import filters

from bot.formatting import plain_preview, split_html
from bot.handlers import rate_limited
from bot.library import AddResult, Library
from bot.state import BotContext, Services, memory_of, services_of
from index.errors import EngineError
from index.ingest.sources import HTML_SUFFIXES, TEXT_SUFFIXES

logger = logging.getLogger(__name__)

ADMINS_ONLY = "Only this bot's admins add articles; send me a question about the articles instead."
REMOVE_ADMINS_ONLY = "Only this bot's admins remove articles."
NOT_SET_UP = "Adding and removing articles is not set up for this bot."
FILE_KINDS = ", ".join(sorted(HTML_SUFFIXES | TEXT_SUFFIXES))

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
# "add this: <link>" is a link to add; a longer message with a link in it is a question.
_MAX_OTHER_WORDS = 6
# Characters of an error quoted to the admin: a server chooses its reason phrase's length.
_MAX_REASON = 1000


def link_in(text: str) -> str | None:
    """The http(s) URL of a message that is a link, alone or with a few words; else None."""
    urls = _URL.findall(text)
    if len(urls) != 1:
        return None
    rest = _MENTION.sub(" ", _URL.sub(" ", text))
    if len([w for w in rest.split() if any(ch.isalnum() for ch in w)]) > _MAX_OTHER_WORDS:
        return None
    url: str = urls[0]
    return url.rstrip(".,;:!?)]}»”’")


class _LinkMessage(filters.MessageFilter):
    """Text messages that are a link to add (see ``link_in``)."""

    def filter(self, message: Message) -> bool:
        return message.text is not None and link_in(message.text) is not None


LINK = _LinkMessage(name="a link")


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user is not None else None


def _is_admin(update: Update, services: Services) -> bool:
    user = update.effective_user
    return user is not None and user.id in services.settings.admin_user_ids


@rate_limited
async def add_link(update: Update, context: BotContext) -> None:
    """Adds the article at a link an admin sent; tells anyone else that only admins add articles."""
    message, services = update.effective_message, services_of(context)
    if message is None or message.text is None:
        return
    url = link_in(message.text)
    if url is None:
        return
    library = await _admins_library(update, message, services)
    if library is None:
        return
    logger.info("User %s adds the article at %s", _user_id(update), url)
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    await _add_and_report(message, services, library.add_url(url))


@rate_limited
async def add_document(update: Update, context: BotContext) -> None:
    """Adds the article in a file an admin sent; tells anyone else that only admins add articles."""
    message, services = update.effective_message, services_of(context)
    if message is None or message.document is None:
        return
    library = await _admins_library(update, message, services)
    if library is None:
        return
    document = message.document
    name = document.file_name or "the file"
    shown = html.escape(name)
    if not name.lower().endswith(tuple(HTML_SUFFIXES | TEXT_SUFFIXES)):
        await message.reply_html(f"I add articles from {FILE_KINDS} files; {shown} is none of these.")
        return
    if document.file_size is not None and document.file_size > library.max_bytes:
        await message.reply_html(f"{shown} is larger than the {library.max_bytes:,} bytes I read.")
        return
    # The name and size only: an upload's contents are never logged.
    logger.info("User %s adds the article in %s (%s bytes)", _user_id(update), name, document.file_size)
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    data = bytes(await (await document.get_file()).download_as_bytearray())
    await _add_and_report(message, services, library.add_file(data, name))


@rate_limited
async def articles(update: Update, context: BotContext) -> None:
    """Lists the articles, numbered, with their source and date."""
    message, services = update.effective_message, services_of(context)
    if message is None:
        return
    documents = list(services.documents.values())
    memory_of(context).listed = tuple(d.id for d in documents)
    lines = [f"<b>{len(documents)} article{'s' if len(documents) != 1 else ''}</b>"]
    for number, document in enumerate(documents, start=1):
        details = ", ".join(html.escape(part) for part in (document.source, document.date) if part)
        lines.append(f"{number}. <b>{html.escape(document.title)}</b>" + (f" — {details}" if details else ""))
    if _is_admin(update, services):
        lines.append("\nSend me a link or a file to add one; /remove N takes article N out.")
    for piece in split_html("\n".join(lines)):
        await message.reply_html(piece)


@rate_limited
async def remove(update: Update, context: BotContext) -> None:
    """Takes article N of /articles out, for admins."""
    message, services = update.effective_message, services_of(context)
    if message is None:
        return
    if not _is_admin(update, services):
        await message.reply_text(REMOVE_ADMINS_ONLY)
        return
    library = services.library
    if library is None:
        await message.reply_text(NOT_SET_UP)
        return
    memory = memory_of(context)
    # The numbers this chat was shown, so N is the article the admin saw as N.
    listed = memory.listed or tuple(services.documents)
    match = re.fullmatch(r"\d{1,4}", context.args[0]) if context.args else None
    number = int(match.group()) if match else 0
    if not 1 <= number <= len(listed):
        await message.reply_text(f"Use /remove N with N from 1 to {len(listed)}, as /articles numbers them.")
        return
    try:
        removed = await library.remove(listed[number - 1])
    except EngineError as error:
        await message.reply_html(f"Could not remove it: {_reason(error)}")
        return
    await services.refresh()
    memory.listed = ()
    left = len(services.documents)
    await message.reply_html(
        f"Removed <b>{html.escape(removed.title)}</b>; {left} article{'s' if left != 1 else ''} left "
        "(/articles numbers them anew)."
    )


async def _admins_library(update: Update, message: Message, services: Services) -> Library | None:
    """The library, when the sender is an admin and adding is set up; else says why not and
    gives None."""
    if not _is_admin(update, services):
        await message.reply_text(ADMINS_ONLY)
        return None
    if services.library is None:
        await message.reply_text(NOT_SET_UP)
    return services.library


async def _add_and_report(message: Message, services: Services, adding: Awaitable[AddResult]) -> None:
    """Waits for an add and tells the admin what came of it, in one reply."""
    try:
        result = await adding
    except EngineError as error:
        await message.reply_html(f"Could not add it: {_reason(error)}")
        return
    await _report_added(message, services, result)


def _reason(error: EngineError) -> str:
    """The error's message as HTML for a reply: escaped, as URLs, a server's words and file names
    are in it, and cut to a length that fits a message."""
    return html.escape(plain_preview(str(error), _MAX_REASON))


async def _report_added(message: Message, services: Services, result: AddResult) -> None:
    """Swaps in the new index, then says what was added and what to ask, or what was there already."""
    await services.refresh()
    if result.added is None:
        existing = result.existing
        title = existing.title if existing is not None else "that article"
        await message.reply_html(f"Already added: <b>{html.escape(title)}</b>.")
        return
    added = result.added
    document = services.documents.get(added.id)
    examples = document.examples if document is not None else ()
    # Its own example when the article has one; else a question the engine answers for any
    # article it can tell by its title: the lede and key sentences.
    example = examples[0] if examples else f"What are the key points of “{added.title}”?"
    site = ", ".join(part for part in (added.source, added.date) if part) or "no site named"
    await message.reply_html(
        f"Added <b>{html.escape(added.title)}</b> ({html.escape(site)}): {added.paragraphs} paragraphs.\n"
        f"Try asking: <i>{html.escape(example)}</i>"
    )
