"""The language models an index carries answer exactly as the installed packages do: py3langid's
identifiers over the memory-mapped arrays, and wordfreq's English frequencies from the stored table."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.language import detect_language
from index.ingest.language_id import LanguageModels, packaged_models
from index.store.files import read_manifest
from index.store.language_models import language_models_from_index, tabled
from tests.conftest import CORPUS

TEXTS = [
    "Who is the head of Instagram?",
    "¿Cuántos habitantes tiene Nueva York?",
    "Wer hat das Buch geschrieben?",
    "C'est quoi l'application Smart Voting ?",
    "Сколько людей пользуются Instagram?",
    "Скільки людей користуються Instagram?",
    "Πόσοι άνθρωποι χρησιμοποιούν το Instagram;",
    "有多少人使用Instagram？",
    "كم عدد الأشخاص الذين يستخدمون إنستغرام؟",
    "Hoeveel mensen gebruiken Instagram in Rusland?",
    "",
    "12345 !!!",
]


@pytest.fixture(scope="module")
def stored(real_index: Path) -> LanguageModels:
    models = language_models_from_index(real_index, read_manifest(real_index).models)
    assert models is not None, "an index built with the real encoder carries its language models"
    return models


def _article_texts() -> list[str]:
    text = next(CORPUS.glob("*.txt")).read_text("utf-8")
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


def test_the_stored_identifiers_classify_as_py3langid_does(stored: LanguageModels) -> None:
    packaged = packaged_models()
    for text in [*TEXTS, *_article_texts()]:
        assert stored.identifier.classify(text) == packaged.identifier.classify(text), text
        assert stored.latin.rank(text) == packaged.latin.rank(text), text


def test_the_stored_frequencies_are_wordfreqs_for_every_word_it_lists(stored: LanguageModels) -> None:
    from wordfreq import iter_wordlist, zipf_frequency

    listed = list(iter_wordlist("en"))
    assert sum(map(tabled, listed)) > 250_000, "most of the list is in the table"
    for word in listed:
        assert stored.english_frequency(word) == zipf_frequency(word, "en"), word


def test_words_wordfreq_never_saw_count_zero_and_others_ask_wordfreq(stored: LanguageModels) -> None:
    from wordfreq import zipf_frequency

    article_words = {w.strip(".,“”‘’\"()").lower() for t in _article_texts() for w in t.split()}
    for word in [*sorted(article_words), "qwzxv", "roskomnadzor", "zürich", "Instagram", "naïve", "東京", "don't"]:
        assert stored.english_frequency(word) == zipf_frequency(word, "en"), word
    assert stored.english_frequency("qwzxv") == 0.0


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("meaning of dalai lama", None),
        ("¿Cuántos habitantes tiene Nueva York?", "es"),
        ("Qui a écrit ce livre ?", "fr"),
        ("Сколько людей пользуются Instagram?", "ru"),
    ],
)
def test_a_message_reads_as_the_same_language_with_either(stored: LanguageModels, message: str, language: str) -> None:
    def is_name(word: str) -> bool:
        return word in {"dalai", "lama", "instagram"}

    assert detect_language(message, stored, is_name) == language
    assert detect_language(message, packaged_models(), is_name) == language


def test_an_added_text_is_told_its_language_by_the_indexs_own_models(real_index: Path, tmp_path: Path) -> None:
    from index.ingest.fetch import FetchPolicy
    from index.ingest.sources import read_article
    from index.store.language_models import index_language_models

    story = tmp_path / "faehre.txt"
    story.write_text(
        "Die neue Fähre von Port Vale\n\n"
        "Die elektrische Fähre hat am Freitag ihre erste Fahrt über die Bucht gemacht. Der Bürgermeister "
        "sagte, die Stadt habe lange auf diesen Tag gewartet, und viele Menschen standen am Hafen, um das "
        "Schiff zu sehen. Die Fahrt dauerte zwanzig Minuten und war für alle Fahrgäste kostenlos.\n",
        encoding="utf-8",
    )
    languages = index_language_models(real_index)
    assert languages is not None
    packaged_models.cache_clear()
    assert read_article(str(story), FetchPolicy(), languages).language == "de"
    assert packaged_models.cache_info().currsize == 0, "the installed packages' models were not loaded"
    assert index_language_models(tmp_path / "no-index") is None


def test_language_models_that_do_not_fit_together_ask_for_a_rebuild(real_index: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from index.errors import IndexCorruptError
    from index.store.build import index_problem
    from index.store.files import MANIFEST
    from index.store.language_models import LANGUAGE_IDENTIFIER

    index_dir = tmp_path / "index"
    shutil.copytree(real_index, index_dir)
    manifest = json.loads((index_dir / MANIFEST).read_text("utf-8"))
    (identifier,) = [m for m in manifest["models"] if m["role"] == LANGUAGE_IDENTIFIER]
    identifier["config"]["latin"] = [9999]
    (index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rebuild it with"):
        language_models_from_index(index_dir, read_manifest(index_dir).models)
    problem = index_problem(CORPUS, index_dir, read_manifest(index_dir).model)
    assert problem is not None and "language models" in problem
