"""Telling a question in another language, and saying so in that language.

The engine reads English. A question in Russian or Spanish would otherwise be
matched on its names alone ("Instagram") and answered with an unrelated
sentence, so such a question gets one line, in its own language where we
have it, saying that questions are answered in English, with an example.

Detection is py3langid's (a maintained fork of langid.py, offline). Short
chat messages are hard for any detector, so it is asked only when the
message does not read as English: mostly non-Latin letters, or Latin words
of which few are English words (names count for neither side).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from index.ingest.language_id import LanguageModels
from index.ingest.text import STOP_WORDS, words

_MIN_CONFIDENCE = 0.5
# Share of a Latin message's (non-name) words that must be English for it to read as English.
_ENGLISH_SHARE = 0.6
_LONG_WORD = 5
# Zipf 4: about ten uses per million words of English.
_COMMON_ZIPF = 4.0
_ENGLISH_EXTRA = frozenset(
    "who whom whose what which when where why how is are was were did does do can could would should will "
    "pls plz ppl u ur r wat wut bc thx ty lol ok okay hi hey yo tl dr insta abt bout govt".split()
)

# "Questions are answered in English", in the reader's language; {example} is an English question.
NOT_ENGLISH = {
    "ru": "Я понимаю вопросы только на английском языке. Спросите, например: «{example}»",
    "uk": "Я розумію запитання лише англійською мовою. Запитайте, наприклад: «{example}»",
    "be": "Я разумею пытанні толькі на англійскай мове. Спытайце, напрыклад: «{example}»",
    "bg": "Разбирам въпроси само на английски. Попитайте например: „{example}“",
    "es": "Solo entiendo preguntas en inglés. Pregunta, por ejemplo: «{example}»",
    "de": "Ich verstehe nur Fragen auf Englisch. Fragen Sie zum Beispiel: „{example}“",
    "fr": "Je ne comprends que les questions en anglais. Demandez par exemple : « {example} »",
    "pt": "Só entendo perguntas em inglês. Pergunte, por exemplo: “{example}”",
    "it": "Capisco solo domande in inglese. Chiedi, per esempio: «{example}»",
    "nl": "Ik begrijp alleen vragen in het Engels. Vraag bijvoorbeeld: ‘{example}’",
    "pl": "Rozumiem tylko pytania po angielsku. Zapytaj na przykład: „{example}”",
    "tr": "Yalnızca İngilizce soruları anlıyorum. Örneğin şunu sorun: “{example}”",
    "ar": "أفهم الأسئلة باللغة الإنجليزية فقط. اسأل مثلاً: «{example}»",
    "zh": "我只能理解英文问题。例如，可以问：“{example}”",
    "ja": "英語の質問にだけ答えられます。例えば「{example}」と聞いてください。",
}
_FALLBACK = "I read questions in English only. Try, for example: “{example}”"


def not_english_reply(language: str, example: str) -> str:
    """One line, in ``language`` where we have it, saying questions are answered in English."""
    return NOT_ENGLISH.get(language, _FALLBACK).format(example=example)


def detect_language(
    text: str, models: LanguageModels, is_name: Callable[[str], bool] = lambda word: False
) -> str | None:
    """The ISO 639-1 code of ``text``'s language when it is clearly not English, else None.

    ``models`` are the engine's language models; ``is_name`` tells a folded word that
    names something in the corpus ("mosseri"): such words are neither English nor
    foreign evidence.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    latin = sum(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)
    if latin < len(letters) / 2:
        # Mostly Cyrillic, Greek, Arabic, CJK…: not English whatever the detector's confidence.
        language, _ = models.identifier.classify(text)
        return str(language) if language != "en" else "und"
    if _reads_as_english(text, is_name, models.english_frequency):
        return None
    language, confidence = models.latin.classify(text)
    return str(language) if language != "en" and confidence >= _MIN_CONFIDENCE else None


def _reads_as_english(text: str, is_name: Callable[[str], bool], frequency: Callable[[str], float]) -> bool:
    """Whether enough of ``text``'s words are English function words to call it English.

    Capitalised words and the corpus's names are set aside; a message with
    fewer than two other words is taken to be English (too short to tell).
    """
    # The first word is capitalised as a sentence opening, not as a name.
    capitalised = {w for token in text.split()[1:] if token[:1].isupper() for w in words(token)}
    tokens = [w for w in words(text) if w not in capitalised and not is_name(w)]
    if len(tokens) < 2:
        return True
    english = sum(w in STOP_WORDS or w in _ENGLISH_EXTRA or _common_english_word(w, frequency) for w in tokens)
    return english >= _ENGLISH_SHARE * len(tokens)


def _common_english_word(word: str, frequency: Callable[[str], float]) -> bool:
    """A long, common English word ("meaning"): short ones ("la", "de", "est") are as
    common in the Romance languages' words English text quotes."""
    # "l'application" is French however common "application" is.
    return len(word) >= _LONG_WORD and word.isalpha() and frequency(word) >= _COMMON_ZIPF
