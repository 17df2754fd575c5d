"""Plain-text helpers: sentence splitting and word tokens.

Kept free of any model or index so that both the build and the query side use
exactly the same rules.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Lucene's English stop words, exactly as bm25s ships them (``bm25s.stopwords.STOPWORDS_EN``):
# the terms of the index and of a question are made without them. Copied so that answering
# need not import bm25s and the scipy it brings; a test holds the two lists equal.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there "
    "these they this to was will with".split()
)

# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen gov sen rep col lt sgt capt inc co corp ltd vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split()
)
# Abbreviations that often end a sentence: "… by Apple Inc. The first line …" splits there when
# a word that opens sentences follows ("Mr. The" never comes; "Apple Inc. Chief" may).
_ENDING_ABBREVIATIONS = frozenset("inc co corp ltd etc jr sr u.s u.k".split())
_SENTENCE_OPENERS = frozenset(
    "The In On At It Its He She His Her They Their This These That Those There But However After "
    "Before When While Since During Although Despite As By For From Also Then Today".split()
)

# Words that end in a full stop before a number: "Piano Concerto No. 1", "Op. 28", "pp. 12–14".
_NUMBER_ABBREVIATIONS = frozenset("no nos nr op opp vol vols p pp fig figs art arts ch chap sec pt fl ca".split())

# Capital letters, for a character class: ASCII and the accented Latin, Greek and Cyrillic ones
# ("Żywny", "Émile", "Øresund"), which [A-Z] misses.
UPPER = "A-Z" + "".join(ch for ch in map(chr, range(0xC0, 0x530)) if ch.isupper())

# A sentence ends at . ! or ?, possibly followed by closing quotes or brackets and footnote
# marks ("[12]", "[n 3]", "[note 1]"), then white space, then something that can open a sentence.
_BOUNDARY = re.compile(rf"""[.!?]+[’”"')\]]*(?:\[\w{{1,5}}(?: \w{{1,4}})?\])*\s+(?=[‘“"'(\[]?[{UPPER}0-9])""")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping each sentence's exact text.

    The pieces, joined with single spaces, give back the paragraph with its
    white space normalised; no character inside a sentence is changed, so a
    citation can quote the article verbatim.
    """
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ends_with_abbreviation(text[start : match.start() + 1], text[match.end() :]):
            continue
        sentences.append(text[start : match.end()].rstrip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _ends_with_abbreviation(fragment: str, following: str) -> bool:
    """Whether the stop that ends ``fragment`` is an abbreviation's, not a sentence's, given
    the text ``following`` it."""
    last = fragment.rsplit(maxsplit=1)[-1].rstrip(".").lower().lstrip("‘“\"'([")
    # "Beyoncé married Jay Z. She …": a letter is an initial before a name, not before "She".
    ends = last in _ENDING_ABBREVIATIONS or (len(last) == 1 and last.isalpha())
    if ends and following.split(maxsplit=1)[0] in _SENTENCE_OPENERS:
        return False
    # A single letter before the stop is an initial, as in "J. Smith".
    if last in _ABBREVIATIONS or len(last) == 1 and last.isalpha():
        return True
    return following[:1].isdigit() and last in _NUMBER_ABBREVIATIONS


# The article's words are folded again for every question: kept, not redone.
@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case ``text`` and fold typographic quotes and accents to ASCII where possible."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    if text.isascii():
        # Most text is: it has nothing to decompose, and a thousand articles fold at every start.
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded word tokens of ``text`` (letters and digits; possessive ``'s`` dropped)."""
    # fold() has made every apostrophe a plain one.
    return [token[:-2] if token.endswith("'s") else token for token in _WORD.findall(fold(text))]
