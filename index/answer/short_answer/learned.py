"""Choosing the bold short answer with a trained model, and declining when it is unsure.

The candidates are the cited sentence's typed phrases from the language
pipeline (named entities with their types, noun chunks) and the span the
hand rules propose. Each is described by features: how the question's kind
("who", "how many", "which year" …) fits the phrase's type, how far the phrase
sits from the words the sentence shares with the question, whether it repeats
the question's own words, its syntactic role, whether the rules chose it. A
logistic model trained on crowd-written questions about Wikipedia articles
(``benchmarks/train_short_answers.py``) scores them; the best is bold only
when its probability of being right reaches the model's threshold, chosen so
that few bold answers are wrong: a wrong fact in bold costs more than none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.ingest.annotate import Annotation, Phrase, Token

# The model shipped with the engine (trained by benchmarks/train_short_answers.py).
MODEL_PATH = Path(__file__).with_name("model.json")

_WH = frozenset({"who", "whom", "whose", "when", "where", "why", "what", "which", "how"})
_HOW = {"many": "how_many", "much": "how_much", "long": "how_long", "old": "how_old"}
# Question kinds that ask for a phrase of the sentence (a factoid); why, how and a bare
# "what" ask for an explanation, which no short answer gives.
FACTOID = frozenset(
    {"who", "whose", "when", "where", "how_many", "how_much", "how_long", "how_old", "how_adj", "what_n", "which_n"}
)
_PREPOSITIONS = frozenset("in on at by from to of for than about with as".split())
_DISTANCES = (0, 1, 2, 3, 5, 8, 13, 21)
_RULE = "RULE"
_RULE_EXACT = "rule_exact|"
_CHUNK, _PROPER_CHUNK = "NP", "NPP"


@dataclass(frozen=True)
class Frame:
    """What a question asks for: its kind (``FACTOID`` or another), the noun it asks
    about ("year" in "which year …"), its content lemmas and its verbs' lemmas."""

    kind: str
    noun: str
    content: frozenset[str]
    verbs: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """A phrase of the sentence that may answer, with its features."""

    text: str
    features: dict[str, float]

    @property
    def is_rule(self) -> bool:
        """Whether this is the span the hand rules chose."""
        return any(name.startswith(_RULE_EXACT) for name in self.features)


def frame_of(question: Annotation) -> Frame:
    """The ``Frame`` of a parsed question."""
    words = [question.text[t.start : t.end].lower() for t in question.tokens]
    tokens = question.tokens
    wh = next((i for i, w in enumerate(words) if w in _WH), None)
    kind, noun = "other", ""
    if wh is not None:
        word = words[wh]
        following = tokens[wh + 1] if wh + 1 < len(tokens) else None
        if word in ("who", "whom"):
            # "Who is Nick Clegg?" asks for a description, "who is the head of Instagram?" a name.
            described = following is not None and following.lemma == "be" and wh + 2 < len(tokens)
            kind = "who_is" if described and tokens[wh + 2].pos not in ("DET", "ADJ", "NUM") else "who"
        elif word in ("whose", "when", "where", "why"):
            kind = word
        elif word == "how":
            next_word = words[wh + 1] if following is not None else ""
            if next_word in _HOW:
                kind = _HOW[next_word]
                noun = _first_noun(tokens, wh + 2)
            elif following is not None and following.pos in ("ADJ", "ADV"):
                kind, noun = "how_adj", following.lemma
            else:
                kind = "how"
        else:
            head = tokens[tokens[wh].head]
            if (
                tokens[wh].head > wh
                and head.pos in ("NOUN", "PROPN")
                and tokens[wh].dep in ("det", "attr", "nsubj", "dobj", "pobj")
            ):
                noun = head.lemma
            else:
                noun = _first_noun(tokens, wh + 1, stop_at_verb=True)
            kind = f"{word}_n" if noun else word
    content = frozenset(t.lemma for t, w in zip(tokens, words, strict=True) if not (t.stop or t.punct or w in _WH))
    verbs = frozenset(t.lemma for t in tokens if t.pos == "VERB" and not t.stop)
    return Frame(kind, noun, content, verbs)


def _first_noun(tokens: tuple[Token, ...], start: int, *, stop_at_verb: bool = False) -> str:
    for token in tokens[start:]:
        if token.pos == "NOUN":
            return token.lemma
        if stop_at_verb and token.pos == "VERB" and token.lemma != "be":
            return ""
    return ""


def candidates(frame: Frame, sentence: Annotation, rule: str | None) -> list[Candidate]:
    """Every phrase of ``sentence`` that may answer a question of ``frame``; ``rule`` is
    the span the hand rules chose, if any."""
    phrases: dict[tuple[int, int], str] = {(p.start, p.end): p.label for p in sentence.entities}
    for chunk in sentence.chunks:
        if (chunk.start, chunk.end) not in phrases:
            proper = sentence.tokens[sentence.root(chunk)].pos == "PROPN"
            phrases[(chunk.start, chunk.end)] = _PROPER_CHUNK if proper else _CHUNK
    rule_phrase = _phrase_at(sentence, rule) if rule else None
    if rule_phrase is not None and (rule_phrase.start, rule_phrase.end) not in phrases:
        phrases[(rule_phrase.start, rule_phrase.end)] = _RULE
    found = []
    for (start, end), label in phrases.items():
        phrase = Phrase(start, end, label)
        tokens = sentence.tokens[start:end]
        if all(t.stop or t.punct for t in tokens) or sentence.tokens[sentence.root(phrase)].pos == "PRON":
            continue
        text = sentence.span_text(phrase)
        features = dict(_features(frame, sentence, phrase))
        if rule is None:
            features["no_rule"] = 1.0
        elif text == rule:
            features[f"{_RULE_EXACT}q={frame.kind}"] = 1.0
        elif rule in text or text in rule:
            features["rule_overlap"] = 1.0
        found.append(Candidate(text, features))
    return found


def _phrase_at(sentence: Annotation, text: str) -> Phrase | None:
    """The tokens that cover the first occurrence of ``text`` in the sentence."""
    begin = sentence.text.find(text)
    if begin < 0:
        return None
    covered = [i for i, t in enumerate(sentence.tokens) if t.end > begin and t.start < begin + len(text)]
    if not covered or sentence.text[sentence.tokens[covered[0]].start : sentence.tokens[covered[-1]].end] != text:
        return None
    return Phrase(covered[0], covered[-1] + 1, _RULE)


def _features(frame: Frame, sentence: Annotation, phrase: Phrase) -> Iterator[tuple[str, float]]:
    kind, label, tokens = frame.kind, phrase.label, sentence.tokens
    yield f"q={kind}|l={label}", 1.0
    yield f"l={label}", 1.0
    if frame.noun:
        yield f"n={frame.noun}|l={label}", 1.0
    words = [t for t in tokens[phrase.start : phrase.end] if not t.punct]
    content = [t.lemma for t in words if not t.stop]
    overlap = sum(lemma in frame.content for lemma in content) / max(1, len(content))
    yield "overlap", overlap
    if overlap == 0:
        yield f"overlap0|q={kind}", 1.0
    shared = [i for i, t in enumerate(tokens) if t.lemma in frame.content and not phrase.start <= i < phrase.end]
    if shared:
        distance = min(min(abs(i - phrase.start), abs(i - (phrase.end - 1))) for i in shared)
        yield f"dist={_bucket(distance)}", 1.0
        yield "logdist", math.log1p(distance)
        yield "nshared", math.log1p(len({tokens[i].lemma for i in shared}))
    else:
        yield "noshared", 1.0
    root = tokens[sentence.root(phrase)]
    yield f"dep={root.dep}|q={kind}", 1.0
    if tokens[root.head].lemma in frame.verbs:
        yield f"qverb|dep={root.dep}|q={kind}", 1.0
    if frame.noun:
        lemmas = {t.lemma for t in tokens[phrase.start : phrase.end]}
        near = {t.lemma for t in tokens[max(0, phrase.start - 3) : phrase.start]} | {
            t.lemma for t in tokens[phrase.end : phrase.end + 3]
        }
        if root.lemma == frame.noun:
            yield "noun_is_head", 1.0
        elif frame.noun in lemmas:
            yield "noun_in", 1.0
        if frame.noun in near:
            yield "noun_near", 1.0
    yield f"len={_bucket(len(words))}|l={label}", 1.0
    if phrase.start > 0:
        before = tokens[phrase.start - 1]
        if sentence.text[before.start : before.end] == "(":
            yield "paren", 1.0
        previous = sentence.text[before.start : before.end].lower()
        if previous in _PREPOSITIONS:
            yield f"prev={previous}|q={kind}", 1.0
    else:
        yield "sent_start", 1.0


def _bucket(value: int) -> str:
    return str(next((i for i, edge in enumerate(_DISTANCES) if value <= edge), len(_DISTANCES)))


@dataclass(frozen=True)
class ShortAnswerModel:
    """A logistic model over candidate features, and the probability a bold answer needs."""

    weights: dict[str, float]
    bias: float
    threshold: float
    # The rules' span stays bold from this probability on; below it, the model's best
    # candidate is bold only from ``threshold`` on.
    rule_threshold: float = 1.0

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ShortAnswerModel:
        """The model saved at ``path`` by the training script."""
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        return cls(weights, float(data["bias"]), float(data["threshold"]), float(data["rule_threshold"]))

    def probability(self, candidate: Candidate) -> float:
        """How likely ``candidate`` is the right short answer."""
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in candidate.features.items())
        return 1.0 / (1.0 + math.exp(-z))

    def best(self, found: Sequence[Candidate]) -> tuple[int | None, float]:
        """The position of the likeliest of ``found`` and its probability (None and 0 for none)."""
        scored = [(self.probability(c), c.text, i) for i, c in enumerate(found)]
        if not scored:
            return None, 0.0
        probability, _, position = max(scored)
        return position, probability

    def pick(self, found: Sequence[Candidate]) -> tuple[int | None, float]:
        """The position of the bold answer among ``found`` and its probability: the rules' span
        when the model finds it likely enough (``rule_threshold``), else the likeliest candidate
        when it reaches ``threshold``; None when nothing is sure enough."""
        ruled = next(((i, self.probability(c)) for i, c in enumerate(found) if c.is_rule), None)
        if ruled is not None and ruled[1] >= self.rule_threshold:
            return ruled
        position, probability = self.best(found)
        return (position if probability >= self.threshold else None), probability

    def choose(self, frame: Frame, sentence: Annotation, rule: str | None) -> tuple[str | None, float]:
        """The bold answer to a question of ``frame`` from ``sentence`` (see ``pick``), given the
        rules' span ``rule``, and its probability; None when the question asks for no factoid."""
        if frame.kind not in FACTOID:
            return None, 0.0
        found = candidates(frame, sentence, rule)
        position, probability = self.pick(found)
        return (None if position is None else found[position].text), probability
