"""FastAPI application: read endpoints for stories, articles and search; a token-guarded ingest endpoint.

Bound to 127.0.0.1 by default (``newsprism serve``). Writes need ``Authorization: Bearer <token>``; with no token
configured, writing is switched off rather than left open.
"""
from __future__ import annotations

import hmac
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from pydantic import BaseModel, Field

from newsprism import __version__
from newsprism.api.payloads import article_summary, story_detail, story_summary
from newsprism.store import Store

MAX_INGEST_ARTICLES = 1000


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


def create_app(store: Store, token: str | None = None) -> FastAPI:
    app = FastAPI(title="newsprism", version=__version__)
    app.state.store = store

    def require_token(authorization: str | None = Header(default=None)) -> None:
        if not token:
            raise HTTPException(403, "writing is disabled: start the server with a token")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required")

    @app.get("/api/stories")
    def list_stories(limit: int = Query(50, ge=1, le=1000)) -> list[dict[str, Any]]:
        rows = []
        for s in store.iter_stories():
            rows.append(story_summary(s))
            if len(rows) >= limit:
                break
        return rows

    @app.get("/api/stories/{story_id}")
    def get_story(story_id: str) -> dict[str, Any]:
        s = store.get_story(story_id)
        if s is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return story_detail(s, {a.id: a for a in store.iter_articles(story=s.id)})

    @app.get("/api/articles/{article_id}")
    def get_article(article_id: str) -> dict[str, Any]:
        a = store.get_article(article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return a.to_record()

    @app.get("/api/search")
    def search(q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=200)):
        return store.search(q, limit)

    @app.post("/api/ingest", dependencies=[Depends(require_token)])
    def ingest(req: IngestRequest) -> dict[str, Any]:
        from newsprism.jobs import run_job
        import json

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "posted.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for a in req.articles:
                    fh.write(json.dumps(a.model_dump(exclude_none=True)) + "\n")
            result = run_job([str(path)], store)
        return {"articles": [article_summary(a) for a in result.articles],
                "stories": [story_summary(s) for s in result.stories], "new": result.new,
                "failed": len(result.failed)}

    from newsprism.web import mount_pages
    mount_pages(app, store)
    return app
