"""Telegram HTML for answers: pure functions, no I/O.

Every piece of user or article text passes through ``html.escape``; the only
markup is ours (``<b>``, ``<i>``, ``<blockquote>``). Lengths are counted in
UTF-16 code units over the HTML source, which is never shorter than what
Telegram counts after parsing, so a piece that fits here fits there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from telegram.constants import MessageLimit

from index.answer.replies import NOT_IN_ARTICLE, TENTATIVE, citation_groups, citation_place
from index.types import Answer, Citation, DocumentInfo

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


@dataclass(frozen=True)
class Quote:
    """One numbered quotation: a cited sentence with the neighbour it depends on, if any."""

    number: int
    citations: tuple[Citation, ...]

    @property
    def document(self) -> str:
        """The id of the article quoted."""
        return self.citations[0].document

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """The 1-based paragraphs the quote spans, in article order."""
        return tuple(sorted({c.paragraph for c in self.citations}))

    @property
    def text(self) -> str:
        """The quoted sentences in article order, as plain text."""
        return " ".join(c.text for c in self.citations)


def text_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def group_quotes(citations: Sequence[Citation]) -> tuple[Quote, ...]:
    """Numbers the quotes as the engine's plain answer does: [1], [2], ..."""
    return tuple(Quote(number, group) for number, group in enumerate(citation_groups(citations), start=1))


def format_answer(
    answer: Answer,
    documents: Mapping[str, DocumentInfo],
    expanded: Iterable[int] = (),
) -> str:
    """The reply to an answered question, compact: the short answer in bold when there
    is one, the best quote in full (its short answer in bold), further quotes folded
    into expandable blockquotes, parts the article does not answer, and one source
    line linking each article cited.

    Quotes whose number is in ``expanded`` show their whole paragraphs, with
    the cited sentences in bold.
    """
    quotes = group_quotes(answer.citations)
    shown = set(expanded)
    several = len({q.document for q in quotes}) > 1
    blocks = []
    if answer.kind == "overview":
        title = documents[quotes[0].document].title if quotes and quotes[0].document in documents else ""
        blocks.append(f"<b>In short</b> — <i>{html.escape(title)}</i>")
    elif answer.short_answer:
        blocks.append(f"<b>{html.escape(answer.short_answer)}</b> [1]")
    elif answer.tentative:
        blocks.append(f"<i>{html.escape(TENTATIVE)}</i>")
    for quote in quotes:
        fold = answer.kind == "answer" and quote.number > 1 and quote.number not in shown
        bold = answer.short_answer if quote.number == 1 else None
        blocks.append(_format_quote(quote, documents, quote.number in shown, fold=fold, bold=bold, titled=several))
    blocks.extend(
        f"<i>{html.escape(NOT_IN_ARTICLE[:-1])} on “{html.escape(p.strip(' ?'))}”.</i>" for p in answer.unanswered
    )
    return "\n\n".join([*blocks, _footer(quotes, documents)])


def _format_quote(
    quote: Quote,
    documents: Mapping[str, DocumentInfo],
    expand: bool,
    *,
    fold: bool = False,
    bold: str | None = None,
    titled: bool = False,
) -> str:
    first, last = quote.paragraphs[0], quote.paragraphs[-1]
    document = documents.get(quote.document)
    if expand and document is not None:
        first, last = context_span(quote, document)
        sentences = [c.text for c in quote.citations]
        body = "\n\n".join(highlight(document.paragraphs[p - 1], sentences) for p in range(first, last + 1))
        where = f"¶{first}" if first == last else f"¶{first}–{last}"
    else:
        body = highlight(quote.text, [bold]) if bold else html.escape(quote.text)
        where = citation_place(quote.citations)
    if titled:
        where = f"{html.escape(quote.citations[0].title)}, {where}"
    label = f"<b>[{quote.number}]</b> <i>{where}</i>"
    if fold:
        return f"<blockquote expandable>{label} {body}</blockquote>"
    return f"{label}\n<blockquote>{body}</blockquote>"


def context_span(quote: Quote, document: DocumentInfo) -> tuple[int, int]:
    """The paragraphs "Show context" shows: the quote's own, or, when they say no more than
    the quote itself, one more on each side."""
    count = len(document.paragraphs)
    first, last = max(1, quote.paragraphs[0]), min(count, quote.paragraphs[-1])
    if _says_no_more(quote, document, first, last):
        first, last = max(1, first - 1), min(count, last + 1)
    return first, last


def adds_context(quote: Quote, document: DocumentInfo) -> bool:
    """Whether "Show context" would show more than the quote already does."""
    return not _says_no_more(quote, document, *context_span(quote, document))


def _says_no_more(quote: Quote, document: DocumentInfo, first: int, last: int) -> bool:
    return " ".join(document.paragraphs[first - 1 : last]).split() == quote.text.split()


def _footer(quotes: Sequence[Quote], documents: Mapping[str, DocumentInfo]) -> str:
    numbers: dict[str, list[int]] = {}
    for quote in quotes:
        numbers.setdefault(quote.document, []).append(quote.number)
    if len(numbers) == 1:
        (document_id,) = numbers
        return "— " + _credit(document_id, quotes, documents)
    return "\n".join(
        " ".join(f"[{n}]" for n in ns) + " " + _credit(document_id, quotes, documents)
        for document_id, ns in numbers.items()
    )


def _credit(document_id: str, quotes: Sequence[Quote], documents: Mapping[str, DocumentInfo]) -> str:
    """The article's title, linked to its url when it has one, and its source."""
    document = documents.get(document_id)
    if document is None:
        title = next(q.citations[0].title for q in quotes if q.document == document_id)
        return f"<i>{html.escape(title)}</i>"
    credit = f"<i>{html.escape(document.title)}</i>"
    if document.url.startswith(("http://", "https://")):
        credit = f'<a href="{html.escape(document.url)}">{credit}</a>'
    if document.source:
        credit += f", {html.escape(document.source)}"
    return credit


def highlight(paragraph: str, sentences: Iterable[str]) -> str:
    """The paragraph as HTML with each of ``sentences`` found in it set in bold."""
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        start = paragraph.find(sentence) if sentence else -1
        if start >= 0:
            spans.append((start, start + len(sentence)))
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(html.escape(paragraph[position:start]))
        out.append(f"<b>{html.escape(paragraph[start:end])}</b>")
        position = end
    out.append(html.escape(paragraph[position:]))
    return "".join(out)


def format_abstention(answer: Answer) -> str:
    """The reply when the article has nothing on the question (the example buttons below
    it suggest what to ask), or the engine's own words for refused input."""
    if answer.kind == "not_in_article":
        return html.escape(NOT_IN_ARTICLE)
    return html.escape(answer.answer or NOT_IN_ARTICLE)


def format_framed(answer: Answer) -> str:
    """A reply in the engine's own words (small talk, metadata, another language), escaped."""
    return html.escape(answer.answer)


def format_paragraph(document: DocumentInfo, paragraph: int, sentences: Iterable[str] = ()) -> str:
    """One whole paragraph of an article, quoted, with its place and the article's title."""
    text = highlight(document.paragraphs[paragraph - 1], sentences)
    return f"<i>¶{paragraph}, {html.escape(document.title)}</i>\n<blockquote>{text}</blockquote>"


def format_about(document: DocumentInfo) -> str:
    """An article's title, source, date and first paragraph."""
    facts = [f"<b>{html.escape(document.title)}</b>"]
    byline = ", ".join(html.escape(part) for part in (document.source, document.date) if part)
    if byline:
        facts.append(byline)
    if document.url:
        facts.append(html.escape(document.url))
    if document.paragraphs:
        facts.append(f"<blockquote>{html.escape(document.paragraphs[0])}</blockquote>")
    return "\n".join(facts)


def plain_preview(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut + "…"


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cuts Telegram HTML into pieces of at most ``limit``, never inside a tag or an entity.

    Pieces break at blank lines where they can, then at line ends, then at
    spaces; only breaks outside every tag count, except the last resort, which
    closes the tags open at the cut and reopens them in the next piece.
    """
    if text_length(text) <= limit:
        return [text]
    return [piece for piece in _pack(text, limit, ("\n\n", "\n")) if _visible(piece)]


def _pack(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if text_length(text) <= limit:
        return [text]
    if not separators:
        return _split_long(text, limit)
    separator, finer = separators[0], separators[1:]
    pieces: list[str] = []
    current = ""
    for part in _top_level_split(text, separator):
        joined = f"{current}{separator}{part}" if current else part
        if text_length(joined) <= limit:
            current = joined
            continue
        if current:
            pieces.append(current)
        *whole, current = _pack(part, limit, finer)
        pieces.extend(whole)
    if current:
        pieces.append(current)
    return pieces


def _top_level_split(text: str, separator: str) -> list[str]:
    """Splits at the separators that stand outside every tag."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for token in _TAG.split(text):
        if _TAG.fullmatch(token):
            depth += -1 if token.startswith("</") else 1
            current.append(token)
            continue
        pieces = token.split(separator) if depth == 0 else [token]
        current.append(pieces[0])
        for piece in pieces[1:]:
            parts.append("".join(current))
            current = [piece]
    parts.append("".join(current))
    return parts


def _split_long(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    current = ""

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def flush() -> None:
        nonlocal current
        pieces.append(current + closing())
        current = "".join(tag for _, tag in open_tags)

    for token in _TAG.split(line):
        if not token:
            continue
        if _TAG.fullmatch(token):
            name_match = _TAG_NAME.match(token)
            name = name_match.group(1).lower() if name_match else ""
            after = open_tags[:-1] if token.startswith("</") else [*open_tags, (name, token)]
            after_closing = "".join(f"</{n}>" for n, _ in reversed(after))
            if text_length(current + token + after_closing) > limit and _visible(current):
                flush()
            current += token
            open_tags[:] = after
            continue
        rest = token
        while rest:
            fresh = not _visible(current)
            if fresh:
                rest = rest.lstrip(" ")
            room = limit - text_length(current) - text_length(closing())
            if text_length(rest) <= room:
                current += rest
                break
            cut = _cut_point(rest, room, hard=fresh)
            if cut == 0:
                if fresh:
                    raise ValueError(f"limit {limit} is too small for the markup of one piece")
                flush()
                continue
            current += rest[:cut]
            rest = rest[cut:]
            flush()
    pieces.append(current)
    return [p for p in pieces if _visible(p)] or [""]


def _cut_point(text: str, room: int, *, hard: bool) -> int:
    """Where to cut ``text`` so its head fits ``room`` UTF-16 units: at the last space that
    fits, else (when ``hard``) after the last character that fits; never inside an entity.
    0 means "nothing fits here": start a new piece first."""
    fit = 0
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > room:
            break
        fit = index + 1
    space = text.rfind(" ", 0, fit + 1)
    cut = space if space > 0 else fit if hard else 0
    entity = text.rfind("&", 0, cut)
    if entity >= 0 and ";" not in text[entity:cut]:
        cut = entity
    return cut


def _visible(piece: str) -> bool:
    return bool("".join(_TAG.split(piece)[::2]).strip())
