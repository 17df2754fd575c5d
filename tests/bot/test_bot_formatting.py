"""Unit tests for the pure parts: HTML formatting and splitting, callback data, rate windows, settings."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.formatting import (
    MAX_MESSAGE,
    Quote,
    adds_context,
    context_span,
    format_about,
    format_abstention,
    format_answer,
    group_quotes,
    highlight,
    plain_preview,
    split_html,
    text_length,
)
from bot.keyboards import (
    MAX_DATA,
    ContextRequest,
    ExampleRequest,
    ask_data,
    context_data,
    context_keyboard,
    document_key,
    example_question,
    examples_keyboard,
    find_document,
    parse_ask,
    parse_context,
)
from bot.ratelimit import RateWindow, Verdict
from bot.settings import BotSettings
from index.answer.replies import TENTATIVE
from index.types import Answer, Citation, DocumentInfo
from tests.bot.bot_harness import settings_without_env_file
from tests.bot.fake_bot_api import ApiError, parse_telegram_html
from tests.bot.fake_qa_engine import ARTICLE, FakeEngine

DOCUMENTS = {ARTICLE.id: ARTICLE}


def _plain(text: str) -> str:
    return " ".join(parse_telegram_html(text).split())


def test_answer_quotes_numbers_and_credits_the_article() -> None:
    answer = FakeEngine().answer("Which office will Acme close?")
    text = format_answer(answer, DOCUMENTS)
    assert text.startswith("<b>[1]</b> <i>¶1</i>\n<blockquote>Acme Corp said on Monday")
    assert text.count("<blockquote>") == 1
    assert text.endswith("<i>Acme &lt;closes&gt; London office &amp; more</i></a>, The Test Times")
    parse_telegram_html(text)


def test_context_sentence_shares_the_quote_it_supports() -> None:
    answer = FakeEngine().answer("Who was surprised, the staff?")
    assert [c.context for c in answer.citations] == [False, True]
    (quote,) = group_quotes(answer.citations)
    assert quote.number == 1
    assert [c.sentence for c in quote.citations] == [1, 2]  # article order
    assert "close its London office. This surprised" in format_answer(answer, DOCUMENTS)


def test_every_piece_of_article_text_is_escaped() -> None:
    answer = FakeEngine().answer("profits at AT&T partners?")
    text = format_answer(answer, DOCUMENTS)
    assert "AT&amp;T &lt;NYSE:T&gt;" in text
    assert "AT&T <NYSE:T> partners rose 5%" in parse_telegram_html(text)


def test_expanded_quote_shows_the_whole_paragraph_with_the_sentence_in_bold() -> None:
    answer = FakeEngine().answer("Who is the head of Acme?")
    text = format_answer(answer, DOCUMENTS, expanded={1})
    assert "<b>Jane Doe, the head of Acme, tweeted that profits at AT&amp;T" in text
    assert "</b> She said the office would reopen in 2025." in text
    parse_telegram_html(text)


def test_context_is_the_paragraph_or_its_neighbours_when_the_paragraph_is_the_quote() -> None:
    engine = FakeEngine()
    (head,) = group_quotes(engine.answer("Who is the head of Acme?").citations)
    assert context_span(head, ARTICLE) == (2, 2)
    (regulator,) = group_quotes(engine.answer("What did the regulator call the closure?").citations)
    assert context_span(regulator, ARTICLE) == (2, 4)
    alone = DocumentInfo("one", "One", "", "en", "", "", ("Only this.",), ())
    quote = Quote(1, (Citation("one", "One", 1, 1, "Only this.", 1.0),))
    assert context_span(quote, alone) == (1, 1) and not adds_context(quote, alone)
    assert context_keyboard([quote], (alone,)) is None


def test_quotes_from_two_articles_say_which_is_which() -> None:
    other = Citation("other", "Other <paper>", 3, 1, "Elsewhere, too.", 0.5)
    first = FakeEngine().answer("Which office will Acme close?")
    answer = Answer("q", False, "", (*first.citations, other))
    footer = format_answer(answer, DOCUMENTS).split("\n\n")[-1]
    assert footer.splitlines() == [
        '[1] <a href="https://example.com/acme?a=1&amp;b=2"><i>Acme &lt;closes&gt; London office &amp; more</i></a>,'
        " The Test Times",
        "[2] <i>Other &lt;paper&gt;</i>",
    ]
    # Each quote names its article; the second is folded away, expandable.
    assert "<blockquote expandable><b>[2]</b> <i>Other &lt;paper&gt;, ¶3</i> Elsewhere, too.</blockquote>" in (
        format_answer(answer, DOCUMENTS)
    )


def test_refusal_is_the_engines_words_escaped_and_not_in_article_is_one_line() -> None:
    refused = Answer("<b>?</b>", True, "Please <ask> & more.", reason="no words", kind="refused")
    assert format_abstention(refused) == "Please &lt;ask&gt; &amp; more."
    missing = Answer("q", True, "The article doesn't say. You could ask: A / B", kind="not_in_article")
    assert format_abstention(missing) == "The article doesn&#x27;t say."


def test_a_typical_factoid_reply_shows_little_before_the_folded_quotes() -> None:
    head = FakeEngine().answer("Who is the head of Acme, in short?")
    extra = Citation(ARTICLE.id, ARTICLE.title, 3, 1, ARTICLE.paragraphs[2], 0.8)
    answer = Answer("q", False, "", (*head.citations, extra), short_answer="Jane Doe")
    text = format_answer(answer, DOCUMENTS)
    parse_telegram_html(text)
    visible = text.split("<blockquote expandable>")[0]
    assert len(parse_telegram_html(visible)) <= 400
    assert "<blockquote expandable><b>[2]</b> <i>¶3</i> The regulator" in text


def test_about_gives_title_source_date_and_first_paragraph() -> None:
    text = format_about(ARTICLE)
    plain = parse_telegram_html(text)
    assert plain.startswith("Acme <closes> London office & more\nThe Test Times, 2024-03-11\n")
    assert "https://example.com/acme?a=1&b=2" in plain
    assert ARTICLE.paragraphs[0] in plain


def test_highlight_bolds_each_sentence_found_once() -> None:
    assert highlight("A & b. C < d.", ["C < d.", "missing"]) == "A &amp; b. <b>C &lt; d.</b>"


def test_plain_preview_cuts_at_a_word() -> None:
    assert plain_preview("one two   three\nfour", 12) == "one two…"
    assert plain_preview("short", 12) == "short"


# 80: the smallest piece must hold an expandable quote's markup and label.
@pytest.mark.parametrize("limit", [80, 200, 1000, MAX_MESSAGE])
def test_split_keeps_tags_whole_and_loses_no_text(limit: int) -> None:
    answer = FakeEngine().answer("long")
    text = format_answer(answer, DOCUMENTS, expanded={1})
    pieces = split_html(text, limit)
    assert len(pieces) > 1
    for piece in pieces:
        assert text_length(piece) <= limit
        parse_telegram_html(piece)  # raises on a broken tag or entity
    assert _plain("\n".join(pieces)) == _plain(text)


def test_split_prefers_whole_quotes() -> None:
    answer = FakeEngine().answer("long")
    pieces = split_html(format_answer(answer, DOCUMENTS))
    assert len(pieces) == 2
    assert all(len(re.findall(r"<blockquote( expandable)?>", p)) == p.count("</blockquote>") for p in pieces)
    assert not any(p.startswith("<blockquote>") for p in pieces)  # never a quote without its number


def test_split_leaves_a_short_message_alone_and_counts_utf16() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]
    emoji = "😀" * 3000  # 6000 UTF-16 units
    pieces = split_html(emoji)
    assert [text_length(p) for p in pieces] == [4096, 1904]


def test_split_never_cuts_an_entity() -> None:
    text = "<i>" + "&amp;" * 40 + "</i>"
    for piece in split_html(text, 23):
        assert re.fullmatch(r"<i>(&amp;)+</i>", piece)


@pytest.mark.parametrize(
    "document_id",
    ["acme-office", "a" * 32, "port-vale-s-electric-ferry-makes-its-first-crossing-0123abcd", "über:ids/with spaces"],
)
def test_callback_data_round_trips_within_64_bytes(document_id: str) -> None:
    key = document_key(document_id)
    request = ContextRequest(999, key, 999_999, 999_999)
    assert len(context_data(request).encode()) <= MAX_DATA
    assert parse_context(context_data(request)) == request
    article = DocumentInfo(document_id, "T", "", "en", "", "", ("P.",))
    other = DocumentInfo("other", "O", "", "en", "", "", ("Q.",))
    assert find_document(key, [other, article]) == article
    assert find_document(key, [other]) is None
    assert parse_ask(ask_data(ExampleRequest(key, 2))) == ExampleRequest(key, 2)
    assert example_question(ExampleRequest(key, 0), [other, article]) is None  # it has no examples
    assert parse_context("ask:acme-office:1") is None
    assert parse_ask("ctx:1:acme-office:1-1") is None
    assert parse_context(None) is None


def test_keyboards_carry_short_data_only() -> None:
    long = DocumentInfo("long", "L", "", "en", "", "", ("P.",), examples=("x" * 500, "why?"))
    examples = examples_keyboard([long, ARTICLE], 3)
    assert examples is not None
    buttons = [b for row in examples.inline_keyboard for b in row]
    # Each button names its article and the example's place there, not a place in the corpus.
    assert [b.callback_data for b in buttons] == ["ask:long:0", "ask:long:1", "ask:acme-office:0"]
    assert len(buttons[0].text) <= 60
    quotes = group_quotes(FakeEngine().answer("long").citations)
    keyboard = context_keyboard(quotes, (ARTICLE,), expanded={2})
    assert keyboard is not None
    data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert len(data) == 11 and "ctx:2:acme-office:4-4" not in data and "ctx:1:acme-office:4-4" in data
    assert all(len(str(d).encode()) <= MAX_DATA for d in data)


def test_rate_window_warns_once_then_drops_until_the_window_turns() -> None:
    window = RateWindow(limit=2, window=10)
    verdicts = [window.hit(t) for t in (0, 1, 2, 3, 4)]
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert window.retry_after(4) == 6
    assert window.hit(10) is Verdict.ALLOW


def test_settings_read_chat_lists_and_refuse_webhook_without_url() -> None:
    settings = settings_without_env_file(allowed_chat_ids="1, -100200")
    assert settings.allowed_chat_ids == frozenset({1, -100200})
    with pytest.raises(ValidationError, match="WEBHOOK_URL"):
        settings_without_env_file(bot_mode="webhook")
    with pytest.raises(ValidationError, match="1-256 characters"):
        settings_without_env_file(webhook_secret_token="no spaces")
    hooked = settings_without_env_file(bot_mode="webhook", webhook_url="https://example.com/tg/hook")
    assert hooked.webhook_path() == "tg/hook"


def test_empty_values_in_env_file_mean_not_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=\nWEBHOOK_SECRET_TOKEN=\nALLOWED_CHAT_IDS=\n")
    settings = BotSettings()
    assert settings.telegram_bot_token is None
    assert settings.allowed_chat_ids == frozenset()


def test_env_example_lists_every_setting_and_loads_as_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    keys = {line.split("=")[0] for line in example.read_text().splitlines() if re.match(r"[A-Z_]+=", line)}
    assert keys == {name.upper() for name in BotSettings.model_fields}
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(example.read_text())
    settings = BotSettings()
    assert settings.telegram_bot_token is None and settings.bot_mode == "polling"


def test_the_token_never_shows_in_the_settings_repr() -> None:
    settings = settings_without_env_file(telegram_bot_token="123:secretsecretsecretsecret")
    assert "secretsecret" not in repr(settings) and "secretsecret" not in str(settings)


def test_fake_server_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>unclosed", "a < b", "<br/>", "<script>x</script>", "&nbsp;", "<b><i>x</b></i>"):
        with pytest.raises(ApiError):
            parse_telegram_html(bad)
    assert parse_telegram_html(html.escape("<a & b>")) == "<a & b>"


def test_admin_ids_and_the_file_url_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "1001, 42")
    settings = settings_without_env_file(telegram_api_base_url="http://127.0.0.1:8081/bot")
    assert settings.admin_user_ids == frozenset({1001, 42})
    assert settings.file_base_url() == "http://127.0.0.1:8081/file/bot"
    assert settings_without_env_file().file_base_url() == "https://api.telegram.org/file/bot"
    assert settings_without_env_file(telegram_api_base_url="http://proxy/api/").file_base_url() is None


def test_a_tentative_answer_says_so_before_its_quotes() -> None:
    answer = dataclasses.replace(FakeEngine().answer("Which office will Acme close?"), tentative=True)
    text = format_answer(answer, DOCUMENTS)
    assert _plain(text).startswith(TENTATIVE)
    assert not _plain(format_answer(FakeEngine().answer("Which office will Acme close?"), DOCUMENTS)).startswith(
        TENTATIVE
    )
