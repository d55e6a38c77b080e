"""Incremental state (migration 8): the cluster index as rows, dedup keys as rows, and the upgrade of old databases."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from newsprism.dedup.stage import DedupStage
from newsprism.model import Article, content_hash
from newsprism.pipeline import Corpus
from newsprism.dedup.index import StoredIndex
from newsprism.store import open_store
from newsprism.store import state_rows
from newsprism.store.migrations import MIGRATIONS

TEXT_A = ("The city council of a northern port voted late on Tuesday to close the old ferry terminal for two years "
          "while engineers rebuild the sea wall, after a winter of storms flooded the quay three times. Ferry "
          "operators said passengers would board from a temporary pier south of the harbour, and the mayor promised "
          "a shuttle bus from the railway station until the works end.")
TEXT_B = ("Farmers in the river valley began the grape harvest a fortnight early this year after a dry and hot "
          "August, and growers said the yield was smaller but the sugar content unusually high. A cooperative "
          "near the old mill hired forty extra pickers, and the regional wine board expects prices to rise.")


def _index(n_stories: int = 3) -> dict:
    """A clusterer state shaped as ``OnlineClusterer.save`` writes it."""
    stories = {f"s{i}": {"text": {"ferry": 0.5 + i, "quay": 0.25}, "names": {"harbour": 0.5}, "title": {}, "n": 2,
                         "d0": 100 + i, "d1": 101 + i, "presence": {"harbour": 2},
                         "records": {f"a{i}": [{"ferry": 2}, {"harbour": 1}, {}, 100, "h"]}, "run": 1}
               for i in range(n_stories)}
    return {"version": 1, "run": 3, "newest_day": 103, "params": {"threshold": 0.25},
            "df": {"n": 6, "df": {"ferry": 4, "quay": 2}}, "name_df": {"n": 6, "df": {"harbour": 3}},
            "members": {f"a{i}": f"s{i % n_stories}" for i in range(6)}, "copies": {"a5": 1},
            "stories": stories}


def _rows(store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar())


def test_cluster_index_round_trips_through_rows(store):
    state = _index()
    store.put_state({"cluster": state, "other": [1, 2]})
    assert _rows(store, "cluster_stories") == 3 and _rows(store, "cluster_members") == 6
    with store.engine.connect() as conn:
        blob = json.loads(conn.execute(sa.text("SELECT value FROM state WHERE key = 'cluster'")).scalar())
    assert "stories" not in blob and "members" not in blob, "the big parts are rows, not one JSON value"
    again = open_store(store.url)
    got = again.get_state()
    assert got["other"] == [1, 2]
    assert "stories" not in got["cluster"] and got["cluster"]["rows"], "a run's state read holds only the scalars"
    assert json.loads(json.dumps(again.read_cluster_index())) == json.loads(json.dumps(state))
    again.close()


def test_only_changed_rows_are_written(store):
    store.put_state({"cluster": _index()})
    state = store.read_cluster_index()
    # as OnlineClusterer.save does: a changed story is a new dict, a dropped one is removed
    state["stories"]["s1"] = dict(state["stories"]["s1"], n=5)
    del state["stories"]["s2"]
    state["members"]["a9"] = "s1"
    del state["members"]["a2"]
    state["df"]["df"]["wall"] = 1
    with store.engine.begin() as conn:  # mark the rows as stored so a rewrite would show
        conn.execute(sa.text("UPDATE cluster_stories SET record = replace(record, '\"run\": 1', '\"run\": 7') "
                             "WHERE key = 's0'"))
    store.put_state({"cluster": state})
    fresh = open_store(store.url)
    got = fresh.read_cluster_index()
    fresh.close()
    assert got["stories"]["s0"]["run"] == 7, "an unchanged story's row is not rewritten"
    assert got["stories"]["s1"]["n"] == 5 and "s2" not in got["stories"]
    assert got["members"].get("a9") == "s1" and "a2" not in got["members"]
    assert got["df"]["df"]["wall"] == 1 and got["copies"] == {"a5": 1}


def test_a_rolled_back_write_is_written_again(store):
    store.put_state({"cluster": _index()})
    state = store.read_cluster_index()
    state["stories"]["s1"] = dict(state["stories"]["s1"], n=9)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.put_state({"cluster": state})
            raise RuntimeError("killed")
    store.put_state({"cluster": state})
    fresh = open_store(store.url)
    assert fresh.read_cluster_index()["stories"]["s1"]["n"] == 9
    fresh.close()


def _old_database(url: str, dialect: str, articles: list[Article], cluster: dict, version: int = 7) -> None:
    """A database as newsprism left it at schema ``version`` (7: the index one blob; 10: rows, no postings)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    last = version
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for version in range(1, last + 1):
            MIGRATIONS[version - 1](Operations(MigrationContext.configure(conn)), dialect)
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v)"), {"v": version})
        for a in articles:
            conn.execute(sa.text("INSERT INTO articles (content_hash, id, source, failed, record, updated_at) "
                                 "VALUES (:h, :i, :s, :f, :r, 0)"),
                         {"h": a.content_hash, "i": a.id, "s": a.id, "f": False, "r": json.dumps(a.to_record())})
        if last < 8:
            conn.execute(sa.text("INSERT INTO state (key, value) VALUES ('cluster', :v)"),
                         {"v": json.dumps(cluster)})
        else:  # as that version wrote them: the index as rows (no postings yet), the texts' dedup keys
            scalars, _ = state_rows.write_cluster(conn, cluster, None, postings=False)
            conn.execute(sa.text("INSERT INTO state (key, value) VALUES ('cluster', :v)"),
                         {"v": json.dumps(scalars)})
            state_rows._index_stored_texts(conn, 500)
    engine.dispose()


@pytest.mark.parametrize("version", [7, 10])
def test_migration_splits_the_blob_and_indexes_stored_texts(store_url, version):
    dialect = "postgresql" if store_url.startswith("postgres") else "sqlite"
    url = store_url if dialect == "postgresql" else f"sqlite:///{store_url}"
    old = [Article(id="ferry", text=TEXT_A, content_hash=content_hash(TEXT_A)),
           Article(id="grapes", text=TEXT_B, content_hash=content_hash(TEXT_B))]
    _old_database(url, dialect, old, _index(), version)
    store = open_store(store_url)
    try:
        assert json.loads(json.dumps(store.read_cluster_index())) == json.loads(json.dumps(_index()))
        assert _rows(store, "cluster_stories") == 3 and _rows(store, "dedup_docs") == 2
        # migration 11 posted every story under its heaviest words and names
        found = store.cluster_index().postings(["ferry", "@harbour", "quay"], cap=10)
        assert sorted(found["ferry"]) == ["s0", "s1", "s2"] and sorted(found["@harbour"]) == ["s0", "s1", "s2"]
        assert _rows(store, "dedup_bands") > 0 and _rows(store, "dedup_anchors") > 0
        # a copy arriving now finds its stored original through the keys alone: no stored article is scanned
        copy = Article(id="copy", text=TEXT_A.replace("Tuesday", "Wednesday"), content_hash="c" * 64)

        def no_scan():
            raise AssertionError("stored articles were scanned")
        corpus = Corpus(articles=[copy], prior_articles=no_scan, dedup_index=StoredIndex(store))
        DedupStage()(corpus)
        assert copy.duplicate_of == "ferry" and copy.duplicate_kind in ("near", "contained")
    finally:
        store.close()


def test_dedup_keys_follow_the_articles(store):
    a = Article(id="ferry", text=TEXT_A, content_hash=content_hash(TEXT_A))
    b = Article(id="grapes", text=TEXT_B, content_hash=content_hash(TEXT_B))
    index = StoredIndex(store)
    with store.transaction():
        corpus = Corpus(articles=[a, b], dedup_index=index)
        DedupStage()(corpus)
        store.upsert_articles([a, b])
    assert _rows(store, "dedup_docs") == 2
    # the same text again (re-processed) replaces its keys; a different text finds nothing
    other = Article(id="other", text=TEXT_B.replace("grape", "olive"), content_hash="d" * 64)
    corpus = Corpus(articles=[a, other], dedup_index=index)
    DedupStage()(corpus)
    assert a.duplicate_of is None, "an article is not a copy of its own stored version"
    assert other.duplicate_of == "grapes"
    assert _rows(store, "dedup_docs") == 3
    # an article whose file changed replaces the old version, and the old version's keys go with it
    edited = Article(id="grapes", source="grapes", text=TEXT_B + " More later.", content_hash="e" * 64)
    b.source = "grapes"
    store.upsert_articles([b])
    store.upsert_articles([edited])
    with store.engine.connect() as conn:
        left = {h for (h,) in conn.execute(sa.text("SELECT content_hash FROM dedup_docs"))}
    assert b.content_hash not in left


def test_postings_are_read_most_recent_first_through_their_index(store):
    runs = {"s-old": 1, "s-b": 3, "s-a": 3, "s-mid": 2}
    rec = {"text": {"ferry": 1.0}, "names": {}, "title": {}, "n": 1, "d0": None, "d1": None, "presence": {},
           "records": None}
    store.cluster_index().write({"stories": {k: ({**rec, "run": r}, r, ["ferry"]) for k, r in runs.items()},
                                 "gone": [], "members": {}, "df": {}, "name_df": {}})
    rows = store.cluster_index()
    assert rows.postings(["ferry"], cap=3) == {"ferry": ["s-a", "s-b", "s-mid"]}  # run descending, ties by story
    assert rows.postings(["ferry", "quay"], cap=10) == {"ferry": ["s-a", "s-b", "s-mid", "s-old"]}
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + state_rows._postings_sql(1),
                                        {"t0": "ferry", "cap": 3}).all()
        # answered by the index as it stands: no sort of each key's postings
        assert any("ix_cluster_postings_recent_first" in row[-1] for row in plan)
        assert not any("TEMP B-TREE" in row[-1] for row in plan)
