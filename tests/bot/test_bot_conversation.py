"""End to end over polling: the real PTB Application against the Bot API server on loopback.

Each test pushes updates through getUpdates and asserts on the requests the
bot made in reply. The engine is the deterministic fake; see
``test_bot_real_engine.py`` for the real one.
"""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import Any

import pytest

from bot.articles import ADMINS_ONLY
from bot.handlers import SORRY
from index.answer.replies import TENTATIVE
from tests.bot.bot_harness import RunningBot, running_bot
from tests.bot.fake_bot_api import ALICE, BOB, BOT_USER, GROUP, ApiError, Call, FakeTelegram, parse_telegram_html
from tests.bot.fake_qa_engine import ARTICLE, FakeEngine

pytestmark = pytest.mark.asyncio

MENTION = "@" + BOT_USER["username"]


def sent(calls: list[Call], chat_id: int | None = None) -> list[Call]:
    """The sendMessage calls among ``calls``, optionally to one chat."""
    return [c for c in calls if c.method == "sendMessage" and (chat_id is None or c.params["chat_id"] == chat_id)]


def only_message(calls: list[Call]) -> Call:
    """The one sendMessage among ``calls``."""
    messages = sent(calls)
    assert len(messages) == 1, [m.text for m in messages]
    return messages[0]


async def test_start_up_registers_the_command_menu(bot: RunningBot, telegram: FakeTelegram) -> None:
    await telegram.wait_for(lambda c: c.method == "getUpdates")
    methods = [c.method for c in telegram.calls]
    assert methods.index("getMe") < methods.index("deleteWebhook") < methods.index("getUpdates")
    (commands,) = telegram.of("setMyCommands")
    names = [c["command"] for c in commands.params["commands"]]
    assert names == ["start", "help", "about", "source", "articles", "remove"]
    (poll, *_) = telegram.of("getUpdates")
    assert poll.params["allowed_updates"] == ["message", "callback_query", "inline_query"]


async def test_question_gets_numbered_quotes_and_the_article(bot: RunningBot, telegram: FakeTelegram) -> None:
    calls = await bot.exchange(lambda: telegram.message("Which office will Acme close?"))
    # A quick answer needs no "typing…" (see the slow-answer test for when it is shown).
    assert [c.method for c in calls] == ["sendMessage"]
    reply = calls[0]
    assert reply.params["parse_mode"] == "HTML"
    assert reply.text == (
        "<b>[1]</b> <i>¶1</i>\n"
        "<blockquote>Acme Corp said on Monday that it would close its London office.</blockquote>\n\n"
        '— <a href="https://example.com/acme?a=1&amp;b=2"><i>Acme &lt;closes&gt; London office &amp; more</i></a>,'
        " The Test Times"
    )
    assert reply.buttons == [{"text": "Show context", "callback_data": "ctx:1:acme-office:1-1"}]
    assert reply.params["link_preview_options"] == {"is_disabled": True}


async def test_unanswerable_question_says_so_with_two_examples(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("What is the capital of France?")))
    # The examples are the buttons; the text does not repeat them.
    assert reply.text == "The article doesn&#x27;t say."
    assert [b["callback_data"] for b in reply.buttons] == ["ask:acme-office:0", "ask:acme-office:1"]
    assert [b["text"] for b in reply.buttons] == list(ARTICLE.examples[:2])


async def test_follow_up_is_answered_about_the_last_exchange(
    bot: RunningBot, telegram: FakeTelegram, engine: FakeEngine
) -> None:
    first = only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme?")))
    assert "Jane Doe, the head of Acme" in first.text
    second = only_message(await bot.exchange(lambda: telegram.message("When did she say it would reopen?")))
    assert "She said the office would reopen in 2025." in second.text
    (_, previous) = engine.calls[-1]
    assert previous is not None and previous.question == "Who is the head of Acme?"
    # Another chat has its own context.
    await bot.exchange(lambda: telegram.message("When did she say it would reopen?", user=BOB))
    assert engine.calls[-1][1] is None


async def test_start_offers_three_example_questions(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("/start")))
    assert "<b>Acme &lt;closes&gt; London office &amp; more</b> (The Test Times)" in reply.text
    assert [b["callback_data"] for b in reply.buttons] == [f"ask:acme-office:{n}" for n in range(3)]


async def test_example_button_asks_its_question(bot: RunningBot, telegram: FakeTelegram) -> None:
    start = only_message(await bot.exchange(lambda: telegram.message("/start")))
    calls = await bot.exchange(lambda: telegram.callback("ask:acme-office:1", start.result))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert calls[1].text.startswith("❓ <i>Who is the head of Acme?</i>\n\n<b>[1]</b>")
    expanded = await bot.exchange(lambda: telegram.callback("ctx:1:acme-office:2-2", calls[1].result))
    assert expanded[1].method == "editMessageText"
    assert expanded[1].text.startswith("❓ <i>Who is the head of Acme?</i>\n\n<b>[1]</b>")


async def test_help_lists_every_command_and_source_n(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("/help")))
    for command in ("/start", "/help", "/about", "/source N"):
        assert command in reply.text
    assert "whole paragraph of quote [N]" in reply.text
    assert MENTION in reply.text  # inline mode


async def test_unknown_command_points_to_help(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("/frobnicate")))
    assert reply.text == "I don't know that command; /help lists mine."
    assert await bot.exchange(lambda: telegram.message("/frobnicate", chat=GROUP)) == []


async def test_about_gives_title_source_date_and_first_paragraph(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("/about")))
    shown = parse_telegram_html(reply.text)
    for fact in (ARTICLE.title, ARTICLE.source, ARTICLE.date, ARTICLE.paragraphs[0]):
        assert fact in shown


async def test_source_quotes_the_whole_paragraph_of_quote_n(bot: RunningBot, telegram: FakeTelegram) -> None:
    no_answer = only_message(await bot.exchange(lambda: telegram.message("/source 1")))
    assert no_answer.text.startswith("Ask me a question first")
    await bot.exchange(lambda: telegram.message("Who is the head of Acme?"))
    reply = only_message(await bot.exchange(lambda: telegram.message("/source 1")))
    assert reply.text == (
        "<i>¶2, Acme &lt;closes&gt; London office &amp; more</i>\n<blockquote>"
        "<b>Jane Doe, the head of Acme, tweeted that profits at AT&amp;T &lt;NYSE:T&gt; partners rose 5%.</b>"
        " She said the office would reopen in 2025.</blockquote>"
    )
    # A reply that quotes nothing ("the article doesn't say") leaves the last quotes in place.
    await bot.exchange(lambda: telegram.message("What is the capital of France?"))
    again = only_message(await bot.exchange(lambda: telegram.message("/source 1")))
    assert again.text == reply.text
    await bot.exchange(lambda: telegram.message("Who is the head of Acme?"))
    for wrong in ("/source", "/source 2", "/source x"):
        usage = only_message(await bot.exchange(partial(telegram.message, wrong)))
        assert usage.text == "Use /source N with N from 1 to 1, e.g. /source 1."


async def test_context_button_expands_the_answer_in_place(bot: RunningBot, telegram: FakeTelegram) -> None:
    answer = only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme?")))
    calls = await bot.exchange(lambda: telegram.callback("ctx:1:acme-office:2-2", answer.result))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    edit = calls[1]
    assert edit.params["message_id"] == answer.result["message_id"]
    assert "</b> She said the office would reopen in 2025.</blockquote>" in edit.text
    assert edit.buttons == []  # the only quote is expanded now
    # The same button again (a double tap) changes nothing but is still answered.
    again = await bot.exchange(lambda: telegram.callback("ctx:1:acme-office:2-2", answer.result))
    assert [c.method for c in again] == ["answerCallbackQuery"]


async def test_context_button_on_an_unknown_answer_sends_the_paragraph(bot: RunningBot, telegram: FakeTelegram) -> None:
    old: dict[str, Any] = {
        "message_id": 7,
        "date": 0,
        "chat": {"id": ALICE["id"], "type": "private"},
        "from": BOT_USER,
        "text": "an answer from before a restart",
    }
    calls = await bot.exchange(lambda: telegram.callback("ctx:1:acme-office:3-3", old))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert ARTICLE.paragraphs[2].replace("&", "&amp;").replace('"', "&quot;") in calls[1].text
    assert calls[1].params["reply_parameters"]["message_id"] == 7


async def test_context_too_long_to_fit_the_answer_arrives_as_its_own_messages(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    answer = only_message(await bot.exchange(lambda: telegram.message("What did the regulator call the closure?")))
    (button,) = answer.buttons
    assert button["callback_data"] == "ctx:1:acme-office:2-4"  # its paragraph is the quote: show the neighbours
    calls = await bot.exchange(lambda: telegram.callback("ctx:1:acme-office:2-4", answer.result))
    assert [c.method for c in calls][:2] == ["answerCallbackQuery", "sendMessage"]
    pieces = sent(calls)
    assert len(pieces) >= 2 and all(p.error is None for p in pieces)
    shown = " ".join(parse_telegram_html(p.text) for p in pieces)
    assert all(f"¶{n}," in shown for n in (2, 3, 4))


async def test_every_callback_query_is_answered(bot: RunningBot, telegram: FakeTelegram) -> None:
    message = only_message(await bot.exchange(lambda: telegram.message("/start"))).result
    for data in ("something-old", "ask:1", "ask:acme-office:99", "ask:gone:0", "ctx:9:9:9-9"):
        calls = await bot.exchange(partial(telegram.callback, data, message))
        assert [c.method for c in calls if c.method == "answerCallbackQuery"] != [], data
    unknown = telegram.of("answerCallbackQuery")[0]
    assert unknown.params["text"] == "This button no longer works; please ask again."


async def test_inline_query_offers_the_answer(bot: RunningBot, telegram: FakeTelegram) -> None:
    calls = await bot.exchange(lambda: telegram.inline("which office will <Acme> & co close"))
    (call,) = calls
    assert call.method == "answerInlineQuery"
    (result,) = call.params["results"]
    assert result["type"] == "article"
    assert result["title"] == "Acme Corp said on Monday that it would close its London office."
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("❓ <i>which office will &lt;Acme&gt; &amp; co close</i>\n\n")
    empty = await bot.exchange(lambda: telegram.inline("  "))
    assert empty[0].params["results"] == []
    assert empty[0].params["button"]["start_parameter"] == "inline"


async def test_group_answers_mentions_and_replies_and_ignores_chatter(bot: RunningBot, telegram: FakeTelegram) -> None:
    chatter = await bot.exchange(lambda: telegram.message("Acme is closing the office, lol", chat=GROUP))
    assert chatter == []
    other_bot = await bot.exchange(lambda: telegram.message("/help@some_other_bot", chat=GROUP))
    assert other_bot == []
    asked = await bot.exchange(
        lambda: telegram.message(f"{MENTION} who is the head of Acme?", chat=GROUP, mention=True)
    )
    reply = only_message(asked)
    assert reply.params["chat_id"] == GROUP["id"]
    assert "Jane Doe" in reply.text
    assert reply.params["reply_parameters"]["message_id"] == telegram.last_message["message_id"]
    follow = await bot.exchange(
        lambda: telegram.message("and when did she say the office would reopen?", chat=GROUP, reply_to=reply.result)
    )
    assert "reopen in 2025" in only_message(follow).text
    command = only_message(await bot.exchange(lambda: telegram.message(f"/help{MENTION}", chat=GROUP)))
    assert "mention me" in command.text


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}},
        {"document": {"file_id": "d", "file_unique_id": "d1", "file_name": "a.pdf"}},
    ],
    ids=["sticker", "photo", "voice", "file"],
)
async def test_non_text_gets_one_friendly_line(
    bot: RunningBot, telegram: FakeTelegram, content: dict[str, Any], engine: FakeEngine
) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message(None, **content)))
    if "document" in content:  # a file is an article to add, which only admins may
        assert reply.text == ADMINS_ONLY
    else:
        assert reply.text == "I only read text: send me a question about the article in words."
    assert engine.calls == []


async def test_question_full_of_html_is_answered_safely(
    bot: RunningBot, telegram: FakeTelegram, engine: FakeEngine
) -> None:
    question = '<b>Who</b> is the <script>alert("head")</script> of Acme &amp; co?'
    reply = only_message(await bot.exchange(lambda: telegram.message(question)))
    assert engine.calls[-1][0] == question  # passed on verbatim
    assert "Jane Doe" in reply.text and reply.error is None
    emoji_only = only_message(await bot.exchange(lambda: telegram.message("🤔🤔")))
    assert emoji_only.text == "Please ask a question about the article."


async def test_answer_over_4096_characters_is_split_into_valid_pieces(bot: RunningBot, telegram: FakeTelegram) -> None:
    calls = await bot.exchange(lambda: telegram.message("long"))
    pieces = sent(calls)
    assert len(pieces) >= 2
    assert all(p.error is None for p in pieces)  # the server parsed each as HTML within 4096
    assert [bool(p.buttons) for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert len(pieces[-1].buttons) == 12
    whole = " ".join(parse_telegram_html(p.text) for p in pieces)
    for n in range(1, 13):
        assert f"[{n}] ¶4" in whole and f"this sentence {n};" in whole


async def test_burst_from_one_user_gets_one_slow_down_line(telegram: FakeTelegram, engine: FakeEngine) -> None:
    async with running_bot(telegram, engine, rate_limit_messages=3, rate_limit_window_seconds=60) as bot:
        since = len(telegram.calls)
        for n in range(8):
            telegram.message(f"Which office will Acme close? ({n})")
        last = telegram.message("Who is the head of Acme?", user=BOB)
        await bot.settle(last)
        replies = sent(telegram.calls[since:], ALICE["id"])
        slow = [r for r in replies if r.text.startswith("Slow down")]
        assert len(replies) == 4 and len(slow) == 1
        assert "3 messages every 60 seconds" in slow[0].text
        assert len(engine.calls) == 4  # three of Alice's, one of Bob's
        assert len(sent(telegram.calls[since:], BOB["id"])) == 1
        # Still within the window: silence, not another warning.
        assert sent(await bot.exchange(lambda: telegram.message("again?")), ALICE["id"]) == []


async def test_a_slow_answer_does_not_hold_up_other_chats(
    bot: RunningBot, telegram: FakeTelegram, engine: FakeEngine
) -> None:
    slow = telegram.message("slow")
    # Alice's answer is being worked on, long enough for "typing…" to be shown.
    (typing,) = await telegram.wait_for(lambda c: c.method == "sendChatAction")
    assert typing.params == {"chat_id": ALICE["id"], "action": "typing"}
    telegram.message("/help", user=BOB)
    await telegram.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == BOB["id"])
    assert sent(telegram.calls, ALICE["id"]) == []
    engine.release.set()
    await bot.settle(slow)
    assert len(sent(telegram.calls, ALICE["id"])) == 1


async def test_exception_in_a_handler_is_logged_apologised_for_and_survived(
    bot: RunningBot, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.handlers"):
        failed = only_message(await bot.exchange(lambda: telegram.message("boom")))
    assert failed.text == SORRY
    (record, detail) = [r for r in caplog.records if r.name == "bot.handlers"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and "the fake engine was told to fail" in str(record.exc_info[1])
    # Which update, not what the person wrote: the message's text is logged at DEBUG only.
    assert re.fullmatch(r"Failed to handle update \d+ \(message in chat 1001 from user 1001\)", record.getMessage())
    assert detail.levelno == logging.DEBUG and '"text": "boom"' in detail.getMessage()
    after = only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme?")))
    assert "Jane Doe" in after.text


async def test_telegram_flood_limit_is_waited_out(bot: RunningBot, telegram: FakeTelegram) -> None:
    telegram.fail_next["sendMessage"] = [ApiError(429, "Too Many Requests: retry after 1", retry_after=1)]
    calls = await bot.exchange(lambda: telegram.message("Who is the head of Acme?"))
    refused, delivered = sent(calls)
    assert refused.error is not None and delivered.error is None
    assert delivered.at - refused.at >= 1.0
    assert delivered.text == refused.text


async def test_allowed_chats_only(telegram: FakeTelegram, engine: FakeEngine) -> None:
    async with running_bot(telegram, engine, allowed_chat_ids=frozenset({ALICE["id"]})) as bot:
        assert await bot.exchange(lambda: telegram.message("Who is the head of Acme?", user=BOB)) == []
        inline = await bot.exchange(lambda: telegram.inline("who is the head", user=BOB))
        assert [(c.method, c.params["results"]) for c in inline] == [("answerInlineQuery", [])]
        assert "Jane Doe" in only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme?"))).text


async def test_short_answer_leads_in_bold_and_is_bold_in_its_quote(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme, in short?")))
    assert reply.error is None
    assert reply.text.startswith("<b>Jane Doe</b> [1]\n\n<b>[1]</b> <i>¶2</i>\n<blockquote><b>Jane Doe</b>, the head")
    assert parse_telegram_html(reply.text).startswith("Jane Doe [1]")


async def test_small_talk_is_the_engines_words_without_buttons(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("hi")))
    assert reply.text == "Hi! Ask me about &lt;Acme&gt; &amp; co."
    assert reply.buttons == []


async def test_button_taps_do_not_use_up_the_message_limit(telegram: FakeTelegram, engine: FakeEngine) -> None:
    async with running_bot(telegram, engine, rate_limit_messages=2, rate_limit_window_seconds=600) as bot:
        await bot.exchange(lambda: telegram.message("/start"))
        start = telegram.of("sendMessage")[-1]
        for _ in range(4):
            await bot.exchange(lambda: telegram.callback("ask:acme-office:0", start.result))
        reply = only_message(await bot.exchange(lambda: telegram.message("Who is the head of Acme?")))
        assert "Jane Doe" in parse_telegram_html(reply.text)
        # The next message is over the limit: the user is told so, once.
        limited = only_message(await bot.exchange(lambda: telegram.message("Which office will Acme close?")))
        assert limited.text.startswith("Slow down")


async def test_inline_result_is_titled_with_the_short_answer(bot: RunningBot, telegram: FakeTelegram) -> None:
    (call,) = await bot.exchange(lambda: telegram.inline("who is the head of acme, in short?"))
    (result,) = call.params["results"]
    assert result["title"] == "Jane Doe"
    text = result["input_message_content"]["message_text"]
    parse_telegram_html(text)
    assert "<b>Jane Doe</b> [1]" in text


async def test_a_tentative_answer_says_so_in_chat_and_inline(bot: RunningBot, telegram: FakeTelegram) -> None:
    reply = only_message(await bot.exchange(lambda: telegram.message("maybe acme will close its office?")))
    assert parse_telegram_html(reply.text).startswith(TENTATIVE)
    (call,) = await bot.exchange(lambda: telegram.inline("maybe acme will close its office?"))
    (result,) = call.params["results"]
    assert result["title"] == "The article may not answer this directly"
    assert result["description"].startswith("Acme Corp said on Monday")
    assert TENTATIVE in parse_telegram_html(result["input_message_content"]["message_text"])


async def test_group_reply_with_a_short_answer_replies_to_the_question(bot: RunningBot, telegram: FakeTelegram) -> None:
    question = f"{MENTION} who is the head of acme, in short?"
    reply = only_message(await bot.exchange(lambda: telegram.message(question, chat=GROUP, mention=True)))
    assert reply.params["chat_id"] == GROUP["id"]
    assert reply.params["reply_parameters"]["message_id"] > 0
    assert parse_telegram_html(reply.text).startswith("Jane Doe [1]")
