"""Calibrate the abstention thresholds on question sets.

Every question is answered once; its best sentence's evidence (score, topic
support, vetoes) is kept. Then the abstention rule is re-decided for a grid of
thresholds with the engine's own ``decide``, and for each point the abstention
rate on unanswerable questions, the false-abstention rate and hit@1 on
answerable ones are printed per question set. The chosen point meets the
project's targets (false abstention at most 5%, hit@1 at least 0.90) on every
set large enough to measure them (20 questions of the kind), and among those
abstains most (ties: the most hit@1, then the thresholds nearest the middle
of the grid).

    python benchmarks/calibrate.py tests/qa/questions-*.jsonl ../shared/qa/examples.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

from index.abstention import AbstentionRule, decide
from index.engine import Engine
from index.evaluate import Question, load_questions
from index.settings import EngineSettings

SCORES = np.round(np.arange(0.60, 1.001, 0.05), 3)
SUPPORTS = np.round(np.arange(0.10, 0.301, 0.025), 3)
TYPED_SUPPORTS = np.round(np.arange(0.20, 0.401, 0.05), 3)
MAX_FALSE_ABSTENTION = 0.05
MIN_HIT_AT_1 = 0.90
# A set with fewer questions of a kind than this is too small to constrain on.
MEASURABLE = 20


@dataclasses.dataclass(frozen=True)
class Row:
    """One question, whether its best sentence is a hit, and the abstention evidence."""

    source: str
    question: Question
    hit: bool
    evidence: object


def main(argv: list[str] | None = None) -> int:
    """Print the grid and the chosen thresholds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    settings = EngineSettings()
    engine = Engine.open(settings.corpus_dir, settings.index_dir, settings.embedding_model)
    rows = []
    for path in args.files:
        for question in load_questions(path):
            explained = engine.explain(question.q)
            best, evidence = explained if explained else (None, None)
            text = engine.sentence_text(best.unit) if best else ""
            rows.append(Row(path.name, question, any(g in text for g in question.gold), evidence))
    sources = list(dict.fromkeys(r.source for r in rows))
    results = []
    for min_score, min_support, min_typed in itertools.product(SCORES, SUPPORTS, TYPED_SUPPORTS):
        rule = AbstentionRule(float(min_score), float(min_support), float(min_typed))
        per_source = [_rates([r for r in rows if r.source == s], rule) for s in sources]
        results.append((rule, per_source))
    measurable = [sum(r.question.answerable for r in rows if r.source == s) >= MEASURABLE for s in sources]
    feasible = [
        (rule, rates)
        for rule, rates in results
        if all(
            not big or (false <= MAX_FALSE_ABSTENTION and hit >= MIN_HIT_AT_1)
            for big, (_, false, hit) in zip(measurable, rates, strict=True)
        )
    ]
    for rule, rates in feasible:
        cells = "  ".join(
            f"{s}: abstain={a:.2f} false={f:.2f} hit@1={h:.2f}" for s, (a, f, h) in zip(sources, rates, strict=True)
        )
        print(
            f"score>={rule.min_score:.2f} support>={rule.min_support:.3f} typed>={rule.min_typed_support:.2f}  {cells}"
        )
    if not feasible:
        print("no thresholds meet the targets on every measurable set", file=sys.stderr)
        return 1
    middle = (np.median(SCORES), np.median(SUPPORTS), np.median(TYPED_SUPPORTS))

    def preference(item: tuple[AbstentionRule, list[tuple[float, float, float]]]) -> tuple[float, float, float]:
        rule, rates = item
        distance = (
            abs(rule.min_score - middle[0])
            + abs(rule.min_support - middle[1])
            + abs(rule.min_typed_support - middle[2])
        )
        return (sum(r[0] for r in rates), sum(r[2] for r in rates), -distance)

    chosen, rates = max(feasible, key=preference)
    print(f"chosen: {chosen}")
    for source, (abstain, false, hit) in zip(sources, rates, strict=True):
        print(f"  {source}: abstention {abstain:.2f}, false abstention {false:.2f}, hit@1 {hit:.2f}")
    return 0


def _rates(rows: list[Row], rule: AbstentionRule) -> tuple[float, float, float]:
    """Abstention on unanswerable, false abstention and hit@1 on answerable rows under ``rule``."""
    unanswerable = [r for r in rows if not r.question.answerable]
    answerable = [r for r in rows if r.question.answerable]

    def abstains(row: Row) -> bool:
        return row.evidence is None or decide(row.evidence, rule) is not None  # type: ignore[arg-type]

    abstention = sum(abstains(r) for r in unanswerable) / max(1, len(unanswerable))
    false = sum(abstains(r) for r in answerable) / max(1, len(answerable))
    hit = sum(r.hit and not abstains(r) for r in answerable) / max(1, len(answerable))
    return abstention, false, hit


if __name__ == "__main__":
    sys.exit(main())
