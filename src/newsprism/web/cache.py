"""A small cache of whole GET responses (pages, twins, list endpoints) that is exact, never stale.

Every entry is tagged with the database's change counter when it was made; an entry made before the latest commit
is never served. On SQLite the counter is ``PRAGMA data_version`` read on a connection of its own that never
writes: it changes whenever any other connection, in any process (a ``newsprism run`` beside the server included),
commits. Stores without such a counter (PostgreSQL) are not cached.
"""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from urllib.parse import unquote, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 512
MAX_BODY = 1_000_000
SKIP_PREFIXES = ("/api/ingest", "/api/export")


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


class ResponseCache:
    def __init__(self, app: ASGIApp, url: str):
        self.app = app
        self.version = DataVersion(url)
        self.entries: OrderedDict[str, tuple[int, Message, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(SKIP_PREFIXES) \
                or self.version.conn is None:
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        version = self.version()
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None and hit[0] == version:
                self.entries.move_to_end(key)
        if hit is not None and hit[0] == version:
            await send(hit[1])
            await send({"type": "http.response.body", "body": hit[2]})
            return
        start: dict = {}
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and size <= MAX_BODY:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
            await send(message)

        await self.app(scope, receive, capture)
        if start.get("status") == 200 and size <= MAX_BODY:
            with self.lock:
                self.entries[key] = (version, dict(start), b"".join(chunks))
                self.entries.move_to_end(key)
                while len(self.entries) > MAX_ENTRIES:
                    self.entries.popitem(last=False)
