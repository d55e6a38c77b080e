"""The server's fast path: whole GET responses kept as bytes and answered without touching FastAPI.

The cache sits in front of the application as a pure ASGI layer (no routing, middleware, validation or templates on
a hit): a hit costs a dictionary lookup, the database's change counter and one ``send``. Each entry keeps the body,
its gzip form (made once, when it is stored), a content hash for ``ETag``/``If-None-Match`` (304), and the headers
the application gave it (the security headers among them).

It is exact, never stale: every entry is tagged with the database's change counter when it was made, and an entry
made before the latest commit is never served. On SQLite the counter is ``PRAGMA data_version`` read on a connection
of its own that never writes (a few microseconds): it changes whenever any other connection, in any process (a
``newsprism run`` beside the server included), commits. Stores without such a counter (PostgreSQL) are not cached.

Misses for the same URL that arrive together are computed once (the others wait for the first), so a burst of
clients on a cold page does not render it fifty times.

Behind the in-memory entries, a server started with pre-rendering (``web.pagestore``, ``web.prerender``) also looks
a missed URL up among the pages rendered ahead for the database's current content generation: a page rendered once,
by one process in the background after a commit, answers every worker process, after restarts too.
"""
from __future__ import annotations

import asyncio
import contextvars
import hashlib
import sqlite3
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism.web.security import HEADERS as SECURITY_HEADERS

MAX_BYTES = 64 * 1024 * 1024  # the cache's whole size (bodies and their gzip forms)
MAX_BODY = 2_000_000  # larger responses are passed through, not kept
GZIP_MIN = 1024  # smaller bodies gain nothing from compression
GZIP_LEVEL = 1  # made once per entry; level 1 costs a third of level 6 for a few more bytes
COMPRESSIBLE = (b"text/", b"application/json", b"application/javascript", b"image/svg+xml")
SKIP_PREFIXES = ("/api/ingest", "/api/export")
DROP = {b"content-length", b"content-encoding", b"etag", b"vary", b"cache-control"}
# The change counter this request was answered under, read once by the fast path; what the request reads on the way
# (``memo.ReadMemo``) is tagged with it instead of asking the database again.
current_version: contextvars.ContextVar[int | None] = contextvars.ContextVar("newsprism_data_version", default=None)


class DataVersion:
    """The SQLite change counter of the file behind a ``sqlite:///`` URL; None for anything else."""

    def __init__(self, url: str):
        self.conn = None
        self.lock = threading.Lock()
        if url.startswith("sqlite:///"):
            path = unquote(urlsplit(url).path[1:]) if url.count("/") >= 3 else ""
            if path and path != ":memory:":
                self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def __call__(self) -> int | None:
        if self.conn is None:
            return None
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def generation(self) -> int | None:
        """The persisted content generation (migration 12), or None without one."""
        if self.conn is None:
            return None
        from newsprism.web.pagestore import read_generation

        with self.lock:
            return read_generation(self.conn)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


@dataclass(slots=True)
class Entry:
    version: int
    headers: list[tuple[bytes, bytes]]  # the application's, less length, encoding and validators
    body: bytes | None  # None: kept gzipped only (a stored page), unzipped for the rare client without gzip
    gzipped: bytes | None
    etag: bytes

    @property
    def size(self) -> int:
        return len(self.body or b"") + len(self.gzipped or b"") + 200

    def plain(self) -> bytes:
        if self.body is not None:
            return self.body
        return zlib.decompress(self.gzipped or b"", 31)


def make_entry(version: int, headers: list[tuple[bytes, bytes]], body: bytes, level: int = GZIP_LEVEL) -> Entry:
    headers = [(k.lower(), v) for k, v in headers if k.lower() not in DROP]
    ctype = next((v for k, v in headers if k == b"content-type"), b"")
    gz = None
    if len(body) >= GZIP_MIN and ctype.startswith(COMPRESSIBLE):
        c = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: the gzip container
        gz = c.compress(body) + c.flush()
        if len(gz) >= len(body):
            gz = None
    # A hash of the content (not the counter), so a validator survives restarts, other worker processes and commits
    # that did not change this page.
    etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
    return Entry(version, headers, body, gz, etag)


def _header(scope: Scope, name: bytes) -> bytes:
    for k, v in scope.get("headers") or ():
        if k == name:
            return v
    return b""


def _accepts_gzip(value: bytes) -> bool:
    for part in value.lower().split(b","):
        coding, _, params = part.strip().partition(b";")
        if coding.strip() in (b"gzip", b"*"):
            q = params.strip()
            return not (q.startswith(b"q=") and q[2:].strip() in (b"0", b"0.0", b"0.00", b"0.000"))
    return False


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    if if_none_match.strip() == b"*":
        return True
    return any(t.strip().removeprefix(b"W/") == etag for t in if_none_match.split(b","))


async def serve_entry(entry: Entry, scope: Scope, send: Send) -> None:
    headers = entry.headers + [(b"etag", entry.etag), (b"vary", b"Accept-Encoding"), (b"cache-control", b"no-cache")]
    inm = _header(scope, b"if-none-match")
    if inm and _matches(inm, entry.etag):
        await send({"type": "http.response.start", "status": 304,
                    "headers": [h for h in headers if h[0] != b"content-type"]})
        await send({"type": "http.response.body", "body": b""})
        return
    if entry.gzipped is not None and _accepts_gzip(_header(scope, b"accept-encoding")):
        body = entry.gzipped
        headers.append((b"content-encoding", b"gzip"))
    else:
        body = entry.plain()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})


class FastCache:
    """Pure ASGI layer in front of ``app``: answers cached GETs from bytes, fills the cache on a miss."""

    def __init__(self, app: ASGIApp, url: str, *, max_bytes: int = MAX_BYTES,
                 version: Callable[[], int | None] | None = None, pages: Any = None):
        self.app = app
        self.version = version or DataVersion(url)
        self.pages = pages  # a pagestore.PageReader: pages rendered ahead, or None
        self.seen_generation: int | None = None
        self.enabled = self.version() is not None
        self.max_bytes = max_bytes
        self.entries: OrderedDict[bytes, Entry] = OrderedDict()
        self.size = 0
        self.seen_version: int | None = None
        self.pending: dict[bytes, asyncio.Future] = {}
        self.hits = self.misses = self.stored_hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") \
                or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        version = self.version()
        if version != self.seen_version:  # a commit since: every entry is stale, free them now
            self.entries.clear()
            self.size = 0
            self.seen_version = version
            # Read after the change counter: the generation is at least as new as the commit it reported.
            self.seen_generation = self.version.generation() if self.pages is not None else None
        key = (scope.get("raw_path") or scope["path"].encode()) + b"?" + scope.get("query_string", b"")
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            self.hits += 1
            await serve_entry(entry, scope, send)
            return
        if self.seen_generation is not None:
            stored = self.pages.get(key, self.seen_generation)
            if stored is not None:
                headers, body, gz, etag = stored
                entry = Entry(version, headers, body, gz, etag)
                self.stored_hits += 1
                self._keep(key, entry)
                await serve_entry(entry, scope, send)
                return
        self.misses += 1
        waiting = self.pending.get(key)
        if waiting is not None:
            entry = await asyncio.shield(waiting)
            if entry is not None and entry.version == version:
                await serve_entry(entry, scope, send)
                return
        await self._fill(key, version, scope, receive, send)

    async def _fill(self, key: bytes, version: int, scope: Scope, receive: Receive, send: Send) -> None:
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pending[key] = future
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        passthrough = False  # streamed, too big or not a 200: sent on as the application sends it
        entry = None

        async def capture(message: Message) -> None:
            nonlocal passthrough
            if message["type"] == "http.response.start":
                start.update(message)
                passthrough = message["status"] != 200
                if passthrough:
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if passthrough:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if sum(map(len, chunks)) > MAX_BODY:
                passthrough = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                chunks.clear()
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})

        token = current_version.set(version)
        try:
            # HEAD is answered as GET without the body (the routes are declared for GET only).
            await self.app({**scope, "method": "GET"} if scope["method"] == "HEAD" else scope, receive, capture)
            if start and not passthrough:
                entry = make_entry(version, list(start.get("headers", [])), b"".join(chunks))
        finally:
            current_version.reset(token)
            self.pending.pop(key, None)
            future.set_result(entry)
        if entry is None:
            return
        if version == self.seen_version:
            self._keep(key, entry)
        await serve_entry(entry, scope, send)

    def _keep(self, key: bytes, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, gone = self.entries.popitem(last=False)
            self.size -= gone.size


__all__ = ["DataVersion", "FastCache", "SECURITY_HEADERS", "make_entry", "serve_entry"]
