"""The engine's own words: the frame around what the articles say.

Every fact in a reply is quoted from an article or its metadata; these
functions write only the frame (greetings, labels, "the article doesn't
say") and render the engine's values as plain text for the command line.
The bot renders the same values as Telegram HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from index.answer.intents import MetadataField, SmalltalkKind
from index.types import Citation, DocumentInfo

NOT_IN_ARTICLE = "The article doesn't say."
# Before the quotes of a tentative answer (``Answer.tentative``).
TENTATIVE = "The article may not answer this directly. The closest it comes:"


def smalltalk_reply(kind: SmalltalkKind, documents: Sequence[DocumentInfo]) -> str:
    """A short friendly line for small talk, with an example question where it helps."""
    subject = corpus_subject(documents)
    example = example_question(documents)
    replies = {
        "greeting": f"Hi! I answer questions about {subject}, quoting the article itself. Try: “{example}”",
        "thanks": "You're welcome! Ask me anything else about the article.",
        "ack": "👍 Anything else you'd like to know about the article?",
        "farewell": "Bye! Come back any time with questions about the article.",
        "identity": (
            f"I'm a bot that answers questions about {subject} by quoting the article's own sentences, "
            "each with the paragraph it stands in. I don't make anything up."
        ),
        "capability": (
            f"I answer questions about {subject} with the article's own sentences. Ask a question in your "
            f"own words (for example “{example}”), “summarize” for the key points, or “who wrote it?” "
            "for the source."
        ),
    }
    return replies[kind]


def corpus_subject(documents: Sequence[DocumentInfo]) -> str:
    """“the article “Title”” for one article, “N articles” for several."""
    if len(documents) == 1:
        return f"the article “{documents[0].title}”"
    return f"{len(documents)} articles"


def example_question(documents: Sequence[DocumentInfo]) -> str:
    """A question to suggest: the articles' first example question, else a request for the
    overview, which every article answers (a question made from a title may find nothing)."""
    examples = [q for d in documents for q in d.examples]
    return examples[0] if examples else "What is this article about?"


_FIELD_LABELS = {"title": "Title", "author": "Author", "source": "Source", "date": "Date", "url": "Link"}


def _field_values(document: DocumentInfo) -> dict[str, str | None]:
    """Each metadata field of ``document``, in the order a reply lists them."""
    return {
        "title": document.title,
        "author": document.author,
        "source": document.source,
        "date": document.date,
        "url": document.url,
    }


def has_field(document: DocumentInfo, field: MetadataField) -> bool:
    """Whether ``document`` gives the metadata ``field`` ("all": any; the title always)."""
    return field == "all" or bool(_field_values(document)[field])


def about_reply(document: DocumentInfo, field: MetadataField) -> str:
    """The article's metadata, the asked fact first."""
    values = _field_values(document)
    facts = {name: f"{_FIELD_LABELS[name]}: {value}" if value else "" for name, value in values.items()}
    missing = {
        "author": "The article doesn't name its author.",
        "source": "The article doesn't name its source.",
        "date": "The article doesn't give its date.",
        "url": "I have no link to the original article.",
    }
    lines = []
    if field != "all" and not facts[field]:
        lines.append(missing[field])
    order = ([field] if field != "all" else []) + [f for f in facts if f != field]
    lines.extend(facts[f] for f in order if facts[f])
    return "\n".join(lines)


def citation_place(group: Sequence[Citation]) -> str:
    """Where a group of citations stands: ``¶12``, or ``¶10–11`` across paragraphs."""
    first, last = group[0].paragraph, group[-1].paragraph
    return f"¶{first}" if first == last else f"¶{first}–{last}"


def citation_groups(citations: Sequence[Citation]) -> list[tuple[Citation, ...]]:
    """Citations grouped for reading, best first: each ranked sentence with the
    context sentences it leans on, in article order."""
    groups: list[tuple[Citation, ...]] = []
    for position, citation in enumerate(citations):
        if not citation.context:
            context = tuple(c for c in citations if c.context_for == position)
            groups.append((*context, citation))
    return groups


def render_plain(
    citations: Sequence[Citation],
    documents: Mapping[str, DocumentInfo],
    *,
    short_answer: str | None = None,
    heading: str = "",
    unanswered: Sequence[str] = (),
) -> str:
    """An answer as plain text: the lead (the short answer with its marker, when there is
    one), the numbered quotes with their places, parts the article does not answer, and
    the sources."""
    several = len({c.document for c in citations}) > 1
    lines = [heading] if heading else []
    if short_answer:
        lines.append(f"{short_answer} [1]")
    for number, group in enumerate(citation_groups(citations), start=1):
        quote = " ".join(c.text for c in group)
        place = citation_place(group)
        if several:
            place = f"{group[0].title}, {place}"
        lines.append(f"[{number}] “{quote}” ({place})")
    lines.extend(f"{NOT_IN_ARTICLE[:-1]} {_quoted_part(part)}." for part in unanswered)
    for doc_id in dict.fromkeys(c.document for c in citations):
        lines.append("— " + source_line(documents[doc_id]))
    return "\n".join(lines)


def _quoted_part(part: str) -> str:
    return f"anything on “{part.strip(' ?')}”"


def source_line(document: DocumentInfo) -> str:
    """“Title, Source: url”, as much of it as the metadata has."""
    line = document.title + (f", {document.source}" if document.source else "")
    return line + (f": {document.url}" if document.url else "")
