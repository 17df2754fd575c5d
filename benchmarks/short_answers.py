"""How often the bold short answer is right on real articles: SQuAD 2.0 on Wikipedia.

For each answerable SQuAD question whose first citation holds the answer (a
hit@1 of ``realtext.py``), the short answer the engine leads with is compared
with SQuAD's answer texts: it is right when one contains the other and the
shorter has at least half the longer's words ("Mongols" for "the Mongols in
Tibet" is not). Printed per kind of short answer the question asks for
(``asked_short_kind``): how many hits, how many got a short answer, how many
of those were right (precision), and right over hits (coverage). Calibration
and held-out articles are those of ``realtext.py``.

    python benchmarks/short_answers.py                    # all seven articles
    python benchmarks/short_answers.py --articles iPod --misses
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

from realtext import DEFAULT_CALIBRATION, DEFAULT_DATA  # noqa: E402
from realtext_corpus import SquadArticle, holds_answer, load_squad, write_corpus  # noqa: E402

from index.answer.engine import Engine  # noqa: E402
from index.answer.short_answer import asked_short_kind  # noqa: E402
from index.cli import make_embedder  # noqa: E402
from index.settings import EngineSettings  # noqa: E402
from index.store.build import build_index  # noqa: E402
from index.store.embedder import Embedder  # noqa: E402

NO_KIND = "-"


def main(argv: list[str] | None = None) -> int:
    """Score the short answers of the chosen articles and print one table per role."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the SQuAD 2.0 file (default: %(default)s)")
    parser.add_argument("--articles", help="comma-separated titles (default: all)")
    parser.add_argument("--misses", action="store_true", help="print each wrong short answer beside SQuAD's")
    args = parser.parse_args(argv)
    articles = load_squad(args.data)
    if args.articles:
        wanted = {t.strip().casefold() for t in args.articles.split(",")}
        articles = [a for a in articles if a.title.casefold() in wanted]
        if not articles:
            parser.error(f"no article titled {args.articles!r}")
    settings = EngineSettings()
    embedder = make_embedder(settings)
    calibration = {t.casefold() for t in DEFAULT_CALIBRATION}
    # Per role: hits, short answers given, and right ones, by kind.
    tallies: dict[str, tuple[Counter[str], Counter[str], Counter[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="short-answers-") as work:
        for article in articles:
            role = _role(article, calibration)
            hits, given, right = tallies.setdefault(role, (Counter(), Counter(), Counter()))
            engine = _engine(article, Path(work), embedder, settings.embedding_model)
            for kind, short, golds in _scored(engine, article):
                hits[kind] += 1
                if short is None:
                    continue
                given[kind] += 1
                good = matches(short, golds)
                right[kind] += good
                if args.misses and not good:
                    print(f"[{kind}] {short!r} / SQuAD: {golds[0]!r}", file=sys.stderr)
    for role, (hits, given, right) in tallies.items():
        print(f"\n{role}: {', '.join(a.title for a in articles if _role(a, calibration) == role)}")
        print(_table(hits, given, right))
    return 0


def matches(short: str, golds: Sequence[str]) -> bool:
    """Whether ``short`` and one of ``golds`` contain each other, the shorter with at least half the words."""
    said = short.casefold()
    for gold in golds:
        inner, outer = sorted((said, gold.casefold()), key=len)
        if inner and inner in outer and 2 * len(inner.split()) >= len(outer.split()):
            return True
    return False


def _engine(article: SquadArticle, work: Path, embedder: Embedder, model: str) -> Engine:
    corpus_dir, index_dir = work / article.slug / "corpus", work / article.slug / "index"
    write_corpus(article, corpus_dir)
    build_index(corpus_dir, index_dir, embedder)
    return Engine.open(corpus_dir, index_dir, model, embedder=embedder)


def _scored(engine: Engine, article: SquadArticle) -> list[tuple[str, str | None, list[str]]]:
    """Per hit@1 question: the kind it asks for, the short answer given, and SQuAD's answers."""
    questions = [q for q in article.questions if q.answerable]
    answers = engine.answer_many([(q.question, None) for q in questions])
    scored = []
    for question, answer in zip(questions, answers, strict=True):
        if answer.abstained or not answer.citations:
            continue
        first = answer.citations[0]
        if holds_answer(question, article.paragraphs, first.paragraph, first.sentence, first.text):
            kind = asked_short_kind(question.question) or NO_KIND
            scored.append((kind, answer.short_answer, [g.text for g in question.answers]))
    return scored


def _role(article: SquadArticle, calibration: set[str]) -> str:
    return "calibration" if article.title.casefold() in calibration else "held out"


def _table(hits: Counter[str], given: Counter[str], right: Counter[str]) -> str:
    lines = ["| kind | hits | short answer given | right | precision | coverage |", "|---|---|---|---|---|---|"]
    for kind in sorted(hits, key=lambda k: (k == NO_KIND, k)):
        lines.append(_row(kind, hits[kind], given[kind], right[kind]))
    lines.append(_row("**all**", sum(hits.values()), sum(given.values()), sum(right.values())))
    return "\n".join(lines)


def _row(kind: str, hits: int, given: int, right: int) -> str:
    precision = f"{right / given:.2f}" if given else "–"
    return f"| {kind} | {hits} | {given} | {right} | {precision} | {right / hits:.2f} |"


if __name__ == "__main__":
    raise SystemExit(main())
