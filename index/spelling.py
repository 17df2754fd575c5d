"""Query clean-up: informal words and typos, corrected against the corpus.

A word is left alone when the corpus knows it (in any inflection) or when it
is an ordinary English word. An unknown word is first looked up among common
chat abbreviations, then matched to the closest corpus word within a small
edit distance that counts a transposition as one edit. Only corpus words are
offered as corrections: "tweet" must not become "sweet".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.text import fold

_INFORMAL = {
    "ppl": "people",
    "ppls": "people",
    "peeps": "people",
    "insta": "Instagram",
    "ig": "Instagram",
    "insta's": "Instagram's",
    "gram": "Instagram",
    "fb": "Facebook",
    "yt": "YouTube",
    "zuck": "Zuckerberg",
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "n": "and",
    "da": "the",
    "dat": "that",
    "wat": "what",
    "hows": "how is",
    "whos": "who is",
    "wheres": "where is",
    "whens": "when is",
    "wut": "what",
    "wht": "what",
    "wen": "when",
    "wher": "where",
    "wot": "what",
    "whats": "what is",
    "hw": "how",
    "bout": "about",
    "abt": "about",
    "govt": "government",
    "gov": "government",
    "gvt": "government",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "b4": "before",
    "w": "with",
    "tho": "though",
    "thru": "through",
    "msg": "message",
    "msgs": "messages",
    "pic": "photo",
    "pics": "photos",
    "vids": "videos",
    "vid": "video",
    "rn": "now",
    "2": "to",
    "4": "for",
    "plz": "please",
    "pls": "please",
    "gonna": "going to",
    "wanna": "want to",
    "dunno": "do not know",
    "nah": "no",
    "ya": "you",
    "yall": "you",
    "ru": "Russia",
    "rus": "Russia",
    "ukr": "Ukraine",
    "mil": "million",
}

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class QueryCorrector:
    """Rewrites a question's informal and misspelt words into corpus words."""

    def __init__(
        self,
        corpus_words: Iterable[str],
        general_words: Iterable[str] = (),
        known: Callable[[str], bool] = lambda word: False,
        acronyms: Iterable[str] = (),
    ) -> None:
        """``known`` tells whether a word occurs in the corpus in some inflection."""
        self._corpus = sorted({fold(w) for w in corpus_words if w.isalpha()})
        self._corpus_set = frozenset(self._corpus)
        # Short all-capital words are matched only against the corpus's own
        # acronyms: "FBS" is "FSB", but "CEO" must not become "the".
        self._acronyms = sorted({fold(a) for a in acronyms})
        self._general = frozenset(general_words)
        self._general_sorted = sorted(self._general)
        self._known = known

    def correct(self, question: str) -> str:
        """``question`` with each informal or misspelt word replaced; other text kept as is."""
        return _TOKEN.sub(lambda match: self.correct_word(match.group(0)), question)

    def correct_word(self, word: str) -> str:
        """The corrected form of one word (the word itself when it needs none)."""
        folded = fold(word)
        if folded in _INFORMAL:
            return _INFORMAL[folded]
        if word.isupper() and 2 < len(word) < 6 and folded not in self._corpus_set:
            match = process.extractOne(folded, self._acronyms, scorer=OSA.distance, score_cutoff=1)
            return word if match is None else str(match[0]).upper()
        if (
            not folded.isalpha()
            or len(folded) < 4
            or folded in self._corpus_set
            or folded in self._general
            or self._known(folded)
        ):
            return word
        match = process.extractOne(folded, self._corpus, scorer=OSA.distance, score_cutoff=_max_edits(folded))
        if match is None and len(folded) >= _GENERAL_FROM:
            # A long word one edit away from an ordinary word is that word
            # misspelt ("populaton"); short ones are too often real words.
            match = process.extractOne(folded, self._general_sorted, scorer=OSA.distance, score_cutoff=1)
        return word if match is None else str(match[0])


_GENERAL_FROM = 8


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2
