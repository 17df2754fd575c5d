"""From articles to the units the index holds.

Each sentence of an article is one retrievable unit, cited on its own. For the
dense side each sentence is also embedded inside a short passage (the sentence
with its neighbours), so that a paraphrase of what the passage says finds the
sentence even when the sentence alone is terse ("This is wrong, he tweeted.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import split_sentences
from index.types import DocumentInfo

# How many sentences on each side of a sentence its passage takes in.
PASSAGE_RADIUS = 1

# A sentence that opens with a pronoun or demonstrative, or attributes a quote
# to "he"/"it", leans on the sentence before it for its meaning.
_LEADING_REFERENCE = re.compile(
    r"^[‘“\"']?(this|that|these|those|it|its|he|she|they|their|his|her|such|"
    r"the (company|firm|group|move|decision|report|statement|regulator|agency|ban|government|platform))\b",
    re.IGNORECASE,
)
_PRONOUN_ATTRIBUTION = re.compile(
    r"[’”\"'],?\s+(he|she|it|they)\s+(said|says|tweeted|wrote|added|explained)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Unit:
    """One sentence of one article, with the passage it is embedded in."""

    document: str
    paragraph: int
    sentence: int
    text: str
    passage: str
    depends_on_previous: bool


def units_of(document: DocumentInfo) -> list[Unit]:
    """Every sentence of ``document`` as a ``Unit``, in article order."""
    located = [
        (paragraph_no, sentence_no, sentence)
        for paragraph_no, paragraph in enumerate(document.paragraphs, start=1)
        for sentence_no, sentence in enumerate(split_sentences(paragraph), start=1)
    ]
    texts = [sentence for _, _, sentence in located]
    units = []
    for position, (paragraph_no, sentence_no, sentence) in enumerate(located):
        window = texts[max(0, position - PASSAGE_RADIUS) : position + PASSAGE_RADIUS + 1]
        units.append(
            Unit(
                document=document.id,
                paragraph=paragraph_no,
                sentence=sentence_no,
                text=sentence,
                passage=" ".join(window),
                depends_on_previous=position > 0 and depends_on_previous(sentence),
            )
        )
    return units


def depends_on_previous(sentence: str) -> bool:
    """Whether ``sentence`` needs the sentence before it to be understood."""
    return bool(_LEADING_REFERENCE.search(sentence) or _PRONOUN_ATTRIBUTION.search(sentence))
