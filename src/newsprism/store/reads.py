"""Paged summary reads for the list pages (web, API, CLI): stories and search hits without full records.

List pages must not parse every stored story or article record (a story record holds its whole comparison). These
reads take plain columns plus a few small fields pulled out by the database's own JSON functions (SQLite json1,
PostgreSQL jsonb), and page in SQL. Additive and self-contained: no schema change, so it sits beside any rewrite
of the store's internals.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

import sqlalchemy as sa

STORY_SORTS = {
    "size": "n_articles DESC, last_published DESC, id",
    "recent": "last_published DESC, n_articles DESC, id",
    "oldest": "first_published ASC, n_articles DESC, id",
    "title": "title ASC, id",
}


def _json(v: Any, default: Any) -> Any:
    if v is None:
        return default
    if isinstance(v, (bytes, str)):
        try:
            return json.loads(v)
        except ValueError:
            return default
    return v


def _fts_match(words: list[str]) -> str:
    # Each word quoted, so user input is never parsed as FTS5 syntax.
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def story_summaries(engine: sa.Engine, *, offset: int = 0, limit: int = 50, outlet: str | None = None,
                    words: str | None = None, since: str | None = None, until: str | None = None,
                    sort: str = "size", outlets_any: list[str] | None = None) -> dict[str, Any]:
    """One page of stories: ``{"total", "offset", "limit", "rows": [summary, ...]}``. ``outlet`` keeps stories
    with an article from that outlet; ``outlets_any`` those with one from any of these (names in any case)."""
    dialect = engine.dialect.name
    if dialect == "sqlite":
        # The summary column (schema 10) holds outlets and counts; a row written without it falls back to the record.
        summary_x = ("coalesce(summary, json_object('outlets', json(coalesce(json_extract(record, '$.outlets'), "
                     "'[]')), 'counts', json(coalesce(json_extract(record, '$.comparison.counts'), '{}'))))")
        words_w = ("id IN (SELECT a.story FROM articles_fts JOIN search_docs d ON d.doc = articles_fts.rowid "
                   "JOIN articles a ON a.content_hash = d.content_hash WHERE articles_fts MATCH :words)")
    else:
        summary_x = ("coalesce(summary, json_build_object('outlets', CAST(record AS jsonb) -> 'outlets', 'counts', "
                     "CAST(record AS jsonb) -> 'comparison' -> 'counts')::text)")
        words_w = ("id IN (SELECT story FROM articles WHERE to_tsvector('english', coalesce(title, '') || ' ' || "
                   "coalesce(text, '')) @@ plainto_tsquery('english', :words))")
    where, params = [], {"offset": max(0, offset), "limit": max(1, limit)}
    if outlet:
        # The articles' outlet column, not the stories' JSON: no story record is parsed to filter.
        where.append("id IN (SELECT story FROM articles WHERE outlet = :outlet AND story IS NOT NULL)")
        params["outlet"] = outlet
    if outlets_any is not None:
        where.append("id IN (SELECT story FROM articles WHERE lower(outlet) IN :outlets_any AND story IS NOT NULL)")
        params["outlets_any"] = [o.lower() for o in outlets_any] or [""]
    if words and words.split():
        where.append(words_w)
        params["words"] = _fts_match(words.split()) if dialect == "sqlite" else words
    if since:
        where.append("coalesce(last_published, first_published) >= :since")
        params["since"] = since
    if until:
        where.append("coalesce(first_published, last_published) <= :until")
        params["until"] = until + "\uffff"  # a date bound includes the whole day of datetimes
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    order = STORY_SORTS.get(sort, STORY_SORTS["size"])
    with engine.connect() as conn:
        expand = [sa.bindparam("outlets_any", expanding=True)] if outlets_any is not None else []
        total = int(conn.execute(sa.text(f"SELECT count(*) FROM stories{cond}").bindparams(*expand),
                                 params).scalar() or 0)
        # Page on plain columns first; the JSON fields are pulled out of the page's records only.
        ids = [r[0] for r in conn.execute(sa.text(
            f"SELECT id FROM stories{cond} ORDER BY {order} LIMIT :limit OFFSET :offset").bindparams(*expand),
            params)]
        rows = {}
        if ids:
            stmt = sa.text(f"SELECT id, title, n_articles, first_published, last_published, {summary_x} AS summary "
                           f"FROM stories WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
            rows = {r.id: r for r in conn.execute(stmt, {"ids": ids})}
        out = []
        for r in (rows[i] for i in ids if i in rows):
            summary = _json(r.summary, {}) or {}
            out.append({"story": r.id, "title": r.title, "articles": r.n_articles,
                        "outlets": summary.get("outlets") or [], "first_published": r.first_published,
                        "last_published": r.last_published, "counts": summary.get("counts") or {}})
    return {"total": total, "offset": params["offset"], "limit": params["limit"], "rows": out}


def search_hits(engine: sa.Engine, query: str, *, offset: int = 0, limit: int = 20, outlet: str | None = None,
                story: str | None = None, month: str | None = None, facet_limit: int = 30) -> dict[str, Any]:
    """One page of full-text hits with facet counts by outlet, story and month over all matches.

    ``{"total", "offset", "limit", "hits": [{id, title, story, outlet, published, snippet}],
       "facets": {"outlet": [{"value", "count"}], "story": [{"value", "title", "count"}],
                  "month": [{"value": "YYYY-MM", "count"}]}}``
    Each facet counts the matches under the other filters (choosing an outlet still lists every outlet).
    """
    words = [w for w in (query or "").split() if w.strip()]
    empty = {"total": 0, "offset": offset, "limit": limit, "hits": [],
             "facets": {"outlet": [], "story": [], "month": []}}
    if not words:
        return empty
    dialect = engine.dialect.name
    params: dict[str, Any] = {"offset": max(0, offset), "limit": max(1, limit), "flimit": facet_limit,
                              "outlet": outlet, "story": story, "month": month}
    if dialect == "sqlite":
        base = ("FROM articles_fts JOIN search_docs d ON d.doc = articles_fts.rowid "
                "JOIN articles a ON a.content_hash = d.content_hash WHERE articles_fts MATCH :q")
        params["q"] = _fts_match(words)
        snippet = "snippet(articles_fts, 1, '[', ']', '…', 12)"
        order = "rank"
    else:
        base = ("FROM articles a WHERE to_tsvector('english', coalesce(a.title,'') || ' ' || coalesce(a.text,'')) "
                "@@ plainto_tsquery('english', :q)")
        params["q"] = query
        snippet = "left(a.text, 160)"
        order = "a.published DESC, a.id"
    month_x = "substr(a.published, 1, 7)"
    conds = {"outlet": "a.outlet = :outlet", "story": "a.story = :story", "month": f"{month_x} = :month"}
    chosen = {k for k in conds if params.get(k)}
    where = "".join(f" AND {conds[k]}" for k in sorted(chosen))

    with engine.connect() as conn:
        hits = [dict(r._mapping) for r in conn.execute(sa.text(
            f"SELECT a.id, a.title, a.story, a.outlet, a.published, {snippet} AS snippet {base}{where} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset"), params)]
        # One pass over every match gives the three facets (each under the other filters): the full-text match
        # runs twice per search instead of four times.
        matches = conn.execute(sa.text(f"SELECT a.outlet, a.story, {month_x} AS month, a.published IS NOT NULL "
                                       f"AS dated {base}"), params).all()

        def kept(r, leave_out: str) -> bool:
            return all(k == leave_out or getattr(r, k) == params[k] for k in chosen)

        def ranked(counts: dict, desc_value: bool = False) -> list[tuple[Any, int]]:
            # SQL's order: count descending, then the value (NULL first), or the value descending for months
            if desc_value:
                return sorted(counts.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""), reverse=True)
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is not None, kv[0] or ""))

        by_outlet = ranked(Counter(r.outlet for r in matches if kept(r, "outlet")))
        outlets = [{"value": v, "count": n} for v, n in by_outlet[:facet_limit]]
        # The outlet facet counted every match under the other filters; the total is its chosen part.
        total = sum(n for v, n in by_outlet if not outlet or v == outlet)
        stories = [{"value": v, "count": n} for v, n in ranked(Counter(
            r.story for r in matches if kept(r, "story") and r.story is not None))[:facet_limit]]
        months = [{"value": v, "count": n} for v, n in ranked(Counter(
            r.month for r in matches if kept(r, "month") and r.dated), desc_value=True)[:facet_limit]]
        if stories:
            ids = [s["value"] for s in stories]
            titles = dict(conn.execute(sa.select(sa.column("id"), sa.column("title"))
                                       .select_from(sa.table("stories")).where(sa.column("id").in_(ids))).all())
            for s in stories:
                s["title"] = titles.get(s["value"])
    return {"total": total, "offset": params["offset"], "limit": params["limit"], "hits": hits,
            "facets": {"outlet": outlets, "story": stories, "month": months}}


def article_meta(engine: sa.Engine, story: str | None = None, ids: list[str] | None = None) -> dict[str, dict]:
    """Article id -> {"outlet", "title", "published", "url", "story", "duplicate_of"} from columns only."""
    q = ("SELECT id, outlet, title, published, url, story, duplicate_of FROM articles WHERE failed = :f")
    params: dict[str, Any] = {"f": False}
    if story is not None:
        q += " AND story = :story"
        params["story"] = story
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        if ids is not None:
            stmt = sa.text(q + " AND id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
            for i in range(0, len(ids), 500):
                for r in conn.execute(stmt, {**params, "ids": ids[i:i + 500]}):
                    out[r.id] = dict(r._mapping)
        else:
            for r in conn.execute(sa.text(q), params):
                out[r.id] = dict(r._mapping)
    return out


def story_actors(engine: sa.Engine) -> list[tuple[str, list[dict]]]:
    """(story id, its actors) for every story, pulled out by the database's JSON functions."""
    x = "json_extract(record, '$.actors')" if engine.dialect.name == "sqlite" else "(CAST(record AS jsonb) -> 'actors')"
    with engine.connect() as conn:
        return [(r[0], _json(r[1], [])) for r in conn.execute(sa.text(f"SELECT id, {x} FROM stories ORDER BY id"))]


def stories_containing(engine: sa.Engine, text: str) -> list[str]:
    """Ids of stories whose stored record holds ``text`` anywhere (case-insensitive): a cheap prefilter for pages
    about one actor, so only the records that can match are parsed."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM stories WHERE lower(record) LIKE :p ESCAPE '\\' ORDER BY n_articles DESC, id"),
            {"p": pattern})]
