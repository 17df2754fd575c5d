"""Turning a web page or a text file into an article: its paragraphs and metadata.

Web pages go through trafilatura, which finds the main text of a news page
and drops navigation, cookie banners, share buttons, comments, captions and
scripts; its metadata (JSON-LD, OpenGraph, meta tags, bylines) gives the
title, author, site name, date and canonical URL. On top of it we keep only
paragraphs, quotes and list items (never subheadings), and drop a paragraph
that is mostly a link ("Read more: ..."), which is navigation, not text.

A page's bytes are decoded first, as a browser would (``index.ingest.charset``),
and an article's language is the one its page declares or else the one its
text reads as (``index.ingest.language_id``), never "en" by default.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from index.errors import NoArticleTextError, UnsupportedContentError
from index.ingest.charset import decode_page
from index.ingest.language_id import LanguageModels, text_language

if TYPE_CHECKING:
    from lxml.etree import _Element

# Fewer words than this is a page without an article (a menu, an error page).
MIN_ARTICLE_WORDS = 30
# A paragraph whose text is mostly link text is a related-stories link.
_MAX_LINK_SHARE = 0.5
_BOILERPLATE_LINE = re.compile(
    r"^(advertisement|read more|related( stories)?|see also|also read|share this( article)?|sign up)\b[:\s]*",
    re.IGNORECASE,
)
# The page's own word on its language: <html lang="ru">, or the older Content-Language meta tag.
_DECLARED_LANGUAGE = (
    re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE),
    re.compile(
        r"<meta\b[^>]*?http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*?\bcontent\s*=\s*[\"']?([A-Za-z]{2,3})\b",
        re.IGNORECASE,
    ),
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Article:
    """An article read from a page or a file, ready to become a corpus file."""

    title: str
    paragraphs: tuple[str, ...]
    source: str = ""  # the site's or publication's name
    author: str = ""
    date: str = ""  # as the page gives it; trafilatura normalises to YYYY-MM-DD
    url: str = ""  # the canonical URL when the page names one
    language: str = "en"
    # Every URL this article was reached by or is known by, for finding it again.
    known_urls: tuple[str, ...] = ()


def extract_html(
    data: bytes, *, url: str | None = None, charset: str | None = None, languages: LanguageModels | None = None
) -> Article:
    """The article in an HTML page; ``NoArticleTextError`` when the page has none. ``languages``
    tells an undeclared page's language (the installed packages' models when None)."""
    import trafilatura  # imported here: it takes a moment, and only `add` needs it

    name = url or "the file"
    # UTF-16 has NUL bytes in every ASCII character; anything else with them is binary.
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedContentError(f"{name} is a binary file, not an HTML page")
    # Decoded here, as a browser would, not by trafilatura, which ignores <meta charset> and
    # replaces what its guess cannot decode. An XML declaration would make lxml decode again.
    text = _XML_DECLARATION.sub("", decode_page(data, charset, name=name), count=1)
    document = trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=True,  # to recognise paragraphs that are only a link
        favor_precision=True,
    )
    body = getattr(document, "body", None)
    paragraphs = _paragraphs(body) if body is not None else []
    canonical = _clean(getattr(document, "url", None) or "") or (url or "")
    source = _site_name(_clean(getattr(document, "sitename", None) or ""), canonical)
    title = _without_site(_clean(getattr(document, "title", None) or ""), source, canonical)
    if _words(paragraphs) < MIN_ARTICLE_WORDS:
        # Some sites render the story with scripts: the page's structured data then holds it.
        paragraphs = _structured_body(text) or paragraphs
    paragraphs = [p for p in paragraphs if _fold(p) != _fold(title)]
    if _words(paragraphs) < MIN_ARTICLE_WORDS:
        raise NoArticleTextError(f"no article text found in {url or 'the page'}")
    return Article(
        title=title or _title_from_text(paragraphs),
        paragraphs=tuple(paragraphs),
        source=source,
        author=_clean(getattr(document, "author", None) or ""),
        date=_clean(getattr(document, "date", None) or ""),
        url=canonical,
        language=_page_language(text) or text_language("\n".join(paragraphs), languages),
        known_urls=tuple(dict.fromkeys(u for u in (url, canonical) if u)),
    )


def text_article(text: str, *, name: str, markdown: bool, languages: LanguageModels | None = None) -> Article:
    """The article in plain text or Markdown: the first heading or short first line is the title."""
    lines: list[str] = []
    for line in text.splitlines():
        if markdown and _MD_BLOCK_START.match(line):
            lines.append("")  # a heading or list item is a paragraph of its own
        lines.append(_strip_markdown(line) if markdown else line)
    blocks = _blocks(lines)
    title = ""
    if len(blocks) > 1 and _looks_like_title(blocks[0]):
        title, blocks = blocks[0], blocks[1:]
    paragraphs = [_clean(block) for block in blocks if _clean(block) and not _only_punctuation(block)]
    if sum(len(p.split()) for p in paragraphs) < MIN_ARTICLE_WORDS:
        raise NoArticleTextError(f"no article text found in {name}")
    return Article(
        title=_clean(title) or _title_from_name(name),
        paragraphs=tuple(paragraphs),
        language=text_language("\n".join(paragraphs), languages),
    )


def _paragraphs(body: _Element) -> list[str]:
    """The text of the body's paragraphs, quotes and list items, in order."""
    found: list[str] = []
    for element in body.iter("p", "item", "quote"):
        if element.tag == "quote" and element.find(".//p") is not None:
            continue  # its <p> children are visited themselves
        if element.tag == "p" and _has_ancestor(element, "item"):
            continue
        text = _clean("".join(element.itertext()))
        if not text or _BOILERPLATE_LINE.match(text) and len(text.split()) < 12:
            continue
        links = sum(len(_clean("".join(ref.itertext()))) for ref in element.iter("ref"))
        if links > _MAX_LINK_SHARE * len(text):
            continue
        found.append(text)
    return found


def _has_ancestor(element: _Element, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _blocks(lines: list[str]) -> list[str]:
    """Paragraphs of a text file: blocks between blank lines, or each line when
    there are no blank lines (a file with one paragraph per line)."""
    if not any(not line.strip() for line in _trimmed(lines)):
        return [line for line in lines if line.strip()]
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    return blocks


def _trimmed(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line.strip()), 0)
    return lines[start:end]


_MD_BLOCK_START = re.compile(r"^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d+[.)]\s)")
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}#{1,6}\s+"), ""),  # heading marks
    (re.compile(r"^\s{0,3}>\s?"), ""),  # block quotes
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+"), ""),  # list bullets
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),  # italics
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$"), ""),  # horizontal rules
)


def _strip_markdown(line: str) -> str:
    for pattern, replacement in _MD_RULES:
        line = pattern.sub(replacement, line)
    return line


def _looks_like_title(block: str) -> bool:
    text = _clean(block)
    return 0 < len(text) <= 150 and len(text.split()) <= 20 and not text.endswith((".", ":", ";", ","))


def _only_punctuation(text: str) -> bool:
    return not any(ch.isalnum() for ch in text)


def _title_from_text(paragraphs: list[str]) -> str:
    words = paragraphs[0].split()
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


def _title_from_name(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled article"


def _site_name(sitename: str, url: str) -> str:
    """The page's site name; its host when it names none (trafilatura then gives the host with its port)."""
    parts = urlsplit(url)
    if not sitename or sitename.lower() in (parts.netloc.lower(), (parts.hostname or "").lower()):
        return _host_of(url)
    return sitename


def _host_of(url: str) -> str:
    """A site named by its host when the page names no site: ``www.example.com`` -> ``example.com``."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


# Title segments: "Headline | Site", "Site - Headline", "Headline | DW | 19.01.2020".
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·:]{1,2}\s+")
_DATE_LIKE = re.compile(r"^[\d\s./-]+$")


def _without_site(title: str, site: str, url: str) -> str:
    """``title`` without the segments that name the site or give a date ("… | PC Gamer",
    "… - Luxurious Magazine", "… | DW | 19.01.2020"): the site is the article's source, not
    part of its headline."""
    names = {_fold(site), *_host_names(url)} - {""}
    segments = _TITLE_SEPARATOR.split(title)
    separators = _TITLE_SEPARATOR.findall(title)

    def is_site(segment: str) -> bool:
        folded = _fold(segment)
        return bool(_DATE_LIKE.match(folded)) or folded in names or folded.removesuffix(".com") in names

    start, end = 0, len(segments)
    while end - start > 1 and is_site(segments[end - 1]):
        end -= 1
    while end - start > 1 and is_site(segments[start]):
        start += 1
    if (start, end) == (0, len(segments)):
        return title
    kept = [segments[start]]
    for separator, segment in zip(separators[start : end - 1], segments[start + 1 : end], strict=True):
        kept += [separator, segment]
    return "".join(kept)


def _host_names(url: str) -> set[str]:
    """How a title may name the site of ``url``: "dw.com" and "dw" for www.dw.com."""
    host = _host_of(url).lower()
    return {host, host.split(".")[0]} if host else set()


def _structured_body(content: bytes | str) -> list[str]:
    """The paragraphs of the ``articleBody`` that the page's schema.org data (JSON-LD) gives."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(content)
    except (ValueError, TypeError, SyntaxError):
        return []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or ""):
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _json_items(data):
            body = item.get("articleBody")
            if isinstance(body, str) and len(body.split()) >= MIN_ARTICLE_WORDS:
                return [_clean(p) for p in re.split(r"\n\s*\n|\n", body) if _clean(p)]
    return []


def _json_items(data: object) -> list[dict[str, object]]:
    """Every object in a JSON-LD document, ``@graph`` and lists included."""
    if isinstance(data, list):
        return [item for element in data for item in _json_items(element)]
    if isinstance(data, dict):
        return [data, *_json_items(data.get("@graph", []))]
    return []


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _page_language(page: str) -> str | None:
    """The language the page declares, if it declares one near its top."""
    for pattern in _DECLARED_LANGUAGE:
        found = pattern.search(page[:8192])
        if found:
            return found.group(1).lower()
    return None


def _clean(text: str) -> str:
    """One line: whitespace runs become one space, control characters go."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    return _clean(text).casefold()
