"""The fetch policy: addresses are checked on every hop, and the User-Agent names the project."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterator

import pytest

from index.errors import FetchError, FetchTimeoutError, RedirectError, RefusedURLError
from index.ingest.fetch import USER_AGENT, FetchPolicy, address_is_allowed, fetch
from tests.page_server import PageServer, serving

LOOPBACK = FetchPolicy(timeout=2, allow_private=True)
LOOPBACK_FAST = FetchPolicy(timeout=1, allow_private=True)


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving() as server:
        yield server


def test_the_user_agent_names_the_project(pages: PageServer) -> None:
    page = fetch(pages.url("/news/coastal-herald-ferry.html"), LOOPBACK)
    assert page.media_type == "text/html" and page.charset == "utf-8"
    assert pages.requests[-1] == ("/news/coastal-herald-ferry.html", USER_AGENT)
    assert "article-qa-bot" in USER_AGENT


def test_redirects_are_followed_a_few_times(pages: PageServer) -> None:
    page = fetch(pages.url("/moved"), LOOPBACK)
    assert page.url.endswith("/news/coastal-herald-ferry.html")
    assert page.requested_url.endswith("/moved")
    with pytest.raises(RedirectError, match="redirects more than 0 times"):
        fetch(pages.url("/moved"), FetchPolicy(timeout=2, allow_private=True, max_redirects=0))


def test_every_hop_of_a_redirect_is_checked(pages: PageServer) -> None:
    """The page server redirects to a second loopback address that this check refuses."""
    port = pages.server_address[1]
    only_first = lambda address: address == ipaddress.ip_address("127.0.0.1")  # noqa: E731
    page = fetch(pages.url("/moved"), LOOPBACK, address_allowed=only_first)
    assert page.body
    with pytest.raises(RefusedURLError, match="resolves to 127.0.0.2"):
        fetch(
            f"http://second.test:{port}/moved",
            LOOPBACK,
            resolve=lambda host, port: ["127.0.0.2"],
            address_allowed=only_first,
        )


def test_a_host_with_any_refused_address_is_refused() -> None:
    # The public address comes first: a check of only the first would connect.
    with pytest.raises(RefusedURLError, match="resolves to 10.1.2.3"):
        fetch("http://mixed.test/", FetchPolicy(), resolve=lambda host, port: ["93.184.215.14", "10.1.2.3"])


@pytest.mark.parametrize(
    ("address", "allowed_by_default", "allowed_when_private_allowed"),
    [
        ("93.184.215.14", True, True),
        ("2606:4700::1111", True, True),
        ("127.0.0.1", False, True),
        ("::1", False, True),
        ("10.0.0.8", False, True),
        ("192.168.1.1", False, True),
        ("172.16.5.4", False, True),
        ("169.254.169.254", False, True),
        ("fe80::1", False, True),
        ("fd00::1", False, True),
        ("::ffff:127.0.0.1", False, True),
        ("0.0.0.0", False, False),
        ("224.0.0.1", False, False),
    ],
)
def test_address_rules(address: str, allowed_by_default: bool, allowed_when_private_allowed: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert address_is_allowed(ip, allow_private=False) is allowed_by_default
    assert address_is_allowed(ip, allow_private=True) is allowed_when_private_allowed


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "http:///path"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(RefusedURLError):
        fetch(url, FetchPolicy())


def test_a_closed_port_is_one_fetch_error(pages: PageServer) -> None:
    with serving() as other:
        url = other.url("/news/coastal-herald-ferry.html")
    with pytest.raises(FetchError, match="cannot fetch"):
        fetch(url, LOOPBACK)


def _bounded(call: Callable[[], object], bound: float) -> object:
    """What ``call`` returned or raised, or a test failure when it runs longer than ``bound``
    seconds: a generous bound, so that a fetch that never ends fails the test instead of hanging it."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    worker = threading.Thread(target=run, name="bounded-fetch", daemon=True)
    worker.start()
    worker.join(bound)
    if worker.is_alive():
        pytest.fail(f"the fetch was still running after {bound:g} s")
    return outcome[0]


@pytest.mark.parametrize("path", ["/trickle-headers", "/trickle-body"])
def test_one_deadline_covers_the_headers_and_the_body(pages: PageServer, path: str) -> None:
    """A server that sends a byte every 50 ms never trips a per-read timeout; the fetch's one
    deadline (1 s here) still ends it, with the timeout message."""
    outcome = _bounded(lambda: fetch(pages.url(path), LOOPBACK_FAST), bound=30)
    assert isinstance(outcome, FetchTimeoutError), outcome
    assert str(outcome) == f"{pages.url(path)} did not answer within 1 s"


def test_a_resolver_that_never_answers_is_cut_off_at_the_deadline() -> None:
    """Name resolution counts against the deadline too: the system resolver has no timeout of ours."""
    never = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        never.wait(60)
        return ["127.0.0.1"]

    try:
        outcome = _bounded(lambda: fetch("http://hangs.test/", LOOPBACK_FAST, resolve=hanging), bound=30)
    finally:
        never.set()
    assert isinstance(outcome, FetchTimeoutError), outcome
    assert str(outcome) == "http://hangs.test/ did not answer within 1 s"
