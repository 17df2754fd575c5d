"""Which language a text is written in: py3langid's model (offline), loaded once per process.

An article's language is what its page declares (``<html lang>``) or, when it
declares none, what its text reads as: a page of Russian is not ``en`` for
want of a tag. The engine's check of a question's language uses the same model.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier


@functools.cache
def identifier() -> LanguageIdentifier:
    """The model over every language it knows, with probabilities that sum to 1."""
    # Loading the model takes a second or two: only when a text needs it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def text_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` (an article's paragraphs) is written in."""
    language, _ = identifier().classify(text)
    return str(language)
