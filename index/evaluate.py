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

from index.errors import EngineError
from index.types import Answer

UNANSWERABLE = "unanswerable"


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
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EngineError(f"cannot read question set {path}: {error}") from None
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(Question(str(row["id"]), str(row["kind"]), str(row["q"]), tuple(row["gold"])))
        except (ValueError, KeyError, TypeError) as error:
            raise EngineError(f"{path}:{number}: not a question row ({error})") from None
    if not questions:
        raise EngineError(f"question set {path} is empty")
    return questions


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
