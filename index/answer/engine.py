"""Answering questions: hybrid retrieval over the index and extractive, cited answers."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.answer.abstention import AbstentionEvidence, AbstentionRule, decide, gather_evidence, is_tentative
from index.answer.intents import MetadataField, names_the_article, read_message
from index.answer.language import detect_language, not_english_reply
from index.answer.messages import clean_text, refusal, valid_text
from index.answer.overview import key_sentences
from index.answer.questions import needs_context, split_question
from index.answer.replies import (
    NOT_IN_ARTICLE,
    TENTATIVE,
    about_reply,
    example_question,
    has_field,
    render_plain,
    smalltalk_reply,
)
from index.answer.retrieval import Evidence, Query, Retriever, Weights
from index.answer.short_answer import asked_short_kind, short_answer
from index.answer.short_answer.learned import FACTOID, ShortAnswerModel, frame_of
from index.answer.spelling import QueryCorrector, alias_map, initialisms
from index.errors import BUILD_COMMAND, IndexCorruptError, IndexStaleError
from index.ingest.annotate import Annotation, Annotator
from index.ingest.corpus import corpus_fingerprint
from index.ingest.language_id import LanguageModels, packaged_english_frequency, packaged_models
from index.ingest.passages import Unit, unreadable_alone
from index.ingest.text import words
from index.store.embedder import Embedder, WordVectors
from index.store.encoder import encoder_from_index
from index.store.files import StoredIndex, read_index, read_manifest
from index.store.language_models import language_models_from_index
from index.store.lexical import LexicalIndex
from index.types import Answer, AnswerKind, Citation, DocumentInfo

_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
_FOLLOW_UP_CONTEXT_WORDS = 40


@dataclass(frozen=True)
class Tuning:
    """Retrieval weights and the abstention rule, calibrated on ``tests/qa``."""

    weights: Weights = Weights()
    abstention: AbstentionRule = AbstentionRule()
    # Further sentences are cited while they score within this of the best.
    keep_within: float = 0.1
    max_citations: int = 3
    # A question that asks for a name, a time, a number… is answered by a sentence that holds
    # one near the question's words: such a sentence scoring this close to the best goes first.
    answer_within: float = 0.15
    answer_among: int = 3
    # The bold short answer of a factoid question is chosen, or declined, by the trained
    # model (``short_answer/learned.py``); off, the hand rules' span is bold as it is.
    learned_short_answers: bool = True


class Engine:
    """A loaded index and model that answer questions about the corpus."""

    def __init__(
        self,
        stored: StoredIndex,
        embedder: Embedder,
        tuning: Tuning | None = None,
        *,
        annotator: Annotator | None = None,
        short_model: ShortAnswerModel | None = None,
        language: LanguageModels | None = None,
    ) -> None:
        if embedder.dimension != stored.manifest.dimension:
            raise IndexStaleError(
                f"the index holds {stored.manifest.dimension}-dimensional vectors but model "
                f"{embedder.name!r} makes {embedder.dimension}; rebuild it with: {BUILD_COMMAND}"
            )
        self.tuning = tuning or Tuning()
        self._embedder = embedder
        self._units = stored.units
        self._annotations = stored.annotations
        self._annotator = annotator or Annotator()
        # Loaded with the first factoid question, so that a rules-only engine needs no model file.
        self._short_model = short_model
        # The index's language models, memory-mapped; an index without them (a test's fake
        # embedder built it) uses the installed packages', loaded when first needed.
        self._language = language or language_models_from_index(stored.directory, stored.manifest.models)
        self._documents = {d.id: d for d in stored.documents}
        lexical = LexicalIndex(stored.lexical, [u.document for u in self._units])
        self._retriever = Retriever(stored.units, stored.vectors, stored.faiss_index, lexical, stored.words)
        acronyms = {a for u in self._units for a in _ACRONYM.findall(u.text)}
        aliases = alias_map(stored.documents)
        self._corrector = QueryCorrector(
            lexical.words,
            embedder.vocabulary(),
            lexical.knows,
            acronyms,
            aliases,
            self._language.english_frequency if self._language else packaged_english_frequency,
            spelled_out=initialisms(u.text for u in self._units),
        )

    @classmethod
    def open(
        cls,
        corpus_dir: Path,
        index_dir: Path,
        model: str,
        *,
        embedder: Embedder | Callable[[], Embedder] | None = None,
    ) -> Engine:
        """Load the index in ``index_dir``, checking it was built from ``corpus_dir`` with ``model``.

        ``embedder`` is the model, or a function that loads it: called only once the
        index is known to be usable, so a stale index is reported without the wait.
        """
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
        if embedder is None:
            encoder = encoder_from_index(index_dir, model)
            if encoder is None:
                raise IndexCorruptError(f"the index in {index_dir} holds no encoder; rebuild it with: {BUILD_COMMAND}")
            return cls(stored, encoder)
        return cls(stored, embedder() if callable(embedder) else embedder)

    def warm_up(self) -> None:
        """Load, before the first message, what some messages would otherwise wait a second for."""
        self._languages()
        self._annotator.parse_question("Who is it?")

    def _languages(self) -> LanguageModels:
        return self._language or packaged_models()

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
        """Answer one message; ``previous`` is the conversation's last answer, for follow-ups."""
        return self.answer_many([(question, previous)])[0]

    def answer_many(self, items: Sequence[tuple[str, Answer | None]]) -> list[Answer]:
        """Answer several messages with one embedding batch, in order."""
        plans = [self._plan(valid_text(question), previous) for question, previous in items]
        queries = [query for plan in plans for query in plan.parts]
        vectors, query_words = self._embedder.embed_words([q.text for q in queries])
        rankings = self._retriever.rank_many(queries, vectors, query_words, self.tuning.weights)
        searched = iter(zip(queries, query_words, rankings, strict=True))
        answers = []
        for plan in plans:
            if plan.reply is not None:
                answers.append(plan.reply)
            else:
                answers.append(self._compose(plan, [next(searched) for _ in plan.parts]))
        return answers

    def explain(self, question: str) -> tuple[Evidence, AbstentionEvidence] | None:
        """The best sentence's evidence and what abstention weighs, for calibration and debugging."""
        query = self._query(question, self._corrector.correct(" ".join(clean_text(question).split())))
        vectors, query_words = self._embedder.embed_words([query.text])
        ranking = self._retriever.rank_many([query], vectors, query_words, self.tuning.weights)[0]
        if not ranking:
            return None
        return ranking[0], gather_evidence(query, query_words[0], ranking[0], self._retriever)

    def _plan(self, question: str, previous: Answer | None) -> _Plan:
        """What a message needs: a reply without search, or the queries to search."""
        refusal_ = refusal(question)
        if refusal_ is not None:
            return _Plan(question, reply=refusal_)
        reading = read_message(clean_text(question))
        if reading.intent == "smalltalk" and reading.smalltalk is not None:
            return _Plan(
                question, reply=self._framed(question, "smalltalk", smalltalk_reply(reading.smalltalk, self.documents))
            )
        if reading.intent == "about" and reading.field is not None:
            documents = self._about_documents(question, previous)
            # "When was it released?" of an article without a date asks about its subject.
            if names_the_article(reading.text) or any(has_field(d, reading.field) for d in documents):
                return _Plan(question, reply=self._about(question, reading.field, documents))
        if reading.intent == "overview":
            return _Plan(question, reply=self._overview(question, previous))
        language = detect_language(reading.text, self._languages(), self._retriever.lexical.is_name_word)
        if language is not None:
            reply = not_english_reply(language, example_question(self.documents))
            return _Plan(question, reply=self._framed(question, "language", reply, language=language))
        parts = split_question(reading.text)
        asked = [self._corrector.correct(" ".join(clean_text(part).split())) for part in parts]
        queries = []
        for number, part in enumerate(asked):
            # A later part that leans on an earlier one ("… and what did he tweet?") reads with it.
            context = asked[number - 1] if number else self._context_of(previous, part)
            queries.append(self._query(question, part, context))
        return _Plan(question, parts=queries, part_texts=parts)

    def _query(self, question: str, text: str, context: str | None = None) -> Query:
        """The search for ``text`` (already corrected), with ``context`` when it cannot stand alone."""
        is_name = self._retriever.lexical.is_name_word
        if context is not None and needs_context(text, is_name):
            # A follow-up that names its own topic ("and what about Apple?") keeps the last
            # question's frame, not its names, or the last answer would win again.
            names_own = any(is_name(w) for w in words(text))
            kept = [w for w in context.split() if not (names_own and any(is_name(t) for t in words(w)))]
            # Bounded, as follow-ups chain.
            searched = f"{text} {' '.join(kept[:_FOLLOW_UP_CONTEXT_WORDS])}"
            return Query(question=question, text=searched, terms=self._search_terms(searched), own=text)
        return Query(question=question, text=text, terms=self._search_terms(text))

    def _search_terms(self, text: str) -> list[str]:
        """The lexical terms ``text`` is searched with. "What's her daughter's name?" asks for a
        name: the sentence that gives it seldom says "name", and one that does is about a name."""
        terms = self._retriever.lexical.terms(text)
        if asked_short_kind(text) == "name":
            framing = set(self._retriever.lexical.terms("name names"))
            terms = [t for t in terms if t not in framing] or terms
        return terms

    def _compose(self, plan: _Plan, searched: list[tuple[Query, WordVectors, list[Evidence]]]) -> Answer:
        # Each answered part: as the asker put it, its ranking, what it was searched with, and
        # whether the answer to it is tentative.
        answered: list[tuple[str, list[Evidence], str, bool]] = []
        unanswered: list[str] = []
        reasons: list[str] = []
        # The answer-first rerank and the reply may ask for the same sentence's short answer.
        short_of = functools.cache(
            functools.partial(short_answer, stem=self._stem, is_name=self._retriever.lexical.is_name_word)
        )
        for (query, query_words, ranking), part in zip(searched, plan.part_texts, strict=True):
            if ranking:
                ranking = self._answer_first(query, ranking, short_of)
            evidence = self._evidence(query, query_words, ranking)
            reason = "nothing in the article matches" if evidence is None else decide(evidence, self.tuning.abstention)
            if reason is None:
                # The part as the asker put it (corrected), without a follow-up's borrowed words.
                weak = evidence is not None and is_tentative(evidence, self.tuning.abstention)
                answered.append((query.own or query.text, ranking, query.text, weak))
            else:
                unanswered.append(part)
                reasons.append(reason)
        query_text = " | ".join(q.text for q, _, _ in searched)
        topic = " | ".join(self._topic(q) for q, _, _ in searched)
        if not answered:
            return self._not_in_article(plan.question, reasons[0], query_text)
        if len(answered) == 1:
            ranking = answered[0][1]
            best = ranking[0]
            chosen = [e for e in ranking if e.score >= best.score - self.tuning.keep_within]
            chosen = chosen[: self.tuning.max_citations]
        else:
            # One quote for each part, in the order of the question.
            chosen = list({ranking[0].unit: ranking[0] for _, ranking, _, _ in answered}.values())
        citations = self._citations(chosen)
        asked, _, about, weak = answered[0]
        rule = short_of(asked, citations[0].text, about=about, title=self._title(citations[0].document))
        short = self._short_answer(asked, ranked_first=chosen[0].unit, rule=rule)
        # A short answer is a claim the quote bears out; without one, a weakly matched single
        # question is told that the quotes are only the closest the article comes.
        unsure = short is None and len(answered) == 1 and not unanswered and weak
        return Answer(
            question=plan.question,
            abstained=False,
            answer=render_plain(
                citations,
                self._documents,
                short_answer=short,
                heading=TENTATIVE if unsure else "",
                unanswered=unanswered,
            ),
            citations=citations,
            query=query_text,
            topic=topic,
            kind="answer",
            short_answer=short,
            unanswered=tuple(unanswered),
            tentative=unsure,
        )

    def _short_answer(self, asked: str, ranked_first: int, rule: str | None) -> str | None:
        """The bold answer to ``asked`` from sentence ``ranked_first``: for a factoid question,
        the trained model's choice among the sentence's typed phrases and the rules' span
        ``rule``, or none when it is unsure; otherwise (a term's meaning, a description such
        as "who is Nick Clegg?") the rules' span, which the article's own gloss bears out."""
        if not self.tuning.learned_short_answers or asked_short_kind(asked) in ("meaning", "role"):
            return rule
        frame = frame_of(self._annotator.parse_question(asked))
        if frame.kind not in FACTOID:
            return rule
        if self._short_model is None:
            self._short_model = ShortAnswerModel.load()
        return self._short_model.choose(frame, self.annotation(ranked_first), rule)[0]

    def annotation(self, unit: int) -> Annotation:
        """The stored linguistic annotation of sentence number ``unit``."""
        return Annotation.from_json(self._units[unit].text, self._annotations[unit])

    def _context_of(self, previous: Answer | None, text: str) -> str | None:
        """What a follow-up ``text`` to ``previous`` may lean on: the query it answered, if it
        answered one; only its topic when ``text`` asks a thing of its own ("who developed
        it?"), not when it asks nothing else ("when was that?")."""
        if previous is None or previous.kind != "answer" or previous.abstained or not previous.query:
            return None
        if previous.topic and self._retriever.lexical.terms(text):
            return previous.topic
        return previous.query

    def _topic(self, query: Query) -> str:
        """What a follow-up that asks its own thing leans on after ``query``'s answer: a
        follow-up's own words and the names it borrowed ("who developed it?" after "what
        about the HD version?", itself after "who composed the music?", is about the HD
        version, not the music)."""
        if not query.own:
            return query.text
        is_name = self._retriever.lexical.is_name_word
        borrowed = query.text[len(query.own) :].split()
        names = [w for w in borrowed if any(is_name(t) for t in words(w))]
        return " ".join([query.own, *names])

    def _answer_first(
        self, query: Query, ranking: list[Evidence], short_of: Callable[..., str | None]
    ) -> list[Evidence]:
        """``ranking`` with the first sentence that holds a short answer moved to the front,
        when the best holds none and it scores within ``answer_within`` of the best (or, for
        what a term means, anywhere in the ranking)."""
        asked, about = query.own or query.text, query.text
        # Names are in most sentences, and a capitalised word is often no answer (a short answer
        # for "who" is right half the time on Wikipedia): holding one says little of a sentence.
        kind = asked_short_kind(asked)
        if kind in (None, "name", "person"):
            return ranking
        best = ranking[0].score
        # A gloss or an expansion of the very term is exact, wherever it ranks: "Dalai Lama" is
        # in many sentences, 'Dalai Lama—"Ocean Teacher"' in one.
        close = (
            ranking
            if kind == "meaning"
            else [e for e in ranking[: self.tuning.answer_among] if e.score >= best - self.tuning.answer_within]
        )
        units = [self._units[e.unit] for e in close]
        holds = [short_of(asked, u.text, about=about, title=self._title(u.document)) is not None for u in units]
        if not any(holds) or holds[0]:
            return ranking
        chosen = close[holds.index(True)]
        return [chosen, *(e for e in ranking if e is not chosen)]

    def _evidence(
        self, query: Query, query_words: WordVectors, ranking: list[Evidence]
    ) -> AbstentionEvidence | None:
        """What abstention weighs for the best of ``ranking``; None when nothing matched."""
        return gather_evidence(query, query_words, ranking[0], self._retriever) if ranking else None

    def _title(self, document: str) -> str:
        return self._documents[document].title

    def _stem(self, word: str) -> str:
        return self._retriever.lexical.stem(word)

    def _citations(self, chosen: list[Evidence]) -> tuple[Citation, ...]:
        """The chosen sentences best first, then the sentences they lean on."""
        ranked = list(dict.fromkeys(e.unit for e in chosen))
        scores = {e.unit: e.score for e in chosen}
        cited = [self._citation(self._units[u], scores[u]) for u in ranked]
        for position, unit_id in enumerate(ranked):
            before = unit_id - 1
            unit = self._units[unit_id]
            # Each sentence has one predecessor, so no context is added twice.
            # Retrieval reads every dependent sentence with the one before; the reply
            # quotes that one only when the cited sentence cannot be read alone.
            if (
                unit.depends_on_previous
                and unreadable_alone(unit.text)
                and before not in ranked
                and self._units[before].document == unit.document
            ):
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

    def _document_in_focus(self, previous: Answer | None) -> DocumentInfo | None:
        """The article a conversation is about: the only one, or the one last cited."""
        if len(self._documents) == 1:
            return next(iter(self._documents.values()))
        if previous is not None and previous.citations:
            return self._documents.get(previous.citations[0].document)
        return None

    def _overview(self, question: str, previous: Answer | None) -> Answer:
        document = self._titled_in(question) or self._document_in_focus(previous)
        if document is None:
            titles = "\n".join(f"• {d.title}" for d in self.documents)
            text = (
                f"I have {len(self._documents)} articles; name the one you mean, "
                f"e.g. “summarize {self.documents[0].title}”:\n{titles}"
            )
            return self._framed(question, "overview", text)
        units = [u for u in range(len(self._units)) if self._units[u].document == document.id]
        picked = key_sentences([self._units[u] for u in units], self._retriever.sentence_vectors(units))
        citations = tuple(self._citation(self._units[units[i]], 1.0) for i in picked)
        heading = f"In short, “{document.title}”:"
        return Answer(
            question=question,
            abstained=False,
            answer=render_plain(citations, self._documents, heading=heading),
            citations=citations,
            kind="overview",
        )

    def _titled_in(self, question: str) -> DocumentInfo | None:
        """The article whose title the question names best, when there are several."""
        if len(self._documents) < 2:
            return None
        lexical = self._retriever.lexical
        asked = set(lexical.terms(question))
        shared = {d.id: len(asked & set(lexical.terms(d.title))) for d in self.documents}
        best = max(shared, key=lambda d: shared[d])
        return self._documents[best] if shared[best] > 0 else None

    def _about_documents(self, question: str, previous: Answer | None) -> list[DocumentInfo]:
        """The articles a question about an article's metadata is about: the one it names or
        the one in focus, else all."""
        document = self._titled_in(question) or self._document_in_focus(previous)
        return [document] if document is not None else list(self.documents)

    def _about(self, question: str, field: MetadataField, documents: Sequence[DocumentInfo]) -> Answer:
        text = "\n\n".join(about_reply(d, field) for d in documents)
        return self._framed(question, "about", text)

    def _framed(self, question: str, kind: AnswerKind, text: str, *, language: str | None = None) -> Answer:
        """A reply in the engine's own words (small talk, metadata, another language)."""
        return Answer(question=question, abstained=False, answer=text, kind=kind, language=language)

    def _not_in_article(self, question: str, reason: str, query: str) -> Answer:
        examples = self.example_questions[:2] or (example_question(self.documents),)
        suggestion = " You could ask: " + " / ".join(f"“{e}”" for e in examples)
        return Answer(
            question=question,
            abstained=True,
            answer=f"{NOT_IN_ARTICLE}{suggestion}",
            reason=reason,
            query=query,
            kind="not_in_article",
        )


@dataclass(frozen=True)
class _Plan:
    """A message on its way: either its reply, or the queries (one per part) to search."""

    question: str
    reply: Answer | None = None
    parts: list[Query] = field(default_factory=list)
    part_texts: list[str] = field(default_factory=list)
