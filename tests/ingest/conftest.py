"""A local HTTP server on 127.0.0.1 whose routes a test sets, and a Fetcher that talks to it without delays."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsprism.ingest.fetch import Fetcher


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fail_first: int = 0  # answer 503 this many times first


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", status: int = 200, **kw) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body, status, **kw)
        return self.url(path)


@pytest.fixture
def server() -> Iterator[Server]:
    routes: dict[str, Route] = {}
    requests: list[tuple[str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):  # keep test output quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            requests.append((self.path, dict(self.headers)))
            r = routes.get(self.path)
            if r is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if r.delay:
                time.sleep(r.delay)
            if r.fail_first > 0:
                r.fail_first -= 1
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = r.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(r.status)
            for k, v in r.headers.items():
                self.send_header(k, v)
            if "Content-Length" not in r.headers:
                self.send_header("Content-Length", str(len(r.body)))
            self.end_headers()
            try:
                self.wfile.write(r.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes, requests)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(allow_private=True, delay=0.0, retries=0, backoff=0.0, timeout=5.0)
    yield f
    f.close()


@pytest.fixture(scope="session")
def article_html() -> str:
    return (Path(__file__).parents[1] / "fixtures" / "article.html").read_text(encoding="utf-8")
