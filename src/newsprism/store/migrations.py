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


def _v8_incremental_state(op: Operations, dialect: str) -> None:
    # A chunk reads and writes only what it touches. Dedup: each stored text's exact key, MinHash LSH band keys and
    # content anchors are rows, so a chunk finds its copies' candidates by its own keys instead of re-reading and
    # re-hashing the archive (``dedup_anchor_counts`` caps an anchor's postings: one in more than ``max_posting``
    # texts is no evidence). Clustering: the index that was one JSON blob in ``state['cluster']`` becomes one row
    # per story, per document-frequency term and per member, written when changed. Existing databases are carried
    # over: the blob is split into rows and the stored texts are fingerprinted once, here.
    op.create_table("dedup_docs", sa.Column("content_hash", sa.String(64), primary_key=True),
                    sa.Column("exact", sa.String(32), nullable=False))
    op.create_index("ix_dedup_docs_exact", "dedup_docs", ["exact"])
    for name, col in (("dedup_bands", "key"), ("dedup_anchors", "anchor")):
        op.create_table(name, sa.Column(col, sa.BigInteger, nullable=False),
                        sa.Column("content_hash", sa.String(64), nullable=False))
        op.create_index(f"ix_{name}_{col}", name, [col])
        op.create_index(f"ix_{name}_hash", name, ["content_hash"])
    op.create_table("dedup_anchor_counts", sa.Column("anchor", sa.BigInteger, primary_key=True),
                    sa.Column("n", sa.Integer, nullable=False))
    op.create_table("cluster_stories", sa.Column("key", sa.Text, primary_key=True),
                    sa.Column("record", sa.Text, nullable=False))
    op.create_table("cluster_df", sa.Column("kind", sa.String(16), primary_key=True),
                    sa.Column("term", sa.Text, primary_key=True), sa.Column("n", sa.Integer, nullable=False))
    op.create_table("cluster_members", sa.Column("article", sa.Text, primary_key=True),
                    sa.Column("story", sa.Text, nullable=False), sa.Column("copy", sa.Boolean, nullable=False))
    op.create_index("ix_cluster_members_story", "cluster_members", ["story"])
    from newsprism.store.state_rows import backfill

    backfill(op.get_bind())


def _v10_story_summary_and_ingest_queue(op: Operations, dialect: str) -> None:
    # List pages (the story list, an outlet's stories) show each story's outlets and fact counts; reading them out
    # of the whole record made SQLite parse ~80 KB of JSON per row. ``summary`` holds just those small fields.
    # An outlet's page and the outlet filter look stories up by outlet: without an index, a scan of every article.
    op.create_index("ix_articles_outlet", "articles", ["outlet", "story"])
    if dialect == "sqlite":
        # SQLite reads a row's columns in order, and the record spills over many overflow pages: a column added
        # after it would cost reading the whole record. The table is rebuilt with ``summary`` before ``record``.
        op.execute("CREATE TABLE stories_v10 (id TEXT NOT NULL PRIMARY KEY, title TEXT, n_articles INTEGER NOT NULL, "
                   "first_published TEXT, last_published TEXT, summary TEXT, record TEXT NOT NULL)")
        op.execute("INSERT INTO stories_v10 SELECT id, title, n_articles, first_published, last_published, "
                   "json_object('outlets', json(coalesce(json_extract(record, '$.outlets'), '[]')), 'counts', "
                   "json(coalesce(json_extract(record, '$.comparison.counts'), '{}'))), record FROM stories")
        op.execute("DROP TABLE stories")
        op.execute("ALTER TABLE stories_v10 RENAME TO stories")
    elif dialect == "postgresql":
        op.add_column("stories", sa.Column("summary", sa.Text))
        op.execute("UPDATE stories SET summary = json_build_object('outlets', coalesce(CAST(record AS jsonb) -> "
                   "'outlets', '[]'::jsonb), 'counts', coalesce(CAST(record AS jsonb) -> 'comparison' -> 'counts', "
                   "'{}'::jsonb))::text")
        # The API's ingest queue (newsprism.api.queue). On SQLite it lives in a file of its own beside the database
        # instead: a run holds SQLite's one write lock for a whole chunk, and queuing must not wait for that.
        _ingest_jobs_table(op)
    # The story list's default orders page through an index instead of sorting every story.
    op.create_index("ix_stories_size", "stories", [sa.text("n_articles DESC"), sa.text("last_published DESC"), "id"])
    op.create_index("ix_stories_recent", "stories", [sa.text("last_published DESC"), sa.text("n_articles DESC"), "id"])


def _ingest_jobs_table(op: Operations) -> None:
    op.create_table(
        "ingest_jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float), sa.Column("finished_at", sa.Float),
        sa.Column("worker", sa.Text),
        sa.Column("submitted", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_ingest_jobs_status", "ingest_jobs", ["status", "created_at"])


def _v9_fetch_state(op: Operations, dialect: str) -> None:
    # Per URL: the validators of its last good fetch (ETag / Last-Modified), so conditional GETs work across
    # processes (a cron'd `newsprism watch --once`, a restarted watcher), and a polled feed's backoff (failures in a
    # row, when to try again).
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text), sa.Column("last_modified", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("retry_at", sa.Float), sa.Column("last_error", sa.Text),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def _v11_cluster_postings(op: Operations, dialect: str) -> None:
    # A run read the whole cluster index (every story record, every document frequency, every member) when it
    # started: seconds and gigabytes at 200k articles. Each story's index keys become rows, so a chunk reads only the
    # stories its articles could join; existing stories are posted here. The member table already has its story index.
    op.create_table("cluster_postings", sa.Column("term", sa.Text, primary_key=True),
                    sa.Column("story", sa.Text, primary_key=True), sa.Column("run", sa.Integer, nullable=False))
    op.create_index("ix_cluster_postings_recent", "cluster_postings", ["term", "run", "story"])
    op.create_index("ix_cluster_postings_story", "cluster_postings", ["story"])
    from newsprism.store.state_rows import backfill_postings

    backfill_postings(op.get_bind())


# The tables whose rows the web pages show; a write to any of them changes what a page may say.
CONTENT_TABLES = ("articles", "stories", "actors")


def _v12_content_generation(op: Operations, dialect: str) -> None:
    # A counter that every write to the content tables raises, kept in the database itself (SQLite's own change
    # counter, ``PRAGMA data_version``, belongs to one connection and is lost with it). Rendered pages persisted
    # beside the database (``newsprism.web.pagestore``) are tagged with it, so any process, after a restart too, can
    # tell whether a stored page is as new as the data. Triggers raise it in the writer's own transaction: no writer
    # has to know. Only SQLite serves stored pages; PostgreSQL gets nothing.
    if dialect != "sqlite":
        return
    op.execute("CREATE TABLE content_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    op.execute("INSERT INTO content_generation (id, n) VALUES (1, 0)")
    for table in CONTENT_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER content_generation_{table}_{event.lower()} AFTER {event} ON {table} "
                       "BEGIN UPDATE content_generation SET n = n + 1 WHERE id = 1; END")


def _v13_actor_keys(op: Operations, dialect: str) -> None:
    # Each run rebuilt the whole actor book from every stored actor when it started, which grew with the archive
    # (minutes at 30k articles). The book's blocking keys become rows, so a chunk reads only the actors that share a
    # key with the names it asks about; the actors stored before are keyed here.
    op.create_table("actor_keys", sa.Column("key", sa.Text, primary_key=True),
                    sa.Column("name", sa.Text, primary_key=True))
    op.create_index("ix_actor_keys_name", "actor_keys", ["name"])
    from newsprism.store.actor_rows import backfill_keys

    backfill_keys(op.get_bind())


def _v14_dedup_prints(op: Operations, dialect: str) -> None:
    # Dedup found its stored candidates by key (migration 8) but then read each candidate's whole record and
    # fingerprinted its text again, every chunk: at 200k articles about 2,000 candidates and seconds per chunk. Each
    # stored text's fingerprint becomes a row, written with its keys. Texts stored before get theirs lazily, the first
    # time they are a candidate (``dedup.index.StoredIndex``): fingerprinting the whole archive here would hold the
    # write lock for minutes at that size for texts most of which are never a candidate again.
    op.create_table("dedup_prints", sa.Column("content_hash", sa.String(64), primary_key=True),
                    sa.Column("scheme", sa.String(32), nullable=False),
                    sa.Column("exact", sa.String(32), nullable=False),
                    sa.Column("blank", sa.Boolean, nullable=False),
                    sa.Column("shingles", sa.LargeBinary, nullable=False),
                    sa.Column("anchors", sa.LargeBinary, nullable=False),
                    sa.Column("sig", sa.LargeBinary))


def _v15_compare_units(op: Operations, dialect: str) -> None:
    # A story touched by a chunk prepared every member for its comparison again, stored members too: at 200k
    # articles about a third of the compare stage. The work a chunk does on an article becomes its row; articles
    # stored before get theirs lazily, the first time a comparison prepares them (``compare.unit_rows``).
    op.create_table("compare_units", sa.Column("article", sa.Text, primary_key=True),
                    sa.Column("key", sa.Text, nullable=False),
                    sa.Column("units", sa.LargeBinary),
                    sa.Column("clauses", sa.Text))


def _v16_postings_recent_first(op: Operations, dialect: str) -> None:
    # A chunk reads each index key's postings most recently changed first, ties by story
    # (``state_rows._postings_sql``). The index of migration 11 holds them by run ascending, so each key's postings
    # were read and then sorted again (a temporary B-tree per key, some 30,000 keys a chunk at 200k articles); an
    # index in the very order of the read answers it as it stands.
    # (IF EXISTS / IF NOT EXISTS: a database some of whose later steps were undone by hand migrates again.)
    op.execute("DROP INDEX IF EXISTS ix_cluster_postings_recent")
    op.execute("CREATE INDEX IF NOT EXISTS ix_cluster_postings_recent_first "
               "ON cluster_postings (term, run DESC, story)")


MIGRATIONS: list[Callable[[Operations, str], None]] = [_v1_core_tables, _v2_full_text, _v3_search_by_rowid,
                                                       _v4_error_lookup, _v5_chunk_log, _v6_actors,
                                                       _v7_stemmed_search, _v8_incremental_state, _v9_fetch_state,
                                                       _v10_story_summary_and_ingest_queue, _v11_cluster_postings,
                                                       _v12_content_generation, _v13_actor_keys, _v14_dedup_prints,
                                                       _v15_compare_units,
                                                       _v16_postings_recent_first]
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
