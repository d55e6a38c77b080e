"""Stored compare work (``compare.unit_rows``, migration 15): a chunk keeps the work it did on each article as a row,
a later chunk reads it back for a story's stored members, and the comparison comes out exactly as when every member
is prepared afresh."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import sqlalchemy as sa

from newsprism.compare import stage as compare_stage
from newsprism.compare import unit_rows
from newsprism.compare.align import _Actors, _phrases_of, article_units, story_units
from newsprism.jobs import run_job
from newsprism.store import open_store

# Reports of one invented event by four outlets: the first chunk brings two, the second the other two.
FIRST = [
    ("harbour-a", "Harbour Post", "A storm surge flooded the port of Velmora on Tuesday, forcing 1,200 residents "
     "from their homes and closing the main ferry terminal for three days. Mayor Lidia Carvane said the sea wall "
     "had failed along a 400-metre stretch. \"We warned the ministry about that wall two years ago,\" Carvane told "
     "reporters outside the town hall. Engineers from the regional water board estimated repairs at 18 million "
     "euros. Fishing crews moored their boats inland as the water rose through the old market square."),
    ("harbour-b", "Coastal Daily", "Some 1,200 people were evacuated from Velmora after a storm surge broke "
     "through the town's sea wall on Tuesday. The ferry terminal will stay shut for three days, port officials "
     "said. Mayor Lidia Carvane blamed years of neglect: \"The ministry knew this wall was failing,\" she said. "
     "The regional water board put the cost of repairs at 18 million euros, and said a 400-metre section had "
     "collapsed. Shops in the old market square were under half a metre of water by the evening."),
]
SECOND = [
    ("harbour-c", "Northern Wire", "Velmora's sea wall gave way over 400 metres during Tuesday's storm surge, "
     "and about 1,300 residents left their homes, according to the fire service. Mayor Lidia Carvane said the "
     "ministry had been warned. The water board said repairs would cost 18 million euros. The ferry terminal is "
     "expected to reopen in three days, while fishing crews wait for the harbour to drain."),
    ("harbour-d", "Evening Tide", "Residents of Velmora began returning on Wednesday after a storm surge breached "
     "the sea wall, which the regional water board said would cost 18 million euros to repair. Mayor Lidia "
     "Carvane repeated that the ministry had ignored warnings. The ferry terminal stays closed for three days. "
     "Around 1,200 people had been moved out of the lower town, officials said."),
]


def _write(path: Path, docs: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "outlet": o, "text": t, "published": "2025-03-04"}) + "\n"
                            for i, o, t in docs), encoding="utf-8")
    return path


def _comparisons(store) -> dict[str, dict]:
    return {s.id: s.comparison for s in store.iter_stories()}


def _cut_phrases(units, article) -> None:
    """Cut every kept clause's phrases, as comparisons do (they are kept on the prepared clauses)."""
    for u in story_units(units, article, "o", _Actors()):
        _phrases_of(u)


def test_a_stored_members_units_read_back_as_freshly_prepared(store_url, tmp_path, postgres_schema, monkeypatch):
    first, second = _write(tmp_path / "first.jsonl", FIRST), _write(tmp_path / "second.jsonl", SECOND)
    store = open_store(store_url)
    try:
        run_job([str(first)], store)
        stored = store.get_articles_by_id([i for i, _, _ in FIRST])
        assert len(stored) == 2
        rows = unit_rows.StoredUnits(store).rows(list(stored.values()), "units")
        assert set(rows) == set(stored)  # the first chunk kept its work, under the keys a later chunk finds
        assert unit_rows.StoredUnits(store).furniture(list(stored.values()))
        for a in stored.values():
            got = unit_rows.load_units(a, rows[a.id])
            fresh = article_units(a)
            assert any(pc.phrases for _, pcs in got.clauses for pc in pcs)  # the phrases the comparison cut
            _cut_phrases(fresh, a)
            for (k1, p1), (k2, p2) in zip(got.clauses, fresh.clauses):
                assert k1 == k2
                for x, y in zip(p1, p2):
                    if x.phrases is not None:
                        assert x.phrases == y.phrases
                    assert (x.start, x.end, x.text, x.terms, x.ents, x.quoted, x.claims, x.ones, x.kept) == \
                        (y.start, y.end, y.text, y.terms, y.ents, y.quoted, y.claims, y.ones, y.kept)
            assert got.actor_keys == fresh.actor_keys and len(got.clauses) == len(fresh.clauses)
            # a row under another key (other text, annotations or code) is not read
            changed = copy.copy(a)
            changed.text = a.text.replace("Velmora", "Velmorra")
            assert unit_rows.StoredUnits(store).rows([changed], "units") == {}
        loaded = []
        real_load = compare_stage.load_units
        monkeypatch.setattr(compare_stage, "load_units", lambda a, r: loaded.append(a.id) or real_load(a, r))
        run_job([str(second)], store)
        assert set(loaded) == set(stored)  # the second chunk read its stored members' work back
        with_rows = _comparisons(store)
    finally:
        store.close()

    # the same two chunks, the stored work dropped before the second: every member is prepared afresh
    def control(url: str) -> dict:
        other = open_store(url)
        try:
            run_job([str(first)], other)
            with other.transaction(), other._writing() as conn:
                conn.execute(sa.text("DELETE FROM compare_units"))
            loaded.clear()
            run_job([str(second)], other)
            assert loaded == []
            return _comparisons(other)
        finally:
            other.close()

    if store_url.startswith("postgresql"):
        with postgres_schema() as url:
            fresh_all = control(url)
    else:
        fresh_all = control(str(tmp_path / "control.db"))
    assert any(c.get("facts") for c in with_rows.values())
    assert json.dumps(with_rows, sort_keys=True) == json.dumps(fresh_all, sort_keys=True)


def test_an_old_database_migrates_and_fills_its_rows_lazily(tmp_path):
    from newsprism.store.migrations import LATEST

    db = tmp_path / "np.db"
    store = open_store(str(db))
    try:
        run_job([str(_write(tmp_path / "first.jsonl", FIRST))], store)
    finally:
        store.close()
    with sa.create_engine(f"sqlite:///{db}").begin() as conn:  # as stored before migration 15
        conn.execute(sa.text("DROP TABLE compare_units"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version > 14"))
    store = open_store(str(db))
    try:
        assert store.schema_version() == LATEST
        ids = [i for i, _, _ in FIRST]
        assert unit_rows.StoredUnits(store).rows(list(store.get_articles_by_id(ids).values()), "units") == {}
        run_job([str(_write(tmp_path / "second.jsonl", SECOND))], store)
        ids += [i for i, _, _ in SECOND]
        arts = list(store.get_articles_by_id(ids).values())
        # the stored members the second chunk prepared again got their rows then
        assert set(unit_rows.StoredUnits(store).rows(arts, "units")) == set(ids)
    finally:
        store.close()


def test_a_replaced_articles_row_goes_with_it(store_url):
    from newsprism.model import Article, content_hash

    def article(aid: str, text: str) -> Article:
        return Article(aid, source="/in/harbour.txt", text=text, content_hash=content_hash(aid + "\0" + text),
                       outlet="Harbour Post", published="2025-03-04")

    store = open_store(store_url)
    try:
        old = article("harbour-old", FIRST[0][2])
        store.upsert_articles([old])
        store.put_compare_rows({old.id: ("k1", None, "[]")})
        same_id = article("harbour-old", FIRST[0][2] + " Updated.")  # the file edited in place, same id
        store.upsert_articles([same_id])
        assert set(store.compare_rows([old.id], "clauses")) == {old.id}  # kept: the new version replaces it by key
        other_id = article("harbour-new", FIRST[1][2])  # the same source now read as another article
        store.upsert_articles([other_id])
        assert store.compare_rows([old.id], "clauses") == {}
    finally:
        store.close()
