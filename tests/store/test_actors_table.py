"""The store's actors table on both dialects: records round-trip, a second write replaces the first."""


def test_actor_records_round_trip_and_replace(store):
    rec = {"name": "Scott Bessent", "type": "PERSON", "side": "US", "title": "Treasury Secretary",
           "variants": ["Bessent"], "titles": {"Treasury Secretary": ["a1", "a2"]}, "pinned": False,
           "quotes": [{"article": "a1", "start": 3, "end": 20}]}
    assert store.upsert_actors([rec, {"name": "Li Chenggang", "type": "PERSON", "side": "China"}]) == 2
    assert [r["name"] for r in store.iter_actors()] == ["Li Chenggang", "Scott Bessent"]
    store.upsert_actors([{**rec, "side": "UK"}])
    got = {r["name"]: r for r in store.iter_actors()}
    assert got["Scott Bessent"]["side"] == "UK" and got["Scott Bessent"]["titles"] == rec["titles"]
    assert store.upsert_actors([]) == 0


def test_actor_keys_follow_the_records(store):
    from newsprism.knowledge.actors import record_keys

    rec = {"name": "Scott Bessent", "type": "PERSON", "variants": []}
    store.upsert_actors([rec])
    rows = store.actor_rows()
    assert rows.names(record_keys(rec)) == {"Scott Bessent"}
    assert rows.names(["cscott besant"]) == set()
    # a new variant adds its keys; the old ones stay while the name is kept
    store.upsert_actors([dict(rec, variants=["Scott Besant"])])
    assert rows.names(["cscott besant"]) == {"Scott Bessent"}
    assert [d["name"] for d in rows.records(["Scott Bessent", "nobody"])] == ["Scott Bessent"]
    store.retire_actors(["Scott Bessent"])  # merged into another actor: the row stays, the book no longer finds it
    assert rows.names(record_keys(rec)) == set() and store.get_actor("Scott Bessent") is not None


def test_migration_13_keys_the_actors_stored_before(store_url):
    """A database at schema 12 with actors learned: the upgrade keys them, and the book finds them by name."""
    import json

    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from newsprism.knowledge import actors as book_mod
    from newsprism.knowledge.actors import record_keys
    from newsprism.store import open_store
    from newsprism.store.migrations import MIGRATIONS

    dialect = "postgresql" if store_url.startswith("postgres") else "sqlite"
    url = store_url.replace("postgresql://", "postgresql+psycopg://", 1) if dialect == "postgresql" \
        else f"sqlite:///{store_url}"
    old = [{"name": "Marta Kowalczyk", "type": "PERSON", "side": "PL", "variants": ["M Kowalczyk"]},
           {"name": "Harbour Safety Council", "type": "ORG", "side": None, "variants": ["HSC"]},
           {"name": "Jonas Petraitis", "type": None, "side": "LT", "variants": []}]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for version in range(1, 13):
            MIGRATIONS[version - 1](Operations(MigrationContext.configure(conn)), dialect)
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v)"), {"v": version})
        for d in old:
            conn.execute(sa.text("INSERT INTO actors (name, type, side, record, updated_at) "
                                 "VALUES (:n, :t, :s, :r, 0)"),
                         {"n": d["name"], "t": d["type"], "s": d["side"], "r": json.dumps(d)})
    engine.dispose()
    store = open_store(store_url)
    try:
        assert store.schema_version() >= 13
        rows = store.actor_rows()
        assert rows.all_names() == {d["name"] for d in old}
        for d in old:
            assert d["name"] in rows.names(record_keys(d))
        book_mod._LEARNED.clear()
        assert book_mod.recall(store) == 3
        book = book_mod.ActorBook.default()
        assert book.match(["Marta Kowalczik"], "PERSON").side == "PL"
        assert book.match(["HSC"], "ORG").name == "Harbour Safety Council"
        assert book.match(["Jonas Petraitis"], None).side == "LT"
    finally:
        book_mod._LEARNED.clear()
        book_mod._BOOK = None
        store.close()
