"""Where an article comes from: a URL, a local file, or a file's bytes (an upload).

``read_article`` takes what a person typed (a URL or a path) and returns an
``Article`` or raises a ``SourceError`` subclass; nothing here touches the
corpus or the index.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from index.errors import SourceError, UnsupportedContentError
from index.ingest.extract import Article, extract_html, text_article
from index.ingest.fetch import FetchPolicy, fetch
from index.ingest.language_id import LanguageModels

HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt", ".md"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def is_url(source: str) -> bool:
    """Whether ``source`` is meant as a URL (it has a scheme) rather than a path."""
    return "://" in source


def read_article(source: str, policy: FetchPolicy, languages: LanguageModels | None = None) -> Article:
    """The article at ``source``: a URL fetched under ``policy``, or a local file.

    ``languages`` tells the language of a text that declares none (the index's
    models, so that a running bot loads no second copy; the packages' when None)."""
    return read_url(source, policy, languages) if is_url(source) else read_file(Path(source), languages)


def read_url(url: str, policy: FetchPolicy, languages: LanguageModels | None = None) -> Article:
    """Fetch ``url`` and extract its article."""
    page = fetch(url, policy)
    if page.media_type not in _HTML_TYPES and not (page.media_type == "" and _looks_like_html(page.body)):
        shown = page.media_type or "of no declared type"
        raise UnsupportedContentError(f"{page.url} is not an HTML page (it is {shown})")
    article = extract_html(page.body, url=page.url, charset=page.charset, languages=languages)
    known = tuple(dict.fromkeys([page.requested_url, page.url, *article.known_urls]))
    return dataclasses.replace(article, known_urls=known)


def read_file(path: Path, languages: LanguageModels | None = None) -> Article:
    """Read a local ``.html``, ``.htm``, ``.txt`` or ``.md`` file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        first = path.parts[0] if path.parts else ""
        looks_like_host = "." in first.strip(".") and path.suffix.lower() not in HTML_SUFFIXES | TEXT_SUFFIXES
        hint = " (URLs start with http:// or https://)" if looks_like_host else ""
        raise SourceError(f"{path}: no such file{hint}") from None
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}") from None
    return article_from_bytes(data, path.name, languages)


def article_from_bytes(data: bytes, filename: str, languages: LanguageModels | None = None) -> Article:
    """The article in a file's bytes, read by its name's suffix (an upload, or a local file)."""
    suffix = Path(filename).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return extract_html(data, languages=languages)
    if suffix not in TEXT_SUFFIXES:
        allowed = ", ".join(sorted(HTML_SUFFIXES | TEXT_SUFFIXES))
        raise UnsupportedContentError(f"{filename}: only {allowed} files can be added")
    if b"\x00" in data:
        raise UnsupportedContentError(f"{filename} is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnsupportedContentError(f"{filename} is not UTF-8 text (bad byte at offset {error.start})") from None
    return text_article(text, name=filename, markdown=suffix == ".md", languages=languages)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
