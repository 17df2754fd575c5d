"""Load: 100 users send 5 questions each, as fast as the Bot API server hands them out.

The real engine and the real PTB stack (with PTB's flood-limit rate limiter)
answer through the loopback Bot API server. Every question must get exactly
one answer, in its own chat, with the sentence that question gets on its own;
the bot must stay up. The 95th-percentile time to answer is reported, not
asserted: this machine is shared and its timings are noisy.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from bot.state import AnswerSource
from index.evaluate import load_questions
from tests.bot.bot_harness import running_bot
from tests.bot.fake_bot_api import FakeTelegram, parse_telegram_html
from tests.conftest import QA_DIR

pytestmark = pytest.mark.asyncio

USERS = 100
QUESTIONS_PER_USER = 5
# Questions with a pronoun are read as follow-ups to the chat's last answer;
# the load test wants answers that do not depend on the order of arrival.
_PRONOUN = re.compile(r"\b(he|she|him|her|his|they|them|their|it|its|this|that|there)\b", re.I)


def _question_pool(engine: AnswerSource) -> list[tuple[str, str]]:
    """Questions answered with one sentence each (no context), all different sentences,
    so that every answer shows which question it answers."""
    pool: dict[str, str] = {}
    for question in load_questions(QA_DIR / "questions-b.jsonl"):
        if _PRONOUN.search(question.q):
            continue
        answer = engine.answer(question.q)
        if len(answer.citations) == 1 and answer.citations[0].text not in pool:
            pool[answer.citations[0].text] = question.q
    return [(q, sentence) for sentence, q in pool.items()]


def _user(number: int) -> dict[str, Any]:
    return {"id": 50_000 + number, "is_bot": False, "first_name": f"Reader{number}"}


async def test_500_questions_from_100_users_each_get_one_answer(
    telegram: FakeTelegram, real_engine: AnswerSource, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = _question_pool(real_engine)
    assert len(pool) >= QUESTIONS_PER_USER
    expected: dict[int, Counter[str]] = defaultdict(Counter)
    asked_at: dict[tuple[int, str], float] = {}
    async with running_bot(telegram, real_engine) as bot:
        since = len(telegram.calls)
        started = time.monotonic()
        for round_number in range(QUESTIONS_PER_USER):
            for number in range(USERS):
                question, sentence = pool[(number + round_number) % len(pool)]
                chat_id = _user(number)["id"]
                asked_at[(chat_id, sentence)] = time.monotonic()
                telegram.message(question, user=_user(number))
                expected[chat_id][sentence] += 1
        total = USERS * QUESTIONS_PER_USER
        answers = await telegram.wait_for(lambda c: c.method == "sendMessage", count=total, since=since, timeout=240)
        finished = time.monotonic()
        # Nothing more arrives once everything has been handled: no duplicates in flight.
        await bot.settle(telegram._next_update_id - 1, timeout=60)
        answers = telegram.of("sendMessage", since)
        assert bot.application.running
        batches = bot.application.bot_data["services"].answerer.batch_sizes

    assert len(answers) == total
    got: dict[int, Counter[str]] = defaultdict(Counter)
    latencies = []
    for call in answers:
        chat_id = int(call.params["chat_id"])
        shown = parse_telegram_html(call.text)
        (sentence,) = (s for s in expected[chat_id] if s in shown)
        got[chat_id][sentence] += 1
        latencies.append(call.at - asked_at[(chat_id, sentence)])
    assert got == expected
    assert sum(batches) >= total and max(batches) > 1  # questions that arrived together were batched

    p50 = statistics.median(latencies)
    p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
    with capsys.disabled():
        print(
            f"\nload test: {total} questions from {USERS} users answered in {finished - started:.1f} s; "
            f"time to answer p50 {p50:.2f} s, p95 {p95:.2f} s (Telegram's 30 messages/s flood limit, "
            f"kept by PTB's rate limiter, sets the pace); {len(batches)} engine batches, "
            f"largest {max(batches)}"
        )
