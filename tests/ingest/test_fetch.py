"""The Fetcher's politeness, limits, retries and robots.txt, against a local server or a mock transport."""
from __future__ import annotations

import gzip

import httpx
import pytest

from newsprism.ingest.fetch import FetchError, Fetcher, is_public_address


def test_user_agent_and_robots(server, fetcher):
    server.add("/robots.txt", "User-agent: newsprism\nDisallow: /private/\n")
    ok = server.add("/public", "hello", headers={"Content-Type": "text/plain"})
    no = server.add("/private/x", "secret")
    assert fetcher.get(ok).content == b"hello"
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher.get(no)
    assert all("newsprism" in h.get("User-Agent", "") for _, h in server.requests)
    assert [p for p, _ in server.requests].count("/robots.txt") == 1  # cached per host


def test_max_body_size(server):
    u = server.add("/big", b"x" * 5000)
    f = Fetcher(allow_private=True, delay=0, retries=0, max_bytes=1000)
    with pytest.raises(FetchError, match="exceeds"):
        f.get(u)


def test_gzip_bomb_over_http(server):
    bomb = gzip.compress(b"\0" * 5_000_000)
    u = server.add("/bomb", bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    f = Fetcher(allow_private=True, delay=0, retries=0, max_bytes=1_000_000)
    with pytest.raises(FetchError, match="gzip bomb"):
        f.get(u)
    ok = server.add("/small", gzip.compress(b"<p>fine</p>"), headers={"Content-Encoding": "gzip"})
    assert f.get(ok).content == b"<p>fine</p>"


def test_mock_transport_bodies_are_bounded_too():
    def handler(request):
        return httpx.Response(404 if request.url.path == "/robots.txt" else 200, content=b"x" * 5000)

    f = Fetcher(transport=httpx.MockTransport(handler), allow_private=True, delay=0, retries=0, max_bytes=1000)
    with pytest.raises(FetchError, match="limit"):
        f.get("https://news.example/big")


def test_retries_with_backoff(server):
    u = server.add("/flaky", "ok now", fail_first=2)
    waits: list[float] = []
    f = Fetcher(allow_private=True, delay=0, retries=2, backoff=0.5, sleep=waits.append)
    assert f.get(u).content == b"ok now"
    assert waits == [0.5, 1.0]


def test_per_host_politeness_delay(server):
    u = server.add("/p", "x")
    waits: list[float] = []
    f = Fetcher(allow_private=True, delay=2.0, retries=0, sleep=waits.append, respect_robots=False)
    f.get(u)
    f.get(u)
    assert len(waits) == 1 and 1.5 < waits[0] <= 2.0


def test_redirects_followed_within_limit(server, fetcher):
    final = server.add("/final", "arrived")
    server.add("/hop", b"", status=302, headers={"Location": "/final"})
    got = fetcher.get(server.url("/hop"))
    assert got.content == b"arrived" and got.url == final
    server.add("/loop", b"", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirects"):
        fetcher.get(server.url("/loop"))


def test_public_address_check():
    assert is_public_address("93.184.216.34")
    for a in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.1.1", "::1", "fe80::1", "fc00::1",
              "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0"):
        assert not is_public_address(a), a
