"""Calibrate the abstention thresholds on question sets and on real articles.

Every question is answered once; its best sentence's evidence (score, topic
support, vetoes) is kept. Then the abstention rule is re-decided for a grid of
thresholds with the engine's own ``decide``, and for each point the abstention
rate on unanswerable questions, the false-abstention rate and hit@1 on
answerable ones are printed per question set.

Two kinds of set are weighed together, so that the thresholds hold for the
project's own articles and for articles it was never tuned on:

- the question files given (``tests/qa/questions-*.jsonl``, the shared
  examples), asked of the configured index;
- with ``--realtext``, the calibration articles of the real-text benchmark
  (``benchmarks/realtext.py``: Beyoncé, iPod, Sino-Tibetan relations; never
  the held-out ones), each indexed alone, asked its own SQuAD questions and
  100 questions of the other articles, which count as unanswerable.

The chosen point meets the question files' targets, which the test suite
asserts, on every set large enough to measure them (20 questions of the
kind): hit@1 at least 0.90, abstention at least 0.90, false abstention at
most 5%. Among those it comes nearest the real articles' targets (false
abstention at most 5%, abstention on off-topic questions at least 0.95),
then makes the fewest wrong decisions, counted in questions: answered when
it should have said "the article doesn't say", or refused when the article
says (ties: the most hit@1, then the thresholds nearest the middle of the
grid).

    python benchmarks/calibrate.py tests/qa/questions-*.jsonl ../shared/qa/examples.jsonl --realtext
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on sys.path; the engine must be
# importable too.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

import numpy as np  # noqa: E402
from realtext_corpus import SquadArticle, holds_answer, load_squad, off_topic_questions, sample, write_corpus  # noqa: E402

from index.answer.abstention import AbstentionEvidence, AbstentionRule, decide  # noqa: E402
from index.answer.engine import Engine  # noqa: E402
from index.evaluate import load_questions  # noqa: E402
from index.ingest.corpus import read_document  # noqa: E402
from index.ingest.passages import units_of  # noqa: E402
from index.settings import EngineSettings  # noqa: E402
from index.store.build import build_index, index_problem  # noqa: E402
from index.store.embedder import Embedder  # noqa: E402
from index.store.reference import onnx_encoder  # noqa: E402

SCORES = np.round(np.arange(0.50, 1.001, 0.025), 3)
SUPPORTS = np.round(np.arange(0.10, 0.301, 0.025), 3)
TYPED_SUPPORTS = np.round(np.arange(0.20, 0.401, 0.05), 3)
MAX_FALSE_ABSTENTION = 0.05
MIN_HIT_AT_1 = 0.90
MIN_ABSTENTION = 0.90
MIN_OFF_TOPIC_ABSTENTION = 0.95
# A set with fewer questions of a kind than this is too small to constrain on.
MEASURABLE = 20
REALTEXT = REPO.parent / "shared" / "realtext" / "squad2-dev-articles.json"
REALTEXT_CALIBRATION = ("Beyoncé", "IPod", "Sino-Tibetan relations during the Ming dynasty")
OFF_TOPIC = 100
SEED = 8


@dataclasses.dataclass(frozen=True)
class Row:
    """One question of a set, whether its best sentence is a hit, and the abstention evidence."""

    source: str
    answerable: bool
    hit: bool
    evidence: AbstentionEvidence | None
    # A real article's set: its unanswerable questions are off-topic ones.
    real: bool = False


def main(argv: list[str] | None = None) -> int:
    """Print the grid and the chosen thresholds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="question sets asked of the configured index")
    parser.add_argument("--realtext", action="store_true", help="also the real-text benchmark's calibration articles")
    parser.add_argument("--data", type=Path, default=REALTEXT, help="the SQuAD 2.0 file (default: %(default)s)")
    parser.add_argument("--max-questions", type=int, help="at most this many questions per article (fixed seed)")
    parser.add_argument(
        "--work", type=Path, help="where the articles' indexes are kept and reused (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    if not args.files and not args.realtext:
        parser.error("give question files, --realtext, or both")
    settings = EngineSettings()
    embedder = onnx_encoder(settings.embedding_model, settings.model_cache_dir)
    rows: list[Row] = []
    if args.files:
        engine = Engine.open(settings.corpus_dir, settings.index_dir, settings.embedding_model, embedder=embedder)
        for path in args.files:
            rows.extend(question_set_rows(engine, path))
    if args.realtext:
        articles = load_squad(args.data)
        with tempfile.TemporaryDirectory(prefix="calibrate-") as scratch:
            work = args.work or Path(scratch)
            for article in (a for a in articles if a.title in REALTEXT_CALIBRATION):
                rows.extend(article_rows(article, articles, embedder, work, args.max_questions))
                print(f"{article.title}: asked", file=sys.stderr, flush=True)
    return report(rows)


def question_set_rows(engine: Engine, path: Path) -> list[Row]:
    """The rows of one question file asked of ``engine``."""
    rows = []
    for question in load_questions(path):
        explained = engine.explain(question.q)
        best, evidence = explained if explained else (None, None)
        text = engine.sentence_text(best.unit) if best else ""
        rows.append(Row(path.name, question.answerable, any(g in text for g in question.gold), evidence))
    return rows


def article_rows(
    article: SquadArticle, articles: Sequence[SquadArticle], embedder: Embedder, work: Path, max_questions: int | None
) -> list[Row]:
    """The rows of one real article: its answerable questions and off-topic ones, asked of it alone."""
    corpus_dir, index_dir = work / article.slug / "corpus", work / article.slug / "index"
    path = write_corpus(article, corpus_dir)
    if index_problem(corpus_dir, index_dir, embedder.name) is not None:
        build_index(corpus_dir, index_dir, embedder)
    engine = Engine.open(corpus_dir, index_dir, embedder.name, embedder=embedder)
    units = units_of(read_document(path))
    rows = []
    for question in sample([q for q in article.questions if q.answerable], max_questions, f"{SEED}:{article.slug}"):
        explained = engine.explain(question.question)
        best, evidence = explained if explained else (None, None)
        unit = units[best.unit] if best is not None and best.unit < len(units) else None
        hit = unit is not None and holds_answer(question, article.paragraphs, unit.paragraph, unit.sentence, unit.text)
        rows.append(Row(article.title, True, hit, evidence, real=True))
    for question in off_topic_questions(articles, article, OFF_TOPIC, SEED):
        explained = engine.explain(question.question)
        rows.append(Row(article.title, False, False, explained[1] if explained else None, real=True))
    return rows


def report(rows: list[Row]) -> int:
    """Print the grid points that meet the question files' targets and the chosen one;
    1 when no point meets them."""
    sources = list(dict.fromkeys(r.source for r in rows))
    real = {r.source for r in rows if r.real}
    answerable = {s: sum(r.answerable for r in rows if r.source == s) >= MEASURABLE for s in sources}
    unanswerable = {s: sum(not r.answerable for r in rows if r.source == s) >= MEASURABLE for s in sources}
    sizes = {
        s: (sum(not r.answerable for r in rows if r.source == s), sum(r.answerable for r in rows if r.source == s))
        for s in sources
    }
    results = []
    for min_score, min_support, min_typed in itertools.product(SCORES, SUPPORTS, TYPED_SUPPORTS):
        rule = AbstentionRule(float(min_score), float(min_support), float(min_typed))
        rates = {s: _rates([r for r in rows if r.source == s], rule) for s in sources}
        results.append((rule, rates))

    def meets(source: str, rates: tuple[float, float, float]) -> bool:
        """The question files' targets, which the test suite asserts."""
        abstain, false, hit = rates
        return source in real or (
            (not answerable[source] or (false <= MAX_FALSE_ABSTENTION and hit >= MIN_HIT_AT_1))
            and (not unanswerable[source] or abstain >= MIN_ABSTENTION)
        )

    def shortfall(rates: dict[str, tuple[float, float, float]]) -> float:
        """How far the real articles fall short of their targets, summed (0 when met)."""
        return sum(
            (max(0.0, false - MAX_FALSE_ABSTENTION) if answerable[s] else 0.0)
            + (max(0.0, MIN_OFF_TOPIC_ABSTENTION - abstain) if unanswerable[s] else 0.0)
            for s, (abstain, false, _) in rates.items()
            if s in real
        )

    feasible = [(rule, rates) for rule, rates in results if all(meets(s, r) for s, r in rates.items())]
    for rule, rates in feasible:
        cells = "  ".join(f"{s[:12]}: abstain={a:.2f} false={f:.2f} hit@1={h:.2f}" for s, (a, f, h) in rates.items())
        print(
            f"score>={rule.min_score:.3f} support>={rule.min_support:.3f} typed>={rule.min_typed_support:.2f}  "
            f"short={shortfall(rates):.3f}  {cells}"
        )
    if not feasible:
        print("no thresholds meet the question files' targets", file=sys.stderr)
        return 1
    middle = (np.median(SCORES), np.median(SUPPORTS), np.median(TYPED_SUPPORTS))

    def preference(item: tuple[AbstentionRule, dict[str, tuple[float, float, float]]]) -> tuple[float, ...]:
        rule, rates = item
        distance = (
            abs(rule.min_score - middle[0])
            + abs(rule.min_support - middle[1])
            + abs(rule.min_typed_support - middle[2])
        )
        # Nearest the real articles' targets first, then the fewest wrong decisions
        # (questions answered that should not be, and refused that should not be),
        # then hit@1.
        wrong = sum((1 - abstain) * sizes[s][0] + false * sizes[s][1] for s, (abstain, false, _) in rates.items())
        hits = sum(r[2] for r in rates.values())
        return (-round(shortfall(rates), 6), -round(wrong, 6), hits, -distance)

    chosen, rates = max(feasible, key=preference)
    print(f"chosen: {chosen}")
    for source, (abstain, false, hit) in rates.items():
        print(f"  {source}: abstention {abstain:.2f}, false abstention {false:.2f}, hit@1 {hit:.2f}")
    if shortfall(rates) > 0:
        print("  (no point of the grid meets every real article's targets as well)")
    return 0


def _rates(rows: list[Row], rule: AbstentionRule) -> tuple[float, float, float]:
    """Abstention on unanswerable, false abstention and hit@1 on answerable rows under ``rule``."""
    unanswerable = [r for r in rows if not r.answerable]
    answerable = [r for r in rows if r.answerable]

    def abstains(row: Row) -> bool:
        return row.evidence is None or decide(row.evidence, rule) is not None

    abstention = sum(abstains(r) for r in unanswerable) / max(1, len(unanswerable))
    false = sum(abstains(r) for r in answerable) / max(1, len(answerable))
    hit = sum(r.hit and not abstains(r) for r in answerable) / max(1, len(answerable))
    return abstention, false, hit


if __name__ == "__main__":
    sys.exit(main())
