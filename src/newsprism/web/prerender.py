"""Pages rendered ahead, in the background, after every commit: what a publishing site does so that a reader never
waits for a first render.

``newsprism serve`` (unless ``--no-prerender``) starts one renderer process per database, at a lower CPU priority
than the server (each server process tries; a file lock lets one run). It watches the database's content generation
(``web.pagestore``); whenever it moved, it renders the site's pages for the new generation through the application
itself (the same code and bytes as an answer to a browser) and stores them in ``<database>.pages``, where every
server process finds them. A pass that sees another commit land stops and starts over on the newer data; pages
already stored for the current generation are not rendered again (a restarted renderer resumes), and a page whose
rows did not change since its render (``Snapshot``) is carried over to the new generation without a render: a
commit that touched one story re-renders that story's pages, its articles', its outlets' and the lists.

Which pages: the story list and its pages, the outlet and actor lists, every story's page, JSON twin, fact matrix
and quotes, every outlet's page and every article's page: the pages a reader reaches by following links from ``/``
without a form. Pages with a query (search, filters, other page sizes) and actor pages are rendered on request, as
before, and kept in memory.

    python -m newsprism.web.prerender DATABASE --conf FINGERPRINT [--parent PID]   (registry JSON on stdin)
"""
from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections import defaultdict
from typing import Any, Iterator
from urllib.parse import unquote

from newsprism.web.pagestore import PageWriter, pages_path, read_generation

BATCH = 64  # pages stored per transaction; the generation is checked again between batches
IDLE_S = 0.5  # how often an idle renderer looks for a commit (a read of its content generation)
RETRY_S = 10  # after a pass failed (the database unreadable for a moment, say)
NICE = 10


class Snapshot:
    """The database as one read transaction sees it: its content generation and a digest of every article and story
    row (all columns, the record included), from which each page's *dependency digest* is made. A page whose
    digest did not change since it was rendered reads exactly the same rows, so its bytes are the same: it is
    carried over to the new generation instead of rendered again, and a commit costs what it touched."""

    def __init__(self, db_path: str):
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            conn.execute("BEGIN")  # the digests and the generation of one and the same state
            self.gen = read_generation(conn)
            self.article: dict[str, bytes] = {}
            self.article_story: dict[str, str | None] = {}
            self.article_stories: dict[str, set[str]] = defaultdict(set)  # every story a version of it names
            self.outlet_articles: dict[str, list[str]] = defaultdict(list)
            cur = conn.execute("SELECT id, outlet, story, json_extract(record, '$.story'), * FROM articles "
                               "ORDER BY id, content_hash")
            for aid, outlet, story, rec_story, *row in cur:
                # every stored version of an id counts (the page shows one of them)
                self.article[aid] = _digest(self.article.get(aid, b""), repr(row))
                self.article_story[aid] = story
                self.article_stories[aid] |= {str(x) for x in (story, rec_story) if x}
                if outlet:
                    self.outlet_articles[outlet].append(aid)
            self.story: dict[str, bytes] = {}
            self.members: dict[str, list[str]] = {}
            self.story_order: list[str] = []
            cur = conn.execute("SELECT id, json_extract(record, '$.articles'), * FROM stories "
                               "ORDER BY n_articles DESC, id")
            for sid, members, *row in cur:
                self.story[sid] = _digest(b"", repr(row))
                try:
                    self.members[sid] = [str(m) for m in json.loads(members or "[]")]
                except (ValueError, TypeError):
                    self.members[sid] = []
                self.story_order.append(sid)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def pages(self, list_limit: int = 50) -> Iterator[tuple[str, bytes | None]]:
        """(URL, dependency digest) of the site's linked pages, most visited first: lists, stories, outlets,
        articles, then story details. Lists depend on everything (None: always rendered)."""
        from newsprism.api import views

        for url in ("/", "/outlets", "/actors"):
            yield url, None
        for off in range(0, len(self.story_order), list_limit):
            yield f"/?offset={off}", None
        story_deps = {sid: self._story_deps(sid) for sid in self.story_order}
        for sid in self.story_order:
            yield views.story_href(sid), story_deps[sid]
            yield "/api/pages" + views.story_href(sid), story_deps[sid]
        for outlet in sorted(self.outlet_articles):
            arts = self.outlet_articles[outlet]
            stories = sorted({x for a in arts for x in self.article_stories[a]})
            yield views.outlet_href(outlet), _digest(b"outlet", *(self.article[a] for a in arts),
                                                     *(self.story.get(s, b"-") for s in stories))
        by_story: dict[str | None, list[str]] = defaultdict(list)
        for aid, sid in self.article_story.items():
            by_story[sid].append(aid)
        for sid in self.story_order + sorted({s for s in by_story if s not in self.story}, key=str):
            for aid in by_story.get(sid, []):
                yield views.article_href(aid), _digest(b"article", self.article[aid],
                                                       *(self.story.get(x, b"-") for x in
                                                         sorted(self.article_stories[aid])))
        for sid in self.story_order:
            yield views.story_href(sid) + "/facts", story_deps[sid]
            yield views.story_href(sid) + "/quotes", story_deps[sid]

    def _story_deps(self, sid: str) -> bytes:
        return _digest(b"story", self.story[sid], *(self.article.get(m, b"-") for m in self.members[sid]))


def _digest(prefix: bytes, *parts: bytes | str) -> bytes:
    h = hashlib.blake2b(prefix, digest_size=16)
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.digest()


def page_urls(db_path: str) -> list[str]:
    return [url for url, _ in Snapshot(db_path).pages()]


def _key(url: str) -> bytes:
    path, _, query = url.partition("?")
    return path.encode() + b"?" + query.encode()


async def render(app: Any, url: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """One GET through the application (below the response cache): status, headers, body."""
    raw, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(raw), "raw_path": raw.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"localhost")], "server": ("localhost", 80), "client": ("127.0.0.1", 0)}
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return start.get("status", 500), list(start.get("headers", [])), b"".join(chunks)


class Renderer:
    def __init__(self, db_path: str, app: Any, writer: PageWriter, generation: Any,
                 alive: Any = lambda: True):
        self.db_path, self.app, self.writer = db_path, app, writer
        self.generation = generation  # () -> int | None: the database's content generation now
        self.alive = alive
        self.done: int | None = None
        self.last: dict[str, Any] = {}

    async def run_pass(self) -> bool:
        """Bring the stored pages to the database's current generation; False when a commit (or the parent's end)
        cut the pass short."""
        from newsprism.web.cache import make_entry

        t0, c0 = time.perf_counter(), time.process_time()
        snap = Snapshot(self.db_path)
        gen = snap.gen
        if gen is None:
            return False
        stored = self.writer.stored()
        batch: list[tuple] = []
        carried: list[bytes] = []
        rendered = kept = 0
        for url, deps in snap.pages():
            key = _key(url)
            old = stored.pop(key, None)
            if old is not None and (old[0] == gen or (deps is not None and old[1] == deps)):
                if old[0] != gen:
                    carried.append(key)
                kept += 1
                continue
            try:
                status, headers, body = await render(self.app, url)
            except Exception:  # noqa: BLE001 - a page that fails is rendered on request (and fails there) instead
                status, headers, body = 500, [], b""
            rendered += 1
            if status == 200:
                e = make_entry(0, headers, body, level=6)  # made once, read many times: worth a smaller body
                batch.append((key, e.headers, None if e.gzipped is not None else e.body, e.gzipped, e.etag, deps))
            if len(batch) >= BATCH or len(carried) >= 16 * BATCH:
                if self.generation() != gen or not self.alive():
                    return False  # what was rendered may hold a newer commit: not stored under this generation
                self.writer.put(gen, batch, carried)
                batch.clear()
                carried.clear()
        if self.generation() != gen:
            return False
        self.writer.put(gen, batch, carried)
        self.writer.drop_other(gen)  # pages no longer linked (a story merged away, say)
        self.writer.finished(gen, rendered + kept, rendered, time.perf_counter() - t0, time.process_time() - c0,
                             time.time())
        self.done = gen
        self.last = {"gen": gen, "rendered": rendered, "kept": kept}
        return True

    async def loop(self) -> None:
        while self.alive():
            try:
                gen = self.generation()
                if gen is not None and gen != self.done:
                    await self.run_pass()
                    continue
            except Exception as exc:  # noqa: BLE001 - the server goes on rendering on request; try again later
                print(f"newsprism prerender: {exc!r}; trying again in {RETRY_S:.0f} s", file=sys.stderr)
                await asyncio.sleep(RETRY_S)
            await asyncio.sleep(IDLE_S)


def spawn(db_path: str, conf: str, registry: dict | None) -> Any:
    """Start the renderer for ``db_path`` beside this server process (it exits at once if another one runs, and
    when this process ends)."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "newsprism.web.prerender", db_path, "--conf", conf,
                             "--parent", str(os.getpid())], stdin=subprocess.PIPE)
    try:
        proc.stdin.write(json.dumps(registry or {}).encode())
        proc.stdin.close()
    except OSError:
        pass
    return proc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Render a newsprism site's pages ahead of readers")
    ap.add_argument("db")
    ap.add_argument("--conf", required=True, help="the server's render fingerprint")
    ap.add_argument("--parent", type=int, default=0, help="exit when this process ends")
    args = ap.parse_args(argv)
    registry_rows = json.loads(sys.stdin.read() or "{}")
    lock = open(pages_path(args.db) + ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another server process's renderer has it
    try:
        os.nice(NICE)  # readers first: rendering ahead only uses what the server leaves
    except OSError:
        pass

    from newsprism.api import create_app
    from newsprism.report.registry import Registry
    from newsprism.store import open_store
    from newsprism.web.cache import DataVersion

    store = open_store(args.db)
    app = create_app(store, registry=Registry(registry_rows))
    version = DataVersion(store.url)
    writer = PageWriter(args.db, args.conf)

    def alive() -> bool:
        return not args.parent or os.getppid() == args.parent

    try:
        asyncio.run(Renderer(args.db, app._inner, writer, version.generation, alive).loop())
    finally:
        writer.close()
        version.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
