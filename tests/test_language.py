"""Which messages read as another language (no embedding model; the language identifiers load in a second)."""

from __future__ import annotations

import pytest

from index.answer.language import detect_language
from index.ingest.language_id import packaged_models


@pytest.mark.parametrize(
    ("message", "language"),
    [
        # English, however few function words it has.
        ("meaning of dalai lama", None),
        ("Who wrote the book?", None),
        ("insta ban when", None),
        # Not English.
        ("¿Cuántos habitantes tiene Nueva York?", "es"),
        ("Wer hat das Buch geschrieben?", "de"),
        ("Qui a écrit ce livre ?", "fr"),
        ("C'est quoi l'application Smart Voting ?", "fr"),
        ("Сколько людей пользуются Instagram?", "ru"),
    ],
)
def test_detect_language(message: str, language: str | None) -> None:
    names = {"dalai", "lama", "instagram", "smart", "voting"}
    assert detect_language(message, packaged_models(), lambda word: word in names) == language
