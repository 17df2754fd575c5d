"""Train the model that chooses (or declines) the bold short answer, and measure it
leave-one-article-out on SQuAD 2.0 (``../shared/realtext``).

For every answerable question of every article, the engine (with the hand rules
alone choosing the bold span) answers; the first citation's typed phrases
(``index/answer/short_answer/learned.py``) are the candidates, labelled right
when they match SQuAD's answer (``short_answers.matches``). Per held-out
article, a logistic model is fitted on the other six articles' questions whose
first citation holds the answer, and its threshold is chosen on those six so
that at most ``--max-wrong`` of their factoid questions get a wrong bold answer;
(on scores of each of them by a model fitted on the other five); the held-out article
is then scored with both. The table compares the hand
rules and the model on factoid questions (those the question parser reads as
who/when/where/how many/how much/which X …): how many get a bold answer, how
many of those are right, and the share of all factoid questions given a wrong
one. The shipped model is then fitted on all seven articles, with the
threshold chosen on the pooled out-of-fold scores, and written to
``index/answer/short_answer/model.json`` (``--no-write`` to keep it).

    python benchmarks/train_short_answers.py            # about five minutes
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

from realtext import DEFAULT_DATA  # noqa: E402
from realtext_corpus import SquadArticle, holds_answer, load_squad, write_corpus  # noqa: E402
from short_answers import matches  # noqa: E402

from index.answer.engine import Engine  # noqa: E402
from index.answer.short_answer.learned import (  # noqa: E402
    FACTOID,
    MODEL_PATH,
    Candidate,
    ShortAnswerModel,
    candidates,
    frame_of,
)
from index.cli import make_embedder  # noqa: E402
from index.ingest.annotate import Annotator  # noqa: E402
from index.settings import EngineSettings  # noqa: E402
from index.store.build import build_index  # noqa: E402

SEED = 8
# Regularisation of the logistic model (sklearn's C); 1.0 measured as well as 0.3 and 3.
C = 1.0
# The rules' own span stays bold down to this probability: the highest at which the seed
# article's message sets (tests/qa, the news story the rules were written on) still pass.
RULE_THRESHOLD = 0.2
BATCH = 32


@dataclass(frozen=True)
class Example:
    """One factoid question's first citation: its candidates, their labels, and the rules' span."""

    article: str
    hit: bool
    candidates: list[Candidate]
    labels: list[bool]
    rule_right: bool | None


def main(argv: list[str] | None = None) -> int:
    """Collect the examples, score the model leave-one-article-out, and write the shipped one."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--max-wrong", type=float, default=0.08, help="wrong bold answers per factoid question")
    parser.add_argument("--no-write", dest="write", action="store_false", help="do not write the shipped model")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path, help="keep the collected examples in this file and reuse them")
    args = parser.parse_args(argv)
    articles = load_squad(args.data)
    if args.cache is not None and args.cache.exists():
        examples, factoid = pickle.loads(args.cache.read_bytes())
    else:
        examples, factoid = collect(articles)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((examples, factoid)))
    rows: list[tuple[str, int, Tally]] = []
    pooled: list[tuple[tuple[float, bool], Example]] = []
    for article in articles:
        train = [e for e in examples if e.article != article.slug]
        model, _ = fit(train, factoid, args.max_wrong, exclude=article.slug)
        test = [e for e in examples if e.article == article.slug]
        pooled.extend((_best(model, e), e) for e in test)
        rows.append((article.title, factoid[article.slug], _tally(model, test)))
    print(_table(rows))
    if args.write:
        model, threshold_basis = fit(examples, factoid, args.max_wrong, exclude=None, pooled=pooled)
        args.output.write_text(
            json.dumps(
                {
                    "trained_on": [a.title for a in articles],
                    "examples": len(examples),
                    "max_wrong": args.max_wrong,
                    "threshold_basis": threshold_basis,
                    "bias": round(model.bias, 6),
                    "threshold": round(model.threshold, 6),
                    "rule_threshold": model.rule_threshold,
                    "weights": {k: round(v, 6) for k, v in sorted(model.weights.items()) if abs(v) >= 1e-6},
                },
                indent=1,
                ensure_ascii=False,
            )
            + "\n"
        )
        print(f"\nwrote {args.output} (threshold {model.threshold:.3f}, {len(model.weights)} weights)")
    return 0


def collect(articles: Sequence[SquadArticle]) -> tuple[list[Example], dict[str, int]]:
    """Every factoid question's example, and how many factoid questions each article has."""
    settings = EngineSettings()
    embedder = make_embedder(settings)
    annotator = Annotator()
    examples: list[Example] = []
    factoid: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="train-short-") as work:
        for article in articles:
            corpus_dir, index_dir = Path(work) / article.slug / "corpus", Path(work) / article.slug / "index"
            write_corpus(article, corpus_dir)
            build_index(corpus_dir, index_dir, embedder, annotator=annotator)
            engine = Engine.open(corpus_dir, index_dir, settings.embedding_model, embedder=embedder)
            engine.tuning = replace(engine.tuning, learned_short_answers=False)
            questions = [q for q in article.questions if q.answerable]
            frames = [frame_of(a) for a in annotator.annotate([q.question for q in questions])]
            answers = []
            for start in range(0, len(questions), BATCH):
                answers += engine.answer_many([(q.question, None) for q in questions[start : start + BATCH]])
            factoid[article.slug] = sum(f.kind in FACTOID for f in frames)
            cited = [(q, f, a) for q, f, a in zip(questions, frames, answers, strict=True) if f.kind in FACTOID]
            cited = [(q, f, a) for q, f, a in cited if a.citations and not a.abstained]
            sentences = annotator.annotate([a.citations[0].text for _, _, a in cited])
            for (question, frame, answer), sentence in zip(cited, sentences, strict=True):
                first = answer.citations[0]
                golds = [g.text for g in question.answers]
                found = candidates(frame, sentence, answer.short_answer)
                rule = None if answer.short_answer is None else matches(answer.short_answer, golds)
                hit = holds_answer(question, article.paragraphs, first.paragraph, first.sentence, first.text)
                examples.append(Example(article.slug, hit, found, [matches(c.text, golds) for c in found], rule))
            print(f"{article.title}: {len(cited)} factoid questions cited", file=sys.stderr)
    return examples, factoid


def fit(
    examples: Sequence[Example],
    factoid: dict[str, int],
    max_wrong: float,
    *,
    exclude: str | None,
    pooled: Sequence[tuple[tuple[float, bool], Example]] | None = None,
) -> tuple[ShortAnswerModel, str]:
    """A model fitted on ``examples`` whose first citation holds the answer, with the lowest
    threshold at which at most ``max_wrong`` of the factoid questions get a wrong bold answer,
    judged on ``pooled`` out-of-fold scores when given, else on scores of each training
    article by a model fitted on the others (a model's scores of its own training questions
    are too sure of themselves)."""
    model = _fitted(examples)
    if pooled is not None:
        scored = [s for s, _ in pooled]
    else:
        scored = []
        for inner in sorted({e.article for e in examples}):
            held = _fitted([e for e in examples if e.article != inner])
            scored += [_best(held, e) for e in examples if e.article == inner]
    total = sum(n for slug, n in factoid.items() if slug != exclude)
    basis = "pooled out-of-fold scores" if pooled is not None else "inner out-of-fold scores"
    return replace(model, threshold=_threshold(scored, total, max_wrong), rule_threshold=RULE_THRESHOLD), basis


def _fitted(examples: Sequence[Example]) -> ShortAnswerModel:
    """The logistic model fitted on the candidates of ``examples`` whose citation holds the answer."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [(c.features, label) for e in examples if e.hit for c, label in zip(e.candidates, e.labels, strict=True)]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([f for f, _ in rows])
    classifier = LogisticRegression(C=C, max_iter=5000, random_state=SEED).fit(matrix, [y for _, y in rows])
    weights = dict(zip(vectorizer.get_feature_names_out(), classifier.coef_[0].tolist(), strict=True))
    return ShortAnswerModel({str(k): float(v) for k, v in weights.items()}, float(classifier.intercept_[0]), 1.0)


def _choice(model: ShortAnswerModel, example: Example) -> bool | None:
    """Whether the bold answer the model gives ``example`` is right (None when it gives none)."""
    position, _ = model.pick(example.candidates)
    return None if position is None else example.labels[position]


def _best(model: ShortAnswerModel, example: Example) -> tuple[float, bool]:
    """The best candidate's probability and whether it is right (0 and False without one)."""
    position, probability = model.best(example.candidates)
    return (0.0, False) if position is None else (probability, example.labels[position])


def _threshold(scored: Sequence[tuple[float, bool]], factoid: int, max_wrong: float) -> float:
    """The lowest probability that keeps wrong answers at or under ``max_wrong`` of ``factoid``."""
    threshold, wrong = 1.0, 0
    for probability, right in sorted(scored, key=lambda s: -s[0]):
        wrong += not right
        if wrong > max_wrong * factoid:
            break
        threshold = probability
    return threshold


@dataclass(frozen=True)
class Tally:
    """Bold answers given and right, by the rules and by the model."""

    rules_given: int
    rules_right: int
    model_given: int
    model_right: int


def _tally(model: ShortAnswerModel, examples: Sequence[Example]) -> Tally:
    rules = [e.rule_right for e in examples if e.rule_right is not None]
    given = [right for right in (_choice(model, e) for e in examples) if right is not None]
    return Tally(len(rules), sum(rules), len(given), sum(given))


def _table(rows: Sequence[tuple[str, int, Tally]]) -> str:
    lines = [
        "| article | factoid | rules: given | right | wrong / factoid | model: given | right | wrong / factoid |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total = (
        sum(n for _, n, _ in rows),
        Tally(*(sum(getattr(t, f) for _, _, t in rows) for f in Tally.__annotations__)),
    )
    for title, n, t in [*rows, ("**pooled**", *total)]:
        lines.append(
            f"| {title} | {n} | {t.rules_given / n:.2f} | {_share(t.rules_right, t.rules_given)} | "
            f"{(t.rules_given - t.rules_right) / n:.3f} | {t.model_given / n:.2f} | "
            f"{_share(t.model_right, t.model_given)} | {(t.model_given - t.model_right) / n:.3f} |"
        )
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "–"


if __name__ == "__main__":
    raise SystemExit(main())
