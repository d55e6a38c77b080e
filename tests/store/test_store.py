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


def test_search_finds_other_forms_of_a_word(store):
    store.upsert_articles([_article("a1", "Missiles struck two bridges near Madrid as the strikes went on."),
                           _article("a2", "A quiet day at the harbour of Madrid.")])
    assert [h["id"] for h in store.search("bridge strike")] == ["a1"]


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


def test_stories_merge_without_touching_others(store):
    store.put_stories([Story("s1", "one", ["a1"]), Story("s2", "two", ["a2"])])
    store.put_stories([Story("s2", "two", ["a2", "a3"])])
    store.delete_stories(["s-missing"])
    assert sorted(s.id for s in store.iter_stories()) == ["s1", "s2"]
    assert store.get_stories(["s2", "s9"])["s2"].articles == ["a2", "a3"]
    store.delete_stories(["s1"])
    assert [s.id for s in store.iter_stories()] == ["s2"]


def test_an_error_is_recorded_once(store):
    for _ in range(3):
        store.record_error("/in/bad.html", "bad", "clean: empty page")
    store.record_error("/in/bad.html", None, "ingest: unreadable")
    store.record_error("/in/bad.html", None, "ingest: unreadable")
    assert len(list(store.iter_errors())) == 2


def test_a_transaction_commits_everything_or_nothing(store):
    with pytest.raises(KeyError):
        with store.transaction():
            store.upsert_articles([_article("a1")])
            store.put_stories([Story("s1", "one", ["a1"])])
            store.record_error("/in/a1.txt", "a1", "boom")
            store.put_state({"k": 1})
            assert store.count_articles() == 1, "reads inside the unit see its own writes"
            raise KeyError("killed half-way")
    assert (store.count_articles(), list(store.iter_stories()), list(store.iter_errors()), store.get_state()) == \
        (0, [], [], {})
    with store.transaction():
        store.upsert_articles([_article("a1")])
        with store.transaction():  # nested units join the outer one
            store.put_stories([Story("s1", "one", ["a1"])])
    assert store.count_articles() == 1 and store.get_story("s1").articles == ["a1"]


def test_nul_and_control_characters_are_stored_and_searchable(store):
    text = "Talks in Madrid\x00 went on\x07 late."
    a = Article("nul", source="/in/nul.txt", title="Madrid\x00 talks", text=text, content_hash=content_hash(text))
    store.upsert_articles([a])
    assert store.get_article("nul").text == text, "the record keeps the text exactly (JSON escapes NUL)"
    assert [r["id"] for r in store.search("Madrid")] == ["nul"]
    assert store.search("Madrid\x00") != [] and store.search("\x00") == []
    store.record_error("/in/nul\x00.txt", "nul", "clean: bad\x00 byte")
    assert len(list(store.iter_errors())) == 1


def test_migration_from_v2_indexes_the_articles_stored_before(tmp_path):
    import json

    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = tmp_path / "v2.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    a = _article("old", "Negotiators from both sides met in Madrid on Sunday.", title="Madrid talks")
    with engine.begin() as conn:  # a database as version 2 left it: the article stored, the search index empty
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for version in (1, 2):
            MIGRATIONS[version - 1](Operations(MigrationContext.configure(conn)), "sqlite")
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v)"), {"v": version})
        conn.execute(sa.text("INSERT INTO articles (content_hash, id, source, title, failed, record, updated_at) "
                             "VALUES (:h, 'old', 'x', :t, 0, :r, 0)"),
                     {"h": a.content_hash, "t": a.title, "r": json.dumps(a.to_record())})
    engine.dispose()
    s = open_store(path)
    assert [r["id"] for r in s.search("negotiators")] == ["old"]
    s.upsert_articles([_article("new", "Negotiators met again in Madrid.")])
    assert sorted(r["id"] for r in s.search("negotiators")) == ["new", "old"]
    s.close()


def test_migration_on_postgresql_fills_the_text_of_old_articles(store_url):
    if not store_url.startswith("postgres"):
        pytest.skip("the PostgreSQL step")
    import json

    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://", 1))
    a = _article("old", "Negotiators from both sides met in Madrid on Sunday.")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for version in (1, 2):
            MIGRATIONS[version - 1](Operations(MigrationContext.configure(conn)), "postgresql")
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v)"), {"v": version})
        conn.execute(sa.text("INSERT INTO articles (content_hash, id, source, failed, record, updated_at) "
                             "VALUES (:h, 'old', 'x', false, :r, 0)"), {"h": a.content_hash,
                                                                         "r": json.dumps(a.to_record())})
    engine.dispose()
    s = open_store(store_url)
    assert [r["id"] for r in s.search("negotiators")] == ["old"]
    s.close()
