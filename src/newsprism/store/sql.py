"""The Store protocol over SQLAlchemy Core: SQLite (WAL, FTS5) by default, PostgreSQL with the same code."""
from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from newsprism.model import Article, Story
from newsprism.store import schema as t
from newsprism.store.migrations import current_version, migrate

_CHUNK = 500  # keeps IN (...) lists under SQLite's variable limit


def _chunks(items: list[Any], n: int = _CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class SqlStore:
    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.engine = sa.create_engine(url, connect_args={"timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
        self.dialect = self.engine.dialect.name
        migrate(self.engine)

    # -- articles ---------------------------------------------------------------------------------------------
    def _insert(self, table: sa.Table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        rows = []
        for a in articles:
            if not a.content_hash:
                raise ValueError(f"article {a.id!r} has no content_hash; ingest sets it")
            rows.append({"content_hash": a.content_hash, "id": a.id, "source": a.source or "", "url": a.url,
                         "outlet": a.outlet, "title": a.title, "published": a.published, "story": a.story,
                         "duplicate_of": a.duplicate_of, "duplicate_kind": a.duplicate_kind, "failed": not a.ok,
                         "record": json.dumps(a.to_record(), ensure_ascii=False), "updated_at": time.time()})
        if not rows:
            return 0
        new = 0
        with self.engine.begin() as conn:
            for chunk in _chunks(rows):
                hashes = [r["content_hash"] for r in chunk]
                known = {h for (h,) in conn.execute(sa.select(t.articles.c.content_hash)
                                                    .where(t.articles.c.content_hash.in_(hashes)))}
                new += len(set(hashes) - known)
                # A file edited in place keeps its source but changes its hash: the old version is replaced.
                sources = [(r["source"], r["content_hash"]) for r in chunk if r["source"]]
                for src, h in sources:
                    stale = sa.select(t.articles.c.content_hash).where(
                        t.articles.c.source == src, t.articles.c.content_hash != h)
                    stale_hashes = [x for (x,) in conn.execute(stale)]
                    if stale_hashes:
                        self._delete_hashes(conn, stale_hashes)
                stmt = self._insert(t.articles)
                excluded = stmt.excluded
                stmt = stmt.on_conflict_do_update(
                    index_elements=[t.articles.c.content_hash],
                    set_={c: excluded[c] for c in ("id", "source", "url", "outlet", "title", "published", "story",
                                                   "duplicate_of", "duplicate_kind", "failed", "record",
                                                   "updated_at")})
                conn.execute(stmt, chunk)
                self._index_text(conn, chunk)
        return new

    def _delete_hashes(self, conn: sa.Connection, hashes: list[str]) -> None:
        conn.execute(t.articles.delete().where(t.articles.c.content_hash.in_(hashes)))
        if self.dialect == "sqlite":
            for h in hashes:
                conn.execute(sa.text("DELETE FROM articles_fts WHERE content_hash = :h"), {"h": h})

    def _index_text(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        texts = [{"h": r["content_hash"], "title": r["title"] or "", "text": json.loads(r["record"])["text"]}
                 for r in rows]
        if self.dialect == "sqlite":
            conn.execute(sa.text("DELETE FROM articles_fts WHERE content_hash = :h"), texts)
            conn.execute(sa.text("INSERT INTO articles_fts (content_hash, title, text) VALUES (:h, :title, :text)"),
                         texts)
        elif self.dialect == "postgresql":
            conn.execute(sa.text("UPDATE articles SET text = :text WHERE content_hash = :h"), texts)

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        out: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(hashes):
                out |= {h for (h,) in conn.execute(sa.select(t.articles.c.content_hash)
                                                   .where(t.articles.c.content_hash.in_(chunk)))}
        return out

    def get_articles_by_hash(self, hashes: Iterable[str]) -> dict[str, Article]:
        hashes = list(hashes)
        out: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(hashes):
                q = sa.select(t.articles.c.content_hash, t.articles.c.record).where(
                    t.articles.c.content_hash.in_(chunk))
                for h, rec in conn.execute(q):
                    out[h] = Article.from_record(json.loads(rec))
        return out

    def get_article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            rec = conn.execute(sa.select(t.articles.c.record).where(t.articles.c.id == article_id)
                               .order_by(t.articles.c.updated_at.desc()).limit(1)).scalar()
        return Article.from_record(json.loads(rec)) if rec else None

    def iter_articles(self, exclude_hashes: Iterable[str] = (), story: str | None = None) -> Iterator[Article]:
        exclude = set(exclude_hashes)
        q = sa.select(t.articles.c.content_hash, t.articles.c.record).order_by(t.articles.c.updated_at)
        if story is not None:
            q = q.where(t.articles.c.story == story)
        with self.engine.connect() as conn:
            for h, rec in conn.execution_options(stream_results=True).execute(q):
                if h not in exclude:
                    yield Article.from_record(json.loads(rec))

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar() or 0)

    # -- stories ----------------------------------------------------------------------------------------------
    def replace_stories(self, stories: Iterable[Story]) -> None:
        rows = [{"id": s.id, "title": s.title, "n_articles": len(s.articles), "first_published": s.first_published,
                 "last_published": s.last_published, "record": json.dumps(s.to_record(), ensure_ascii=False)}
                for s in stories]
        with self.engine.begin() as conn:
            keep = {r["id"] for r in rows}
            stored = {i for (i,) in conn.execute(sa.select(t.stories.c.id))}
            gone = list(stored - keep)
            for chunk in _chunks(gone):
                conn.execute(t.stories.delete().where(t.stories.c.id.in_(chunk)))
            for chunk in _chunks(rows):
                stmt = self._insert(t.stories)
                stmt = stmt.on_conflict_do_update(index_elements=[t.stories.c.id],
                                                  set_={c: stmt.excluded[c] for c in
                                                        ("title", "n_articles", "first_published", "last_published",
                                                         "record")})
                conn.execute(stmt, chunk)

    def get_story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            rec = conn.execute(sa.select(t.stories.c.record).where(t.stories.c.id == story_id)).scalar()
        return Story.from_record(json.loads(rec)) if rec else None

    def iter_stories(self) -> Iterator[Story]:
        q = sa.select(t.stories.c.record).order_by(t.stories.c.n_articles.desc(),
                                                    t.stories.c.last_published.desc(), t.stories.c.id)
        with self.engine.connect() as conn:
            for (rec,) in conn.execute(q):
                yield Story.from_record(json.loads(rec))

    # -- errors and state -------------------------------------------------------------------------------------
    def record_error(self, source: str, article_id: str | None, message: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.errors.insert().values(source=source, article_id=article_id, message=message,
                                                  at=time.time()))

    def iter_errors(self) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(t.errors).order_by(t.errors.c.seq)):
                yield dict(row._mapping)

    def get_state(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return {k: json.loads(v) for k, v in conn.execute(sa.select(t.state.c.key, t.state.c.value))}

    def put_state(self, state: dict[str, Any]) -> None:
        rows = [{"key": k, "value": json.dumps(v)} for k, v in state.items()]
        if not rows:
            return
        with self.engine.begin() as conn:
            stmt = self._insert(t.state)
            conn.execute(stmt.on_conflict_do_update(index_elements=[t.state.c.key],
                                                    set_={"value": stmt.excluded.value}), rows)

    # -- search and housekeeping ------------------------------------------------------------------------------
    # -- actors ------------------------------------------------------------------------------------------------
    def upsert_actors(self, records: Iterable[dict[str, Any]]) -> int:
        rows = [{"name": r["name"], "type": r.get("type"), "side": r.get("side"),
                 "record": json.dumps(r, ensure_ascii=False, sort_keys=True), "updated_at": time.time()}
                for r in records if r.get("name")]
        if not rows:
            return 0
        with self.engine.begin() as conn:
            for chunk in _chunks(rows):
                stmt = self._insert(t.actors)
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[t.actors.c.name],
                    set_={"type": stmt.excluded.type, "side": stmt.excluded.side, "record": stmt.excluded.record,
                          "updated_at": stmt.excluded.updated_at}), chunk)
        return len(rows)

    def iter_actors(self) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as conn:
            for (record,) in conn.execute(sa.select(t.actors.c.record).order_by(t.actors.c.name)):
                yield json.loads(record)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Articles matching ``query`` (words, all required), best first: id, title, story, snippet."""
        words = [w for w in query.split() if w.strip()]
        if not words:
            return []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                # Each word quoted, so user input is never parsed as FTS5 syntax.
                match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                rows = conn.execute(sa.text(
                    "SELECT a.id, a.title, a.story, snippet(articles_fts, 2, '[', ']', '…', 12) AS snippet "
                    "FROM articles_fts JOIN articles a ON a.content_hash = articles_fts.content_hash "
                    "WHERE articles_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": match, "n": limit})
            else:
                rows = conn.execute(sa.text(
                    "SELECT id, title, story, left(text, 160) AS snippet FROM articles WHERE "
                    "to_tsvector('english', coalesce(title,'') || ' ' || coalesce(text,'')) "
                    "@@ plainto_tsquery('english', :q) LIMIT :n"), {"q": query, "n": limit})
            return [dict(r._mapping) for r in rows]

    # -- paged summary reads for list pages (see reads.py) -----------------------------------------------------
    def story_summaries(self, **filters: Any) -> dict[str, Any]:
        from newsprism.store.reads import story_summaries
        return story_summaries(self.engine, **filters)

    def article_meta(self, story: str | None = None, ids: list[str] | None = None) -> dict[str, dict]:
        from newsprism.store.reads import article_meta
        return article_meta(self.engine, story, ids)

    def story_actors(self) -> list[tuple[str, list[dict]]]:
        from newsprism.store.reads import story_actors
        return story_actors(self.engine)

    def stories_containing(self, text: str) -> list[str]:
        from newsprism.store.reads import stories_containing
        return stories_containing(self.engine, text)

    def search_hits(self, query: str, **filters: Any) -> dict[str, Any]:
        from newsprism.store.reads import search_hits
        return search_hits(self.engine, query, **filters)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
