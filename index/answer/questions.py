"""The shape of a question: its parts, and whether it can stand on its own.

"When does the shutdown start and what should users do with their photos?"
is two questions; each is searched and cited on its own. "What did he
tweet?" cannot be understood without the exchange before it, but "What
happened to Google's services there?" can: it names its topic, so it is
answered as if asked fresh, and a follow-up never spoils it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.ingest.text import words

# Where a second question starts: ", and what…", " and when…", "; who…", "? Why…".
_QUESTION_OPENER = (
    r"(?:what|who|whom|whose|when|where|why|which|how|is|are|was|were|did|does|do|has|have|had|can|could|"
    r"will|would|should)"
)
_SPLIT = re.compile(
    rf"\s*(?:[,;]\s*(?:and|but|also|plus)?|\s(?:and|but|also|plus|\+|&)|\?)\s+(?={_QUESTION_OPENER}\b)",
    re.I,
)
# "1) who … 2) what …": a numbered list of questions.
_NUMBERED = re.compile(r"(?:^|\s)\(?\d[).:]\s+")
_MIN_PART_WORDS = 2
MAX_PARTS = 3

# Words that point back at something said before.
_PERSONAL = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.I)
_REFERRING = re.compile(r"\b(it|they|them|this|that|these|those|there)\b", re.I)
# "and why?", "what about google?", "how come?": elliptical questions.
_ELLIPTICAL = re.compile(r"^\W*(what about|how about|and what about|what else|anything else)\b", re.I)
# "and why?", "so when?", "and facebook?": a short question that goes on from the last one.
_CONTINUING = re.compile(r"^\W*(and|so|but|also|then)\b", re.I)
_SHORT_CONTINUATION = 3


def split_question(text: str) -> list[str]:
    """The questions ``text`` asks, in order (just ``[text]`` for a single question)."""
    if _NUMBERED.match(text):
        # Each number ends the question before it, as a question mark would.
        text = _NUMBERED.sub(" ? ", text).strip(" ?")
    parts = [p.strip(" ,;") for p in _SPLIT.split(text)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(words(p)) < _MIN_PART_WORDS for p in parts):
        return [text]
    # "According to Mosseri, how many…" is one question with a lead-in.
    if not re.match(rf"\W*(?:and\s+)?{_QUESTION_OPENER}\b", parts[0], re.I):
        return [text]
    return parts[:MAX_PARTS]


def needs_context(text: str, is_name: Callable[[str], bool]) -> bool:
    """Whether ``text`` leans on an earlier exchange to be understood.

    It does when it is elliptical ("what about Google?", "and why?", "and
    Facebook?"), very short and naming nothing ("why?"), refers to a person by
    pronoun ("what did he tweet?"), or refers back with "it", "they", "there"
    and names nothing the corpus knows. "Smart Voting" alone stands alone.
    """
    tokens = words(text)
    names_something = any(is_name(w) for w in tokens)
    if _ELLIPTICAL.search(text) or (len(tokens) <= 2 and not names_something):
        return True
    if _CONTINUING.search(text) and len(tokens) <= _SHORT_CONTINUATION:
        return True
    if _PERSONAL.search(text):
        return True
    return bool(_REFERRING.search(text)) and not names_something
