"""The pure side of the real-text benchmark: SQuAD 2.0 articles as corpus files, and scoring.

Nothing here loads a model or an index, so the unit tests run it offline.

A SQuAD paragraph becomes one corpus paragraph, with its white space
normalised the way the engine's sentence splitter normalises it (runs of
white space become one space). Answer spans are moved to the normalised
paragraph, so a cited sentence, which the engine quotes verbatim from that
text, can be placed in it and compared with the answer's span.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")

Kind = Literal["answerable", "unanswerable", "off_topic"]

# Reciprocal rank fusion's usual constant (Cormack et al., 2009).
RRF_K = 60

# The end of a sentence inside a normalised paragraph, to count the sentences
# before a place when a sentence's text occurs there more than once.
_SENTENCE_END = re.compile(r"""[.!?]+[’”"')\]]* """)


@dataclass(frozen=True)
class GoldAnswer:
    """One accepted answer: its text and its span [start, end) in the normalised paragraph."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SquadQuestion:
    """One question about an article, asked of the paragraph ``paragraph`` (1-based)."""

    id: str
    question: str
    paragraph: int
    answers: tuple[GoldAnswer, ...]
    impossible: bool

    @property
    def answerable(self) -> bool:
        """Whether the article answers it (SQuAD gives an answer and does not mark it impossible)."""
        return not self.impossible and bool(self.answers)


@dataclass(frozen=True)
class SquadArticle:
    """One article: its title, a file-name slug, its normalised paragraphs and its questions."""

    title: str
    slug: str
    paragraphs: tuple[str, ...]
    questions: tuple[SquadQuestion, ...]

    @property
    def words(self) -> int:
        """How many white-space separated words the article has."""
        return sum(len(p.split()) for p in self.paragraphs)


def load_squad(path: Path) -> list[SquadArticle]:
    """Read a SQuAD 2.0 file into articles."""
    return parse_squad(json.loads(path.read_text(encoding="utf-8")))


def parse_squad(data: Mapping[str, Any]) -> list[SquadArticle]:
    """The articles of a parsed SQuAD 2.0 object (``data[].title``, ``data[].paragraphs[]``)."""
    articles = []
    for entry in data["data"]:
        raw_title = str(entry["title"])
        paragraphs: list[str] = []
        questions: list[SquadQuestion] = []
        for raw in entry["paragraphs"]:
            context = str(raw["context"])
            paragraph, offsets = normalise_whitespace(context)
            if not paragraph:
                continue
            paragraphs.append(paragraph)
            for qa in raw["qas"]:
                answers = tuple(_gold(context, paragraph, offsets, a) for a in qa.get("answers", []))
                questions.append(
                    SquadQuestion(
                        id=str(qa["id"]),
                        question=str(qa["question"]),
                        paragraph=len(paragraphs),
                        answers=answers,
                        impossible=bool(qa.get("is_impossible", False)),
                    )
                )
        articles.append(
            SquadArticle(
                title=raw_title.replace("_", " "),
                slug=slugify(raw_title),
                paragraphs=tuple(paragraphs),
                questions=tuple(questions),
            )
        )
    return articles


def normalise_whitespace(text: str) -> tuple[str, list[int]]:
    """``text`` with runs of white space made one space and the ends stripped, and for
    each character of the result its offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = -1
    for offset, ch in enumerate(text):
        if ch.isspace():
            if chars and pending_space < 0:
                pending_space = offset
            continue
        if pending_space >= 0:
            chars.append(" ")
            offsets.append(pending_space)
            pending_space = -1
        chars.append(ch)
        offsets.append(offset)
    return "".join(chars), offsets


def _gold(context: str, paragraph: str, offsets: list[int], raw: Mapping[str, Any]) -> GoldAnswer:
    """An answer with its span moved from the raw context to the normalised paragraph
    (start = end = -1 when the given offset does not hold the text)."""
    text = " ".join(str(raw["text"]).split())
    start = int(raw.get("answer_start", -1))
    end = start + len(str(raw["text"]))
    if start < 0 or context[start:end] != raw["text"]:
        return GoldAnswer(text, -1, -1)
    inside = [i for i, offset in enumerate(offsets) if start <= offset < end]
    if not inside:
        return GoldAnswer(text, -1, -1)
    return GoldAnswer(text, inside[0], inside[-1] + 1)


def slugify(title: str) -> str:
    """A file-name stem for ``title``: ASCII, lower case, words joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", fold_title(title))) or "article"


def fold_title(title: str) -> str:
    """``title`` lower-cased without accents, underscores as spaces, for matching names given on a command line."""
    decomposed = unicodedata.normalize("NFKD", title.replace("_", " ").casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def corpus_text(article: SquadArticle) -> str:
    """The article as a corpus file: front matter, then one paragraph per line."""
    front = ["---", f"title: {article.title}", "source: Wikipedia", "language: en", "---"]
    return "\n".join([*front, *article.paragraphs]) + "\n"


def write_corpus(article: SquadArticle, corpus_dir: Path) -> Path:
    """Write ``article`` as ``corpus_dir/<slug>.txt`` (creating the directory) and return the path."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    path = corpus_dir / f"{article.slug}.txt"
    path.write_text(corpus_text(article), encoding="utf-8")
    return path


def locate_sentence(paragraph: str, sentence: str, number: int) -> tuple[int, int] | None:
    """The span of ``sentence``, the ``number``-th (1-based) sentence of ``paragraph``, or None
    if its text is not there. When the text occurs more than once, the occurrence with
    about ``number - 1`` sentence ends before it is taken."""
    starts = []
    found = paragraph.find(sentence)
    while found >= 0 and sentence:
        starts.append(found)
        found = paragraph.find(sentence, found + 1)
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(len(_SENTENCE_END.findall(paragraph[:s])) - (number - 1)))
    return start, start + len(sentence)


def holds_answer(question: SquadQuestion, paragraphs: Sequence[str], paragraph: int, sentence: int, text: str) -> bool:
    """Whether the sentence ``text`` (sentence ``sentence`` of paragraph ``paragraph``, both
    1-based) answers ``question``: it contains an answer's text, or, being in the question's
    paragraph, its span overlaps an answer's span (SQuAD answers can straddle sentences)."""
    if any(gold.text and gold.text in text for gold in question.answers):
        return True
    if paragraph != question.paragraph or not 1 <= paragraph <= len(paragraphs):
        return False
    span = locate_sentence(paragraphs[paragraph - 1], text, sentence)
    if span is None:
        return False
    return any(gold.start >= 0 and gold.start < span[1] and span[0] < gold.end for gold in question.answers)


def sample(items: Sequence[T], count: int | None, seed: str) -> list[T]:
    """``count`` of ``items`` chosen with a fixed ``seed``, in their original order (all when ``count`` is None)."""
    if count is None or count >= len(items):
        return list(items)
    chosen = sorted(random.Random(seed).sample(range(len(items)), count))
    return [items[i] for i in chosen]


def off_topic_questions(
    articles: Sequence[SquadArticle], article: SquadArticle, count: int, seed: int
) -> list[SquadQuestion]:
    """``count`` questions about the other articles, chosen with a fixed seed."""
    others = [q for other in articles if other.slug != article.slug for q in other.questions]
    return sample(others, count, f"{seed}:off-topic:{article.slug}")


def rrf_best(*rankings: npt.NDArray[np.int64], k: int = RRF_K) -> int:
    """The item first in the reciprocal rank fusion of full rankings (each a list of item ids, best first)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking.tolist(), start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return max(fused, key=lambda item: (fused[item], -item))


@dataclass(frozen=True)
class Outcome:
    """What happened to one question.

    The hit fields are None where they do not apply (an unanswerable or
    off-topic question has no right sentence); ``ms`` is None when the
    question was not timed.
    """

    kind: Kind
    abstained: bool
    hit_at_1: bool | None = None
    hit_at_3: bool | None = None
    top_right: bool | None = None
    bm25: bool | None = None
    dense: bool | None = None
    rrf: bool | None = None
    ms: float | None = None
    # The reply said the article may not answer (``Answer.tentative``).
    tentative: bool = False


@dataclass(frozen=True)
class Summary:
    """The benchmark's figures for one article, or for several pooled."""

    answerable: int
    unanswerable: int
    off_topic: int
    hit_at_1: float | None
    hit_at_3: float | None
    top_right: float | None
    false_abstention: float | None
    unanswerable_abstention: float | None
    off_topic_abstention: float | None
    bm25_hit_at_1: float | None
    dense_hit_at_1: float | None
    rrf_hit_at_1: float | None
    ms_p50: float | None
    ms_p95: float | None
    # Of the answers given: how many said the article may not answer, among those whose
    # first quote is right, those whose first quote is wrong, and off-topic questions.
    tentative_right: float | None = None
    tentative_wrong: float | None = None
    tentative_off_topic: float | None = None


def rate(flags: Iterable[bool | None]) -> float | None:
    """The share of true values among those that are not None, or None if there are none."""
    values = [f for f in flags if f is not None]
    return sum(values) / len(values) if values else None


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    """Pool ``outcomes`` into the benchmark's figures."""
    answerable = [o for o in outcomes if o.kind == "answerable"]
    unanswerable = [o for o in outcomes if o.kind == "unanswerable"]
    off_topic = [o for o in outcomes if o.kind == "off_topic"]
    times = [o.ms for o in outcomes if o.ms is not None]
    p50, p95 = (float(v) for v in np.percentile(times, [50, 95])) if times else (None, None)
    return Summary(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        off_topic=len(off_topic),
        hit_at_1=rate(o.hit_at_1 for o in answerable),
        hit_at_3=rate(o.hit_at_3 for o in answerable),
        top_right=rate(o.top_right for o in answerable),
        false_abstention=rate(o.abstained for o in answerable),
        unanswerable_abstention=rate(o.abstained for o in unanswerable),
        off_topic_abstention=rate(o.abstained for o in off_topic),
        bm25_hit_at_1=rate(o.bm25 for o in answerable),
        dense_hit_at_1=rate(o.dense for o in answerable),
        rrf_hit_at_1=rate(o.rrf for o in answerable),
        ms_p50=p50,
        ms_p95=p95,
        tentative_right=rate(o.tentative for o in answerable if not o.abstained and o.hit_at_1),
        tentative_wrong=rate(o.tentative for o in answerable if not o.abstained and not o.hit_at_1),
        tentative_off_topic=rate(o.tentative for o in off_topic if not o.abstained),
    )


@dataclass(frozen=True)
class Row:
    """One line of the table: an article (or a pool of them) and its figures."""

    name: str
    role: str
    words: int
    sentences: int
    summary: Summary


_COLUMNS = (
    "article",
    "set",
    "words",
    "sentences",
    "answerable",
    "hit@1",
    "hit@3",
    "top sentence right",
    "false abstention",
    "unanswerable (abstained)",
    "off-topic abstention",
    "BM25 hit@1",
    "dense hit@1",
    "RRF hit@1",
    "tentative (right / wrong / off-topic answers)",
    "ms p50",
    "ms p95",
)


def format_table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    for row in rows:
        s = row.summary
        unanswerable = f"{s.unanswerable} ({share(s.unanswerable_abstention)})" if s.unanswerable else "–"
        cells = [
            row.name,
            row.role,
            f"{row.words:,}",
            f"{row.sentences:,}",
            str(s.answerable),
            share(s.hit_at_1),
            share(s.hit_at_3),
            share(s.top_right),
            share(s.false_abstention),
            unanswerable,
            share(s.off_topic_abstention),
            share(s.bm25_hit_at_1),
            share(s.dense_hit_at_1),
            share(s.rrf_hit_at_1),
            f"{share(s.tentative_right)} / {share(s.tentative_wrong)} / {share(s.tentative_off_topic)}",
            ms(s.ms_p50),
            ms(s.ms_p95),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
