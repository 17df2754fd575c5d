"""Answering questions: hybrid retrieval over the index and extractive, cited answers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.abstention import AbstentionEvidence, AbstentionRule, decide, gather_evidence
from index.corpus import corpus_fingerprint
from index.embedder import Embedder, SentenceTransformerEmbedder, WordVectors
from index.errors import BUILD_COMMAND, IndexCorruptError, IndexStaleError
from index.lexical import LexicalIndex
from index.passages import Unit
from index.retrieval import Evidence, Query, Retriever, Weights
from index.spelling import QueryCorrector, alias_map, english_frequency
from index.store import StoredIndex, read_index, read_manifest
from index.types import Answer, Citation, DocumentInfo

MAX_QUESTION_CHARS = 500

_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
_FOLLOW_UP_CONTEXT_WORDS = 40
_FOLLOW_UP = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its|this|that|there)\b", re.I)


@dataclass(frozen=True)
class Tuning:
    """Retrieval weights and the abstention rule, calibrated on ``tests/qa``."""

    weights: Weights = Weights()
    abstention: AbstentionRule = AbstentionRule()
    # Further sentences are cited while they score within this of the best.
    keep_within: float = 0.1
    max_citations: int = 3


class Engine:
    """A loaded index and model that answer questions about the corpus."""

    def __init__(self, stored: StoredIndex, embedder: Embedder, tuning: Tuning | None = None) -> None:
        if embedder.dimension != stored.manifest.dimension:
            raise IndexStaleError(
                f"the index holds {stored.manifest.dimension}-dimensional vectors but model "
                f"{embedder.name!r} makes {embedder.dimension}; rebuild it with: {BUILD_COMMAND}"
            )
        self.tuning = tuning or Tuning()
        self._embedder = embedder
        self._units = stored.units
        self._documents = {d.id: d for d in stored.documents}
        lexical = LexicalIndex([u.text for u in self._units], [u.document for u in self._units])
        self._retriever = Retriever(stored.units, stored.vectors, stored.faiss_index, lexical, embedder)
        acronyms = {a for u in self._units for a in _ACRONYM.findall(u.text)}
        aliases = alias_map(stored.documents)
        self._corrector = QueryCorrector(
            lexical.words, embedder.vocabulary(), lexical.knows, acronyms, aliases, english_frequency
        )

    @classmethod
    def open(cls, corpus_dir: Path, index_dir: Path, model: str, *, embedder: Embedder | None = None) -> Engine:
        """Load the index in ``index_dir``, checking it was built from ``corpus_dir`` with ``model``."""
        manifest = read_manifest(index_dir)
        if manifest.corpus_hash != corpus_fingerprint(corpus_dir):
            raise IndexStaleError(
                f"the index in {index_dir} was built from another version of {corpus_dir}; "
                f"rebuild it with: {BUILD_COMMAND}"
            )
        if manifest.model != model:
            raise IndexStaleError(
                f"the index in {index_dir} was built with model {manifest.model!r}, not {model!r}; "
                f"rebuild it with: {BUILD_COMMAND}"
            )
        stored = read_index(index_dir)
        return cls(stored, embedder or SentenceTransformerEmbedder(model))

    @property
    def documents(self) -> tuple[DocumentInfo, ...]:
        """The articles in the index, in corpus order."""
        return tuple(self._documents.values())

    @property
    def example_questions(self) -> tuple[str, ...]:
        """Questions the articles answer, from their metadata."""
        return tuple(q for d in self._documents.values() for q in d.examples)

    def paragraph(self, document_id: str, paragraph: int) -> str:
        """The text of paragraph ``paragraph`` (1-based) of article ``document_id``."""
        try:
            document = self._documents[document_id]
        except KeyError:
            raise IndexCorruptError(f"no article {document_id!r} in the index") from None
        if not 1 <= paragraph <= len(document.paragraphs):
            raise ValueError(f"article {document_id!r} has no paragraph {paragraph}")
        return document.paragraphs[paragraph - 1]

    def sentence_text(self, unit: int) -> str:
        """The text of sentence number ``unit`` in the index."""
        return self._units[unit].text

    def answer(self, question: str, previous: Answer | None = None) -> Answer:
        """Answer one question; ``previous`` is the last answer in the conversation, for follow-ups."""
        return self.answer_many([(question, previous)])[0]

    def answer_many(self, items: Sequence[tuple[str, Answer | None]]) -> list[Answer]:
        """Answer several questions with one embedding batch, in order."""
        items = [(valid_text(question), previous) for question, previous in items]
        answers: list[Answer | None] = [_refusal(question) for question, _ in items]
        queries = [self._prepare(q, previous) for (q, previous), a in zip(items, answers, strict=True) if a is None]
        vectors, query_words = self._embedder.embed_words([q.text for q in queries])
        rankings = self._retriever.rank_many(queries, vectors, query_words, self.tuning.weights)
        pending = iter(zip(queries, query_words, rankings, strict=True))
        return [a if a is not None else self._compose(*next(pending)) for a in answers]

    def explain(self, question: str) -> tuple[Evidence, AbstentionEvidence] | None:
        """The best sentence's evidence and what abstention weighs, for calibration and debugging."""
        query = self._prepare(question, None)
        vectors, query_words = self._embedder.embed_words([query.text])
        ranking = self._retriever.rank_many([query], vectors, query_words, self.tuning.weights)[0]
        if not ranking:
            return None
        return ranking[0], gather_evidence(query, query_words[0], ranking[0], self._retriever)

    def _prepare(self, question: str, previous: Answer | None) -> Query:
        text = self._corrector.correct(" ".join(clean_text(question).split()))
        if previous is not None and not previous.abstained and _FOLLOW_UP.search(text):
            # A pronoun with nothing to refer to in the question itself refers
            # to the last exchange: search with both (bounded, as follow-ups chain).
            context = " ".join(previous.query.split()[:_FOLLOW_UP_CONTEXT_WORDS])
            text = f"{text} {context}"
        return Query(question=question, text=text, terms=self._retriever.lexical.terms(text))

    def _compose(self, query: Query, query_words: WordVectors, ranking: list[Evidence]) -> Answer:
        if not ranking:
            return self._abstention(query, "nothing in the article matches")
        best = ranking[0]
        reason = decide(gather_evidence(query, query_words, best, self._retriever), self.tuning.abstention)
        if reason is not None:
            return self._abstention(query, reason)
        chosen = [e for e in ranking if e.score >= best.score - self.tuning.keep_within]
        citations = self._citations(chosen[: self.tuning.max_citations])
        return Answer(
            question=query.question,
            abstained=False,
            answer=render_plain(citations, self._documents),
            citations=citations,
            query=query.text,
        )

    def _citations(self, chosen: list[Evidence]) -> tuple[Citation, ...]:
        """The chosen sentences best first, then the sentences they lean on."""
        ranked = list(dict.fromkeys(e.unit for e in chosen))
        scores = {e.unit: e.score for e in chosen}
        cited = [self._citation(self._units[u], scores[u]) for u in ranked]
        for position, unit_id in enumerate(ranked):
            before = unit_id - 1
            unit = self._units[unit_id]
            # Each sentence has one predecessor, so no context is added twice.
            if unit.depends_on_previous and before not in ranked and self._units[before].document == unit.document:
                cited.append(self._citation(self._units[before], scores[unit_id], context_for=position))
        return tuple(cited)

    def _citation(self, unit: Unit, score: float, *, context_for: int | None = None) -> Citation:
        return Citation(
            document=unit.document,
            title=self._documents[unit.document].title,
            paragraph=unit.paragraph,
            sentence=unit.sentence,
            text=unit.text,
            score=round(score, 4),
            context=context_for is not None,
            context_for=context_for,
        )

    def _abstention(self, query: Query, reason: str) -> Answer:
        examples = self.example_questions[:2]
        suggestion = " You could ask: " + " / ".join(examples) if examples else ""
        return Answer(
            question=query.question,
            abstained=True,
            answer=f"The article doesn't say.{suggestion}",
            reason=reason,
            query=query.text,
        )


def valid_text(text: str) -> str:
    """``text`` with anything that is not valid Unicode text (a lone surrogate,
    as undecodable input bytes become) replaced by U+FFFD."""
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def clean_text(text: str) -> str:
    """``text`` as searched: valid, and in compatibility form (full-width letters become plain)."""
    return unicodedata.normalize("NFKC", valid_text(text))


def _refusal(question: str) -> Answer | None:
    """An answer for input that is not a question we can search, or None."""
    stripped = clean_text(question).strip()
    if not stripped:
        return Answer(question, True, "Please ask a question about the article.", reason="empty question")
    if not any(ch.isalnum() for ch in stripped):
        return Answer(question, True, "Please ask a question in words.", reason="no words")
    if len(stripped) > MAX_QUESTION_CHARS:
        return Answer(
            question,
            True,
            f"That message is {len(stripped):,} characters long; please ask a question of at most "
            f"{MAX_QUESTION_CHARS} characters.",
            reason="question too long",
        )
    return None


def citation_groups(citations: Sequence[Citation]) -> list[tuple[Citation, ...]]:
    """Citations grouped for reading, best first: each ranked sentence with the
    context sentences it leans on, in article order."""
    groups: list[tuple[Citation, ...]] = []
    for position, citation in enumerate(citations):
        if not citation.context:
            context = tuple(c for c in citations if c.context_for == position)
            groups.append((*context, citation))
    return groups


def citation_place(group: Sequence[Citation]) -> str:
    """Where a group of citations stands, e.g. ``paragraph 11, sentence 1``."""
    first, last = group[0], group[-1]
    if first.paragraph != last.paragraph:
        return (
            f"paragraph {first.paragraph}, sentence {first.sentence} to "
            f"paragraph {last.paragraph}, sentence {last.sentence}"
        )
    if first.sentence != last.sentence:
        return f"paragraph {first.paragraph}, sentences {first.sentence}–{last.sentence}"
    return f"paragraph {first.paragraph}, sentence {first.sentence}"


def render_plain(citations: Sequence[Citation], documents: dict[str, DocumentInfo]) -> str:
    """The answer as plain text: numbered quotes with their places, then the sources."""
    several = len({c.document for c in citations}) > 1
    lines = []
    for number, group in enumerate(citation_groups(citations), start=1):
        quote = " ".join(c.text for c in group)
        place = citation_place(group)
        if several:
            place = f"{group[0].title}, {place}"
        lines.append(f"[{number}] “{quote}” ({place})")
    for doc_id in dict.fromkeys(c.document for c in citations):
        document = documents[doc_id]
        lines.append(f"— {document.title}" + (f", {document.source}" if document.source else ""))
    return "\n".join(lines)
