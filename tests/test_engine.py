"""Answer composition with the fake embedder: citations, refusals, follow-ups, several articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.answer.messages import MAX_QUESTION_CHARS, clean_text
from index.answer.replies import citation_groups
from index.store.build import build_index
from tests.conftest import SECOND_ARTICLE, FakeEmbedder


def test_answer_quotes_and_cites_exact_sentences(tiny_engine: Engine) -> None:
    answer = tiny_engine.answer("Who built the ferry in Kiel?")
    assert not answer.abstained
    best = answer.citations[0]
    assert best.text == "The ferry was built by Nordwerft in Kiel."
    assert (best.document, best.paragraph, best.sentence) == ("ferry", 1, 2)
    assert best.title == "Harbour town gets a new ferry"
    assert answer.kind == "answer" and answer.short_answer == "Nordwerft"
    # The lead is the short answer with its marker. "The ferry" leans on the sentence
    # before for retrieval, but reads alone: the reply quotes it alone.
    assert answer.answer.splitlines()[0] == "Nordwerft [1]"
    assert "[1] “The ferry was built by Nordwerft in Kiel.” (¶1)" in answer.answer
    assert answer.answer.endswith("— Harbour town gets a new ferry, Test Gazette")


def test_every_cited_text_is_verbatim_from_the_article(tiny_engine: Engine) -> None:
    paragraphs = tiny_engine.documents[0].paragraphs
    for question in ["ferry passengers capacity", "tickets children", "When does the ferry start?"]:
        for citation in tiny_engine.answer(question).citations:
            assert citation.text in paragraphs[citation.paragraph - 1]


def test_dependent_sentence_brings_its_antecedent(tiny_engine: Engine) -> None:
    answer = tiny_engine.answer("What doubles the capacity of the old boat?")
    texts = [c.text for c in answer.citations]
    assert texts[0] == "This doubles the capacity of the old boat."
    context = answer.citations[1]
    assert context.context and context.text == "Mayor Ines Albrecht said the ferry carries 300 passengers."
    # Read in article order: the antecedent comes first in the quote.
    assert citation_groups(answer.citations)[0][0] is context
    assert "“Mayor Ines Albrecht said the ferry carries 300 passengers. This doubles" in answer.answer


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("", "empty question"),
        ("   \n\t ", "empty question"),
        ("🙂🙂🙂", "no words"),
        ("?!", "no words"),
        ("ferry " * 2000, "question too long"),
    ],
)
def test_input_that_is_not_a_question(tiny_engine: Engine, question: str, reason: str) -> None:
    answer = tiny_engine.answer(question)
    assert answer.abstained and answer.reason == reason
    assert answer.citations == ()
    assert answer.answer


def test_too_long_message_says_the_limit(tiny_engine: Engine) -> None:
    answer = tiny_engine.answer("x" * 10_000)
    assert "10,000 characters" in answer.answer and str(MAX_QUESTION_CHARS) in answer.answer


def test_unknown_name_abstains_with_examples(tiny_engine: Engine) -> None:
    answer = tiny_engine.answer("Who is the president of Brazil?")
    assert answer.abstained
    assert "Brazil" in (answer.reason or "")
    assert "When does the new ferry start?" in answer.answer


def test_how_to_questions_abstain(tiny_engine: Engine) -> None:
    assert tiny_engine.answer("How do I buy a ferry ticket?").abstained


def test_html_in_a_question_is_just_text(tiny_engine: Engine) -> None:
    answer = tiny_engine.answer("<b>Who built</b> the <script>ferry</script>?")
    assert answer.question == "<b>Who built</b> the <script>ferry</script>?"
    assert all("<" not in c.text for c in answer.citations)


@pytest.fixture
def library_engine(tmp_path: Path, fake_embedder: FakeEmbedder) -> Engine:
    """The second test article alone: no date, no author, no example questions."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    build_index(corpus, tmp_path / "index", fake_embedder)
    return Engine.open(corpus, tmp_path / "index", fake_embedder.name, embedder=fake_embedder)


def test_an_article_without_examples_suggests_its_overview(library_engine: Engine) -> None:
    engine = library_engine
    suggestion = "What is this article about?"
    assert suggestion in engine.answer("Who is the president of Brazil?").answer
    assert suggestion in engine.answer("hi").answer
    assert engine.answer(suggestion).kind == "overview"


def test_a_date_the_article_lacks_is_asked_of_its_contents(library_engine: Engine) -> None:
    engine = library_engine
    # "It" may be the library; the article says when it opened.
    opened = engine.answer("When was it released?")
    assert opened.kind != "about"
    # Said of the article, the missing date is said to be missing; a source it has is given.
    missing = engine.answer("when was this article published?")
    assert missing.kind == "about" and missing.answer.startswith("The article doesn't give its date.")
    assert engine.answer("who published it?").kind == "about"
    # "This" is the article, even for a fact it lacks.
    assert engine.answer("who wrote this?").kind == "about"


def test_a_follow_up_leans_on_the_topic_not_on_every_earlier_question(tiny_engine: Engine) -> None:
    first = tiny_engine.answer("Who built the ferry?")
    second = tiny_engine.answer("what about the mayor Ines Albrecht?", previous=first)
    # The elliptical follow-up is searched with the last question's frame...
    assert "built" in second.query
    # ...but a question of its own about it leans on its topic, not on that frame.
    third = tiny_engine.answer("what did she say?", previous=second)
    assert "Albrecht" in third.query and "built" not in third.query
    # One that asks nothing else still leans on all of it.
    fourth = tiny_engine.answer("and why?", previous=second)
    assert "built" in fourth.query


def test_markup_is_read_as_the_words_it_wraps(tiny_engine: Engine) -> None:
    marked = tiny_engine.answer("<b>who</b> <i>built</i> the ferry?")
    plain = tiny_engine.answer("who built the ferry?")
    assert (marked.short_answer, marked.citations, marked.kind) == (plain.short_answer, plain.citations, plain.kind)


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("<b>who</b> runs insta<b>gram</b>?", "who runs instagram?"),
        ("<p>who?</p><p>why?</p>", " who?  why? "),
        ("AT&amp;T &lt;b&gt;", "AT&T <b>"),
        ("is 3 < 4 > 2", "is 3 < 4 > 2"),
        ("ｗｈｏ", "who"),
    ],
)
def test_clean_text(message: str, cleaned: str) -> None:
    assert clean_text(message) == cleaned


def test_follow_up_uses_the_previous_exchange(tiny_engine: Engine) -> None:
    first = tiny_engine.answer("What did Mayor Ines Albrecht say about the ferry?")
    assert not first.abstained
    follow_up = tiny_engine.answer("What does it cost?", previous=first)
    alone = tiny_engine.answer("What does it cost?")
    assert first.query in follow_up.query
    assert first.query not in alone.query


def test_answer_many_keeps_order_and_matches_answer(tiny_engine: Engine) -> None:
    questions = ["Who built the ferry?", "", "How much do tickets cost?"]
    many = tiny_engine.answer_many([(q, None) for q in questions])
    assert [a.question for a in many] == questions
    assert many == [tiny_engine.answer(q) for q in questions]


def test_second_article_is_cited_by_name(tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    engine = Engine.open(tiny_corpus, index_dir, fake_embedder.name, embedder=fake_embedder)
    assert {d.id for d in engine.documents} == {"ferry", "library"}
    answer = engine.answer("How many books does the Altberg library hold?")
    assert answer.citations[0].document == "library"
    assert answer.citations[0].text == "The library holds 12,000 books donated by residents."
    assert "Mountain village opens a library" in answer.answer
    ferry = engine.answer("Who built the ferry?")
    assert ferry.citations[0].document == "ferry"


def test_paragraph_lookup(tiny_engine: Engine) -> None:
    assert tiny_engine.paragraph("ferry", 3) == "Tickets cost four euros, and children travel free."
    with pytest.raises(ValueError):
        tiny_engine.paragraph("ferry", 4)


def test_overview_with_several_articles_is_of_the_one_in_focus(
    tiny_corpus: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    (tiny_corpus / "library.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(tiny_corpus, index_dir, fake_embedder)
    engine = Engine.open(tiny_corpus, index_dir, fake_embedder.name, embedder=fake_embedder)
    choose = engine.answer("summarize")
    assert choose.kind == "overview" and not choose.citations
    assert "Harbour town gets a new ferry" in choose.answer and "Mountain village opens a library" in choose.answer
    library = engine.answer("How many books does the Altberg library hold?")
    overview = engine.answer("tl;dr", previous=library)
    assert overview.kind == "overview" and {c.document for c in overview.citations} == {"library"}
    named = engine.answer("summarize the ferry story")
    assert {c.document for c in named.citations} == {"ferry"}


def test_warm_up_loads_the_language_identifiers_before_any_message(tiny_engine: Engine) -> None:
    # A test's index holds no language models, so the engine loads the installed packages'.
    from index.ingest.language_id import packaged_models

    packaged_models.cache_clear()
    tiny_engine.warm_up()
    assert packaged_models.cache_info().currsize == 1
