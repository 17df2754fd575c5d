"""A deterministic stand-in for ``index.Engine``: word overlap over a small article.

Same duck type as the engine (``answer``, ``answer_many``, ``documents``,
``example_questions``, ``paragraph``), so bot tests run without the model.
Special questions: one containing "short" gets a short answer when its quote has one
("Jane Doe"); one containing "maybe" is answered tentatively; one containing "boom" raises; "long" returns a reply far
over Telegram's 4096 characters; "slow" blocks its (worker) thread until
``release`` is set. Every call is recorded in ``calls``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from index.types import Answer, Citation, DocumentInfo

_LONG_SENTENCE = (
    "Paragraph {n} of the appendix goes on at length about the merger, the office, the staff, "
    "the pensions & the <tiny> print, so that a reader who asks for everything gets a reply that "
    "is longer than any one Telegram message may be, which is the point of this sentence {n}; "
    "it also repeats itself a little, the merger, the office, the staff, the pensions, the print."
)
PARAGRAPHS: tuple[tuple[str, ...], ...] = (
    (
        "Acme Corp said on Monday that it would close its London office.",
        "This surprised the 300 staff who work there.",
    ),
    (
        "Jane Doe, the head of Acme, tweeted that profits at AT&T <NYSE:T> partners rose 5%.",
        "She said the office would reopen in 2025.",
    ),
    ('The regulator called the closure "regrettable" & promised a review.',),
    tuple(_LONG_SENTENCE.format(n=n) for n in range(1, 13)),
)
ARTICLE = DocumentInfo(
    id="acme-office",
    title="Acme <closes> London office & more",
    source="The Test Times",
    language="en",
    date="2024-03-11",
    url="https://example.com/acme?a=1&b=2",
    paragraphs=tuple(" ".join(p) for p in PARAGRAPHS),
    examples=(
        "Which office will Acme close?",
        "Who is the head of Acme?",
        "What did the regulator say?",
    ),
)
_STOP = frozenset("the a an of to and is was did who what which when how why does do it at on in".split())
_PRONOUNS = re.compile(r"\b(he|she|they|it|her|his|their)\b", re.IGNORECASE)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


class FakeEngine:
    """Answers by word overlap; records ``(question, previous)`` for every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Answer | None]] = []
        self.release = threading.Event()
        self._sentences = [
            (p, s, text) for p, sentences in enumerate(PARAGRAPHS, start=1) for s, text in enumerate(sentences, start=1)
        ]

    @property
    def documents(self) -> tuple[DocumentInfo, ...]:
        """The one test article."""
        return (ARTICLE,)

    @property
    def example_questions(self) -> tuple[str, ...]:
        """The article's example questions."""
        return ARTICLE.examples

    def paragraph(self, document_id: str, paragraph: int) -> str:
        """A paragraph by 1-based number."""
        return ARTICLE.paragraphs[paragraph - 1]

    def answer(self, question: str, previous: Answer | None = None) -> Answer:
        """One answer; see the module docstring for the special questions."""
        self.calls.append((question, previous))
        if "boom" in question.lower():
            raise RuntimeError("the fake engine was told to fail")
        if question == "slow" and not self.release.wait(timeout=10):
            raise TimeoutError("nobody released the slow question")
        if not any(ch.isalnum() for ch in question):
            return Answer(
                question, True, "Please ask a question about the article.", reason="empty question", kind="refused"
            )
        if question.strip().lower() in ("hi", "hello"):
            return Answer(question, False, "Hi! Ask me about <Acme> & co.", kind="smalltalk")
        if question.strip().lower() == "long":
            appendix = tuple(self._cite(4, s) for s in range(1, 13))
            return Answer(question, False, "long", appendix, query=question)
        query = question
        if previous is not None and not previous.abstained and _PRONOUNS.search(question):
            query = f"{previous.query} {question}"
        wanted = _words(query)
        scored = sorted(
            ((len(wanted & _words(text)), p, s) for p, s, text in self._sentences[:5]),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        best, p, s = scored[0]
        if best == 0:
            examples = " / ".join(ARTICLE.examples[:2])
            return Answer(
                question,
                True,
                f"The article doesn't say. Try: {examples}",
                reason="not in the article",
                query=query,
                kind="not_in_article",
            )
        citations: list[Citation] = [self._cite(p, s)]
        if self._sentences_of(p)[s - 1].startswith(("This ", "She ")) and s > 1:
            citations.append(self._cite(p, s - 1, context_for=0))
        # A short answer as the engine gives it: an exact span of the first citation.
        short = "Jane Doe" if "short" in wanted and "Jane Doe" in citations[0].text else None
        return Answer(
            question,
            False,
            " ".join(c.text for c in citations),
            tuple(citations),
            query=query,
            short_answer=short,
            tentative="maybe" in wanted and short is None,
        )

    def answer_many(self, items: Sequence[tuple[str, Answer | None]]) -> list[Answer]:
        """Answers in order."""
        return [self.answer(question, previous) for question, previous in items]

    def _sentences_of(self, paragraph: int) -> tuple[str, ...]:
        return PARAGRAPHS[paragraph - 1]

    def _cite(self, paragraph: int, sentence: int, *, context_for: int | None = None) -> Citation:
        return Citation(
            document=ARTICLE.id,
            title=ARTICLE.title,
            paragraph=paragraph,
            sentence=sentence,
            text=PARAGRAPHS[paragraph - 1][sentence - 1],
            score=0.9 if context_for is None else 0.5,
            context=context_for is not None,
            context_for=context_for,
        )
