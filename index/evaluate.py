"""Scoring the engine on a question set (the format of ``shared/qa/examples.jsonl``).

Each row is ``{"id", "kind", "q", "gold"}``. A citation is a hit when its text
contains one of the ``gold`` strings; rows with no gold (``unanswerable``)
expect the engine to abstain. An answerable question the engine abstains on
counts as a miss in hit@k and MRR.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from index.errors import EngineError
from index.types import Answer

UNANSWERABLE = "unanswerable"
Row = TypeVar("Row")


@dataclass(frozen=True)
class Question:
    """One row of a question set."""

    id: str
    kind: str
    q: str
    gold: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        """Whether the article answers it (it has gold strings)."""
        return bool(self.gold)


@dataclass(frozen=True)
class KindScore:
    """Metrics for the questions of one kind (or all of them)."""

    kind: str
    count: int
    hit_at_1: float | None
    hit_at_3: float | None
    mrr: float | None
    abstention_rate: float


@dataclass(frozen=True)
class Report:
    """An evaluation: per-kind scores and the headline rates."""

    kinds: list[KindScore]
    answerable: KindScore
    unanswerable_abstention: float | None
    false_abstention: float | None
    misses: list[tuple[Question, Answer]]


def load_questions(path: Path) -> list[Question]:
    """Read a question set; ``EngineError`` names the first bad line."""

    def question(row: dict[str, Any]) -> Question:
        return Question(str(row["id"]), str(row["kind"]), str(row["q"]), tuple(row["gold"]))

    return _read_rows(path, "question", question)


def _read_rows(path: Path, what: str, parse: Callable[[dict[str, Any]], Row]) -> list[Row]:
    """The JSON-lines rows of a ``what`` set, each parsed; ``EngineError`` names the first
    bad line, or says the file is unreadable or empty."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EngineError(f"cannot read {what} set {path}: {error}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(parse(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise EngineError(f"{path}:{number}: not a {what} row ({error})") from None
    if not rows:
        raise EngineError(f"{what} set {path} is empty")
    return rows


def rank_of_first_hit(question: Question, answer: Answer) -> int | None:
    """The 1-based position, in the answer's citations as given, of the first holding a gold string."""
    for position, citation in enumerate(answer.citations, start=1):
        if any(gold in citation.text for gold in question.gold):
            return position
    return None


def evaluate(questions: Sequence[Question], answer_all: Callable[[list[str]], list[Answer]]) -> Report:
    """Answer every question and score the answers."""
    answers = answer_all([q.q for q in questions])
    pairs = list(zip(questions, answers, strict=True))
    kinds = sorted({q.kind for q in questions})
    answerable = [(q, a) for q, a in pairs if q.answerable]
    unanswerable = [(q, a) for q, a in pairs if not q.answerable]
    misses = [
        (q, a)
        for q, a in pairs
        if (q.answerable and rank_of_first_hit(q, a) != 1) or (not q.answerable and not a.abstained)
    ]
    return Report(
        kinds=[_score(kind, [(q, a) for q, a in pairs if q.kind == kind]) for kind in kinds],
        answerable=_score("answerable", answerable),
        unanswerable_abstention=_rate(a.abstained for _, a in unanswerable),
        false_abstention=_rate(a.abstained for _, a in answerable),
        misses=misses,
    )


def _score(kind: str, pairs: list[tuple[Question, Answer]]) -> KindScore:
    answerable = [(q, a) for q, a in pairs if q.answerable]
    ranks = [rank_of_first_hit(q, a) for q, a in answerable]
    return KindScore(
        kind=kind,
        count=len(pairs),
        hit_at_1=_rate(r == 1 for r in ranks),
        hit_at_3=_rate(r is not None and r <= 3 for r in ranks),
        mrr=sum(1 / r for r in ranks if r) / len(ranks) if ranks else None,
        abstention_rate=_rate(a.abstained for _, a in pairs) or 0.0,
    )


def _rate(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def format_report(report: Report) -> str:
    """The report as a plain-text table."""

    def cell(value: float | None) -> str:
        return "   -" if value is None else f"{value:.2f}"

    lines = [f"{'kind':<14}{'n':>4}  hit@1  hit@3   MRR  abstained"]
    for score in [*report.kinds, report.answerable]:
        lines.append(
            f"{score.kind:<14}{score.count:>4}   {cell(score.hit_at_1)}   {cell(score.hit_at_3)}  "
            f"{cell(score.mrr)}  {cell(score.abstention_rate)}"
        )
    lines.append(f"abstention on unanswerable questions: {cell(report.unanswerable_abstention)}")
    lines.append(f"false abstention on answerable ones:  {cell(report.false_abstention)}")
    return "\n".join(lines)


# --- Realistic messages: every kind of reply, scored by the answer's contract -------------


@dataclass(frozen=True)
class Message:
    """One row of a realistic message set (``tests/qa/messages-*.jsonl``).

    ``expect`` is the kind of reply wanted; ``gold`` strings, one of which the
    first citation must hold; ``short`` the acceptable short answers;
    ``parts`` one gold list per part of a multi-part question, each of which
    some citation must hold; ``contains`` a string the reply must include;
    ``chat`` a conversation id (rows of one chat are asked in file order).
    """

    id: str
    kind: str
    q: str
    expect: str
    gold: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()
    contains: str | None = None
    chat: str | None = None


def load_messages(path: Path) -> list[Message]:
    """Read a message set; ``EngineError`` names the first bad line."""

    def message(row: dict[str, Any]) -> Message:
        return Message(
            id=str(row["id"]),
            kind=str(row["kind"]),
            q=str(row["q"]),
            expect=str(row["expect"]),
            gold=tuple(row.get("gold", ())),
            short=tuple(row.get("short", ())),
            parts=tuple(tuple(p) for p in row.get("parts", ())),
            contains=row.get("contains"),
            chat=row.get("chat"),
        )

    return _read_rows(path, "message", message)


def short_matches(short: str | None, expected: Sequence[str]) -> bool:
    """Whether ``short`` is one of the ``expected`` short answers, give or take a few words:
    one holds the other, and the shorter has at least half the longer's words."""
    if not short:
        return False
    got = " ".join(short.casefold().split())
    for option in expected:
        want = " ".join(option.casefold().split())
        inner, outer = sorted((got, want), key=len)
        if inner in outer and 2 * len(inner.split()) >= len(outer.split()):
            return True
    return False


def problems(message: Message, answer: Answer) -> list[str]:
    """What is wrong with ``answer`` as the reply to ``message`` (empty when it satisfies)."""
    found = []
    if answer.kind != message.expect:
        found.append(f"kind {answer.kind}, wanted {message.expect}")
    ranked = [c for c in answer.citations if not c.context]
    if message.expect == "answer" and message.gold and not (ranked and any(g in ranked[0].text for g in message.gold)):
        found.append("first citation is not a gold sentence")
    if message.short and not short_matches(answer.short_answer, message.short):
        found.append(f"short answer {answer.short_answer!r}, wanted one of {list(message.short)}")
    for number, part in enumerate(message.parts, start=1):
        if not any(g in c.text for c in ranked for g in part):
            found.append(f"part {number} not cited")
    if message.contains and message.contains not in answer.answer:
        found.append(f"reply lacks {message.contains!r}")
    if message.expect == "overview" and len(ranked) < 3:
        found.append("an overview quotes fewer than three sentences")
    return found


@dataclass(frozen=True)
class MessageReport:
    """The satisfied share of a message set, overall and by kind, and the failures."""

    satisfied: float
    by_kind: dict[str, tuple[int, float]]
    failures: list[tuple[Message, Answer, list[str]]]


def evaluate_messages(
    messages: Sequence[Message], answer_all: Callable[[list[tuple[str, Answer | None]]], list[Answer]]
) -> MessageReport:
    """Answer every message, conversations in order, and check each reply.

    Messages without a chat go in one batch; each chat's messages follow one
    another, each with the conversation's remembered answer.
    """
    from index.answer.conversation import remember

    answers: dict[str, Answer] = {}
    alone = [m for m in messages if m.chat is None]
    for message, answer in zip(alone, answer_all([(m.q, None) for m in alone]), strict=True):
        answers[message.id] = answer
    last: dict[str, Answer | None] = {}
    for message in messages:
        if message.chat is not None:
            (answer,) = answer_all([(message.q, last.get(message.chat))])
            answers[message.id] = answer
            last[message.chat] = remember(last.get(message.chat), answer)
    checked = [(m, answers[m.id], problems(m, answers[m.id])) for m in messages]
    kinds = sorted({m.kind for m in messages})
    by_kind = {}
    for kind in kinds:
        rows = [not p for m, _, p in checked if m.kind == kind]
        by_kind[kind] = (len(rows), sum(rows) / len(rows))
    return MessageReport(
        satisfied=sum(not p for _, _, p in checked) / len(checked),
        by_kind=by_kind,
        failures=[(m, a, p) for m, a, p in checked if p],
    )


def format_message_report(report: MessageReport) -> str:
    """The satisfied share by kind as a plain-text table."""
    lines = [f"{'kind':<14}{'n':>4}  satisfied"]
    lines += [f"{kind:<14}{n:>4}  {share:.2f}" for kind, (n, share) in report.by_kind.items()]
    lines.append(f"satisfied overall: {report.satisfied:.2f}")
    return "\n".join(lines)
