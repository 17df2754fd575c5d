"""Reading articles from the corpus directory.

An article is one UTF-8 ``.txt`` file. It may open with front matter between
two ``---`` lines, one ``key: value`` per line (``title``, ``source``, ``author``, ``url``,
``language``, ``date``, any number of ``example`` lines, each a question
the article answers, and any number of ``alias`` lines, each a nickname readers
use for one of the article's names, as ``alias: insta = Instagram``). After it,
every non-empty line is a paragraph.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from index.errors import CorpusError
from index.types import DocumentInfo

CORPUS_SUFFIX = ".txt"
_FRONT_MATTER_FENCE = "---"


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The article files of ``corpus_dir``, sorted by name, or ``CorpusError`` if there are none."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist; put the article files there")
    files = sorted(p for p in corpus_dir.iterdir() if p.suffix == CORPUS_SUFFIX and p.is_file())
    if not files:
        raise CorpusError(f"corpus directory {corpus_dir} has no {CORPUS_SUFFIX} article files")
    return files


def load_corpus(corpus_dir: Path) -> list[DocumentInfo]:
    """Read every article of ``corpus_dir``; raise ``CorpusError`` naming the first bad file."""
    return [read_document(path) for path in corpus_files(corpus_dir)]


def read_document(path: Path) -> DocumentInfo:
    """Read one article file into a ``DocumentInfo``."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path} is not UTF-8 text (bad byte at offset {error.start})") from None
    except OSError as error:
        raise CorpusError(f"cannot read {path}: {error.strerror}") from None
    if "\x00" in text:
        raise CorpusError(f"{path} is not a text file (it contains NUL bytes)")
    meta, body = _split_front_matter(text, path)
    paragraphs = tuple(line.strip() for line in body.splitlines() if line.strip())
    if not paragraphs:
        raise CorpusError(f"{path} has no article text")
    return DocumentInfo(
        id=path.stem,
        title=meta.get("title", [path.stem])[0],
        source=meta.get("source", [""])[0],
        language=meta.get("language", ["en"])[0],
        date=meta.get("date", [""])[0],
        url=meta.get("url", [""])[0],
        paragraphs=paragraphs,
        examples=tuple(meta.get("example", [])),
        author=meta.get("author", [""])[0],
        aliases=tuple(_parse_alias(value, path) for value in meta.get("alias", [])),
    )


def _parse_alias(value: str, path: Path) -> tuple[str, str]:
    nickname, sep, name = (part.strip() for part in value.partition("="))
    if not sep or not nickname or not name:
        raise CorpusError(f"{path}: alias lines are 'alias: nickname = name', got {value!r}")
    return nickname, name


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, list[str]], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        return {}, text
    meta: dict[str, list[str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == _FRONT_MATTER_FENCE:
            return meta, "\n".join(lines[number:])
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise CorpusError(f"{path}:{number}: front matter lines are 'key: value', got {line!r}")
        meta.setdefault(key.strip().lower(), []).append(value.strip())
    raise CorpusError(f"{path}: front matter opened with '---' is never closed")


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A hash of every article file's name and bytes: it changes whenever the corpus does."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
