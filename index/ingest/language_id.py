"""Which language a text is written in, and how common an English word is.

An article's language is what its page declares (``<html lang>``) or, when it
declares none, what its text reads as: a page of Russian is not ``en`` for
want of a tag. The engine's check of a question's language uses the same model.

The models are py3langid's identifier (offline) and wordfreq's English word
frequencies, held together as ``LanguageModels``. ``packaged_models()`` loads
them from the installed packages (about 110 MB a process, most of it
py3langid's arrays); a built index holds a copy that a serving process
memory-maps instead (``index.store.language_models``), reading only the pages
its messages touch.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Languages the detector chooses among for Latin-script text: the ones a
# reader of an English news bot most often writes in. Fewer candidates make
# short messages far less often mistaken for a rare language.
LATIN_CANDIDATES = ("en", "de", "fr", "es", "pt", "it", "nl", "pl", "tr", "id", "sv", "da", "no", "cs", "ro", "hu")


class LanguageModels:
    """The identifier over every language py3langid knows, the same narrowed to
    ``LATIN_CANDIDATES``, and a word's Zipf frequency in English (0 when unknown).

    The identifiers are made by ``identifiers`` when first used: over an index's
    mapped arrays that takes 5 ms and 4 MB (py3langid's row offsets), which a
    process asked only English questions never spends."""

    def __init__(
        self,
        identifiers: Callable[[], tuple[LanguageIdentifier, LanguageIdentifier]],
        english_frequency: Callable[[str], float],
    ) -> None:
        self._identifiers = identifiers
        self._made: tuple[LanguageIdentifier, LanguageIdentifier] | None = None
        self.english_frequency = english_frequency

    @property
    def identifier(self) -> LanguageIdentifier:
        """The identifier over every language."""
        return self._both()[0]

    @property
    def latin(self) -> LanguageIdentifier:
        """The identifier over ``LATIN_CANDIDATES``."""
        return self._both()[1]

    def _both(self) -> tuple[LanguageIdentifier, LanguageIdentifier]:
        # Two threads may both make them at first; either pair is the same model.
        if self._made is None:
            self._made = self._identifiers()
        return self._made


@functools.cache
def packaged_models() -> LanguageModels:
    """The models as the installed py3langid and wordfreq ship them, loaded once per process."""
    # Loading takes about half a second: only when a text needs it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # A shallow copy: set_languages replaces the copy's arrays with narrowed ones and never
    # writes into the shared ones (a deep copy would hold the full model twice).
    latin = copy.copy(identifier)
    latin.set_languages(list(LATIN_CANDIDATES))
    return LanguageModels(lambda: (identifier, latin), packaged_english_frequency)


def packaged_english_frequency(word: str) -> float:
    """``word``'s Zipf frequency in English, from the installed wordfreq (0 when it never saw it)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def text_language(text: str, models: LanguageModels | None = None) -> str:
    """The ISO 639-1 code of the language ``text`` (an article's paragraphs) is written in."""
    language, _ = (models or packaged_models()).identifier.classify(text)
    return str(language)
