"""The Fetcher's politeness, limits, retries and robots.txt, against a local server or a mock transport."""
from __future__ import annotations

import email.utils
import gzip
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from newsprism.ingest.fetch import RETRY_AFTER_CAP, FetchError, Fetcher, is_public_address, parse_retry_after


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


def _internal_server(port: int, hits: list[str]):
    """A server on 127.0.0.2 at ``port``: what a rebinding DNS answer would point the fetcher at."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = b"internal secrets"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.2", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_dns_rebinding_cannot_move_a_checked_connection(server):
    # The name answers an allowed address first and a refused one after: the connection goes to the address that
    # was checked, with the name kept in the Host header, and the resolver is asked once for that connection.
    server.add("/feed", "public feed")
    port = int(server.base.rsplit(":", 1)[1])
    internal_hits: list[str] = []
    internal = _internal_server(port, internal_hits)
    answers = iter([["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"]])
    asked: list[str] = []

    def resolver(host):
        asked.append(host)
        return next(answers)

    f = Fetcher(resolver=resolver, address_allowed=lambda a: a == "127.0.0.1", delay=0, retries=0,
                respect_robots=False)
    try:
        got = f.get(f"http://feeds.test:{port}/feed")
        assert got.content == b"public feed"
        assert asked == ["feeds.test"] and internal_hits == []
        assert server.requests[-1][1]["Host"] == f"feeds.test:{port}"
        # a new connection resolves again; the refused answer is refused, and nothing reaches the internal server
        f2 = Fetcher(resolver=resolver, address_allowed=lambda a: a == "127.0.0.1", delay=0, retries=0,
                     respect_robots=False)
        with pytest.raises(FetchError, match=r"feeds\.test.*refused.*127\.0\.0\.2"):
            f2.get(f"http://feeds.test:{port}/feed")
        f2.close()
        assert internal_hits == []
    finally:
        f.close()
        internal.shutdown()
        internal.server_close()


def test_an_address_literal_is_checked_before_any_request(server):
    f = Fetcher(delay=0, retries=0)
    with pytest.raises(FetchError, match="refused"):
        f.get(server.url("/anything"))
    f.close()
    assert server.requests == []


def test_retry_after_seconds_and_http_dates():
    now = datetime(2025, 9, 15, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7", now=now) == 7.0
    assert parse_retry_after("Mon, 15 Sep 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 15 Sep 2025 11:00:00 GMT", now=now) == 0.0  # in the past: go now
    assert parse_retry_after("Tue, 16 Sep 2025 12:00:00 GMT", now=now) == RETRY_AFTER_CAP  # a day: capped
    assert parse_retry_after("Tue, 16 Sep 2025 12:00:00 GMT", now=now, cap=None) == 86400.0
    assert parse_retry_after("soon", now=now) is None and parse_retry_after(None) is None


def test_retry_after_date_sets_the_wait(server):
    when = email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
    u = server.add("/busy", b"", status=503, headers={"Retry-After": when})
    waits: list[float] = []
    f = Fetcher(allow_private=True, delay=0, retries=1, backoff=0.5, sleep=waits.append, respect_robots=False)
    with pytest.raises(FetchError, match="HTTP 503") as exc:
        f.get(u)
    assert len(waits) == 1 and 15 <= waits[0] <= 20
    assert exc.value.status == 503 and 15 <= exc.value.retry_after <= 20


def test_pinned_https_keeps_the_name_for_sni_and_the_certificate(tmp_path, monkeypatch):
    # The connection goes to the checked address, but TLS still names the host: the server sees the name as SNI and
    # the certificate is verified for the name (a certificate for another name would fail).
    import shutil
    import ssl
    import subprocess
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not shutil.which("openssl"):
        pytest.skip("no openssl to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=feeds.test", "-addext", "subjectAltName=DNS:feeds.test"],
                   check=True, capture_output=True)
    names: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):  # noqa: N802
            body = b"over tls"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, c: names.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    f = Fetcher(resolver=lambda h: ["127.0.0.1"], address_allowed=lambda a: a == "127.0.0.1", delay=0, retries=0,
                respect_robots=False)
    try:
        assert f.get(f"https://feeds.test:{port}/x").content == b"over tls"
        assert names == ["feeds.test"]
        other = Fetcher(resolver=lambda h: ["127.0.0.1"], address_allowed=lambda a: a == "127.0.0.1", delay=0,
                        retries=0, respect_robots=False)
        with pytest.raises(FetchError, match="connection failed.*[Cc]ertificate"):
            other.get(f"https://wrong.test:{port}/x")  # same address, a name the certificate is not for
        other.close()
    finally:
        f.close()
        httpd.shutdown()
        httpd.server_close()
