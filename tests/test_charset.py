"""A page's bytes read as a browser reads them: byte-order mark, HTTP header, <meta>, then
detection; a declaration the bytes are not valid in is passed over, and bytes that are no
text in any encoding are refused, never stored with replacement characters."""

from __future__ import annotations

import codecs
import random

import pytest

from index.errors import UnsupportedContentError
from index.ingest.charset import decode_page

TEXT = "Zürich café “quoted” — naïve"


def _page(head: str = "", body: str = TEXT) -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        # Each row: the source that decides, with every later one saying something else.
        (codecs.BOM_UTF8 + _page('<meta charset="windows-1252">').encode("utf-8"), "iso-8859-1"),
        (codecs.BOM_UTF16_LE + _page().encode("utf-16-le"), "utf-8"),
        (_page('<meta charset="utf-8">').encode("cp1252"), "windows-1252"),
        (_page('<meta charset="windows-1252">').encode("cp1252"), None),
        (_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">').encode("cp1252"), None),
        # Read as browsers read labels: iso-8859-1 is windows-1252, so “ and ” are quotes.
        (_page('<meta charset="ISO-8859-1">').encode("cp1252"), None),
        # A meta tag readable as ASCII is not in UTF-16, whatever it says.
        (_page('<meta charset="utf-16">').encode("utf-8"), None),
        # Mislabelled: the header says utf-8, the bytes are windows-1252; the meta tag is right.
        (_page('<meta charset="windows-1252">').encode("cp1252"), "utf-8"),
        # Mislabelled, and nothing else declared: detected.
        (_page().encode("cp1252"), "utf-8"),
        # An unknown label is no declaration.
        (_page('<meta charset="no-such-charset">').encode("utf-8"), "x-unknown"),
    ],
)
def test_the_first_source_the_bytes_are_valid_in_decides(data: bytes, declared: str | None) -> None:
    text = decode_page(data, declared)
    assert TEXT in text and "\ufffd" not in text and not text.startswith("\ufeff")


def test_an_undeclared_western_page_is_windows_1252_not_a_dos_code_page() -> None:
    """Mostly ASCII with a few accented letters: detection alone reads it as cp775 ('Z³rich cafķ')."""
    body = "The Zürich café owners met the landlord on Monday. The café has been open since 1929."
    assert body in decode_page(_page(body=body).encode("latin-1"))


def test_an_undeclared_cyrillic_page_is_detected() -> None:
    body = "В Казани в субботу открылся новый пешеходный мост через реку Казанку длиной 420 метров."
    assert body in decode_page(_page(body=body).encode("cp1251"))


def test_bytes_that_are_no_text_are_refused() -> None:
    junk = bytes(b | 0x80 for b in random.Random(1).randbytes(3000))
    with pytest.raises(UnsupportedContentError, match=r"^http://x/ is not valid utf-8 text, nor text in any other"):
        decode_page(b"<html><body><p>" + junk + b"</p></body></html>", "utf-8", name="http://x/")
    with pytest.raises(UnsupportedContentError, match=r"names no text encoding"):
        decode_page(junk, None, name="http://x/")
    with pytest.raises(UnsupportedContentError, match=r"is not text \(it is full of control characters\)"):
        decode_page(_page(body="\x01\x02\x03" * 100).encode("utf-8"), "utf-8", name="http://x/")
