"""The corpus as a library of articles: list, add and remove, each change followed by a rebuild.

An added article becomes one corpus file named by its id, a slug of its
title. The same URL or the same text is never added twice. Every change is
one transaction over the corpus and the index:

- a corpus file is written atomically (a temporary file, then ``os.replace``),
  and if the rebuild that follows fails, the change is undone;
- a process killed between the two (kill -9, out of memory, power loss)
  leaves the change in the corpus and the previous index, whole, in place
  (``index.store.files`` commits an index by its manifest). The index's
  manifest records the corpus it was built from, so the next change (the
  same add again, the same remove again, or any other) sees that the two
  disagree and rebuilds: the interrupted change is completed, not reported
  as already done.

The rebuild is the caller's (``build_index`` with its embedder), passed in as a function.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

from index.errors import ArticleNotFoundError, CorpusError, IndexStoreError
from index.ingest.corpus import CORPUS_SUFFIX, corpus_files, corpus_fingerprint, read_document
from index.ingest.extract import Article
from index.ingest.passages import units_of
from index.store.atomic import write_atomically
from index.store.files import read_index, read_manifest
from index.types import DocumentInfo

R = TypeVar("R")
_SLUG_LENGTH = 60


@dataclass(frozen=True)
class ArticleSummary:
    """One article of the corpus, as ``list`` shows it."""

    id: str
    title: str
    source: str
    date: str
    url: str
    paragraphs: int


@dataclass(frozen=True)
class AddedArticle:
    """An article that was written to the corpus."""

    id: str
    title: str
    source: str
    date: str
    paragraphs: int
    sentences: int
    path: Path


@dataclass(frozen=True)
class DuplicateArticle:
    """An article that was not added because the corpus already holds it."""

    title: str
    existing: ArticleSummary
    reason: Literal["url", "text"]


@dataclass(frozen=True)
class AddOutcome(Generic[R]):
    """What ``add_articles`` did, and the rebuild's result (None when nothing was rebuilt)."""

    added: tuple[AddedArticle, ...]
    duplicates: tuple[DuplicateArticle, ...]
    rebuilt: R | None
    # True when nothing new was added but the index did not match the corpus, and was
    # rebuilt to complete an earlier, interrupted change.
    completed: bool = False


@dataclass(frozen=True)
class RemoveOutcome(Generic[R]):
    """The article ``remove_article`` took out, and the rebuild's result."""

    removed: ArticleSummary
    rebuilt: R
    # True when an earlier, interrupted remove had already taken it out of the corpus.
    completed: bool = False


def list_articles(corpus_dir: Path) -> list[ArticleSummary]:
    """Every article of ``corpus_dir`` by id; an empty list for a missing or empty corpus."""
    return [_summary(document) for document in _documents(corpus_dir)]


def find_by_url(corpus_dir: Path, url: str) -> ArticleSummary | None:
    """The article already added from ``url`` (or known by it), if any: lets a caller skip a fetch."""
    wanted = normalise_url(url)
    for document in _documents(corpus_dir):
        if document.url and normalise_url(document.url) == wanted:
            return _summary(document)
    return None


def add_articles(
    corpus_dir: Path, articles: Iterable[Article], rebuild: Callable[[], R], *, index_dir: Path | None = None
) -> AddOutcome[R]:
    """Write each new article to ``corpus_dir``, then ``rebuild()`` once.

    An article whose URL or text the corpus (or an earlier one of ``articles``)
    already holds is reported as a duplicate and not written. If writing or
    the rebuild fails, every file this call wrote is removed again and the
    error propagates: the corpus is as it was before. When nothing is new and
    the index in ``index_dir`` does not match the corpus (an earlier change
    was interrupted), it is rebuilt all the same: see ``complete_interrupted``.
    """
    corpus_dir.mkdir(parents=True, exist_ok=True)
    documents = _documents(corpus_dir)
    known_urls = {normalise_url(d.url): _summary(d) for d in documents if d.url}
    known_texts = {text_fingerprint(d.paragraphs): _summary(d) for d in documents}
    taken = {d.id for d in documents}
    added: list[AddedArticle] = []
    duplicates: list[DuplicateArticle] = []
    try:
        for article in articles:
            duplicate = _duplicate_of(article, known_urls, known_texts)
            if duplicate is not None:
                duplicates.append(duplicate)
                continue
            article_id = article_id_for(article, taken)
            path = corpus_dir / f"{article_id}{CORPUS_SUFFIX}"
            _write_atomically(path, corpus_text(article).encode("utf-8"))
            document = read_document(path)
            added.append(_added(document, path))
            taken.add(article_id)
            summary = _summary(document)
            known_texts[text_fingerprint(document.paragraphs)] = summary
            for url in (article.url, *article.known_urls):
                if url:
                    known_urls[normalise_url(url)] = summary
        rebuilt = rebuild() if added else None
    except BaseException:
        for item in added:
            item.path.unlink(missing_ok=True)
        raise
    if not added and index_dir is not None:
        completed = complete_interrupted(corpus_dir, index_dir, rebuild)
        return AddOutcome((), tuple(duplicates), completed, completed is not None)
    return AddOutcome(tuple(added), tuple(duplicates), rebuilt)


def index_is_behind(corpus_dir: Path, index_dir: Path) -> bool:
    """Whether the corpus holds a change the index in ``index_dir`` does not: an add or remove
    killed between writing the corpus and committing the rebuilt index (or a hand edit).

    Cheap: the manifest's record of the corpus it was built from, against the corpus."""
    try:
        built_from = read_manifest(index_dir).corpus_hash
    except IndexStoreError:
        return True  # no index, or an unreadable one: a rebuild makes it
    try:
        return built_from != corpus_fingerprint(corpus_dir)
    except CorpusError:
        return False  # an empty corpus has no index to build


def complete_interrupted(corpus_dir: Path, index_dir: Path, rebuild: Callable[[], R]) -> R | None:
    """``rebuild()`` when the index is behind the corpus (``index_is_behind``), completing the
    change that was interrupted; None, and nothing done, when the two agree."""
    return rebuild() if index_is_behind(corpus_dir, index_dir) else None


def remove_article(
    corpus_dir: Path, article_id: str, rebuild: Callable[[], R], *, index_dir: Path | None = None
) -> RemoveOutcome[R]:
    """Take the article ``article_id`` out of ``corpus_dir``, then ``rebuild()``;
    put it back exactly if the rebuild fails.

    An article already out of the corpus but still in the index in ``index_dir``
    (an earlier remove was interrupted) is taken out of the index by the rebuild."""
    documents = {d.id: d for d in _documents(corpus_dir)}
    if article_id not in documents:
        left_in_index = _left_in_index(corpus_dir, index_dir, article_id)
        if left_in_index is not None:
            return RemoveOutcome(_summary(left_in_index), rebuild(), completed=True)
        known = ", ".join(sorted(documents)) or "none"
        raise ArticleNotFoundError(f"no article has the id {article_id!r} (the ids are: {known})")
    if len(documents) == 1:
        raise CorpusError(f"{article_id} is the only article; the corpus cannot be empty")
    path = corpus_dir / f"{article_id}{CORPUS_SUFFIX}"
    original = path.read_bytes()
    path.unlink()
    try:
        rebuilt = rebuild()
    except BaseException:
        _write_atomically(path, original)
        raise
    return RemoveOutcome(_summary(documents[article_id]), rebuilt)


def _left_in_index(corpus_dir: Path, index_dir: Path | None, article_id: str) -> DocumentInfo | None:
    """The article ``article_id`` as the index has it, when the index is behind the corpus."""
    if index_dir is None or not index_is_behind(corpus_dir, index_dir):
        return None
    try:
        indexed = read_index(index_dir).documents
    except IndexStoreError:
        return None
    return next((d for d in indexed if d.id == article_id), None)


def corpus_text(article: Article) -> str:
    """The corpus file of ``article``: front matter, then one paragraph per line."""
    fields = [
        ("title", article.title),
        ("source", article.source),
        ("author", article.author),
        ("url", article.url or next(iter(article.known_urls), "")),
        ("language", article.language),
        ("date", article.date),
    ]
    front = [f"{key}: {_one_line(value)}" for key, value in fields if _one_line(value)]
    return "\n".join(["---", *front, "---", *(_one_line(p) for p in article.paragraphs)]) + "\n"


def article_id_for(article: Article, taken: set[str]) -> str:
    """A stable id: the title's slug, with a short hash of the text when another article has that slug."""
    slug = slugify(article.title) or "article"
    if slug not in taken:
        return slug
    return f"{slug}-{text_fingerprint(article.paragraphs)[:8]}"


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_LENGTH:
            break
        slug = candidate
    return slug or "-".join(words)[:_SLUG_LENGTH]


def text_fingerprint(paragraphs: Iterable[str]) -> str:
    """A hash of the text that ignores case and spacing: the same text gives the same hash."""
    normalised = "\n".join(" ".join(p.split()).casefold() for p in paragraphs)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def normalise_url(url: str) -> str:
    """``url`` without what does not change the page: case of scheme and host, default port,
    fragment, a trailing slash."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _duplicate_of(
    article: Article, known_urls: dict[str, ArticleSummary], known_texts: dict[str, ArticleSummary]
) -> DuplicateArticle | None:
    for url in (article.url, *article.known_urls):
        if url and (existing := known_urls.get(normalise_url(url))):
            return DuplicateArticle(article.title, existing, "url")
    if existing := known_texts.get(text_fingerprint(_one_line(p) for p in article.paragraphs)):
        return DuplicateArticle(article.title, existing, "text")
    return None


def _documents(corpus_dir: Path) -> list[DocumentInfo]:
    if not corpus_dir.is_dir():
        return []
    try:
        paths = corpus_files(corpus_dir)
    except CorpusError:
        return []  # an empty corpus: nothing to list or to be a duplicate of
    return [read_document(path) for path in paths]


def _summary(document: DocumentInfo) -> ArticleSummary:
    return ArticleSummary(
        id=document.id,
        title=document.title,
        source=document.source,
        date=document.date,
        url=document.url,
        paragraphs=len(document.paragraphs),
    )


def _added(document: DocumentInfo, path: Path) -> AddedArticle:
    return AddedArticle(
        id=document.id,
        title=document.title,
        source=document.source,
        date=document.date,
        paragraphs=len(document.paragraphs),
        sentences=len(units_of(document)),
        path=path,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a corpus file atomically; its temporary name ends in ``.tmp``, so a build never reads it."""
    try:
        write_atomically(path, data)
    except OSError as error:
        raise CorpusError(f"cannot write {path}: {error.strerror or error}") from None
