"""What the bot does with each kind of update; every handler has one shape.

Handlers reach the engine through ``Services`` in ``bot_data``; per-chat
memory (the last answer, for follow-ups and ``/source``) lives in
``chat_data``, per-user rate windows in ``user_data`` (see ``bot.state``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import json
import logging
import re
import time
from collections.abc import Sequence

from telegram import (
    BotCommand,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ApplicationHandlerStop, filters

from bot.formatting import (
    MAX_MESSAGE,
    format_about,
    format_abstention,
    format_answer,
    format_framed,
    format_paragraph,
    group_quotes,
    plain_preview,
    split_html,
    text_length,
)
from bot.keyboards import (
    ContextRequest,
    context_keyboard,
    example_question,
    examples_keyboard,
    find_document,
    parse_ask,
    parse_context,
)
from bot.ratelimit import RateWindow, Verdict
from bot.state import BotContext, Handler, Services, Shown, memory_of, services_of
from index.answer.conversation import remember
from index.types import Answer, DocumentInfo

logger = logging.getLogger(__name__)

COMMANDS = (
    BotCommand("start", "What I do, with example questions"),
    BotCommand("help", "How to ask, and the commands"),
    BotCommand("about", "The article: title, source, date"),
    BotCommand("source", "/source N: the whole paragraph of quote [N]"),
    BotCommand("articles", "The articles I answer from, numbered"),
    BotCommand("remove", "/remove N: take article N out (admins)"),
)
SORRY = "Sorry, something went wrong on my side. Please try again."
# The kinds of update the bot handles, as Update's attribute names.
ALLOWED_KINDS = ("message", "edited_message", "callback_query", "inline_query")
TYPING_AFTER_SECONDS = 0.3


class _AddressedToBot(filters.MessageFilter):
    """Messages that mention the bot or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
        entities = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
        for entity, text in entities.items():
            if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
                return True
            if entity.type == MessageEntity.MENTION and text[1:].casefold() == bot.username.casefold():
                return True
        return False


ADDRESSED = _AddressedToBot(name="addressed to the bot")


def rate_limited(handler: Handler) -> Handler:
    """Lets a user's update through only within RATE_LIMIT_MESSAGES per window."""

    @functools.wraps(handler)
    async def limited(update: Update, context: BotContext) -> None:
        if not await _over_budget(update, context):
            await handler(update, context)

    return limited


async def _over_budget(update: Update, context: BotContext) -> bool:
    if update.effective_user is None or context.user_data is None:
        return False
    settings = services_of(context).settings
    memory = context.user_data
    if memory.window is None:
        memory.window = RateWindow(settings.rate_limit_messages, settings.rate_limit_window_seconds)
    now = time.monotonic()
    verdict = memory.window.hit(now)
    if verdict is Verdict.ALLOW:
        return False
    line = (
        f"Slow down, please: I read at most {settings.rate_limit_messages} messages every "
        f"{settings.rate_limit_window_seconds:g} seconds. Try again in "
        f"{max(1, round(memory.window.retry_after(now)))} s."
    )
    if update.callback_query is not None:
        await update.callback_query.answer(line if verdict is Verdict.WARN else None)
    elif verdict is Verdict.WARN and update.effective_message is not None:
        await update.effective_message.reply_text(line)
    return True


async def gate(update: Update, context: BotContext) -> None:
    """Stops updates from chats outside ALLOWED_CHAT_IDS before any handler sees them."""
    allowed = services_of(context).settings.allowed_chat_ids
    chat, user = update.effective_chat, update.effective_user
    origin = chat.id if chat is not None else user.id if user is not None else None
    if not allowed or origin in allowed:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.inline_query is not None:
        await update.inline_query.answer([], is_personal=True, cache_time=0)
    raise ApplicationHandlerStop


@rate_limited
async def start(update: Update, context: BotContext) -> None:
    """Says what the bot is and offers three example questions as buttons."""
    services = services_of(context)
    message = update.effective_message
    if message is None:
        return
    text = (
        f"I answer questions about {_corpus_line(services)} by quoting the article itself: "
        "its own sentences, numbered, with the paragraph they stand in. No made-up text. "
        "Say “summarize” for the key points.\n\n"
        f"{_how_to_ask(message, context)} For example:"
    )
    await message.reply_html(text, reply_markup=examples_keyboard(services.engine.documents, 3))


@rate_limited
async def help_command(update: Update, context: BotContext) -> None:
    """Explains how to ask, the follow-ups, the buttons and every command."""
    message = update.effective_message
    if message is None:
        return
    username = html.escape(context.bot.username)
    text = (
        "<b>Asking</b>\n"
        f"{_how_to_ask(message, context)} I reply with the answer first when it is a name, a date "
        "or a number, then the article's sentences, numbered [1], [2]…, with their paragraph (¶). "
        "When the article has nothing on it, I say so.\n"
        "Ask “summarize” for the key points and “who wrote it?” for the source.\n"
        "Follow-ups work: after an answer about someone, ask “what did he say?”.\n"
        "Tap <b>Show context</b> under an answer for the whole paragraph.\n\n"
        "<b>Commands</b>\n"
        "/start – what I do, with example questions\n"
        "/help – this message\n"
        "/about – the article: title, source, date and first paragraph\n"
        "/source N – the whole paragraph of quote [N] in my last answer here\n"
        "/articles – the articles I answer from, numbered\n"
        "/remove N – take article N out (admins; they add one by sending me a link or a file)\n\n"
        "<b>Elsewhere</b>\n"
        f"In any chat, type @{username} and a question to share an answer.\n"
        "In groups I answer commands, messages that mention me and replies to my messages."
    )
    await message.reply_html(text)


@rate_limited
async def about(update: Update, context: BotContext) -> None:
    """Shows each article's title, source, date and first paragraph."""
    message = update.effective_message
    if message is None:
        return
    text = "\n\n".join(format_about(d) for d in services_of(context).engine.documents)
    for piece in split_html(text):
        await message.reply_html(piece)


@rate_limited
async def source(update: Update, context: BotContext) -> None:
    """Quotes the whole paragraph of quote [N] of this chat's last answer."""
    message = update.effective_message
    if message is None:
        return
    last = memory_of(context).last
    if last is None:
        await message.reply_text("Ask me a question first; then /source N shows the whole paragraph of quote [N].")
        return
    quotes = group_quotes(last.citations)
    if not quotes:
        await message.reply_text("My last answer here quoted nothing, so there is no [N] to show.")
        return
    number = _number(context.args)
    if number is None or not 1 <= number <= len(quotes):
        await message.reply_text(f"Use /source N with N from 1 to {len(quotes)}, e.g. /source 1.")
        return
    quote = quotes[number - 1]
    document = services_of(context).documents.get(quote.document)
    if document is None:
        await message.reply_text("That article is no longer in my corpus.")
        return
    text = _paragraphs(document, quote.paragraphs[0], quote.paragraphs[-1], [c.text for c in quote.citations])
    for piece in split_html(text):
        await message.reply_html(piece)


@rate_limited
async def ask(update: Update, context: BotContext) -> None:
    """Answers a text message with the article's own sentences."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    question = re.sub(rf"@{re.escape(context.bot.username)}\b", " ", message.text, flags=re.IGNORECASE)
    private = message.chat.type == ChatType.PRIVATE
    await _send_answer(context, message.chat_id, question, reply_to=None if private else message.message_id)


async def ask_example(update: Update, context: BotContext) -> None:
    """Answers the example question whose button was tapped."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    request = parse_ask(query.data)
    question = example_question(request, services_of(context).engine.documents) if request else None
    if query.message is None or question is None:
        return
    heading = f"❓ <i>{html.escape(question)}</i>\n\n"
    await _send_answer(context, query.message.chat.id, question, heading=heading)


async def show_context(update: Update, context: BotContext) -> None:
    """Expands a quote of an answer into its whole paragraph."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    request = parse_context(query.data)
    if query.message is None or request is None:
        return
    services, memory = services_of(context), memory_of(context)
    shown = memory.shown.get(query.message.message_id)
    # An article removed since the answer: say so, rather than expand nothing.
    if shown is not None and find_document(request.document, services.documents.values()) is not None:
        if request.number in shown.expanded:
            return
        expanded = shown.expanded | {request.number}
        text, keyboard = _render(shown.answer, services, expanded)
        if text_length(shown.heading + text) <= MAX_MESSAGE:
            memory.remember(query.message.message_id, Shown(shown.answer, shown.heading, expanded))
            await query.edit_message_text(shown.heading + text, reply_markup=keyboard)
            return
    await _send_paragraphs(context, query.message.chat.id, query.message.message_id, request)


@rate_limited
async def unknown_command(update: Update, context: BotContext) -> None:
    """Points to /help when a command in a private chat is not one of the bot's."""
    message = update.effective_message
    if message is not None:
        await message.reply_text("I don't know that command; /help lists mine.")


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answers a callback query no handler knows, e.g. from an older version of the bot."""
    if update.callback_query is not None:
        await update.callback_query.answer("This button no longer works; please ask again.")


async def inline_answer(update: Update, context: BotContext) -> None:
    """Offers the answer to an inline query as one result to send."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if not question:
        button = InlineQueryResultsButton("Type a question about the article", start_parameter="inline")
        await query.answer([], button=button, cache_time=300)
        return
    services = services_of(context)
    answer = await services.answerer.answer(question, None)
    body, _ = _render(answer, services)
    content = split_html(f"❓ <i>{html.escape(question)}</i>\n\n{body}")[0]
    quotes = group_quotes(answer.citations)
    if answer.kind == "not_in_article":
        title, description = "The article doesn't say", plain_preview(question, 100)
    elif answer.tentative and quotes:
        title, description = "The article may not answer this directly", plain_preview(quotes[0].text, 100)
    elif not quotes:
        title, description = plain_preview(answer.answer, 100), ""
    else:
        lead = answer.short_answer or quotes[0].text
        title, description = plain_preview(lead, 100), _corpus_title(services, quotes[0].document)
    result = InlineQueryResultArticle(
        id="answer",
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(content, parse_mode=ParseMode.HTML),
    )
    await query.answer([result], cache_time=60)


@rate_limited
async def not_text(update: Update, context: BotContext) -> None:
    """Says in one line that the bot answers text questions about the article."""
    message = update.effective_message
    if message is not None:
        await message.reply_text("I only read text: send me a question about the article in words.")


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure, apologises to the user, and lets the bot carry on.

    The update itself (a person's message) is logged at DEBUG only; a rejected
    token is not logged at all: the bot stops on it and says so in one line."""
    if isinstance(context.error, InvalidToken):
        return
    logger.error("Failed to handle update %s", _summary(update), exc_info=context.error)
    logger.debug("The update that failed: %s", _describe(update))
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # it may have been answered already
            await update.callback_query.answer()
    if update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except TelegramError:
            logger.warning("Could not apologise for update %s", update.update_id, exc_info=True)


async def _send_answer(
    context: BotContext,
    chat_id: int,
    question: str,
    *,
    reply_to: int | None = None,
    heading: str = "",
) -> None:
    services, memory = services_of(context), memory_of(context)
    answering = asyncio.ensure_future(services.answerer.answer(question, memory.last))
    # Telegram's flood limits count every request, and most answers take a few
    # milliseconds: show "typing…" only when a person would notice the wait.
    done, _ = await asyncio.wait({answering}, timeout=TYPING_AFTER_SECONDS)
    if not done:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    answer = await answering
    memory.last = remember(memory.last, answer)
    text, keyboard = _render(answer, services)
    pieces = split_html(heading + text)
    sent: Message | None = None
    for number, piece in enumerate(pieces, start=1):
        sent = await context.bot.send_message(
            chat_id,
            piece,
            reply_markup=keyboard if number == len(pieces) else None,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to is not None and number == 1
                else None
            ),
        )
    if sent is not None and len(pieces) == 1 and not answer.abstained:
        memory.remember(sent.message_id, Shown(answer, heading))


def _render(
    answer: Answer, services: Services, expanded: frozenset[int] = frozenset()
) -> tuple[str, InlineKeyboardMarkup | None]:
    if answer.kind == "not_in_article":
        return format_abstention(answer), examples_keyboard(services.engine.documents, 2)
    if answer.abstained or not answer.citations:
        return (format_abstention(answer) if answer.abstained else format_framed(answer)), None
    quotes = group_quotes(answer.citations)
    keyboard = context_keyboard(quotes, services.documents.values(), expanded)
    return format_answer(answer, services.documents, expanded), keyboard


async def _send_paragraphs(context: BotContext, chat_id: int, reply_to: int, request: ContextRequest) -> None:
    document = find_document(request.document, services_of(context).documents.values())
    if document is None:
        text = "That article is no longer in my corpus."
    else:
        text = _paragraphs(document, request.first, request.last)
    for piece in split_html(text):
        await context.bot.send_message(
            chat_id, piece, reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
        )


def _paragraphs(document: DocumentInfo, first: int, last: int, sentences: Sequence[str] = ()) -> str:
    numbers = [p for p in range(first, last + 1) if 1 <= p <= len(document.paragraphs)]
    if not numbers:
        return "That paragraph is no longer in the article."
    return "\n\n".join(format_paragraph(document, p, sentences) for p in numbers)


def _how_to_ask(message: Message, context: BotContext) -> str:
    if message.chat.type == ChatType.PRIVATE:
        return "Send me a question in your own words."
    username = html.escape(context.bot.username)
    return f"Here, mention me (@{username}) in a question or reply to one of my messages."


def _corpus_line(services: Services) -> str:
    documents = services.engine.documents
    if len(documents) == 1:
        (document,) = documents
        source = f" ({html.escape(document.source)})" if document.source else ""
        return f"the article <b>{html.escape(document.title)}</b>{source}"
    return f"{len(documents)} articles (see /about)"


def _corpus_title(services: Services, document_id: str) -> str:
    document = services.documents.get(document_id)
    return document.title if document is not None else document_id


def _number(args: Sequence[str] | None) -> int | None:
    if not args:
        return None
    match = re.fullmatch(r"\[?(\d{1,4})\]?", args[0])
    return int(match.group(1)) if match else None


def _summary(update: object) -> str:
    """Which update failed, without what anyone wrote: its id, kind, chat and user."""
    if not isinstance(update, Update):
        return type(update).__name__
    kind = next((name for name in ALLOWED_KINDS if getattr(update, name) is not None), "update")
    chat, user = update.effective_chat, update.effective_user
    where = "".join(
        [f" in chat {chat.id}" if chat is not None else "", f" from user {user.id}" if user is not None else ""]
    )
    return f"{update.update_id} ({kind.replace('_', ' ')}{where})"


def _describe(update: object) -> str:
    if isinstance(update, Update):
        return json.dumps(update.to_dict(), ensure_ascii=False)
    return repr(update)
