"""FastAPI application: read endpoints for stories, articles and search; a token-guarded ingest endpoint.

Bound to 127.0.0.1 by default (``newsprism serve``). Writes need ``Authorization: Bearer <token>``; with no token
configured, writing is switched off rather than left open.
"""
from __future__ import annotations

import asyncio
import base64
import hmac
import io
import time
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from starlette.concurrency import run_in_threadpool

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from pydantic import BaseModel, Field

from newsprism import __version__
from newsprism.api.payloads import story_detail
from newsprism.api.queue import IngestQueue, IngestWorker
from newsprism.report.registry import Registry
from newsprism.store import Store
from newsprism.web.cache import DataVersion, FastCache
from newsprism.web.memo import ReadMemo
from newsprism.web.pages import json_response

MAX_INGEST_ARTICLES = 1000
RENDER_THREADS = 8


class IngestArticle(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    text: str | None = Field(default=None, max_length=2_000_000)
    html: str | None = Field(default=None, max_length=10_000_000)
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None


class IngestRequest(BaseModel):
    articles: list[IngestArticle] = Field(min_length=1, max_length=MAX_INGEST_ARTICLES)


def _encode_cursor(offset: int) -> str:
    # An opaque token today holding the offset, so clients never build it themselves and it can change later.
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        if kind != "o" or not value.isdigit():
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(422, "invalid cursor") from exc


@asynccontextmanager
async def _lifespan(app: FastAPI):
    # Page renders hold the GIL: a few threads keep every core busy, forty only take turns (and make a cached answer
    # on the event loop wait for them).
    to_thread.current_default_thread_limiter().total_tokens = RENDER_THREADS
    worker = getattr(app.state, "ingest_worker", None)
    if worker is not None:
        worker.start()  # jobs queued before a restart (or by another server process) are picked up
    renderer = None
    if getattr(app.state, "prerender", None):
        from newsprism.web.prerender import spawn

        renderer = spawn(*app.state.prerender)
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
        if renderer is not None:
            renderer.terminate()
            renderer.wait(10)


class NewsprismAPI(FastAPI):
    """FastAPI behind the fast path: a cached GET is answered from bytes before routing and middleware run."""

    fast: FastCache | None = None

    async def __call__(self, scope, receive, send) -> None:
        if self.fast is not None:
            await self.fast(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _inner(self, scope, receive, send) -> None:
        await super().__call__(scope, receive, send)


def create_app(store: Store, token: str | None = None, registry: Registry | None = None, *,
               cache_mb: int = 64, prerender: bool = False) -> FastAPI:
    """The API and the web pages over ``store``; ``registry`` (the outlet registry) gives outlets' sides.
    ``cache_mb`` bounds the response cache (0: none). ``prerender`` (a SQLite file with a cache): a background
    process renders the site's pages after every commit, and the cache answers from them (``web.prerender``)."""
    # FastAPI's own /docs and /redoc load their assets from a CDN; /docs is a local page instead (web.pages).
    app = NewsprismAPI(title="newsprism", version=__version__, docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.store = store
    from newsprism.web.security import SecurityHeaders
    app.add_middleware(SecurityHeaders)
    version = DataVersion(store.url)  # exact: the database's change counter
    memo = ReadMemo(version, max_items=1024)
    app.state.prerender = None
    pages = None
    if cache_mb > 0 and prerender and version.generation() is not None:
        from newsprism.web.pagestore import PageReader, database_path, render_fingerprint

        conf = render_fingerprint(registry)
        pages = PageReader(database_path(store.url), conf)
        app.state.prerender = (database_path(store.url), conf, dict(registry or {}))
    if cache_mb > 0:
        app.fast = FastCache(app._inner, store.url, max_bytes=cache_mb * 1024 * 1024, version=version, pages=pages)

    def require_token(authorization: str | None = Header(default=None)) -> None:
        if not token:
            raise HTTPException(403, "writing is disabled: start the server with a token")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required")

    @app.get("/api/stories", summary="Stories, largest first; paged by offset/limit or the cursor in the Link "
                                     "header")
    def list_stories(limit: int = Query(50, ge=1, le=1000),
                     offset: int = Query(0, ge=0, le=10_000_000),
                     cursor: str | None = Query(None, max_length=40, description="the `next` cursor of a previous "
                                                "page (its Link header)"),
                     outlet: str | None = None, q: str | None = Query(None, max_length=500),
                     since: str | None = None, until: str | None = None,
                     sort: str = "size") -> list[dict[str, Any]]:
        if cursor:
            offset = _decode_cursor(cursor)
        page = store.story_summaries(offset=offset, limit=limit, outlet=outlet, words=q, since=since, until=until,
                                     sort=sort)
        headers = {"X-Total-Count": str(page["total"])}
        if offset + limit < page["total"]:
            headers["Link"] = f'<?cursor={_encode_cursor(offset + limit)}&limit={limit}>; rel="next"'
        return json_response([{k: r[k] for k in ("story", "title", "articles", "outlets", "first_published",
                                                 "last_published")} | {"counts": r["counts"]} for r in page["rows"]],
                             headers=headers)

    @app.get("/api/stories/{story_id}")
    def get_story(story_id: str) -> dict[str, Any]:
        s = store.get_story(story_id)
        if s is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return json_response(story_detail(s, {a.id: a for a in store.iter_articles(story=s.id)}))

    @app.get("/api/articles/{article_id}")
    def get_article(article_id: str) -> dict[str, Any]:
        a = store.get_article(article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return json_response(a.to_record())

    @app.get("/api/search")
    def search(q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=200)):
        return json_response(store.search(q, limit))

    @app.get("/api/export/{table}.{fmt}", summary="A flat table (articles, quotes, facts, stories) as jsonl, csv "
                                                   "or parquet")
    def export_table(table: str, fmt: str):
        from fastapi.responses import StreamingResponse

        from newsprism.report import exports

        if table not in exports.TABLES or fmt not in exports.FORMATS:
            raise HTTPException(404, f"tables: {', '.join(exports.TABLES)}; formats: {', '.join(exports.FORMATS)}")
        name = f"newsprism-{table}.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "parquet":
            buf = io.BytesIO()
            exports.write(exports.rows(store, table), table, fmt, buf)
            return Response(buf.getvalue(), media_type="application/vnd.apache.parquet", headers=disposition)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
        return StreamingResponse(exports.text_chunks(store, table, fmt), media_type=media, headers=disposition)

    queue = IngestQueue(store)
    worker = IngestWorker(queue, store)
    app.state.ingest_queue, app.state.ingest_worker = queue, worker

    @app.post("/api/ingest", dependencies=[Depends(require_token)], status_code=202,
              summary="Queue articles for ingest; answers 202 with the job (its status at /api/ingest/{job})")
    async def ingest(req: IngestRequest, wait: float = Query(0, ge=0, le=600, description="seconds to wait for the "
                                                               "job to end; 200 with its status if it did")):
        job = await run_in_threadpool(queue.enqueue, [a.model_dump(exclude_none=True) for a in req.articles])
        worker.wake()
        deadline = time.monotonic() + wait
        while wait and job["status"] in ("queued", "running") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)  # the worker runs the job; this request only waits for it
            job = await run_in_threadpool(queue.get, job["job"])
        status = 202 if job["status"] in ("queued", "running") else 200
        return json_response(job, status_code=status, headers={"Location": job["href"]})

    @app.get("/api/ingest/{job}", dependencies=[Depends(require_token)],
             summary="An ingest job: queued, running, done or failed; counts and errors once it ended")
    def ingest_status(job: str):
        got = queue.get(job)
        if got is None:
            raise HTTPException(404, f"no ingest job {job!r}")
        return json_response(got)

    from newsprism.web import mount_pages
    mount_pages(app, store, registry, memo=memo if cache_mb > 0 else None)
    return app


def app_from_env() -> FastAPI:
    """The app for one of several server processes (``newsprism serve --workers N``), configured from
    NEWSPRISM_DB, NEWSPRISM_TOKEN and NEWSPRISM_OUTLETS."""
    import os

    from newsprism.report.registry import load_registry
    from newsprism.store import open_store

    return create_app(open_store(os.environ.get("NEWSPRISM_DB", "newsprism.db")),
                      token=os.environ.get("NEWSPRISM_TOKEN") or None,
                      registry=load_registry(os.environ.get("NEWSPRISM_OUTLETS") or None),
                      cache_mb=int(os.environ.get("NEWSPRISM_CACHE_MB") or 64),
                      prerender=os.environ.get("NEWSPRISM_PRERENDER", "1") == "1")
