"""Reading a page's bytes as text, as a browser would.

The encoding is the first of these that the bytes decode in, strictly:

1. a byte-order mark (UTF-8, UTF-16);
2. the ``charset`` of the HTTP ``Content-Type`` header;
3. a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` near the top of the page;
4. detection: UTF-8 when the bytes are valid UTF-8, else charset_normalizer's
   guess, with windows-1252 preferred for Latin-script text it reads as well
   (the guess is unreliable on mostly-ASCII text, where it may pick a DOS code
   page and turn "Zürich café" into "Z³rich cafķ"; windows-1252 is what
   browsers assume for an undeclared Western page).

A declared encoding the bytes are not valid in (a latin-1 page served as
``charset=utf-8``) is the server's mistake, so the next source is asked rather
than putting U+FFFD in place of every accented letter. Labels are read as
browsers read them (the WHATWG Encoding Standard): ``iso-8859-1`` and
``us-ascii`` mean windows-1252, and so on. When nothing gives text, the page
is refused with a message that says so; nothing is stored as mojibake or
with replacement characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from index.errors import UnsupportedContentError

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Browsers look for the meta tag in the first 1,024 bytes; a little further
# finds it after a long <head> script too, and still well before any article text.
_META_SCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# WHATWG labels that name a different encoding than Python's codec of that name
# (by Python's normalised codec name): a browser decodes these pages so.
_AS_BROWSERS_READ = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "euc_kr": "cp949",
}
_WESTERN = "cp1252"
# Beyond this share of control characters, text is not text (binary data without NUL bytes).
_MAX_CONTROL_SHARE = 0.01


def decode_page(data: bytes, declared: str | None = None, *, name: str = "the page") -> str:
    """The text of ``data``, a page whose HTTP header declared the charset ``declared`` (or None);
    ``UnsupportedContentError`` naming ``name`` when no encoding gives text."""
    for encoding in _declared_encodings(data, declared):
        declared_text = _strictly(data, encoding)
        if declared_text is not None:
            return _checked(declared_text, name)
    detected = _detected(data)
    text = _strictly(data, detected) if detected else None
    if text is None:
        raise UnsupportedContentError(_refusal(data, declared, name))
    return _checked(text, name)


def _declared_encodings(data: bytes, declared: str | None) -> list[str]:
    """The encodings the page names for itself, most authoritative first."""
    found = [encoding for bom, encoding in _BOMS if data.startswith(bom)]
    if declared:
        found.append(declared)
    meta = _meta_charset(data)
    if meta:
        # A meta tag readable as ASCII cannot be in UTF-16, whatever it says (WHATWG).
        found.append("utf-8" if meta.lower().replace("_", "-").startswith("utf-16") else meta)
    return [encoding for label in found if (encoding := _codec(label)) is not None]


def _meta_charset(data: bytes) -> str | None:
    head = data[:_META_SCAN_BYTES]
    body = head.lower().find(b"<body")
    found = _META_CHARSET.search(head if body < 0 else head[:body])
    return found.group(1).decode("ascii") if found else None


def _codec(label: str) -> str | None:
    """Python's codec for an encoding label, read as browsers read it; None for an unknown label."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _AS_BROWSERS_READ.get(name, name)


def _strictly(data: bytes, encoding: str) -> str | None:
    """``data`` decoded in ``encoding`` (a byte-order mark dropped), or None when it is not valid there."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom) and _codec(bom_encoding) == _codec(encoding):
            data = data[len(bom) :]
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):  # LookupError: a codec that is not a text encoding
        return None


def _detected(data: bytes) -> str | None:
    """The encoding the bytes look like they are in, when they name none they are valid in."""
    if _strictly(data, "utf-8") is not None:
        return "utf-8"
    from charset_normalizer import from_bytes  # imported here: only undeclared legacy pages need it

    guess = from_bytes(data).best()
    western = from_bytes(data, cp_isolation=[_WESTERN]).best()
    if western is not None and (guess is None or (_latin_script(str(guess)) and western.chaos <= guess.chaos)):
        return _WESTERN
    return None if guess is None else guess.encoding


def _latin_script(text: str) -> bool:
    """Whether every letter of ``text`` beyond ASCII is a Latin letter."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ord(ch) > 127 and ch.isalpha())


def _checked(text: str, name: str) -> str:
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text)
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise UnsupportedContentError(f"{name} is not text (it is full of control characters)")
    return text


def _refusal(data: bytes, declared: str | None, name: str) -> str:
    labels = list(dict.fromkeys(label for label in (declared, _meta_charset(data)) if label))
    if not labels:
        return f"{name} names no text encoding, and its bytes are not text in any encoding we can tell"
    return f"{name} is not valid {' or '.join(labels)} text, nor text in any other encoding we can tell"
