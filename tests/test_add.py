"""`python -m index add | list | remove`: pages served on 127.0.0.1 become corpus
files without their boilerplate, duplicates are refused, and every failure
leaves the corpus and the index byte for byte as they were."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import index.cli
from index.answer.engine import Engine
from index.ingest.corpus import read_document
from index.ingest.extract import extract_html
from index.ingest.sources import read_file
from tests.conftest import FakeEmbedder, Workspace, run
from tests.page_server import PAGES, PageServer, serving


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving() as server:
        yield server


# (page, title, date, author, site, paragraphs, first words of the first paragraph)
EXTRACTED = [
    (
        "coastal-herald-ferry.html",
        "Port Vale's electric ferry makes its first crossing",
        "2025-03-14",
        "Maria Jensen",
        "The Coastal Herald",
        7,
        "The harbour town of Port Vale launched",
    ),
    (
        "valley-courier-library.html",
        "Altberg opens a library in its old railway station",
        "2024-11-02",
        "Tom Reyes",
        "Valley Courier",
        7,
        "The mountain village of Altberg opened",
    ),
    (
        "northern-science-glacier.html",
        "The glacier that came back: why Skarvbreen is growing again",
        "2025-01-20",
        "Sigrid Nilsen",
        "Northern Science Review",
        19,
        "For most of the past century",
    ),
    (
        "harbour-notes-blog.html",
        "Night buses return to Kirkholm after two-year gap",
        "2023-06-09",
        "",
        "127.0.0.1",
        5,
        "Night buses will run between Kirkholm",
    ),
]

# Text that sits on the pages around the article and must never become article text.
BOILERPLATE = [
    "cookie",
    "Accept",
    "Share on",
    "Share this",
    "Copy link",
    "Subscribe",
    "Sign up",
    "newsletter",
    "Related",
    "Most read",
    "Advertisement",
    "Read more",
    "Photo:",
    "Image:",
    "Courier photo",
    "All rights reserved",
    "Copyright",
    "Privacy",
    "gtag",
    "dataLayer",
    "jQuery",
    "sc_project",
    "Hanna K.",
    "Leave a reply",
    "Comments (",
    "Popular this week",
    "You might also like",
    "147 partners",
    "About the author",
    "Permalink",
    "Powered by",
    "Built by volunteers",  # a subheading
    "Altberg school to close",  # a related link inside the article body
    "Features / Climate",
]


@pytest.mark.parametrize(("page", "title", "date", "author", "site", "paragraphs", "opening"), EXTRACTED)
def test_add_extracts_the_article_and_nothing_else(
    page: str,
    title: str,
    date: str,
    author: str,
    site: str,
    paragraphs: int,
    opening: str,
    workspace: Workspace,
    pages: PageServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(workspace.args("add", pages.url(f"/news/{page}")), capsys)
    assert status == 0, err
    [path] = workspace.added_files()
    document = read_document(path)
    assert (document.title, document.date, document.author, document.source) == (title, date, author, site)
    assert len(document.paragraphs) == paragraphs
    assert document.paragraphs[0].startswith(opening)
    text = path.read_text(encoding="utf-8")
    for boilerplate in BOILERPLATE:
        assert boilerplate not in text, boilerplate
    assert f"added {document.id}: “{title}”" in out
    assert f"{paragraphs} paragraphs" in out and "sentences" in out and " s\n" in out


def test_the_id_is_a_slug_of_the_title(workspace: Workspace, pages: PageServer, capsys) -> None:
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    [path] = workspace.added_files()
    assert path.name == "port-vale-s-electric-ferry-makes-its-first-crossing.txt"


def test_the_page_s_metadata_url_and_language_are_kept(workspace: Workspace, pages: PageServer, capsys) -> None:
    run(workspace.args("add", pages.url("/news/northern-science-glacier.html")), capsys)
    [path] = workspace.added_files()
    document = read_document(path)
    assert document.url == "https://northernscience.example/features/skarvbreen-glacier-growing"
    assert document.language == "en"


# (page, its title, words of its first paragraph, its language): pages the probe of issue 22
# stored as "Z³rich cafķ", as "Gen�ve" and labelled Russian "en".
LEGACY = [
    ("latin1-no-charset.html", "Zürich café to close after 96 years", "A Zürich café that has served", "en"),
    (
        "latin1-labelled-utf8.html",
        "Genève opens its first night library",
        "in the former café of the Musée d'ethnographie",
        "en",
    ),
    (
        "russian-windows-1251.html",
        "В Казани открылся новый мост через Казанку",
        "В Казани в субботу открылся новый пешеходный мост",
        "ru",
    ),
]


@pytest.mark.parametrize(("page", "title", "words", "language"), LEGACY)
def test_a_page_is_decoded_as_a_browser_would_and_its_language_told(
    page: str, title: str, words: str, language: str, workspace: Workspace, pages: PageServer, capsys
) -> None:
    status, out, err = run(workspace.args("add", pages.url(f"/news/{page}")), capsys)
    assert status == 0, err
    [path] = workspace.added_files()
    document = read_document(path)
    assert (document.title, document.language) == (title, language)
    assert words in document.paragraphs[0]
    assert "\ufffd" not in path.read_text(encoding="utf-8")


def test_a_legacy_encoded_page_is_decoded(pages: PageServer) -> None:
    article = extract_html((PAGES / "harbour-notes-blog.html").read_bytes())
    assert "drivers’ union" in article.paragraphs[2]


def test_added_article_is_cited(workspace: Workspace, pages: PageServer, capsys) -> None:
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    fake = FakeEmbedder()
    engine = Engine.open(workspace.corpus, workspace.index, fake.name, embedder=fake)
    answer = engine.answer("How much did the ferry cost?")
    assert answer.citations, answer
    assert answer.citations[0].document == "port-vale-s-electric-ferry-makes-its-first-crossing"
    assert "14.5 million euros" in answer.citations[0].text


def test_the_rebuild_reuses_the_embeddings_of_the_other_articles(
    workspace: Workspace, pages: PageServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    fake = FakeEmbedder()
    monkeypatch.setattr(index.cli, "make_embedder", lambda settings: fake)
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    assert fake.embedded
    assert not any("Port Vale will start a new ferry service" in text for text in fake.embedded)


def test_the_same_url_twice_is_one_article(workspace: Workspace, pages: PageServer, capsys) -> None:
    url = pages.url("/news/valley-courier-library.html")
    run(workspace.args("add", url), capsys)
    before = workspace.snapshot()
    status, out, _ = run(workspace.args("add", url + "#comments"), capsys)
    assert status == 0
    # Found again by its canonical URL once fetched.
    assert "already added" in out and "altberg-opens-a-library-in-its-old-railway-station" in out
    assert workspace.snapshot() == before


def test_a_url_in_the_corpus_is_not_fetched_again(workspace: Workspace, pages: PageServer, capsys) -> None:
    url = pages.url("/news/harbour-notes-blog.html")  # the page names no canonical URL: this one is kept
    run(workspace.args("add", url), capsys)
    before = workspace.snapshot()
    fetches = len(pages.requests)
    status, out, _ = run(workspace.args("add", url.replace("http://", "HTTP://") + "/"), capsys)
    assert status == 0
    assert f"already added: {url.replace('http://', 'HTTP://')}/ is night-buses" in out
    assert len(pages.requests) == fetches
    assert workspace.snapshot() == before


def test_the_same_page_through_a_redirect_is_one_article(workspace: Workspace, pages: PageServer, capsys) -> None:
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    before = workspace.snapshot()
    status, out, _ = run(workspace.args("add", pages.url("/moved")), capsys)
    assert status == 0 and "already added" in out
    assert workspace.snapshot() == before


def test_the_same_text_from_a_file_is_one_article(
    workspace: Workspace, pages: PageServer, tmp_path: Path, capsys
) -> None:
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    [path] = workspace.added_files()
    copy = tmp_path / "copy.txt"
    copy.write_text("\n\n".join(read_document(path).paragraphs), encoding="utf-8")
    before = workspace.snapshot()
    status, out, _ = run(workspace.args("add", str(copy)), capsys)
    assert status == 0 and "same text" in out
    assert workspace.snapshot() == before


def test_a_local_html_file(workspace: Workspace, capsys) -> None:
    status, out, err = run(workspace.args("add", str(PAGES / "valley-courier-library.html")), capsys)
    assert status == 0, err
    [path] = workspace.added_files()
    assert read_document(path).title == "Altberg opens a library in its old railway station"


def test_a_markdown_file(tmp_path: Path) -> None:
    source = tmp_path / "council-notes.md"
    source.write_text(
        "# Council approves the harbour budget\n\n"
        "The council of **Port Vale** approved a harbour budget of 3.1 million euros on Tuesday,\n"
        "after a debate that lasted [four hours](https://example.org/debate).\n\n"
        "- Most of the money goes to repairing the north quay, which was damaged in the January storm.\n"
        "- The rest pays for new lighting on the ferry ramp and for two harbour staff.\n",
        encoding="utf-8",
    )
    article = read_file(source)
    assert article.title == "Council approves the harbour budget"
    assert article.paragraphs[0] == (
        "The council of Port Vale approved a harbour budget of 3.1 million euros on Tuesday, "
        "after a debate that lasted four hours."
    )
    assert len(article.paragraphs) == 3


def test_list_and_remove(workspace: Workspace, pages: PageServer, capsys) -> None:
    run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    status, out, _ = run(workspace.args("list"), capsys)
    assert status == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows[0][:3] == ["ferry", "2024-05-01", "3"] and out.splitlines()[1].endswith("ferry — Test Gazette")
    assert rows[1][:3] == ["port-vale-s-electric-ferry-makes-its-first-crossing", "2025-03-14", "7"]

    status, out, err = run(workspace.args("remove", "port-vale-s-electric-ferry-makes-its-first-crossing"), capsys)
    assert status == 0, err
    assert "removed port-vale-s-electric-ferry-makes-its-first-crossing" in out and "rebuilt the index" in out
    assert workspace.added_files() == []
    fake = FakeEmbedder()
    engine = Engine.open(workspace.corpus, workspace.index, fake.name, embedder=fake)
    assert [d.id for d in engine.documents] == ["ferry"]


def test_remove_an_unknown_id(workspace: Workspace, capsys) -> None:
    before = workspace.snapshot()
    status, _, err = run(workspace.args("remove", "no-such-article"), capsys)
    assert status == 1 and err.count("\n") == 1 and "no article has the id 'no-such-article'" in err
    assert workspace.snapshot() == before


def test_remove_the_last_article_is_refused(workspace: Workspace, capsys) -> None:
    before = workspace.snapshot()
    status, _, err = run(workspace.args("remove", "ferry"), capsys)
    assert status == 1 and "only article" in err
    assert workspace.snapshot() == before


FAILURES = [
    ("/news/no-such-page.html", "answered 404 Not Found"),
    ("/gone", "answered 410"),
    ("/slow", "did not answer within 2 s"),
    ("/trickle-headers", "did not answer within 2 s"),
    ("/json", "is not an HTML page (it is application/json)"),
    ("/image", "is not an HTML page (it is image/png)"),
    ("/binary-as-html", "is a binary file"),
    ("/not-text", "is not valid utf-8 text, nor text in any other encoding we can tell"),
    ("/nav-only", "no article text found"),
    ("/big-declared", "larger than the 0.2 MB limit"),
    ("/big-streamed", "larger than the 0.2 MB limit"),
    ("/loop-a", "redirects in a loop"),
    ("/to-ftp", "only http and https"),
]


@pytest.mark.parametrize(("path", "message"), FAILURES)
def test_a_failed_fetch_changes_nothing(
    path: str, message: str, workspace: Workspace, pages: PageServer, capsys
) -> None:
    before = workspace.snapshot()
    status, out, err = run(workspace.args("add", pages.url(path)), capsys)
    assert status == 1
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
    assert workspace.snapshot() == before


def test_a_loopback_address_is_refused_by_default(
    workspace: Workspace, pages: PageServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "false")
    before = workspace.snapshot()
    fetches = len(pages.requests)
    status, _, err = run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    assert status == 1 and err.count("\n") == 1
    assert "resolves to 127.0.0.1, a private, loopback or link-local address" in err
    assert "ALLOW_PRIVATE_URLS=true" in err
    assert len(pages.requests) == fetches
    assert workspace.snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary", "is a binary file"),
        ("latin1.txt", "Caf\u00e9 society in Port Vale is thriving again this year.".encode("latin-1"), "not UTF-8"),
        ("slides.pdf", b"%PDF-1.7", "only .htm, .html, .md, .txt files"),
        ("short.txt", b"Just a line.", "no article text found"),
    ],
)
def test_a_bad_file_changes_nothing(
    name: str, data: bytes, message: str, workspace: Workspace, tmp_path: Path, capsys
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    before = workspace.snapshot()
    status, _, err = run(workspace.args("add", str(source)), capsys)
    assert status == 1 and err.count("\n") == 1 and message in err, err
    assert workspace.snapshot() == before


def test_a_missing_file(workspace: Workspace, capsys) -> None:
    status, _, err = run(workspace.args("add", "www.example.com/story"), capsys)
    assert status == 1 and "no such file (URLs start with http:// or https://)" in err


def test_a_failed_rebuild_takes_the_new_file_out_again(
    workspace: Workspace, pages: PageServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from index.errors import ModelError

    def broken(settings: object) -> FakeEmbedder:
        raise ModelError("model /broken cannot be loaded")

    monkeypatch.setattr(index.cli, "make_embedder", broken)
    before = workspace.snapshot()
    status, _, err = run(workspace.args("add", pages.url("/news/coastal-herald-ferry.html")), capsys)
    assert status == 1 and "model /broken cannot be loaded" in err
    assert workspace.snapshot() == before


def test_one_bad_source_does_not_stop_the_others(workspace: Workspace, pages: PageServer, capsys) -> None:
    status, out, err = run(
        workspace.args("add", pages.url("/gone"), pages.url("/news/harbour-notes-blog.html")), capsys
    )
    assert status == 1 and "answered 410" in err
    assert "added night-buses-return-to-kirkholm-after-two-year-gap" in out


def test_add_then_ask_with_the_real_model(
    workspace: Workspace, pages: PageServer, monkeypatch: pytest.MonkeyPatch, real_embedder, capsys
) -> None:
    monkeypatch.setattr(index.cli, "make_embedder", lambda settings: real_embedder)
    status, out, err = run(workspace.args("add", pages.url("/news/northern-science-glacier.html")), capsys)
    assert status == 0, err
    engine = Engine.open(workspace.corpus, workspace.index, real_embedder.name, embedder=real_embedder)
    answer = engine.answer("How far has the front of Skarvbreen advanced?")
    assert answer.kind == "answer", answer
    first = answer.citations[0]
    assert first.document == "the-glacier-that-came-back-why-skarvbreen-is-growing-again"
    assert "41 metres" in first.text
