"""Adding and removing articles from Telegram, and the bot answering from them without a restart.

Pages come from the loopback page server (``tests/page_server.py``), files
through the fake Bot API's getFile and download. Indexes are built in
temporary directories: with the real model where the answer matters, with
the fake embedder where only the plumbing does.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.cli
from bot.articles import ADMINS_ONLY, NOT_SET_UP, REMOVE_ADMINS_ONLY, link_in
from bot.handlers import SORRY
from bot.library import SerializedEmbedder
from index.ingest.fetch import FetchPolicy
from index.ingest.sources import read_url
from index.store.build import build_index
from index.store.embedder import Embedder
from index.store.encoder import OnnxEncoder
from index.store.library import add_articles
from tests.bot.bot_harness import RunningBot, running_bot, running_library_bot
from tests.bot.fake_bot_api import ALICE, BOB, Call, FakeTelegram, parse_telegram_html, private_chat
from tests.bot.fake_qa_engine import FakeEngine
from tests.conftest import CORPUS, TINY_ARTICLE, FakeEmbedder
from tests.page_server import PHISHING_REASON, PageServer, serving

FERRY_PAGE = "/news/coastal-herald-ferry.html"
FERRY_TITLE = "Port Vale's electric ferry makes its first crossing"
ADD_TIMEOUT = 60  # seconds for fetch, extraction, rebuild and reload on a busy machine


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving() as server:
        yield server


def _texts(calls: list[Call], chat: int | None = None) -> list[str]:
    return [
        parse_telegram_html(c.text)
        for c in calls
        if c.method == "sendMessage" and (chat is None or c.params["chat_id"] == chat)
    ]


def _workspace(tmp_path: Path, embedder: Embedder, *articles: str) -> dict[str, object]:
    """A corpus of ``articles`` (or the real one) with its index, and settings for the bot over it."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    if articles:
        corpus.mkdir()
        for number, text in enumerate(articles):
            (corpus / f"article-{number}.txt").write_text(text, encoding="utf-8")
    else:
        shutil.copytree(CORPUS, corpus)
    build_index(corpus, index_dir, embedder)
    return {
        "corpus_dir": corpus,
        "index_dir": index_dir,
        "admin_user_ids": frozenset({ALICE["id"]}),
        "allow_private_urls": True,
        "fetch_timeout_seconds": 10,
        "rate_limit_messages": 1000,
    }


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("https://example.com/news/1", "https://example.com/news/1"),
        ("please add this: http://example.com/a?b=1.", "http://example.com/a?b=1"),
        ("@article_qa_test_bot (https://example.com/x)", "https://example.com/x"),
        ("What does https://example.com/x say about the ferry and its cost today?", None),
        ("https://a.example/1 https://b.example/2", None),
        ("ftp://example.com/file", None),
        ("Who is the head of Instagram?", None),
    ],
)
def test_a_link_is_a_url_alone_or_with_a_few_words(text: str, link: str | None) -> None:
    assert link_in(text) == link


@pytest.mark.asyncio
async def test_admin_adds_a_link_asks_about_it_and_removes_it(
    tmp_path: Path, telegram: FakeTelegram, real_embedder: OnnxEncoder, pages: PageServer
) -> None:
    embedder = SerializedEmbedder(real_embedder)
    settings = _workspace(tmp_path, embedder)
    url = pages.url(FERRY_PAGE)
    async with running_library_bot(telegram, embedder, **settings) as bot:
        await _ask(bot, "Who is the head of Instagram?")
        before = telegram.of("sendMessage")[-1]
        (added,) = _texts(await bot.exchange(lambda: telegram.message(f"add this {url}"), ADD_TIMEOUT))
        assert added.startswith(f"Added {FERRY_TITLE} (The Coastal Herald, 2025-03-14): 7 paragraphs.")
        example = added.split("Try asking: ")[1]

        # The new article's id sorts first: a button made before the add still opens Instagram's paragraph.
        (button, *_) = before.buttons
        calls = await bot.exchange(functools.partial(telegram.callback, button["callback_data"], before.result))
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert "Adam Mosseri" in parse_telegram_html(edit.text) and FERRY_TITLE not in edit.text

        (cost,) = await _ask(bot, "How much did the ferry cost?")
        assert "14.5 million" in cost and FERRY_TITLE in cost
        ferry = telegram.of("sendMessage")[-1]
        (first,) = await _ask(bot, example)  # the example offered is answered from the new article
        assert FERRY_TITLE in first and "doesn't say" not in first

        (again,) = _texts(await bot.exchange(lambda: telegram.message(url), ADD_TIMEOUT))
        assert again == f"Already added: {FERRY_TITLE}."

        (listing,) = _texts(await bot.exchange(lambda: telegram.message("/articles")))
        lines = listing.splitlines()
        assert lines[0] == "2 articles"
        (number,) = [line.split(".")[0] for line in lines if FERRY_TITLE in line]
        assert "The Coastal Herald, 2025-03-14" in listing

        (removed,) = _texts(await bot.exchange(lambda: telegram.message(f"/remove {number}"), ADD_TIMEOUT))
        assert removed.startswith(f"Removed {FERRY_TITLE}; 1 article left")
        (gone,) = await _ask(bot, "How much did the ferry cost?")
        assert FERRY_TITLE not in gone and "14.5 million" not in gone
        (instagram,) = await _ask(bot, "Who is the head of Instagram?")
        assert "Adam Mosseri" in instagram
        # A "Show context" button made before the removal names the article, which is gone.
        assert ferry.buttons
        for button in ferry.buttons:
            tap = functools.partial(telegram.callback, button["callback_data"], ferry.result)
            (reply,) = _texts(await bot.exchange(tap))
            assert reply == "That article is no longer in my corpus."


async def _ask(bot: RunningBot, question: str) -> list[str]:
    return _texts(await bot.exchange(lambda: bot.telegram.message(question), ADD_TIMEOUT))


@pytest.mark.asyncio
async def test_a_link_or_file_from_anyone_else_is_refused_not_answered(
    telegram: FakeTelegram, engine: FakeEngine
) -> None:
    async with running_bot(telegram, engine, admin_user_ids=frozenset({ALICE["id"]}), rate_limit_messages=1000) as bot:
        (link,) = _texts(await bot.exchange(lambda: telegram.message("https://example.com/news/1", user=BOB)))
        assert link == ADMINS_ONLY
        (file,) = _texts(await bot.exchange(lambda: telegram.document(b"secret text", "a.txt", user=BOB)))
        assert file == ADMINS_ONLY
        (remove,) = _texts(await bot.exchange(lambda: telegram.message("/remove 1", user=BOB)))
        assert remove == REMOVE_ADMINS_ONLY
        assert engine.calls == [] and telegram.downloads == []
        # An admin of a bot that only answers (no library) is told so in one line.
        (unset,) = _texts(await bot.exchange(lambda: telegram.message("https://example.com/news/1")))
        assert unset == NOT_SET_UP
        # A longer message with a link in it is a question.
        question = "Which office will Acme close, as https://example.com/acme reported last week?"
        (answer,) = _texts(await bot.exchange(lambda: telegram.message(question, user=BOB)))
        assert "London office" in answer and [q for q, _ in engine.calls] == [question]
        (listing,) = _texts(await bot.exchange(lambda: telegram.message("/articles", user=BOB)))
        assert listing.splitlines() == [
            "1 article",
            "1. Acme <closes> London office & more — The Test Times, 2024-03-11",
        ]


@pytest.mark.asyncio
async def test_answers_during_an_add_all_succeed(
    tmp_path: Path, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    embedder = SerializedEmbedder(FakeEmbedder())
    settings = _workspace(tmp_path, embedder, TINY_ARTICLE)
    upload = (
        b"# Mountain village opens a library\n\n"
        b"The mountain village of Altberg opened its first public library on Saturday, in the old "
        b"railway station that had stood empty since the line closed.\n\n"
        b"The library holds 12,000 books donated by residents, and volunteers keep it open every afternoon.\n"
    )
    async with running_library_bot(telegram, embedder, **settings) as bot:
        bob = private_chat(BOB)["id"]
        questions = ["Who built the ferry?"] * 40
        since = len(telegram.calls)
        for question in questions[:20]:
            telegram.message(question, user=BOB)
        telegram.document(upload, "library.md")
        for question in questions[20:]:
            telegram.message(question, user=BOB)
        await telegram.wait_for(
            lambda c: c.method == "sendMessage" and c.params["chat_id"] == bob, count=40, since=since, timeout=60
        )
        (added,) = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and c.params["chat_id"] == ALICE["id"], since=since, timeout=60
        )
        answers = _texts(telegram.calls[since:], bob)
        assert len(answers) == 40 and SORRY not in answers
        assert all("Nordwerft" in answer for answer in answers), set(answers)
        assert parse_telegram_html(added.text) == (
            "Added Mountain village opens a library (no site named): 2 paragraphs.\n"
            "Try asking: What are the key points of “Mountain village opens a library”?"
        )
        assert bot.services.generation == 1
        # The upload's contents are never logged, at any level (what the bot sends is, at DEBUG).
        assert "railway station that had stood empty" not in caplog.text
        (books,) = _texts(await bot.exchange(lambda: telegram.message("How many books does the library hold?")))
        assert "12,000 books" in books


@pytest.mark.asyncio
async def test_a_file_of_another_kind_is_refused_in_one_line(tmp_path: Path, telegram: FakeTelegram) -> None:
    embedder = SerializedEmbedder(FakeEmbedder())
    async with running_library_bot(telegram, embedder, **_workspace(tmp_path, embedder, TINY_ARTICLE)) as bot:
        (reply,) = _texts(await bot.exchange(lambda: telegram.document(b"%PDF-1.7", "report.pdf")))
        assert reply == "I add articles from .htm, .html, .md, .txt files; report.pdf is none of these."
        (binary,) = _texts(await bot.exchange(lambda: telegram.document(b"\x00\x01" * 50, "x.txt")))
        assert binary == "Could not add it: x.txt is a binary file, not text"
        assert bot.services.generation == 0


@pytest.mark.asyncio
async def test_an_add_beside_the_bot_is_answered_from_without_a_restart(
    tmp_path: Path, telegram: FakeTelegram, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = SerializedEmbedder(FakeEmbedder())
    settings = _workspace(tmp_path, embedder, TINY_ARTICLE)
    async with running_library_bot(telegram, embedder, index_check_seconds=0.05, **settings) as bot:
        # As `python -m index add URL` run by an operator: the command line, its own embedder.
        monkeypatch.setattr(index.cli, "make_embedder", lambda settings: FakeEmbedder())
        monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
        arguments = ["--corpus", str(settings["corpus_dir"]), "--index", str(settings["index_dir"])]
        status = await asyncio.to_thread(index.cli.main, [*arguments, "add", pages.url(FERRY_PAGE)])
        assert status == 0
        async with asyncio.timeout(30):  # bounded: the periodic check notices the new manifest
            while bot.services.generation == 0:
                await asyncio.sleep(0.02)
        (cost,) = _texts(await bot.exchange(lambda: telegram.message("How much did the ferry cost?")))
        assert "14.5 million" in cost and FERRY_TITLE in cost


@pytest.mark.asyncio
async def test_a_link_in_the_corpus_but_not_in_the_index_is_indexed_when_sent_again(
    tmp_path: Path, telegram: FakeTelegram, pages: PageServer
) -> None:
    """An add killed between its corpus file and its rebuild (here: an add whose rebuild never
    ran) is completed when the admin sends the link again, and the bot answers from it."""
    embedder = SerializedEmbedder(FakeEmbedder())
    settings = _workspace(tmp_path, embedder, TINY_ARTICLE)
    url = pages.url(FERRY_PAGE)
    async with running_library_bot(telegram, embedder, **settings) as bot:
        article = read_url(url, FetchPolicy(allow_private=True))
        add_articles(Path(str(settings["corpus_dir"])), [article], rebuild=lambda: None)
        (reply,) = _texts(await bot.exchange(lambda: telegram.message(url), ADD_TIMEOUT))
        assert reply == f"Already added: {FERRY_TITLE}."
        (cost,) = _texts(await bot.exchange(lambda: telegram.message("How much did the ferry cost?")))
        assert "14.5 million" in cost and FERRY_TITLE in cost


@pytest.mark.asyncio
async def test_what_a_server_or_an_admin_sent_is_quoted_never_markup(
    tmp_path: Path, telegram: FakeTelegram, pages: PageServer
) -> None:
    """Every text the bot did not write (URLs, a server's reason phrase and content type, file
    names) reaches Telegram escaped: the strict fake API accepts each reply and shows the text
    as it was, so '&' does not break the message and markup is not rendered."""
    embedder = SerializedEmbedder(FakeEmbedder())
    settings = {**_workspace(tmp_path, embedder, TINY_ARTICLE), "fetch_max_bytes": 1000}
    ampersand, phishing, typed = pages.url("/gone?a=1&b=2"), pages.url("/phishing-reason"), pages.url("/marked-up-type")
    expected = [
        (lambda: telegram.message(ampersand), f"Could not add it: {ampersand} answered 410 Gone"),
        (lambda: telegram.message(phishing), f"Could not add it: {phishing} answered 403 {PHISHING_REASON}"),
        (
            lambda: telegram.message(typed),
            f"Could not add it: {typed} is not an HTML page (it is application/<b>pdf</b>)",
        ),
        (
            lambda: telegram.document(b"%PDF", "<b>minutes</b>&.pdf"),
            "I add articles from .htm, .html, .md, .txt files; <b>minutes</b>&.pdf is none of these.",
        ),
        (
            lambda: telegram.document(b"x" * 2000, "Q&A <draft>.txt"),
            "Q&A <draft>.txt is larger than the 1,000 bytes I read.",
        ),
        (
            lambda: telegram.document(b"Too short & <i>sweet</i>.", "notes.txt"),
            "Could not add it: no article text found in notes.txt",
        ),
    ]
    async with running_library_bot(telegram, embedder, **settings) as bot:
        for push, shown in expected:
            assert _delivered(await bot.exchange(push, ADD_TIMEOUT)) == [shown]


@pytest.mark.asyncio
async def test_a_failed_remove_quotes_the_article_id(tmp_path: Path, telegram: FakeTelegram) -> None:
    """An operator's file name is the article id; the refusal to remove the last article quotes it."""
    embedder = SerializedEmbedder(FakeEmbedder())
    settings = _workspace(tmp_path, embedder, TINY_ARTICLE)
    corpus = Path(str(settings["corpus_dir"]))
    (corpus / "article-0.txt").rename(corpus / "q&a <draft>.txt")
    build_index(corpus, Path(str(settings["index_dir"])), embedder)
    async with running_library_bot(telegram, embedder, **settings) as bot:
        assert _delivered(await bot.exchange(lambda: telegram.message("/remove 1"))) == [
            "Could not remove it: q&a <draft> is the only article; the corpus cannot be empty"
        ]


def _delivered(calls: list[Call]) -> list[str]:
    """The messages Telegram accepted, as shown: a refused reply is missing, its apology is there."""
    return [parse_telegram_html(c.text) for c in calls if c.method == "sendMessage" and c.error is None]
