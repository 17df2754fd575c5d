"""How the engine answers real articles it was never tuned for: SQuAD 2.0 on Wikipedia.

Each article of ``../shared/realtext/squad2-dev-articles.json`` becomes a corpus
of its own (one SQuAD paragraph per corpus paragraph) in a temporary
directory, is indexed with the real model, and every question about it is
asked once, alone, and timed (``--no-timing``: in batches of 32 instead, which
is quicker); off-topic questions go in batches of 32. Per article it prints:

- hit@1 and hit@3 on answerable questions: a cited sentence is right when it
  contains the answer text or its span overlaps the answer's span (an
  abstention is a miss); citations brought in only as context do not count;
- "top sentence right": how often the engine's best sentence before
  abstention (``Engine.explain``) is right, so that what abstention throws
  away shows;
- false abstention on answerable questions, abstention on SQuAD's
  unanswerable ones, and on 100 off-topic questions (sampled with a fixed seed
  from the other articles) asked of this article's index;
- hit@1 of plain BM25, dense MiniLM (cosine) and their reciprocal rank fusion
  over the same sentences;
- the latency of each question of the article asked once, alone, on a freshly
  opened engine (ms, median and 95th percentile).

Calibration and held-out articles are marked by ``--calibration``. The default
calibration set is Beyoncé (a biography), iPod (a product, the shortest
article) and Sino-Tibetan relations during the Ming dynasty (history, long
sentences, dates such as "the 10th century"); the other four are held out:
Frédéric Chopin, The Legend of Zelda: Twilight Princess (the only article with
SQuAD's unanswerable questions, kept out of calibration so that abstention on
them is measured honestly), New York City (the longest, about 15,000 words)
and To Kill a Mockingbird.

    python benchmarks/realtext.py                       # everything; Markdown table on stdout
    python benchmarks/realtext.py --max-questions 40    # a quick look (a couple of minutes)
    python benchmarks/realtext.py --articles iPod --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on sys.path; the engine must be
# this checkout's, not whichever one the virtualenv has installed.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from realtext_corpus import (  # noqa: E402
    Outcome,
    Row,
    SquadArticle,
    SquadQuestion,
    fold_title,
    format_table,
    holds_answer,
    load_squad,
    off_topic_questions,
    rrf_best,
    sample,
    summarise,
    write_corpus,
)

from index.answer.engine import Engine  # noqa: E402
from index.ingest.corpus import read_document  # noqa: E402
from index.ingest.passages import Unit, units_of  # noqa: E402
from index.store.build import build_index  # noqa: E402
from index.store.embedder import DEFAULT_MODEL, Embedder  # noqa: E402
from index.store.lexical import LexicalIndex  # noqa: E402
from index.store.reference import onnx_encoder  # noqa: E402
from index.types import Answer  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "realtext" / "squad2-dev-articles.json"
DEFAULT_CALIBRATION = ("Beyoncé", "iPod", "Sino-Tibetan relations during the Ming dynasty")
CALIBRATION = "calibration"
HELD_OUT = "held out"
BATCH = 32
OFF_TOPIC = 100
SEED = 8


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table (or, with ``--json``, one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the SQuAD 2.0 file (default: %(default)s)")
    parser.add_argument("--articles", help="comma-separated titles to run (default: all)")
    parser.add_argument(
        "--calibration",
        default=",".join(DEFAULT_CALIBRATION),
        help="comma-separated titles used to calibrate; the others are held out (default: %(default)s)",
    )
    parser.add_argument("--max-questions", type=int, help="at most this many questions per article (fixed seed)")
    parser.add_argument("--off-topic", type=int, default=OFF_TOPIC, help="off-topic questions per article")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="embedding model (default: %(default)s)")
    parser.add_argument(
        "--no-timing",
        dest="timing",
        action="store_false",
        help="ask the article's questions in batches too (faster) instead of one at a time, timed",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default: %(default)s; on shared cores more threads wait on each other)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        articles = load_squad(args.data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        parser.error(f"cannot read {args.data}: {error}")
    calibration = {a.slug for a in _named(parser, articles, args.calibration)}
    chosen = _named(parser, articles, args.articles) if args.articles else articles

    embedder = onnx_encoder(args.model)
    torch.set_num_threads(args.threads)
    rows: list[Row] = []
    outcomes: dict[str, list[Outcome]] = {}
    details = []
    with tempfile.TemporaryDirectory(prefix="realtext-") as scratch:
        for article in chosen:
            role = CALIBRATION if article.slug in calibration else HELD_OUT
            result = run_article(article, articles, embedder, args.model, Path(scratch), args)
            outcomes[article.slug] = result.outcomes
            rows.append(Row(article.title, role, article.words, result.sentences, summarise(result.outcomes)))
            # The row so far, for long runs: the last line of a one-row table.
            _progress(format_table(rows[-1:]).splitlines()[-1])
            details.append({"title": article.title, "role": role, "build_seconds": round(result.build_seconds, 1)})
    rows.extend(_pooled(rows, chosen, outcomes))
    seconds = time.perf_counter() - started

    if args.json:
        print(
            json.dumps(
                {
                    "data": str(args.data),
                    "model": args.model,
                    "max_questions": args.max_questions,
                    "off_topic": args.off_topic,
                    "calibration": [a.title for a in articles if a.slug in calibration],
                    "held_out": [a.title for a in articles if a.slug not in calibration],
                    "articles": details,
                    "rows": [_row_json(row) for row in rows],
                    "seconds": round(seconds, 1),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(format_table(rows))
        titles = ", ".join(a.title for a in articles if a.slug in calibration)
        print(f"\n{len(chosen)} articles in {seconds:.0f} s; calibration: {titles}")
    return 0


@dataclass(frozen=True)
class ArticleResult:
    """The outcomes of one article's questions, its sentence count and its build time."""

    outcomes: list[Outcome]
    sentences: int
    build_seconds: float


def run_article(
    article: SquadArticle,
    articles: Sequence[SquadArticle],
    embedder: Embedder,
    model: str,
    scratch: Path,
    args: argparse.Namespace,
) -> ArticleResult:
    """Index ``article`` alone, ask it its own questions and off-topic ones, and score them."""
    corpus_dir, index_dir = scratch / article.slug / "corpus", scratch / article.slug / "index"
    path = write_corpus(article, corpus_dir)
    report = build_index(corpus_dir, index_dir, embedder)
    units = units_of(read_document(path))
    engine = Engine.open(corpus_dir, index_dir, model, embedder=embedder)
    questions = sample(article.questions, args.max_questions, f"{SEED}:{article.slug}")
    off_topic = off_topic_questions(articles, article, args.off_topic, SEED)
    _progress(f"{article.title}: {report.sentences} sentences indexed in {report.seconds:.1f} s; asking")

    # Each of the article's questions asked once, alone, on the fresh engine, as
    # a user would, and timed; these are the answers scored. (With --no-timing
    # they go in batches, like the off-topic ones, which are never timed.)
    began = time.perf_counter()
    answers, latencies = _ask(engine, questions, timed=args.timing)
    off_answers, _ = _ask(engine, off_topic, timed=False)
    asked = time.perf_counter() - began

    answerable = [q for q in questions if q.answerable]
    baselines = Baselines(units, embedder, answerable)
    outcomes = [Outcome("off_topic", a.abstained, tentative=a.tentative) for a in off_answers]
    for question, answer, ms in zip(questions, answers, latencies, strict=True):
        if not question.answerable:
            outcomes.append(Outcome("unanswerable", answer.abstained, ms=ms))
            continue
        ranked = [c for c in answer.citations if not c.context]
        hits = [holds_answer(question, article.paragraphs, c.paragraph, c.sentence, c.text) for c in ranked]
        bm25, dense, rrf = baselines.hits(question, article)
        # An answer's first citation is the engine's best sentence; only when it
        # abstained does that sentence need asking for.
        top_right = _top_right(engine, units, question, article) if answer.abstained else bool(hits[:1] and hits[0])
        outcomes.append(
            Outcome(
                "answerable",
                answer.abstained,
                hit_at_1=bool(hits[:1] and hits[0]),
                hit_at_3=any(hits[:3]),
                top_right=top_right,
                bm25=bm25,
                dense=dense,
                rrf=rrf,
                ms=ms,
                tentative=answer.tentative,
            )
        )
    _progress(
        f"{article.title}: {len(questions)} questions and {len(off_topic)} off-topic ones answered in "
        f"{asked:.0f} s, scored in {time.perf_counter() - began - asked:.0f} s"
    )
    return ArticleResult(outcomes, len(units), report.seconds)


def _ask(engine: Engine, questions: Sequence[SquadQuestion], *, timed: bool) -> tuple[list[Answer], list[float | None]]:
    """The answers to ``questions``: each alone and timed (ms), or in batches of ``BATCH`` and not timed."""
    answers: list[Answer] = []
    latencies: list[float | None] = []
    if timed:
        for question in questions:
            began = time.perf_counter()
            answers.extend(engine.answer_many([(question.question, None)]))
            latencies.append((time.perf_counter() - began) * 1000)
        return answers, latencies
    for start in range(0, len(questions), BATCH):
        answers.extend(engine.answer_many([(q.question, None) for q in questions[start : start + BATCH]]))
    return answers, [None] * len(answers)


class Baselines:
    """Plain BM25, dense MiniLM and their RRF fusion over one article's sentences."""

    def __init__(self, units: Sequence[Unit], embedder: Embedder, questions: Sequence[SquadQuestion]) -> None:
        self._units = units
        self._lexical = LexicalIndex.of_texts([u.text for u in units])
        sentence_vectors = embedder.embed([u.text for u in units])
        question_vectors = embedder.embed([q.question for q in questions])
        # Normalised rows: the inner product is the cosine.
        similarities = question_vectors @ sentence_vectors.T
        self._dense = {q.id: np.argsort(-row, kind="stable") for q, row in zip(questions, similarities, strict=True)}

    def hits(self, question: SquadQuestion, article: SquadArticle) -> tuple[bool, bool, bool]:
        """Whether BM25's, dense's and RRF's first sentence answers ``question``."""
        scores = self._lexical.scores(self._lexical.terms(question.question))
        lexical = np.argsort(-scores, kind="stable")
        dense = self._dense[question.id]
        firsts = (int(lexical[0]), int(dense[0]), rrf_best(lexical, dense))
        return (
            self._right(question, article, firsts[0]),
            self._right(question, article, firsts[1]),
            self._right(question, article, firsts[2]),
        )

    def _right(self, question: SquadQuestion, article: SquadArticle, unit: int) -> bool:
        u = self._units[unit]
        return holds_answer(question, article.paragraphs, u.paragraph, u.sentence, u.text)


def _top_right(engine: Engine, units: Sequence[Unit], question: SquadQuestion, article: SquadArticle) -> bool:
    """Whether the engine's best sentence, before it decides to abstain, answers ``question``."""
    explained = engine.explain(question.question)
    if explained is None:
        return False
    evidence = explained[0] if isinstance(explained, tuple) else explained
    text = engine.sentence_text(evidence.unit)
    unit = units[evidence.unit] if evidence.unit < len(units) else None
    if unit is None or unit.text != text:
        # The index numbers its sentences otherwise than the corpus: judge by the text alone.
        return holds_answer(question, article.paragraphs, 0, 0, text)
    return holds_answer(question, article.paragraphs, unit.paragraph, unit.sentence, text)


def _named(parser: argparse.ArgumentParser, articles: Sequence[SquadArticle], names: str) -> list[SquadArticle]:
    """The articles ``names``: comma-separated titles, or a part of just one title ("Zelda");
    case, accents and underscores do not matter."""
    chosen = []
    for name in (fold_title(n) for n in names.split(",") if n.strip()):
        exact = [a for a in articles if fold_title(a.title) == name]
        matches = exact or [a for a in articles if name in fold_title(a.title)]
        if len(matches) != 1:
            problem = "no article" if not matches else "more than one article matches"
            parser.error(f"{problem} {name!r}; the articles are: {', '.join(a.title for a in articles)}")
        chosen.append(matches[0])
    return chosen


def _pooled(rows: Sequence[Row], chosen: Sequence[SquadArticle], outcomes: dict[str, list[Outcome]]) -> list[Row]:
    """Rows pooling the calibration articles, the held-out ones, and all of them."""
    pooled = []
    roles = {a.slug: row.role for a, row in zip(chosen, rows, strict=True)}
    for name, slugs in (
        (CALIBRATION, [s for s, r in roles.items() if r == CALIBRATION]),
        (HELD_OUT, [s for s, r in roles.items() if r == HELD_OUT]),
        ("all", list(roles)),
    ):
        if not slugs or (name != "all" and len(slugs) == len(roles)):
            continue
        members = [row for a, row in zip(chosen, rows, strict=True) if a.slug in slugs]
        summary = summarise([o for s in slugs for o in outcomes[s]])
        words = sum(r.words for r in members)
        sentences = sum(r.sentences for r in members)
        pooled.append(Row(f"**{name}**", name if name != "all" else "", words, sentences, summary))
    return pooled


def _row_json(row: Row) -> dict[str, object]:
    data = asdict(row)
    data["name"] = row.name.strip("*")
    summary = data.pop("summary")
    data.update({k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items()})
    return data


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
