"""The Store protocol over SQLAlchemy Core: SQLite (WAL, FTS5) by default, PostgreSQL with the same code.

Writes go through one write transaction at a time per database: SQLite ``BEGIN IMMEDIATE`` (readers go on in WAL
mode) and a PostgreSQL transaction-scoped advisory lock. ``transaction()`` makes every write inside it one unit of
work; a write method called outside a transaction is its own unit. A writer that finds the database busy says so
(``on_wait``) and waits up to ``lock_timeout`` seconds.
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from newsprism.model import Article, Story
from newsprism.store import actor_rows as actor_store
from newsprism.store import unit_rows
from newsprism.store import schema as t
from newsprism.store import state_rows
from newsprism.store.migrations import LATEST, current_version, migrate

_CHUNK = 500  # keeps IN (...) lists under SQLite's variable limit
# Control characters cannot reach FTS5 or PostgreSQL text safely (NUL is refused by PostgreSQL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_READ_TIMEOUT_S = 30.0  # SQLite busy wait for readers and schema checks (WAL readers rarely wait at all)


class StoreBusy(RuntimeError):
    """Another process kept the database's write lock longer than ``lock_timeout``."""


def _chunks(items: list[Any], n: int = _CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class SqlStore:
    def __init__(self, url: str, *, lock_timeout: float = 3600.0,
                 on_wait: Callable[[str], None] | None = None):
        self.url = url
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait or _stderr
        self._local = threading.local()  # the current unit of work's connection, per thread (the API is threaded)
        if url.startswith("sqlite"):
            # The driver's own transaction handling is off: this store emits BEGIN / BEGIN IMMEDIATE itself.
            self.engine = sa.create_engine(url, connect_args={"timeout": _READ_TIMEOUT_S, "isolation_level": None})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", self._sqlite_begin)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
        self.dialect = self.engine.dialect.name
        self._pg = self.dialect == "postgresql"
        # Readers never wait: the write lock is taken only when the schema is behind (then re-checked under it).
        if self._version_unlocked() != LATEST:
            with self._write() as conn:
                migrate(conn)

    def _version_unlocked(self) -> int | None:
        try:
            with self.engine.connect() as conn:
                return current_version(conn)
        except sa.exc.SQLAlchemyError:
            return None  # a database being created by another process this very moment: migrate() will wait for it

    @property
    def display(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- units of work and the write lock ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[SqlStore]:
        """Everything written inside commits together, or nothing does; other writers wait until it ends.

        Reads inside see this unit's own writes. Nested calls join the outer unit.
        """
        if getattr(self._local, "conn", None) is not None:
            yield self
            return
        with self._write() as conn:
            self._local.conn = conn
            try:
                yield self
            finally:
                self._local.conn = None

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        conn = self.engine.connect().execution_options(newsprism_write=True)
        try:
            conn.begin()
            if self._pg:
                self._pg_lock(conn)
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            # the cluster snapshot may hold what was just rolled back: the next write rewrites the rows whole
            self._local.cluster_snap = None
            raise
        finally:
            conn.close()

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
        else:
            with self._write() as conn:
                yield conn

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
        else:
            with self.engine.connect() as conn:
                yield conn

    def _waiting(self) -> None:
        self.on_wait(f"newsprism: {self.display} is being written by another process; waiting for it to finish "
                     f"(up to {self.lock_timeout:.0f} s)")

    def _busy(self) -> StoreBusy:
        return StoreBusy(f"{self.display} is still being written by another process after {self.lock_timeout:.0f} s;"
                         " try again when it has finished")

    def _sqlite_begin(self, conn: sa.Connection) -> None:
        dbapi = conn.connection.driver_connection
        if not conn.get_execution_options().get("newsprism_write"):
            dbapi.execute("BEGIN")
            return
        # Take the write lock at the start (not at the first write), so a unit of work never fails half-way on
        # SQLITE_BUSY; a short first try tells whether to say that we wait.
        try:
            dbapi.execute("PRAGMA busy_timeout = 200")
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            self._waiting()
            dbapi.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
            try:
                dbapi.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise self._busy() from None
                raise
        finally:
            dbapi.execute(f"PRAGMA busy_timeout = {int(_READ_TIMEOUT_S * 1000)}")

    def _pg_lock(self, conn: sa.Connection) -> None:
        # One lock per schema (tests and tenants may share a database); released when the transaction ends.
        key = "hashtextextended(coalesce(current_schema(), '') || '/newsprism-writer', 0)"
        if conn.execute(sa.text(f"SELECT pg_try_advisory_xact_lock({key})")).scalar():
            return
        self._waiting()
        conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
        try:
            conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({key})"))
        except sa.exc.OperationalError as exc:
            if "lock timeout" in str(exc.orig):
                raise self._busy() from None
            raise
        conn.execute(sa.text("SET LOCAL lock_timeout = 0"))

    # -- articles ---------------------------------------------------------------------------------------------
    def _insert(self, table: sa.Table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _text(self, value: Any) -> Any:
        """PostgreSQL refuses NUL in text; ingest strips it, and this is the last line of defence."""
        if self._pg and isinstance(value, str) and "\x00" in value:
            return value.replace("\x00", "")
        return value

    def _article_row(self, a: Article) -> dict[str, Any]:
        row = {"content_hash": a.content_hash, "id": a.id, "source": a.source or "", "url": a.url,
               "outlet": a.outlet, "title": a.title, "published": a.published, "story": a.story,
               "duplicate_of": a.duplicate_of, "duplicate_kind": a.duplicate_kind, "failed": not a.ok,
               "record": json.dumps(a.to_record(), ensure_ascii=False), "updated_at": time.time()}
        return {k: self._text(v) for k, v in row.items()} | {"_text": self._text(a.text or "")}

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        articles = list(articles)
        for a in articles:
            if not a.content_hash:
                raise ValueError(f"article {a.id!r} has no content_hash; ingest sets it")
        if not articles:
            return 0
        new = 0
        with self._writing() as conn:
            # rows are made a part at a time: a chunk's records as JSON (~25 KB an article) are never all held
            for part in _chunks(articles):
                chunk = [self._article_row(a) for a in part]
                hashes = [r["content_hash"] for r in chunk]
                known = {h for (h,) in conn.execute(sa.select(t.articles.c.content_hash)
                                                    .where(t.articles.c.content_hash.in_(hashes)))}
                new += len(set(hashes) - known)
                # A file edited in place keeps its source but changes its hash: the old version is replaced. (The
                # stored versions of the part's sources are read in one query, not one per article.)
                stored = self._hashes_by_source({r["source"] for r in chunk if r["source"]}, conn)
                gone: set[str] = set()
                for r in chunk:
                    stale_hashes = [h for h in stored.get(r["source"], ()) if h != r["content_hash"] and h not in gone]
                    if stale_hashes:
                        self._delete_hashes(conn, stale_hashes, keep_ids={r["id"] for r in chunk})
                        gone.update(stale_hashes)
                cols = ["id", "source", "url", "outlet", "title", "published", "story", "duplicate_of",
                        "duplicate_kind", "failed", "record", "updated_at"]
                table = t.articles_with_text if self._pg else t.articles
                stmt = self._insert(table)
                excluded = stmt.excluded
                stmt = stmt.on_conflict_do_update(index_elements=[table.c.content_hash],
                                                  set_={c: excluded[c] for c in cols + ["text"] * self._pg})
                if self._pg:
                    conn.execute(stmt, [{k if k != "_text" else "text": v for k, v in r.items()} for r in chunk])
                else:
                    conn.execute(stmt, [{k: v for k, v in r.items() if k != "_text"} for r in chunk])
                    self._index_text(conn, chunk)
        return new

    @staticmethod
    def _hashes_by_source(sources: set[str], conn: sa.Connection) -> dict[str, list[str]]:
        """source -> the content hashes stored under it (in the order the store gives them)."""
        out: dict[str, list[str]] = {}
        for part in _chunks(sorted(sources)):
            for src, h in conn.execute(sa.select(t.articles.c.source, t.articles.c.content_hash)
                                       .where(t.articles.c.source.in_(part))):
                out.setdefault(src, []).append(h)
        return out

    def _delete_hashes(self, conn: sa.Connection, hashes: list[str], keep_ids: set[str] = frozenset()) -> None:
        # An article's compare row goes with it, unless its id comes back in this write (the new version's row is
        # keyed by its own content, so an old row under that id is only ever ignored and replaced).
        gone = [i for (i,) in conn.execute(sa.select(t.articles.c.id).where(t.articles.c.content_hash.in_(hashes)))
                if i not in keep_ids]
        conn.execute(t.articles.delete().where(t.articles.c.content_hash.in_(hashes)))
        unit_rows.delete(conn, gone)
        state_rows.delete_dedup(conn, hashes)
        state_rows.delete_prints(conn, hashes)
        if self.dialect == "sqlite":
            params = [{"h": h} for h in hashes]
            conn.execute(sa.text("DELETE FROM articles_fts WHERE rowid = "
                                 "(SELECT doc FROM search_docs WHERE content_hash = :h)"), params)
            conn.execute(sa.text("DELETE FROM search_docs WHERE content_hash = :h"), params)

    def _index_text(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        """SQLite's search index; every lookup goes through a unique index, so a row's cost does not grow with the
        archive. (PostgreSQL indexes the text column written with the row.)"""
        texts = [{"h": r["content_hash"], "title": r["title"] or "", "text": r["_text"]} for r in rows]
        conn.execute(sa.text("INSERT INTO search_docs (content_hash) VALUES (:h) "
                             "ON CONFLICT (content_hash) DO NOTHING"), texts)
        docs = dict(conn.execute(sa.text("SELECT content_hash, doc FROM search_docs WHERE content_hash IN "
                                         "(" + ",".join(f":h{i}" for i in range(len(texts))) + ")"),
                                 {f"h{i}": x["h"] for i, x in enumerate(texts)}).all())
        for x in texts:
            x["doc"] = docs[x["h"]]
        # An article stored again as it was (re-examination moved it to another story) keeps its index entry:
        # re-indexing tokenises the text twice (the delete reads the old terms back).
        indexed = dict(((d, (ti, tx)) for d, ti, tx in conn.execute(sa.text(
            "SELECT rowid, title, text FROM articles_fts WHERE rowid IN ("
            + ",".join(f":d{i}" for i in range(len(texts))) + ")"), {f"d{i}": x["doc"] for i, x in enumerate(texts)})))
        texts = [x for x in texts if indexed.get(x["doc"]) != (x["title"], x["text"])]
        if not texts:
            return
        conn.execute(sa.text("DELETE FROM articles_fts WHERE rowid = :doc"), texts)
        conn.execute(sa.text("INSERT INTO articles_fts (rowid, title, text) VALUES (:doc, :title, :text)"),
                     texts)

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        out: set[str] = set()
        with self._reading() as conn:
            for chunk in _chunks(hashes):
                out |= {h for (h,) in conn.execute(sa.select(t.articles.c.content_hash)
                                                   .where(t.articles.c.content_hash.in_(chunk)))}
        return out

    def get_articles_by_hash(self, hashes: Iterable[str]) -> dict[str, Article]:
        hashes = list(hashes)
        out: dict[str, Article] = {}
        with self._reading() as conn:
            for chunk in _chunks(hashes):
                q = sa.select(t.articles.c.content_hash, t.articles.c.record).where(
                    t.articles.c.content_hash.in_(chunk))
                for h, rec in conn.execute(q):
                    out[h] = Article.from_record(json.loads(rec))
        return out

    def get_article_heads(self, hashes: Iterable[str]) -> dict[str, Article]:
        """Stored articles by content hash with their metadata only: no text, entities, quotes, claims or removals.
        A failed one carries one placeholder error (its record's errors are not read)."""
        return {a.content_hash: a for _, a in self._heads(t.articles.c.content_hash, hashes)}

    def get_article_heads_by_id(self, ids: Iterable[str], exclude_hashes: Iterable[str] = ()) -> dict[str, Article]:
        """``get_articles_by_id`` with metadata only, as ``get_article_heads``: the latest version of each id."""
        exclude = set(exclude_hashes)
        out: dict[str, tuple[float, Article]] = {}
        for at, a in self._heads(t.articles.c.id, ids):
            if a.content_hash not in exclude and (a.id not in out or at >= out[a.id][0]):
                out[a.id] = (at, a)
        return {a.id: a for _, a in sorted(out.values(), key=lambda x: x[0])}

    def _heads(self, key: sa.Column, values: Iterable[str]) -> Iterator[tuple[float, Article]]:
        a = t.articles.c
        if self._pg:
            from sqlalchemy.dialects.postgresql import JSON

            rec = sa.cast(a.record, JSON)
            credit, group = rec["credit"].astext, rec["syndication_group"].astext
        else:  # read inside SQLite: the record (text and annotations) never reaches Python
            credit = sa.func.json_extract(a.record, "$.credit")
            group = sa.func.json_extract(a.record, "$.syndication_group")
        with self._reading() as conn:
            for chunk in _chunks(sorted(set(values))):
                q = sa.select(a.content_hash, a.id, a.source, a.url, a.outlet, a.title, a.published, a.story,
                              a.duplicate_of, a.duplicate_kind, a.failed, a.updated_at, credit.label("credit"),
                              group.label("syndication_group")).where(key.in_(chunk))
                for r in conn.execute(q):
                    yield r.updated_at, Article(
                        id=r.id, source=r.source or "", url=r.url, outlet=r.outlet, title=r.title,
                        published=r.published, story=r.story, duplicate_of=r.duplicate_of,
                        duplicate_kind=r.duplicate_kind, credit=r.credit, syndication_group=r.syndication_group,
                        content_hash=r.content_hash, errors=["stored as failed"] if r.failed else [])

    def get_article(self, article_id: str) -> Article | None:
        with self._reading() as conn:
            rec = conn.execute(sa.select(t.articles.c.record).where(t.articles.c.id == article_id)
                               .order_by(t.articles.c.updated_at.desc()).limit(1)).scalar()
        return Article.from_record(json.loads(rec)) if rec else None

    def iter_articles(self, exclude_hashes: Iterable[str] = (), story: str | None = None) -> Iterator[Article]:
        exclude = set(exclude_hashes)
        q = sa.select(t.articles.c.content_hash, t.articles.c.record).order_by(t.articles.c.updated_at)
        if story is not None:
            q = q.where(t.articles.c.story == story)
        with self._reading() as conn:
            # Per statement: Connection.execution_options would change the unit of work's shared connection.
            for h, rec in conn.execute(q, execution_options={"stream_results": True}):
                if h not in exclude:
                    yield Article.from_record(json.loads(rec))

    def get_articles_by_id(self, ids: Iterable[str], exclude_hashes: Iterable[str] = ()) -> dict[str, Article]:
        """Stored articles by id (the latest stored version of each), leaving out these content hashes."""
        ids, exclude = sorted(set(ids)), set(exclude_hashes)
        out: dict[str, tuple[float, Article]] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                q = sa.select(t.articles.c.content_hash, t.articles.c.updated_at, t.articles.c.record).where(
                    t.articles.c.id.in_(chunk))
                for h, at, rec in conn.execute(q):
                    if h in exclude:
                        continue
                    a = Article.from_record(json.loads(rec))
                    if a.id not in out or at >= out[a.id][0]:
                        out[a.id] = (at, a)
        return {a.id: a for _, a in sorted(out.values(), key=lambda x: x[0])}  # oldest first, as iter_articles

    def dedup_candidates(self, *, exact: Iterable[str], bands: Iterable[int], anchors: list[list[int]],
                         min_anchors: int, max_posting: int, exclude: set[str]) -> list[str]:
        """Content hashes of stored texts that share dedup keys with the given ones (``dedup.index``)."""
        with self._reading() as conn:
            return state_rows.dedup_candidates(conn, exact, bands, anchors, min_anchors, max_posting, exclude)

    def put_dedup(self, remove: list[str], rows: dict[str, tuple[str, list[int], list[int]]],
                  max_posting: int, prints: dict[str, dict[str, Any]] | None = None) -> None:
        """Replace the dedup keys and fingerprints of ``remove`` and of ``rows`` (content hash -> exact, bands,
        anchors) with ``rows`` and ``prints`` (content hash -> the ``dedup_prints`` columns)."""
        with self._writing() as conn:
            state_rows.put_dedup(conn, remove, rows, max_posting)
            state_rows.delete_prints(conn, list(set(remove) | set(rows)))
            if prints:
                state_rows.put_prints(conn, prints)

    def put_dedup_prints(self, prints: dict[str, dict[str, Any]]) -> None:
        """Store fingerprints of stored texts that had none (taken from their text by ``dedup.index``)."""
        with self._writing() as conn:
            state_rows.put_prints(conn, prints)

    def dedup_prints(self, hashes: Iterable[str], scheme: str) -> dict[str, dict[str, Any]]:
        """The stored dedup fingerprints of these texts taken under ``scheme``; texts without one are absent."""
        with self._reading() as conn:
            return state_rows.read_prints(conn, hashes, scheme)

    def compare_rows(self, ids: Iterable[str], column: str) -> dict[str, tuple[str, str]]:
        """Stored compare work of these articles (``store.unit_rows``): id -> (key, ``column`` as JSON)."""
        with self._reading() as conn:
            return unit_rows.read(conn, ids, column)

    def put_compare_rows(self, rows: dict[str, tuple[str, str | None, str | None]]) -> None:
        """Write articles' compare work: id -> (key, units JSON or None, furniture clause keys JSON or None)."""
        if rows:
            with self._writing() as conn:
                unit_rows.put(conn, rows)

    def count_articles(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar() or 0)

    # -- stories ----------------------------------------------------------------------------------------------
    def _story_row(self, s: Story) -> dict[str, Any]:
        row = {"id": s.id, "title": s.title, "n_articles": len(s.articles), "first_published": s.first_published,
               "last_published": s.last_published, "record": json.dumps(s.to_record(), ensure_ascii=False),
               "summary": json.dumps({"outlets": list(s.outlets), "counts": (s.comparison or {}).get("counts") or {}},
                                     ensure_ascii=False)}
        return {k: self._text(v) for k, v in row.items()}

    def put_stories(self, stories: Iterable[Story]) -> None:
        """Insert or update these stories; other stored stories are left as they are."""
        rows = [self._story_row(s) for s in stories]
        if not rows:
            return
        with self._writing() as conn:
            for chunk in _chunks(rows):
                stmt = self._insert(t.stories)
                stmt = stmt.on_conflict_do_update(index_elements=[t.stories.c.id],
                                                  set_={c: stmt.excluded[c] for c in
                                                        ("title", "n_articles", "first_published", "last_published",
                                                         "record", "summary")})
                conn.execute(stmt, chunk)

    def delete_stories(self, story_ids: Iterable[str]) -> None:
        ids = list(story_ids)
        if not ids:
            return
        with self._writing() as conn:
            for chunk in _chunks(ids):
                conn.execute(t.stories.delete().where(t.stories.c.id.in_(chunk)))

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make the stored stories exactly these (a whole rebuild; runs use ``put_stories``/``delete_stories``)."""
        stories = list(stories)
        with self.transaction():
            with self._reading() as conn:
                stored = {i for (i,) in conn.execute(sa.select(t.stories.c.id))}
            self.delete_stories(stored - {s.id for s in stories})
            self.put_stories(stories)

    def get_stories(self, story_ids: Iterable[str]) -> dict[str, Story]:
        ids = list(story_ids)
        out: dict[str, Story] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                for (rec,) in conn.execute(sa.select(t.stories.c.record).where(t.stories.c.id.in_(chunk))):
                    s = Story.from_record(json.loads(rec))
                    out[s.id] = s
        return out

    def get_story(self, story_id: str) -> Story | None:
        with self._reading() as conn:
            rec = conn.execute(sa.select(t.stories.c.record).where(t.stories.c.id == story_id)).scalar()
        return Story.from_record(json.loads(rec)) if rec else None

    def iter_stories(self) -> Iterator[Story]:
        q = sa.select(t.stories.c.record).order_by(t.stories.c.n_articles.desc(),
                                                    t.stories.c.last_published.desc(), t.stories.c.id)
        with self._reading() as conn:
            for (rec,) in conn.execute(q):
                yield Story.from_record(json.loads(rec))

    # -- errors and state -------------------------------------------------------------------------------------
    def record_error(self, source: str, article_id: str | None, message: str) -> None:
        """Record an error once: the same error for the same input, seen again on a later run, is not repeated."""
        source, article_id, message = self._text(source), self._text(article_id), self._text(message)
        e = t.errors.c
        same = sa.select(e.seq).where(e.source == source, e.message == message,
                                      e.article_id == article_id if article_id is not None
                                      else e.article_id.is_(None)).limit(1)
        with self._writing() as conn:
            if conn.execute(same).first() is None:
                conn.execute(t.errors.insert().values(source=source, article_id=article_id, message=message,
                                                      at=time.time()))

    def iter_errors(self) -> Iterator[dict[str, Any]]:
        with self._reading() as conn:
            for row in conn.execute(sa.select(t.errors).order_by(t.errors.c.seq)):
                yield dict(row._mapping)

    def get_state(self) -> dict[str, Any]:
        """Every state key. The cluster index is given as its scalars only (marked ``rows``): the clusterer reads
        the rows it needs through ``cluster_index``; ``read_cluster_index`` puts the whole index together."""
        with self._reading() as conn:
            return {k: json.loads(v) for k, v in conn.execute(sa.select(t.state.c.key, t.state.c.value))}

    def cluster_index(self) -> state_rows.ClusterRows:
        """The cluster index's rows, read by key and written by chunk inside the current unit of work."""
        def forget_snapshot() -> None:  # a whole-index write after this one must not diff against older rows
            self._local.cluster_snap = None

        return state_rows.ClusterRows(self._reading, self._writing, forget_snapshot)

    def read_cluster_index(self, key: str = "cluster") -> dict[str, Any] | None:
        """The whole cluster index put together from its rows (a rebuild, tools and tests; a run reads by key)."""
        with self._reading() as conn:
            v = conn.execute(sa.select(t.state.c.value).where(t.state.c.key == key)).scalar()
            v = json.loads(v) if v is not None else None
            if isinstance(v, dict) and v.get(state_rows.ROWS_MARK):
                v, self._local.cluster_snap = state_rows.read_cluster(conn, v)
            return v

    def put_state(self, state: dict[str, Any]) -> None:
        """Write these state keys. The cluster index goes to its rows, only what changed since this thread last read
        or wrote it (everything the first time)."""
        if not state:
            return
        with self._writing() as conn:
            rows = []
            for k, v in state.items():
                if state_rows.is_cluster_index(v):
                    v, self._local.cluster_snap = state_rows.write_cluster(
                        conn, v, getattr(self._local, "cluster_snap", None))
                rows.append({"key": k, "value": json.dumps(v)})
            stmt = self._insert(t.state)
            conn.execute(stmt.on_conflict_do_update(index_elements=[t.state.c.key],
                                                    set_={"value": stmt.excluded.value}), rows)

    # -- the chunk log ----------------------------------------------------------------------------------------
    def log_chunk(self, run: str, articles: int) -> int:
        """Note a committed chunk of ``run`` (call inside its unit of work); returns its sequence number."""
        with self._writing() as conn:
            return int(conn.execute(t.chunks.insert().values(run=run, articles=articles, at=time.time())
                                    .returning(t.chunks.c.seq)).scalar_one())

    def last_chunk(self) -> int:
        """The sequence number of the last committed chunk of any run (0 for none)."""
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.max(t.chunks.c.seq))).scalar() or 0)

    def count_chunks(self, run: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(t.chunks)
        with self._reading() as conn:
            return int(conn.execute(q if run is None else q.where(t.chunks.c.run == run)).scalar() or 0)

    # -- fetch state (validators, feed backoff) ----------------------------------------------------------------
    _FETCH_FIELDS = ("etag", "last_modified", "failures", "retry_at", "last_error")

    def get_fetch_state(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        urls = list(dict.fromkeys(urls))
        out: dict[str, dict[str, Any]] = {}
        f = t.fetch_state.c
        with self._reading() as conn:
            for chunk in _chunks(urls):
                for row in conn.execute(sa.select(f.url, *(f[k] for k in self._FETCH_FIELDS))
                                        .where(f.url.in_(chunk))):
                    out[row.url] = {k: getattr(row, k) for k in self._FETCH_FIELDS}
        return out

    def put_fetch_state(self, rows: Iterable[dict[str, Any]]) -> None:
        now = time.time()
        full = [{"url": self._text(r["url"]), "etag": None, "last_modified": None, "failures": 0, "retry_at": None,
                 "last_error": None, **{k: self._text(r[k]) for k in self._FETCH_FIELDS if k in r},
                 "updated_at": now} for r in rows]
        if not full:
            return
        with self._writing() as conn:
            for chunk in _chunks(full):
                stmt = self._insert(t.fetch_state)
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[t.fetch_state.c.url],
                    set_={k: stmt.excluded[k] for k in (*self._FETCH_FIELDS, "updated_at")}), chunk)

    # -- search and housekeeping ------------------------------------------------------------------------------
    # -- actors ------------------------------------------------------------------------------------------------
    def upsert_actors(self, records: Iterable[dict[str, Any]]) -> int:
        records = list(records)
        rows = [{"name": r["name"], "type": r.get("type"), "side": r.get("side"),
                 "record": json.dumps(r, ensure_ascii=False, sort_keys=True), "updated_at": time.time()}
                for r in records if r.get("name")]
        if not rows:
            return 0
        with self._writing() as conn:
            for chunk in _chunks(rows):
                stmt = self._insert(t.actors)
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[t.actors.c.name],
                    set_={"type": stmt.excluded.type, "side": stmt.excluded.side, "record": stmt.excluded.record,
                          "updated_at": stmt.excluded.updated_at}), chunk)
            last = {r["name"]: r for r in records if r.get("name")}  # rows keep the last record of a name
            actor_store.put_keys(conn, list(last.values()))
        return len(rows)

    def retire_actors(self, names: Iterable[str]) -> None:
        """Actors merged into another one: their rows stay, the book no longer finds them (``store.actor_rows``)."""
        with self._writing() as conn:
            actor_store.retire(conn, names)

    def actor_rows(self) -> actor_store.ActorRows:
        """The stored actor book read by key, in the current unit of work."""
        return actor_store.ActorRows(self._reading, self.url)

    def get_actor(self, name: str) -> dict[str, Any] | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.actors.c.record).where(t.actors.c.name == name)).first()
        return json.loads(row[0]) if row else None

    def iter_actors(self) -> Iterator[dict[str, Any]]:
        with self._reading() as conn:
            for (record,) in conn.execute(sa.select(t.actors.c.record).order_by(t.actors.c.name)):
                yield json.loads(record)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Articles matching ``query`` (words, all required), best first: id, title, story, snippet."""
        query = _CONTROL.sub(" ", query)
        words = [w for w in query.split() if w.strip()]
        if not words:
            return []
        with self._reading() as conn:
            if self.dialect == "sqlite":
                # Each word quoted, so user input is never parsed as FTS5 syntax.
                match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                rows = conn.execute(sa.text(
                    "SELECT a.id, a.title, a.story, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
                    "FROM articles_fts JOIN search_docs d ON d.doc = articles_fts.rowid "
                    "JOIN articles a ON a.content_hash = d.content_hash "
                    "WHERE articles_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": match, "n": limit})
            else:
                rows = conn.execute(sa.text(
                    "SELECT id, title, story, left(text, 160) AS snippet FROM articles WHERE "
                    "to_tsvector('english', coalesce(title,'') || ' ' || coalesce(text,'')) "
                    "@@ plainto_tsquery('english', :q) LIMIT :n"), {"q": " ".join(words), "n": limit})
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
        with self._reading() as conn:
            return current_version(conn)

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # Switching a new file to WAL needs a moment's exclusive lock, and SQLite answers "database is locked" at once
    # (no busy wait) when several processes open a new database together: try again for a while. Once the file is
    # in WAL (the mode is persistent) nothing is switched.
    deadline = time.monotonic() + _READ_TIMEOUT_S
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    cur.execute("PRAGMA synchronous=NORMAL")
    # Content hashes are random keys: each insert lands on a random page of the primary key and of the search
    # mapping, so the default 2 MB page cache makes a big archive's writes read pages back from the OS.
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
