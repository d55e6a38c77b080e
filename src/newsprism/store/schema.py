"""Table definitions (SQLAlchemy Core) used for queries; migrations.py creates and evolves them."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

articles = sa.Table(
    "articles", metadata,
    sa.Column("content_hash", sa.String(64), primary_key=True),
    sa.Column("id", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.Text),
    sa.Column("story", sa.Text),
    sa.Column("duplicate_of", sa.Text),
    sa.Column("duplicate_kind", sa.Text),
    sa.Column("failed", sa.Boolean, nullable=False, default=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# On PostgreSQL the article text is a column too (the full-text index is an expression over it), written with the
# row in one statement; on SQLite it lives in the FTS5 table instead.
articles_with_text = sa.Table("articles", sa.MetaData(), *(c._copy() for c in articles.columns),
                              sa.Column("text", sa.Text))

stories = sa.Table(
    "stories", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("n_articles", sa.Integer, nullable=False, default=0),
    sa.Column("first_published", sa.Text),
    sa.Column("last_published", sa.Text),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("summary", sa.Text),  # {"outlets", "counts"} as JSON: what list pages show, without the record
)

errors = sa.Table(
    "errors", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

state = sa.Table(
    "state", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

actors = sa.Table(
    "actors", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("type", sa.Text),
    sa.Column("side", sa.Text),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# The actor book's blocking keys (``knowledge.actors.record_keys``), one row per key of a stored actor: a chunk reads
# only the actors whose names can match the names it asks for (migration 13).
actor_keys = sa.Table(
    "actor_keys", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Index("ix_actor_keys_name", "name"),
)

chunks = sa.Table(
    "chunks", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run", sa.Text, nullable=False),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

# Incremental state (migration 8): dedup keys and cluster index rows; see store/state_rows.py.
dedup_docs = sa.Table("dedup_docs", metadata, sa.Column("content_hash", sa.String(64), primary_key=True),
                      sa.Column("exact", sa.String(32), nullable=False))
dedup_bands = sa.Table("dedup_bands", metadata, sa.Column("key", sa.BigInteger, nullable=False),
                       sa.Column("content_hash", sa.String(64), nullable=False))
dedup_anchors = sa.Table("dedup_anchors", metadata, sa.Column("anchor", sa.BigInteger, nullable=False),
                         sa.Column("content_hash", sa.String(64), nullable=False))
dedup_anchor_counts = sa.Table("dedup_anchor_counts", metadata, sa.Column("anchor", sa.BigInteger, primary_key=True),
                               sa.Column("n", sa.Integer, nullable=False))
cluster_stories = sa.Table("cluster_stories", metadata, sa.Column("key", sa.Text, primary_key=True),
                           sa.Column("record", sa.Text, nullable=False))
cluster_df = sa.Table("cluster_df", metadata, sa.Column("kind", sa.String(16), primary_key=True),
                      sa.Column("term", sa.Text, primary_key=True), sa.Column("n", sa.Integer, nullable=False))
cluster_members = sa.Table("cluster_members", metadata, sa.Column("article", sa.Text, primary_key=True),
                           sa.Column("story", sa.Text, nullable=False), sa.Column("copy", sa.Boolean, nullable=False))
# Migration 14: each stored text's dedup fingerprint (``dedup.index``), so a chunk verifies its stored candidates
# without reading or re-hashing their texts. Arrays as little-endian bytes; ``sig`` is NULL for texts too short to
# have one stored (it is cheap to take again); ``scheme`` names the parameters it was taken with.
dedup_prints = sa.Table("dedup_prints", metadata, sa.Column("content_hash", sa.String(64), primary_key=True),
                        sa.Column("scheme", sa.String(32), nullable=False),
                        sa.Column("exact", sa.String(32), nullable=False),
                        sa.Column("blank", sa.Boolean, nullable=False),
                        sa.Column("shingles", sa.LargeBinary, nullable=False),
                        sa.Column("anchors", sa.LargeBinary, nullable=False),
                        sa.Column("sig", sa.LargeBinary))
# Migration 11: the keys each story is found by (its heaviest words and names), so a chunk reads only the stories its
# articles could join; ``run`` is the run that last changed the story (a posting list is read most recent first).
cluster_postings = sa.Table("cluster_postings", metadata, sa.Column("term", sa.Text, primary_key=True),
                            sa.Column("story", sa.Text, primary_key=True), sa.Column("run", sa.Integer, nullable=False))

# Migration 15: each article's story-free compare work (``store.unit_rows``), read back for a story's stored members
# when a chunk adds to the story; ``key`` names the content and code it was made from.
compare_units = sa.Table("compare_units", metadata, sa.Column("article", sa.Text, primary_key=True),
                         sa.Column("key", sa.Text, nullable=False),
                         sa.Column("units", sa.LargeBinary),
                         sa.Column("clauses", sa.Text))


# The API's ingest queue (newsprism.api.queue): in the store's database on PostgreSQL, in a file of its own beside a
# SQLite database.
ingest_jobs = sa.Table(
    "ingest_jobs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # queued, running, done, failed
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("worker", sa.Text),  # host:pid of the server process running it
    sa.Column("submitted", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text),  # the posted articles as JSON lines; cleared once the job ends
    sa.Column("result", sa.Text),  # JSON: counts, errors, the articles' and stories' summaries
    sa.Column("error", sa.Text),
    sa.Index("ix_ingest_jobs_status", "status", "created_at"),
)

fetch_state = sa.Table(
    "fetch_state", metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("retry_at", sa.Float),
    sa.Column("last_error", sa.Text),
    sa.Column("updated_at", sa.Float, nullable=False),
)
