import sqlite3

import pytest

from newsprism.model import Article, Entity, Quote, Span, Story, content_hash
from newsprism.store import open_store
from newsprism.store.migrations import LATEST, MIGRATIONS


def _article(i: str, text: str = "China and the United States met in Madrid.", **kw) -> Article:
    a = Article(i, source=f"/in/{i}.txt", text=text, content_hash=content_hash(i + "\0" + text), outlet="Daily",
                **kw)
    a.entities = [Entity("e1", "Madrid", "GPE", mentions=[(text.index("Madrid"), text.index("Madrid") + 6)])]
    a.quotes = [Quote(0, 5, text[:5], "direct", Span(6, 9, text[6:9]), None, "Someone", "official", "e1", "China")]
    return a


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(tmp_path / "np.db")
        yield s
        s.close()
    else:
        yield from _postgres_store()


def _postgres_store():
    """A store in a fresh schema of the test server (NEWSPRISM_TEST_PG), dropped afterwards."""
    import os
    import uuid

    import sqlalchemy as sa

    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("NEWSPRISM_TEST_PG is not set in CI; make test starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL for tests (make test starts one and sets NEWSPRISM_TEST_PG)")
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = "t_" + uuid.uuid4().hex[:12]
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"PostgreSQL at NEWSPRISM_TEST_PG is not reachable: {exc.orig}")
    s = open_store(f"{url}?options=-csearch_path%3D{schema}")
    try:
        yield s
    finally:
        s.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_round_trip_keeps_every_field(store):
    a = _article("a1", title="Talks", published="2025-09-15", duplicate_of="a0", duplicate_kind="near")
    a.errors.append("nlp: boom")
    store.upsert_articles([a])
    got = store.get_article("a1")
    assert got.to_record() == a.to_record()
    assert store.get_articles_by_hash([a.content_hash])[a.content_hash].to_record() == a.to_record()


def test_upsert_is_idempotent(store):
    arts = [_article("a1"), _article("a2", "Another text about Madrid talks.")]
    assert store.upsert_articles(arts) == 2
    assert store.upsert_articles(arts) == 0
    assert store.count_articles() == 2
    assert len(store.search("Madrid")) == 2, "the full-text index must not hold a row twice either"


def test_edited_file_replaces_its_old_version(store):
    store.upsert_articles([_article("a1")])
    store.upsert_articles([_article("a1", "An edited text about Madrid.")])
    assert store.count_articles() == 1
    assert store.get_article("a1").text == "An edited text about Madrid."
    assert [r["id"] for r in store.search("edited")] == ["a1"]


def test_stories_are_replaced_as_a_whole(store):
    store.replace_stories([Story("s1", "one", ["a1"]), Story("s2", "two", ["a2", "a3"])])
    store.replace_stories([Story("s2", "two", ["a1", "a2", "a3"])])
    assert [s.id for s in store.iter_stories()] == ["s2"]
    assert store.get_story("s2").articles == ["a1", "a2", "a3"]
    assert store.get_story("s1") is None


def test_state_and_errors(store):
    store.put_state({"cluster": {"n": 1}, "dedup": [1, 2]})
    store.put_state({"cluster": {"n": 2}})
    assert store.get_state() == {"cluster": {"n": 2}, "dedup": [1, 2]}
    store.record_error("/in/bad.html", "bad", "clean: empty page")
    assert [(e["source"], e["message"]) for e in store.iter_errors()] == [("/in/bad.html", "clean: empty page")]


def test_search_input_is_not_parsed_as_query_syntax(store):
    store.upsert_articles([_article("a1")])
    assert isinstance(store.search('Madrid" OR NOT ( NEAR *'), list), "no syntax error from user input"
    assert store.search("Madrid zanzibar") == [], "every word is required"
    assert store.search("madrid")[0]["id"] == "a1"


def test_migration_from_an_empty_file(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    s = open_store(path)
    assert s.schema_version() == LATEST
    s.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "stories", "errors", "state", "schema_version", "articles_fts"} <= tables


def test_migration_from_an_older_schema_keeps_data(tmp_path):
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a database as version 1 left it, with one article
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        MIGRATIONS[0](Operations(MigrationContext.configure(conn)), "sqlite")
        conn.execute(sa.text("INSERT INTO schema_version VALUES (1)"))
        a = _article("old")
        import json
        conn.execute(sa.text("INSERT INTO articles (content_hash, id, source, failed, record, updated_at) "
                             "VALUES (:h, 'old', 'x', 0, :r, 0)"), {"h": a.content_hash, "r": json.dumps(a.to_record())})
    engine.dispose()
    s = open_store(path)
    assert s.schema_version() == LATEST
    assert s.get_article("old").text == a.text
    s.close()


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "new.db"
    open_store(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version VALUES (999)")
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        open_store(path)
