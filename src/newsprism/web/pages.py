"""Server-rendered pages. Each page renders one payload of ``newsprism.api.views`` and names its JSON twin
(``/api/pages/<same path>``) in ``<link rel="alternate" type="application/json">``; the twin returns that payload.

All text is escaped by Jinja2's autoescape and charts are SVG drawn by templates from numbers, so article text is
never rendered as HTML. No script, no asset from outside the server (see ``security.py``).
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from newsprism.api import views
from newsprism.report.registry import Registry
from newsprism.store import Store
from newsprism.web.memo import MemoStore, ReadMemo

HELPERS = {"story_href": views.story_href, "article_href": views.article_href, "outlet_href": views.outlet_href,
           "actor_href": views.actor_href}


_DICT_ATTRS = frozenset(dir(dict))


@lru_cache(maxsize=1)
def _env():
    """One template environment for the server's life: templates compile once, and their files are not checked for
    changes on every render (``report._env()`` makes a fresh environment per call, fine for a one-off report)."""
    from jinja2 import Environment

    from newsprism.report import _env as report_env

    class PayloadEnvironment(Environment):
        """``row.title`` on a payload dict looks the key up first. Jinja tries the attribute first and the key only
        after the attribute lookup failed, which was a third of a story page's render time; for any name that is not
        a dict attribute (``items``, ``get``, ...) both orders give the same answer."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute not in _DICT_ATTRS:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    base = report_env()
    env = PayloadEnvironment(loader=base.loader, autoescape=base.autoescape, trim_blocks=base.trim_blocks,
                             lstrip_blocks=base.lstrip_blocks, undefined=base.undefined, auto_reload=False)
    env.filters.update(base.filters)
    env.globals.update(base.globals)
    env.tests.update(base.tests)
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return _env().get_template("base.css.j2").render()


def _render(template: str, request: Request, twin: str, **ctx: Any) -> HTMLResponse:

    def page_url(offset: int) -> str:
        return _relative(request, offset=offset)

    def facet_url(key: str, value: str | None) -> str:
        return _relative(request, **{key: value, "offset": None})

    html = _env().get_template(template).render(twin=twin, page_url=page_url, facet_url=facet_url, **HELPERS, **ctx)
    return HTMLResponse(html)


def json_response(payload: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON as FastAPI's JSONResponse writes it, without walking the payload through ``jsonable_encoder`` first
    (three times the cost of the encoding itself on a story's payload). Payloads are plain dicts and lists."""
    try:
        body = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):
        from fastapi.encoders import jsonable_encoder
        body = json.dumps(jsonable_encoder(payload), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body.encode(), status_code=status_code, headers=headers, media_type="application/json")


def _relative(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters replaced (None drops one)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, str(v)) for k, v in changes.items() if v is not None]
    return _raw_path(request) + ("?" + urlencode(items) if items else "")


def _raw_path(request: Request) -> str:
    # The path as sent (still percent-encoded), so names holding '/', '?' or '#' survive the round trip.
    return (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")


def _twin(request: Request) -> str:
    raw = _raw_path(request)
    return "/api/pages" + (raw if raw != "/" else "/index") + ("?" + request.url.query if request.url.query else "")


def _found(payload: Any, what: str) -> Any:
    if payload is None:
        raise HTTPException(404, f"no {what}")
    return payload


def mount_pages(app: FastAPI, store: Store, registry: Registry | None = None, memo: ReadMemo | None = None) -> None:
    """The pages and their twins. With ``memo``, parsed stories and page payloads are kept while the database does
    not change, so a page and its twin, or a story and its articles' pages, parse a story record once."""
    if memo is not None:
        store = MemoStore(store, memo)

    def kept(fn, *args: Any, **kw: Any) -> Any:
        if memo is None:
            return fn(store, *args, **kw)
        # The registry is the app's own and never changes: it is not part of the key.
        key = (fn.__name__, args,
               tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kw.items() if k != "registry")))
        return memo.get(key, lambda: fn(store, *args, **kw))

    app.add_api_route("/assets/app.css", lambda: Response(_css(), media_type="text/css"),
                      include_in_schema=False)
    api = APIRouter(prefix="/api/pages", tags=["page twins"])
    Off = Query(0, ge=0, le=10_000_000)

    # -- the story list
    def index_payload(q, outlet, since, until, sort, side, offset, limit):
        return kept(views.stories_index, q=q, outlet=outlet, since=since, until=until, sort=sort, offset=offset,
                    limit=limit, side=side or None, registry=registry)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, q: str | None = Query(None, max_length=500), outlet: str | None = None,
              since: str | None = None, until: str | None = None, sort: str = "size", side: str | None = None,
              offset: int = Off, limit: int = Query(50, ge=1, le=500)):
        p = index_payload(q, outlet, since, until, sort, side, offset, limit)
        return _render("web_index.html.j2", request, _twin(request), p=p)

    @api.get("/index", summary="The story list page's payload")
    def index_twin(q: str | None = Query(None, max_length=500), outlet: str | None = None, since: str | None = None,
                   until: str | None = None, sort: str = "size", side: str | None = None, offset: int = Off,
                   limit: int = Query(50, ge=1, le=500)):
        return json_response(index_payload(q, outlet, since, until, sort, side, offset, limit))

    # -- a story, its fact matrix and its quotes
    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, story_id: str):
        return _render("web_story.html.j2", request, _twin(request),
                       s=_found(kept(views.story_page, story_id, registry=registry), "story"))

    @api.get("/stories/{story_id}", summary="A story page's payload: the summary-first view")
    def story_twin(story_id: str):
        return json_response(_found(kept(views.story_page, story_id, registry=registry), "story"))

    @app.get("/stories/{story_id}/facts", response_class=HTMLResponse, include_in_schema=False)
    def facts(request: Request, story_id: str, outlet: list[str] = Query([]), status: str | None = None,
              offset: int = Off, limit: int = Query(50, ge=1, le=500)):
        p = kept(views.story_facts, story_id, outlets=outlet, status=status or None, offset=offset, limit=limit)
        return _render("web_facts.html.j2", request, _twin(request), p=_found(p, "story"))

    @api.get("/stories/{story_id}/facts", summary="A story's fact matrix for chosen outlets, paged")
    def facts_twin(story_id: str, outlet: list[str] = Query([]), status: str | None = None, offset: int = Off,
                   limit: int = Query(50, ge=1, le=500)):
        p = kept(views.story_facts, story_id, outlets=outlet, status=status or None, offset=offset, limit=limit)
        return json_response(_found(p, "story"))

    @app.get("/stories/{story_id}/quotes", response_class=HTMLResponse, include_in_schema=False)
    def quotes(request: Request, story_id: str, speaker: str | None = None, side: str | None = None,
               outlet: str | None = None, offset: int = Off, limit: int = Query(50, ge=1, le=500)):
        p = kept(views.story_quotes, story_id, speaker=speaker or None, side=side or None, outlet=outlet or None,
                 offset=offset, limit=limit)
        return _render("web_quotes.html.j2", request, _twin(request), p=_found(p, "story"))

    @api.get("/stories/{story_id}/quotes", summary="A story's quotes, filtered by speaker, side, outlet; paged")
    def quotes_twin(story_id: str, speaker: str | None = None, side: str | None = None, outlet: str | None = None,
                    offset: int = Off, limit: int = Query(50, ge=1, le=500)):
        p = kept(views.story_quotes, story_id, speaker=speaker or None, side=side or None, outlet=outlet or None,
                 offset=offset, limit=limit)
        return json_response(_found(p, "story"))

    # -- an article
    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str, hl: str | None = Query(None, max_length=40),
                q: str | None = Query(None, max_length=500)):
        return _render("web_article.html.j2", request, _twin(request),
                       p=_found(kept(views.article_page, article_id, hl, q), "article"))

    @api.get("/articles/{article_id:path}", summary="An article page's payload: text segments with highlights; "
                                                    "hl=START-END or q=WORDS (the first sentence holding them) "
                                                    "picks the passage")
    def article_twin(article_id: str, hl: str | None = Query(None, max_length=40),
                     q: str | None = Query(None, max_length=500)):
        return json_response(_found(kept(views.article_page, article_id, hl, q), "article"))

    # -- outlets and actors
    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets(request: Request):
        return _render("web_outlets.html.j2", request, _twin(request), p=kept(views.outlets_index, registry=registry))

    @api.get("/outlets", summary="Every outlet with its story and article counts")
    def outlets_twin():
        return json_response(kept(views.outlets_index, registry=registry))

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet(request: Request, name: str, offset: int = Off, limit: int = Query(20, ge=1, le=200)):
        p = kept(views.outlet_page, name, offset=offset, limit=limit, registry=registry)
        return _render("web_outlet.html.j2", request, _twin(request), p=_found(p, "outlet"))

    @api.get("/outlets/{name:path}", summary="An outlet: stories it covers, voices it carries, its exclusives")
    def outlet_twin(name: str, offset: int = Off, limit: int = Query(20, ge=1, le=200)):
        p = kept(views.outlet_page, name, offset=offset, limit=limit, registry=registry)
        return json_response(_found(p, "outlet"))

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors(request: Request):
        return _render("web_actors.html.j2", request, _twin(request), p=kept(views.actors_index))

    @api.get("/actors", summary="People named in stories")
    def actors_twin():
        return json_response(kept(views.actors_index))

    @app.get("/actors/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def actor(request: Request, name: str):
        return _render("web_actor.html.j2", request, _twin(request), p=_found(kept(views.actor_page, name), "actor"))

    @api.get("/actors/{name:path}", summary="An actor: variants, titles, side, quotes across stories")
    def actor_twin(name: str):
        return json_response(_found(kept(views.actor_page, name), "actor"))

    # -- search
    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(request: Request, q: str | None = Query(None, max_length=500), outlet: str | None = None,
               story: str | None = None, month: str | None = Query(None, max_length=7), offset: int = Off,
               limit: int = Query(20, ge=1, le=200)):
        p = kept(views.search_page, q, outlet=outlet, story=story, month=month, offset=offset, limit=limit)
        return _render("web_search.html.j2", request, _twin(request), p=p)

    @api.get("/search", summary="Search page payload: hits (linking to the sentence) and facets, paged")
    def search_twin(q: str | None = Query(None, max_length=500), outlet: str | None = None,
                    story: str | None = None, month: str | None = Query(None, max_length=7), offset: int = Off,
                    limit: int = Query(20, ge=1, le=200)):
        return json_response(kept(views.search_page, q, outlet=outlet, story=story, month=month, offset=offset,
                                  limit=limit))

    # -- the API's own documentation, served from here (no CDN)
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return _render("web_docs.html.j2", request, "/api/pages/docs", p=_docs_payload(app))

    @api.get("/docs", summary="The endpoint list the /docs page shows")
    def docs_twin():
        return json_response(_docs_payload(app))

    app.include_router(api)


def _docs_payload(app: FastAPI) -> dict[str, Any]:
    spec = app.openapi()
    rows = []
    for path, methods in sorted(spec.get("paths", {}).items()):
        for method, op in methods.items():
            rows.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                         "params": [p["name"] for p in op.get("parameters", [])]})
    return {"endpoints": rows}
