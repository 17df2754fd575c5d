"""Fetching one web page, politely and within bounds.

The policy is explicit (``FetchPolicy``): a timeout, a size limit that is
enforced while the body streams in, a User-Agent naming the project, a few
redirects at most, ``http``/``https`` only, and no private, loopback or
link-local addresses unless the policy allows them.

Addresses are checked where the connection is made: the network backend
resolves the host itself, refuses it if *any* of its addresses is refused, and
connects to a checked address. So every hop of a redirect chain is checked,
and a host cannot resolve to a public address for a check and to a private
one for the connection.

The timeout is one deadline for the whole fetch, every hop included: name
resolution, connecting, the TLS handshake, each read of the headers and of
the body, each write. A per-read timeout alone lets a server that sends a byte
every few seconds hold a fetch for hours; here every socket operation is given
only what is left of the deadline, and none is started once it has passed.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import httpcore
import httpx

from index.errors import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    RedirectError,
    RefusedURLError,
    TooLargeError,
)

USER_AGENT = "article-qa-bot/0.1 (fetches one news article at an operator's request)"
DEFAULT_TIMEOUT_SECONDS = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

# host, port -> the host's IP addresses as strings
Resolver = Callable[[str, int], list[str]]
# an IP address -> whether we may connect to it
AddressCheck = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


@dataclass(frozen=True)
class FetchPolicy:
    """How far a fetch may go: every bound is explicit."""

    # Seconds for the whole fetch: resolving, connecting, headers and body of every hop.
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    user_agent: str = USER_AGENT
    # Private, loopback and link-local addresses (tests, intranets).
    allow_private: bool = False


@dataclass(frozen=True)
class FetchedPage:
    """A page's bytes and what the server said about them."""

    requested_url: str
    url: str  # after redirects
    media_type: str  # e.g. "text/html", lower case, "" when the server sent none
    charset: str | None
    body: bytes


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    resolve: Resolver | None = None,
    address_allowed: AddressCheck | None = None,
) -> FetchedPage:
    """GET ``url`` under ``policy``, following redirects; raise a ``FetchError`` subclass on failure.

    ``resolve`` and ``address_allowed`` replace DNS and the address rule (tests).
    """
    allowed = address_allowed or (lambda address: address_is_allowed(address, policy.allow_private))
    deadline = time.monotonic() + policy.timeout
    backend = _CheckedBackend(resolve or _resolve, allowed, deadline)
    current = _parse(url)
    seen = {str(current)}
    with httpcore.ConnectionPool(network_backend=backend, retries=0) as pool:
        for _ in range(policy.max_redirects + 1):
            target = _request(pool, current, policy, deadline)
            if isinstance(target, FetchedPage):
                return FetchedPage(url, target.url, target.media_type, target.charset, target.body)
            if str(target) in seen:
                raise RedirectError(f"{url} redirects in a loop (back to {target})")
            seen.add(str(target))
            current = target
    raise RedirectError(f"{url} redirects more than {policy.max_redirects} times")


def address_is_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_private: bool) -> bool:
    """Whether a fetch may connect to ``address``: public ones always, private,
    loopback and link-local ones only when allowed, unspecified and multicast never."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified or address.is_multicast:
        return False
    return address.is_global or allow_private


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as error:
        raise RefusedURLError(f"{url} is not a valid URL ({error})") from None
    return _checked_scheme(parsed, url)


def _checked_scheme(parsed: httpx.URL, original: str) -> httpx.URL:
    if parsed.scheme not in ("http", "https"):
        raise RefusedURLError(f"{original}: only http and https URLs can be fetched, not {parsed.scheme or 'none'}")
    if not parsed.host:
        raise RefusedURLError(f"{original} has no host name")
    return parsed.copy_with(fragment=None)


def _request(
    pool: httpcore.ConnectionPool, url: httpx.URL, policy: FetchPolicy, deadline: float
) -> FetchedPage | httpx.URL:
    """One GET: the page, or where a redirect points."""
    remaining = max(deadline - time.monotonic(), 0.001)
    timeout = min(policy.timeout, remaining)
    headers = [
        (b"User-Agent", policy.user_agent.encode()),
        (b"Accept", b"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"),
        (b"Accept-Encoding", b"gzip, deflate"),
    ]
    origin = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
    try:
        with pool.stream(
            "GET",
            origin,
            headers=headers,
            extensions={"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}},
        ) as response:
            fields = _header_fields(response.headers)
            if response.status in _REDIRECT_STATUSES:
                return _redirect_target(url, fields)
            if response.status >= 400:
                reason = response.extensions.get("reason_phrase", b"").decode("latin-1", "replace")
                raise HTTPStatusError(f"{url} answered {response.status} {reason}".rstrip())
            body = _read_body(response.iter_stream(), fields, policy.max_bytes, deadline, str(url))
    except httpcore.TimeoutException:
        raise FetchTimeoutError(f"{url} did not answer within {policy.timeout:g} s") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise FetchError(f"cannot fetch {url}: {error or type(error).__name__}") from None
    media_type, charset = _content_type(fields.get("content-type", ""))
    return FetchedPage(str(url), str(url), media_type, charset, body)


def _header_fields(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1").strip() for name, value in headers}


def _redirect_target(url: httpx.URL, fields: dict[str, str]) -> httpx.URL:
    location = fields.get("location")
    if not location:
        raise RedirectError(f"{url} redirects without saying where to")
    try:
        target = url.join(location)
    except httpx.InvalidURL as error:
        raise RedirectError(f"{url} redirects to an invalid URL ({error})") from None
    return _checked_scheme(target, f"{url} redirects to {location}")


def _read_body(chunks: Iterable[bytes], fields: dict[str, str], max_bytes: int, deadline: float, url: str) -> bytes:
    """The body, decompressed, stopping as soon as it passes ``max_bytes`` or the deadline."""
    too_big = TooLargeError(f"{url} is larger than the {max_bytes / 1_000_000:g} MB limit")
    declared = fields.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    decoded = bytearray()
    for piece in _decoded(chunks, fields.get("content-encoding", "identity").lower(), max_bytes):
        decoded += piece
        if len(decoded) > max_bytes:
            raise too_big
        if time.monotonic() > deadline:
            raise httpcore.ReadTimeout("the download took too long")
    return bytes(decoded)


def _decoded(chunks: Iterable[bytes], encoding: str, max_bytes: int) -> Iterator[bytes]:
    if encoding in ("identity", ""):
        yield from chunks
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"the server sent the page in an encoding we do not read ({encoding})")
    # wbits 47: gzip or zlib header, detected; a bounded output per call keeps a zip bomb small.
    inflater = zlib.decompressobj(47)
    try:
        for chunk in chunks:
            data = chunk
            while data:
                yield inflater.decompress(data, max_bytes + 1)
                data = inflater.unconsumed_tail
    except zlib.error as error:
        raise FetchError(f"the page's {encoding} data is corrupt ({error})") from None


def _content_type(value: str) -> tuple[str, str | None]:
    media_type, _, parameters = value.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        key, _, found = parameter.strip().partition("=")
        if key.strip().lower() == "charset" and found.strip():
            charset = found.strip().strip("\"'")
    return media_type.strip().lower(), charset


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(f"cannot resolve {host}: {error.strerror}") from None
    return [str(info[4][0]) for info in infos]


def _left(deadline: float, timeout: float | None, expired: type[Exception]) -> float:
    """``timeout`` cut to what is left of ``deadline``; ``expired`` once nothing is.

    Never 0: a socket timeout of 0 would make the socket non-blocking, not expired."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the deadline has passed")
    return left if timeout is None else min(timeout, left)


def _resolve_before(resolve: Resolver, host: str, port: int, deadline: float) -> list[str]:
    """``resolve(host, port)``, given only until ``deadline``.

    The system resolver takes no timeout, so it runs in a daemon thread that is
    left to finish on its own when the deadline passes first."""
    outcome: list[list[str] | BaseException] = []

    def run() -> None:
        try:
            outcome.append(resolve(host, port))
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(_left(deadline, None, httpcore.ConnectTimeout))
    if not outcome:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and handshake gets only what is left of the deadline.

    Each of these is one bounded socket call (``recv``, ``sendall`` and the TLS
    handshake each take the timeout as their total), so no sequence of them
    outlasts the deadline, however slowly the server sends."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = _left(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left), self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _CheckedBackend(httpcore.SyncBackend):
    """A network backend that connects only to addresses the policy allows, before the deadline."""

    def __init__(self, resolve: Resolver, allowed: AddressCheck, deadline: float) -> None:
        self._resolve = resolve
        self._allowed = allowed
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve_before(self._resolve, host, port, self._deadline)
        if not addresses:
            raise FetchError(f"{host} has no addresses")
        for address in addresses:
            # A scope id (fe80::1%eth0) is not part of the address.
            if not self._allowed(ipaddress.ip_address(address.split("%")[0])):
                raise RefusedURLError(
                    f"{host} resolves to {address}, a private, loopback or link-local address "
                    "(set ALLOW_PRIVATE_URLS=true to allow such addresses)"
                )
        left = _left(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(addresses[0], port, left, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)
