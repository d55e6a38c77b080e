"""Schema migrations, applied in order with alembic's operations API; ``schema_version`` holds how many ran.

Each step is a function of alembic ``Operations`` and the dialect name. Add steps at the end; never edit a released one.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations


def _v1_core_tables(op: Operations, dialect: str) -> None:
    op.create_table(
        "articles",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text), sa.Column("outlet", sa.Text), sa.Column("title", sa.Text),
        sa.Column("published", sa.Text), sa.Column("story", sa.Text),
        sa.Column("duplicate_of", sa.Text), sa.Column("duplicate_kind", sa.Text),
        sa.Column("failed", sa.Boolean, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_articles_id", "articles", ["id"])
    op.create_index("ix_articles_story", "articles", ["story"])
    op.create_index("ix_articles_source", "articles", ["source"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Text, primary_key=True), sa.Column("title", sa.Text),
        sa.Column("n_articles", sa.Integer, nullable=False),
        sa.Column("first_published", sa.Text), sa.Column("last_published", sa.Text),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_table(
        "errors",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False), sa.Column("article_id", sa.Text),
        sa.Column("message", sa.Text, nullable=False), sa.Column("at", sa.Float, nullable=False),
    )
    op.create_table("state", sa.Column("key", sa.Text, primary_key=True), sa.Column("value", sa.Text, nullable=False))


def _v2_full_text(op: Operations, dialect: str) -> None:
    # Full-text search over titles and texts: FTS5 on SQLite, a GIN index on PostgreSQL.
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(content_hash UNINDEXED, title, text)")
    elif dialect == "postgresql":
        op.add_column("articles", sa.Column("text", sa.Text))
        op.execute("CREATE INDEX ix_articles_fts ON articles USING gin "
                   "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, '')))")


def _v3_search_by_rowid(op: Operations, dialect: str) -> None:
    # The v2 FTS5 table was keyed by an UNINDEXED content_hash column, so every upsert's DELETE scanned the whole
    # index (a +2k chunk cost grew with the archive). The index is now keyed by rowid, and ``search_docs`` maps an
    # article's content hash to that rowid through a unique index: an upsert is O(log n). Articles stored before
    # (v1, or v2's empty index after migration) are indexed here.
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
        op.execute("CREATE TABLE search_docs (doc INTEGER PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE)")
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text)")
        op.execute("INSERT INTO search_docs (content_hash) SELECT content_hash FROM articles ORDER BY rowid")
        op.execute("INSERT INTO articles_fts (rowid, title, text) "
                   "SELECT d.doc, coalesce(a.title, ''), coalesce(json_extract(a.record, '$.text'), '') "
                   "FROM search_docs d JOIN articles a ON a.content_hash = d.content_hash")
    elif dialect == "postgresql":
        # v2 added the text column but left it empty for the articles already stored. A NUL escape cannot become
        # PostgreSQL text, so it is dropped before the record is read as JSON.
        op.execute("UPDATE articles SET text = replace(record, '\\u0000', '')::json ->> 'text' WHERE text IS NULL")


def _v4_error_lookup(op: Operations, dialect: str) -> None:
    # An error is recorded once: record_error looks for the same error by article before inserting.
    op.create_index("ix_errors_article", "errors", ["article_id"])


def _v5_chunk_log(op: Operations, dialect: str) -> None:
    # One row per committed chunk of a run: a killed run's finished chunks are visible, and a run can tell whether
    # another writer committed since its own last chunk (then it reloads the stories and state it keeps in memory).
    op.create_table(
        "chunks",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run", sa.Text, nullable=False), sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )


def _v6_actors(op: Operations, dialect: str) -> None:
    # The actor book (newsprism.knowledge.actors): one row per actor, its record (variants, titles with evidence,
    # side) as JSON; learned by story comparisons, read back by later runs.
    op.create_table(
        "actors",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("type", sa.Text), sa.Column("side", sa.Text),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def _v7_stemmed_search(op: Operations, dialect: str) -> None:
    # Search finds every form of a word ("strike" finds "strikes", "struck" aside): SQLite's index is rebuilt with
    # the Porter stemmer over unicode61; PostgreSQL's 'english' text search configuration stems already.
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, tokenize='porter unicode61')")
        op.execute("INSERT INTO articles_fts (rowid, title, text) "
                   "SELECT d.doc, coalesce(a.title, ''), coalesce(json_extract(a.record, '$.text'), '') "
                   "FROM search_docs d JOIN articles a ON a.content_hash = d.content_hash")


def _v9_fetch_state(op: Operations, dialect: str) -> None:
    # Per URL: the validators of its last good fetch (ETag / Last-Modified), so conditional GETs work across
    # processes (a cron'd `newsprism watch --once`, a restarted watcher), and a polled feed's backoff (failures in a
    # row, when to try again). Number 9 in the merged order: 8 and 10 belong to other branches.
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text), sa.Column("last_modified", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("retry_at", sa.Float), sa.Column("last_error", sa.Text),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


MIGRATIONS: list[Callable[[Operations, str], None]] = [_v1_core_tables, _v2_full_text, _v3_search_by_rowid,
                                                       _v4_error_lookup, _v5_chunk_log, _v6_actors,
                                                       _v7_stemmed_search, _v9_fetch_state]
LATEST = len(MIGRATIONS)


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(sa.text("SELECT max(version) FROM schema_version")).scalar() or 0)


def migrate(conn: sa.Connection) -> int:
    """Bring the database up to ``LATEST`` inside ``conn``'s transaction; returns the version it was at before.

    The caller holds the database's write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so two
    processes opening a new database at once run this one after the other and the second finds nothing to do.
    """
    before = current_version(conn)
    if before > LATEST:
        raise RuntimeError(f"database schema version {before} is newer than this newsprism ({LATEST}); upgrade")
    if before == LATEST:
        return before
    if not sa.inspect(conn).has_table("schema_version"):
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
    op = Operations(MigrationContext.configure(conn))
    for version in range(before + 1, LATEST + 1):
        MIGRATIONS[version - 1](op, conn.dialect.name)
        conn.execute(sa.text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": version})
    return before
