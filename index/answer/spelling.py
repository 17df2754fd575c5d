"""Query clean-up: nicknames, chat abbreviations and typos, corrected against the corpus.

A rewrite needs evidence. The article's own nicknames (its ``alias`` lines,
``insta = Instagram``) are always expanded. Common chat abbreviations
(``ppl``, ``wat``, ``govt``) are expanded when written in lower case, and the
single letters of chat speak (``u``, ``r``, ``n``, ``w``, ``y``) only in a
question written all in lower case, where nothing else could be meant; a
digit stays a number ("who won 4 medals"). A word is left alone when the
corpus knows it (in any inflection), when the model's vocabulary has it, or
when it is an ordinary English word (from ``wordfreq``): "unproven" is not
"proven" misspelt. An unknown word is matched to the closest corpus word
within a small edit distance that counts a transposition as one edit, and
only rewritten when it is rare in English or far rarer than that corpus word
("goverment"). Only corpus words are offered as corrections: "tweet" must not
become "sweet".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.ingest.text import fold
from index.types import DocumentInfo

WordFrequency = Callable[[str], float]

_INFORMAL = {
    "ppl": "people",
    "ppls": "people",
    "peeps": "people",
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
    "tho": "though",
    "thru": "through",
    "msg": "message",
    "msgs": "messages",
    "pic": "photo",
    "pics": "photos",
    "vids": "videos",
    "vid": "video",
    "rn": "now",
    "plz": "please",
    "pls": "please",
    "gonna": "going to",
    "wanna": "want to",
    "dunno": "do not know",
    "nah": "no",
    "ya": "you",
    "yall": "you",
    "mil": "million",
}

# Letters that are chat speak only where the whole question is: "why r ppl
# queuing" but "W Bush", "vitamin B", "the U.S.".
_CHAT_LETTERS = {"u": "you", "ur": "your", "r": "are", "n": "and", "w": "with"}
# "y" means "why" only as a question's first word ("y is insta blocked").
_OPENING_CHAT_LETTERS = {"y": "why"}
# What may follow a chat letter: "w/ putin", "u?", "r," but not "u.s" or "n-word".
_CHAT_LETTER_END = re.compile(r"$|[\s,?!/]")

# Zipf frequencies (log10 of uses per billion words): 3 is once per million
# words, about where ordinary English words end; below 2 a word is rare.
_ORDINARY_ZIPF = 3.0
_RARE_ZIPF = 2.0
# A fairly rare word is a typo only when its correction is this many Zipf
# steps (powers of ten) more common: "goverment" but not "negate" -> "debate".
_TYPO_ODDS_ZIPF = 2.0

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"^(.*?)(['’]s)$")


def alias_map(documents: Sequence[DocumentInfo]) -> dict[str, str]:
    """Every article's nicknames, folded, with the name each stands for.

    A nickname two articles give different names is left out: nothing says
    which one a question means.
    """
    names: dict[str, set[str]] = {}
    for document in documents:
        for nickname, name in document.aliases:
            names.setdefault(fold(nickname), set()).add(name)
    return {nickname: next(iter(meant)) for nickname, meant in names.items() if len(meant) == 1}


_DOMINANT = 5
_NAME_OPENERS = frozenset("the a an in on at by for from to of and but as after before when while".split())
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,4}\b")


def initialisms(texts: Iterable[str]) -> dict[str, str]:
    """Initialisms of the names the texts spell out, folded, with the name: "nyc" for
    "New York City", "us" for "United States". One that the texts use as a word, or
    that two names share about as often, is left out."""
    names: dict[str, Counter[str]] = {}
    used: set[str] = set()
    for text in texts:
        used.update(fold(w) for w in re.findall(r"\b[A-Z]{2,6}\b", text))
        for match in _CAPITALISED_RUN.finditer(text):
            spelled = match.group().split()
            # "The United States": "The" opens the sentence, it is no part of the name.
            if spelled[0].lower() in _NAME_OPENERS:
                spelled = spelled[1:]
            if len(spelled) >= 2:
                names.setdefault("".join(w[0] for w in spelled).lower(), Counter())[" ".join(spelled)] += 1
    spelled_out = {}
    for short, counts in names.items():
        (name, most), *others = counts.most_common()
        # "New York City" 124 times against "New York County" twice: NYC is the city.
        if short not in used and all(most >= _DOMINANT * n for _, n in others):
            spelled_out[short] = name
    return spelled_out


# Common English idioms whose words name nothing the article says: "pull the plug on"
# is "shut down". Said plainly, their meaning can be found.
_IDIOMS = (
    (re.compile(r"\bpull(?:s|ed|ing)? the plug on\b", re.I), "shut down"),
    (re.compile(r"\b(?:shut|closed?|slam(?:med)?) the door on\b", re.I), "block"),
    (re.compile(r"\bgave (?:\w+ )?the boot\b|\bgive (?:\w+ )?the boot\b", re.I), "expel"),
    (re.compile(r"\bcrack(?:s|ed|ing)? down on\b", re.I), "restrict"),
    (re.compile(r"\b(?:went|go|goes|going) dark\b", re.I), "shut down"),
    (re.compile(r"\bpull(?:s|ed|ing)? out of\b", re.I), "leave"),
    (re.compile(r"\bkick(?:s|ed|ing)? out\b", re.I), "expel"),
    (re.compile(r"\b(?:ban ?hammer|nuke[ds]?)\b", re.I), "ban"),
)


def plain_idioms(question: str) -> str:
    """``question`` with common idioms said plainly ("pull the plug on" -> "shut down")."""
    for pattern, plain in _IDIOMS:
        question = pattern.sub(plain, question)
    return question


class QueryCorrector:
    """Rewrites a question's nicknames, informal and misspelt words into corpus words."""

    def __init__(
        self,
        corpus_words: Iterable[str],
        general_words: Iterable[str] = (),
        known: Callable[[str], bool] = lambda word: False,
        acronyms: Iterable[str] = (),
        aliases: Mapping[str, str] | None = None,
        word_frequency: WordFrequency = lambda word: 0.0,
        spelled_out: Mapping[str, str] | None = None,
    ) -> None:
        """``known`` tells whether a word occurs in the corpus in some inflection;
        ``aliases`` maps the articles' nicknames to their names; ``word_frequency``
        gives a word's Zipf frequency in English (``LanguageModels.english_frequency``);
        ``spelled_out`` maps initialisms to the names the corpus spells out
        (``initialisms``), used for a word written in capitals ("NYC", not "us")."""
        self._corpus = sorted({fold(w) for w in corpus_words if w.isalpha()})
        self._corpus_set = frozenset(self._corpus)
        # Short all-capital words are matched only against the corpus's own
        # acronyms: "FBS" is "FSB", but "CEO" must not become "the".
        self._acronyms = sorted({fold(a) for a in acronyms})
        self._general = frozenset(general_words)
        self._general_sorted = sorted(self._general)
        self._known = known
        self._aliases = {fold(nickname): name for nickname, name in (aliases or {}).items()}
        self._frequency = word_frequency
        self._spelled_out = dict(spelled_out or {})
        # Loads the word list now rather than on the first question.
        word_frequency("the")

    def correct(self, question: str) -> str:
        """``question`` with each nickname, informal or misspelt word replaced; other text kept as is."""
        chatty = not any(ch.isupper() for ch in question)

        def replace(match: re.Match[str]) -> str:
            return self._chat_letter(match, chatty) or self.correct_word(match.group(0))

        return _TOKEN.sub(replace, plain_idioms(question))

    def correct_word(self, word: str) -> str:
        """The corrected form of one word (the word itself when it needs none), out of context."""
        folded = fold(word)
        alias = self._alias(folded)
        if alias is not None:
            return alias
        if folded in _INFORMAL and not word.isupper():
            return _INFORMAL[folded]
        if word.isupper() and folded in self._spelled_out and folded not in self._corpus_set:
            return self._spelled_out[folded]
        if word.isupper() and 2 < len(word) < 6 and folded not in self._corpus_set:
            # Only the same letters in another order ("FBS" is "FSB"): "NYC" is not "NBC".
            match = process.extractOne(folded, self._acronyms, scorer=OSA.distance, score_cutoff=1)
            if match is None or sorted(str(match[0])) != sorted(folded):
                return word
            return str(match[0]).upper()
        possessive = _POSSESSIVE.match(word)
        if possessive and possessive.group(1).isalpha():
            # "Bayonce's" is "Beyonce" misspelt, with its possessive kept.
            return self.correct_word(possessive.group(1)) + possessive.group(2)
        if (
            not folded.isalpha()
            or len(folded) < 4
            or folded in self._corpus_set
            or folded in self._general
            or self._known(folded)
            or self._frequency(folded) >= _ORDINARY_ZIPF
        ):
            return word
        match = process.extractOne(folded, self._corpus, scorer=OSA.distance, score_cutoff=_max_edits(folded))
        if match is not None and match[1] > 1:
            # "hapened" is one edit from "happened" and two from the corpus's "opened".
            closer = process.extractOne(folded, self._general_sorted, scorer=OSA.distance, score_cutoff=1)
            if closer is not None and self._frequency(str(closer[0])) >= _ORDINARY_ZIPF:
                return _same_case(str(closer[0]), word)
        if match is None and len(folded) >= _GENERAL_FROM:
            # A long word one edit away from an ordinary word is that word
            # misspelt ("populaton"); short ones are too often real words.
            match = process.extractOne(folded, self._general_sorted, scorer=OSA.distance, score_cutoff=1)
        if match is None or not self._is_typo_of(folded, str(match[0])):
            return word
        return _same_case(str(match[0]), word)

    def _alias(self, folded: str) -> str | None:
        if folded in self._aliases:
            return self._aliases[folded]
        possessive = _POSSESSIVE.match(folded)
        if possessive and possessive.group(1) in self._aliases:
            return self._aliases[possessive.group(1)] + possessive.group(2)
        return None

    def _chat_letter(self, match: re.Match[str], chatty: bool) -> str | None:
        """The chat-speak meaning of a lone letter such as "u", or None."""
        token, text = match.group(0), match.string
        if not chatty or not _CHAT_LETTER_END.match(text, match.end()):
            return None
        if match.start() > 0 and not text[match.start() - 1].isspace():
            return None
        if token in _CHAT_LETTERS:
            return _CHAT_LETTERS[token]
        opening = not text[: match.start()].strip()
        return _OPENING_CHAT_LETTERS.get(token) if opening else None

    def _is_typo_of(self, word: str, correction: str) -> bool:
        """Whether ``word`` is more likely ``correction`` misspelt than a rare word of its own."""
        frequency = self._frequency(word)
        return frequency < _RARE_ZIPF or self._frequency(correction) - frequency >= _TYPO_ODDS_ZIPF


_GENERAL_FROM = 8


def _same_case(correction: str, word: str) -> str:
    """``correction`` capitalised like ``word``, so a misspelt name stays a name ("Moseri" -> "Mosseri")."""
    return correction.capitalize() if word[:1].isupper() else correction


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2
