"""A loopback HTTP server for the `add` tests: serves the saved news pages in
tests/fixtures/pages/ and every failure a fetch must survive."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
# Served without a charset in the header: the page says so in a <meta> tag, or nowhere.
# (latin1-labelled-utf8.html is served, wrongly, as utf-8.)
_LEGACY_ENCODED = {"harbour-notes-blog.html", "latin1-no-charset.html", "russian-windows-1251.html"}
BIG_BYTES = 300_000
# Bytes that are text in no encoding (random, and none of them ASCII), in a page.
_JUNK = bytes(b | 0x80 for b in random.Random(1).randbytes(3000))
_NOT_TEXT_PAGE = b"<html><body><p>" + _JUNK + b"</p></body></html>"
PHISHING_REASON = '<a href="https://evil.example/verify">re-verify your admin rights</a>'
# The pause between the bytes of a trickling reply.
TRICKLE_SECONDS = 0.05


class PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        # Set when the server stops: the /slow route waits on it, never on the clock.
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str]] = []  # (path, user agent)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        path = self.path.split("?")[0]
        if path.startswith("/news/"):
            name = path.removeprefix("/news/")
            page = PAGES / name
            if not page.is_file():
                return self._send(404, b"<h1>Not found</h1>", "text/html")
            content_type = "text/html" if name in _LEGACY_ENCODED else "text/html; charset=utf-8"
            return self._send(200, page.read_bytes(), content_type)
        route = _ROUTES.get(path)
        if route is None:
            return self._send(404, b"<h1>Not found</h1>", "text/html")
        route(self)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, status: int, reason: str) -> None:
        """An error status with a reason phrase of the server's choosing."""
        self.send_response(status, reason)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def redirect(self, location: str) -> None:
        self._send(302, b"", "text/html", {"Location": location})

    def stream_without_length(self, total: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"filler text " * 800 + b"</p>\n"
        sent = 0
        try:
            self.wfile.write(b"<html><body>")
            while sent < total:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading, as it should

    def slow(self) -> None:
        self.server.stopping.wait(30)

    def trickle(self, head: bytes, body: bytes) -> None:
        """Sends ``head`` at once, then ``body`` a byte every 50 ms, forever (a byte at a time
        never trips a per-read timeout), until the client hangs up or the server stops."""
        try:
            self.wfile.write(head)
            self.wfile.flush()
            while True:
                for byte in body:
                    if self.server.stopping.wait(TRICKLE_SECONDS):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
        except OSError:
            pass  # the client hung up, as it should


_NAV_ONLY = b"""<!doctype html><html><head><title>Sections</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<ul><li><a href="/a">Storm warning issued</a></li><li><a href="/b">Rovers win derby</a></li></ul>
<footer>&copy; 2025 Example News</footer></body></html>"""

_ROUTES = {
    "/moved": lambda h: h.redirect("/news/coastal-herald-ferry.html"),
    "/loop-a": lambda h: h.redirect("/loop-b"),
    "/loop-b": lambda h: h.redirect("/loop-a"),
    "/to-ftp": lambda h: h.redirect("ftp://127.0.0.1/file.html"),
    "/gone": lambda h: h._send(410, b"gone", "text/plain"),
    "/json": lambda h: h._send(200, b'{"title": "not a page"}', "application/json"),
    "/image": lambda h: h._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "image/png"),
    "/binary-as-html": lambda h: h._send(200, b"\x00\x01\x02\x03" * 500, "text/html"),
    # What a hostile server may put where the bot quotes it back: markup in a reason phrase,
    # markup in a content type.
    "/phishing-reason": lambda h: h.refuse(403, PHISHING_REASON),
    "/marked-up-type": lambda h: h._send(200, b"%PDF-1.7", "application/<b>pdf</b>"),
    # Bytes that are text in no encoding, served as utf-8 HTML.
    "/not-text": lambda h: h._send(200, _NOT_TEXT_PAGE, "text/html; charset=utf-8"),
    "/nav-only": lambda h: h._send(200, _NAV_ONLY, "text/html; charset=utf-8"),
    "/big-declared": lambda h: h._send(200, b"<html>" + b" " * BIG_BYTES + b"</html>", "text/html"),
    "/big-streamed": lambda h: h.stream_without_length(BIG_BYTES),
    "/slow": lambda h: h.slow(),
    # Headers that never end: "X-Wait: ....", a byte at a time.
    "/trickle-headers": lambda h: h.trickle(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Wait: ", b"."),
    # Headers at once, then a body that never ends.
    "/trickle-body": lambda h: h.trickle(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body><p>", b"word "
    ),
}


@contextmanager
def serving() -> Iterator[PageServer]:
    """A running page server on 127.0.0.1, stopped at the end."""
    server = PageServer()
    thread = threading.Thread(target=server.serve_forever, name="page-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
