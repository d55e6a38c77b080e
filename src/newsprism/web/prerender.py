"""Pages rendered ahead, in the background, after every commit: what a publishing site does so that a reader never
waits for a first render.

``newsprism serve`` (unless ``--no-prerender``) starts one renderer process per database, at a lower CPU priority
than the server (each server process tries; a file lock lets one run). It watches the database's content generation
(``web.pagestore``); whenever it moved, it renders the site's pages for the new generation through the application
itself (the same code and bytes as an answer to a browser) and stores them in ``<database>.pages``, where every
server process finds them. A pass that sees another commit land stops and starts over on the newer data; pages
already stored for the current generation are not rendered again (a restarted renderer resumes).

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
import json
import os
import sys
import time
from typing import Any, Iterator
from urllib.parse import unquote

from newsprism.web.pagestore import PageWriter, pages_path

BATCH = 64  # pages stored per transaction; the generation is checked again between batches
IDLE_S = 0.5  # how often an idle renderer looks for a commit (a read of SQLite's change counter)
NICE = 10


def page_urls(store: Any, list_limit: int = 50) -> Iterator[str]:
    """The site's linked pages, most visited first: lists, then stories, outlets, articles, then story details."""
    from newsprism.api import views

    first = store.story_summaries(offset=0, limit=1)
    total = first["total"]
    yield "/"
    yield "/outlets"
    yield "/actors"
    for off in range(0, total, list_limit):
        yield f"/?offset={off}"
    stories: list[str] = []
    off = 0
    while off < total:
        page = store.story_summaries(offset=off, limit=500)
        if not page["rows"]:
            break
        stories += [r["story"] for r in page["rows"]]
        off += len(page["rows"])
    for sid in stories:
        yield views.story_href(sid)
        yield "/api/pages" + views.story_href(sid)
    outlets = {m.get("outlet") for m in store.article_meta().values() if m.get("outlet")}
    for o in sorted(outlets):
        yield views.outlet_href(o)
    by_story: dict[str, list[str]] = {}
    for aid, m in store.article_meta().items():
        by_story.setdefault(m.get("story") or "", []).append(aid)
    for sid in stories + sorted(set(by_story) - set(stories)):
        for aid in by_story.get(sid, []):
            yield views.article_href(aid)
    for sid in stories:
        yield views.story_href(sid) + "/facts"
        yield views.story_href(sid) + "/quotes"


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
    def __init__(self, store: Any, app: Any, writer: PageWriter, generation: Any,
                 alive: Any = lambda: True):
        self.store, self.app, self.writer = store, app, writer
        self.generation = generation  # () -> int | None: the database's content generation now
        self.alive = alive
        self.done: int | None = None

    async def run_pass(self, gen: int) -> bool:
        """Render what is missing for ``gen``; False when a commit (or the parent's end) cut the pass short."""
        from newsprism.web.cache import make_entry

        t0, c0 = time.perf_counter(), time.process_time()
        self.writer.drop_other(gen)
        have = self.writer.have(gen)
        batch: list[tuple] = []
        n = len(have)
        for url in page_urls(self.store):
            key = _key(url)
            if key in have:
                continue
            have.add(key)
            status, headers, body = await render(self.app, url)
            if status == 200:
                e = make_entry(0, headers, body, level=6)  # made once, read many times: worth a smaller body
                batch.append((key, e.headers, None if e.gzipped is not None else e.body, e.gzipped, e.etag))
                n += 1
            if len(batch) >= BATCH:
                if self.generation() != gen or not self.alive():
                    return False  # what was rendered may mix two generations: stored under the old one, never served
                self.writer.put(gen, batch)
                batch.clear()
        if self.generation() != gen:
            return False
        self.writer.put(gen, batch)
        self.writer.finished(gen, n, time.perf_counter() - t0, time.process_time() - c0, time.time())
        self.done = gen
        return True

    async def loop(self) -> None:
        while self.alive():
            gen = self.generation()
            if gen is not None and gen != self.done:
                await self.run_pass(gen)
                continue
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
        asyncio.run(Renderer(store, app._inner, writer, version.generation, alive).loop())
    finally:
        writer.close()
        version.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
