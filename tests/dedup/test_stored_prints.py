"""Stored dedup fingerprints (schema 14): a chunk verifies its stored candidates from their stored fingerprints, with
the same result as fingerprints taken again from their texts, and without reading those texts; databases from before
get a candidate's fingerprint the first time it is one."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from newsprism.dedup.detect import Params, fingerprint, scheme
from newsprism.dedup.index import StoredIndex, decode, encode
from newsprism.dedup.stage import DedupStage, assign
from newsprism.model import Article, content_hash
from newsprism.pipeline import Corpus
from newsprism.store import open_store
from newsprism.store import state_rows
from newsprism.store.migrations import MIGRATIONS

FERRY = ("The harbour board of a small island voted on Monday to suspend the evening ferry for the winter after two "
         "crossings were cancelled in a single week because of high swell. Islanders who work on the mainland said "
         "the last boat at six was the only one that fitted a normal working day, and the board promised to look "
         "again at the timetable in March once the new pontoon is finished and the insurance review has reported.")
BRIDGE = ("Engineers closed the old stone bridge over the river to lorries on Thursday after a survey found cracks in "
          "two of its arches, sending heavy traffic on a twelve mile detour through three villages. The county said "
          "cars and buses could still cross at walking pace while a weight limit is worked out, and that repairs "
          "would not start before the summer because the river is too high for scaffolding until then.")
MARKET = ("Stallholders at the Saturday market in the old square said takings were up for the first time in three "
          "years after the town moved the car park entrance closer to the stalls. A cheese seller who has traded "
          "there for two decades said younger families were coming back, while the council said it would keep the "
          "free first hour of parking until the end of the year and count visitors again in the autumn.")


def art(aid: str, text: str, outlet: str, published: str, credit: str | None = None) -> Article:
    return Article(id=aid, text=text, outlet=outlet, published=published, credit=credit,
                   content_hash=content_hash(aid + text))


def first_chunk() -> list[Article]:
    return [art("ferry", FERRY, "Island Times", "2026-01-05T08:00:00Z"),
            art("bridge", BRIDGE, "County Post", "2026-01-05T09:00:00Z", credit="AP"),
            art("market", MARKET, "Town Crier", "2026-01-05T10:00:00Z"),
            art("ferry-copy", FERRY.replace("Monday", "Monday evening"), "Coast News", "2026-01-05T11:00:00Z")]


def second_chunk() -> list[Article]:
    # an earlier copy of a stored group (it becomes the origin and keeps the stored group's id), and a copy from the
    # agency a stored article credits (the origin by its credit line, though published later)
    return [art("ferry-again", FERRY.replace("in March", "next March"), "Mainland Daily", "2026-01-05T07:00:00Z"),
            art("bridge-cut", BRIDGE.split(". The county")[0] + ".", "Valley Herald", "2026-01-06T09:00:00Z"),
            art("bridge-ap", BRIDGE.upper(), "AP", "2026-01-06T07:00:00Z"),
            art("new", "A brand new text about a village fete, the weather, and a long queue for the tombola "
                       "stall that ran out of prizes before noon while the brass band played on regardless.",
                "Village Voice", "2026-01-06T10:00:00Z")]


def marks(articles: list[Article]) -> dict[str, tuple]:
    return {a.id: (a.duplicate_of, a.duplicate_kind, a.syndication_group) for a in articles}


def store_chunk(store, articles: list[Article]) -> None:
    with store.transaction():
        DedupStage()(Corpus(articles=articles, dedup_index=StoredIndex(store)))
        store.upsert_articles(articles)


class NoTexts:
    """The store, refusing every read that returns stored articles' texts."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        if name in ("get_articles_by_hash", "iter_articles", "get_articles_by_id", "get_article"):
            def refuse(*_a, **_k):
                raise AssertionError(f"dedup asked the store for stored texts ({name})")
            return refuse
        return getattr(self._store, name)


def expected(stored: list[Article], chunk: list[Article]) -> dict[str, tuple]:
    """The chunk's marks with every candidate fingerprinted again from its text (the stored articles as they were
    written, oldest first)."""
    chunk = copy.deepcopy(chunk)
    assign(copy.deepcopy(stored), chunk, Params())
    return marks(chunk)


def test_fingerprint_round_trips_exactly():
    p = Params()
    for text in (FERRY, BRIDGE.upper(), "short text", "   \n ", ""):
        fp = fingerprint(text, p)
        got = decode(encode(fp, p))
        assert got.exact == fp.exact and got.blank == fp.blank and got.sig is None
        for name in ("shingles", "anchors"):
            a, b = getattr(fp, name), getattr(got, name)
            assert a.dtype == b.dtype and np.array_equal(a, b)
    fp.sig = np.arange(32, dtype=np.uint32)
    assert np.array_equal(decode(encode(fp, p)).sig, fp.sig)


def test_candidates_are_verified_from_stored_fingerprints_without_their_texts(store_url):
    store = open_store(store_url)
    try:
        stored = first_chunk()
        store_chunk(store, stored)
        rows = store.dedup_prints([a.content_hash for a in stored], scheme(Params()))
        assert set(rows) == {a.content_hash for a in stored}, "each stored text's fingerprint is kept"
        for a in stored:  # ... and it is the one its text gives
            fp, got = fingerprint(a.text, Params()), decode(rows[a.content_hash])
            assert got.exact == fp.exact and np.array_equal(got.shingles, fp.shingles)
            assert np.array_equal(got.anchors, fp.anchors)

        chunk = second_chunk()
        want = expected(stored, chunk)
        with store.transaction():
            DedupStage()(Corpus(articles=chunk, dedup_index=StoredIndex(NoTexts(store))))
        assert marks(chunk) == want
        # the copies were found (the test would prove little otherwise), with what only the stored articles' metadata
        # tells: the stored group's id, and the credit line naming the origin
        group = stored[0].syndication_group
        assert group and want["ferry-again"] == (None, None, group)
        assert want["bridge-cut"][0] == "bridge-ap" and want["new"] == (None, None, None)
    finally:
        store.close()


def test_fingerprints_follow_the_articles(store_url):
    store = open_store(store_url)
    try:
        stored = first_chunk()
        store_chunk(store, stored)
        again = copy.deepcopy(stored[0])
        again.errors = ["failed this time"]  # re-processed and failed: no text indexed, its fingerprint goes
        with store.transaction():
            DedupStage()(Corpus(articles=[again], dedup_index=StoredIndex(store)))
        assert again.content_hash not in store.dedup_prints([again.content_hash], scheme(Params()))
        # an article replaced through its source (a file edited in place) takes its fingerprint along
        store_chunk(store, [Article(id="notes", source="notes.txt", text=BRIDGE + " Noted.", content_hash="f" * 64)])
        assert "f" * 64 in store.dedup_prints(["f" * 64], scheme(Params()))
        store.upsert_articles([Article(id="notes", source="notes.txt", text=MARKET, content_hash="e" * 64)])
        assert not store.dedup_prints(["f" * 64], scheme(Params())), "the replaced version's fingerprint is gone"
    finally:
        store.close()


def _database_at(url: str, dialect: str, articles: list[Article], version: int = 13) -> None:
    """A database as newsprism left it at schema ``version``: articles and their dedup keys, no fingerprints."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        for v in range(1, version + 1):
            MIGRATIONS[v - 1](Operations(MigrationContext.configure(conn)), dialect)
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v)"), {"v": v})
        for i, a in enumerate(articles):
            conn.execute(sa.text("INSERT INTO articles (content_hash, id, source, outlet, published, failed, record, "
                                 "updated_at) VALUES (:h, :i, :s, :o, :p, :f, :r, :t)"),
                         {"h": a.content_hash, "i": a.id, "s": a.id, "o": a.outlet, "p": a.published, "f": False,
                          "r": json.dumps(a.to_record()), "t": float(i)})
        state_rows._index_stored_texts(conn, 500)
    engine.dispose()


@pytest.mark.parametrize("legacy", ["schema 13", "other scheme"])
def test_old_databases_get_fingerprints_when_their_texts_are_candidates(store_url, legacy):
    dialect = "postgresql" if store_url.startswith("postgres") else "sqlite"
    url = store_url if dialect == "postgresql" else f"sqlite:///{store_url}"
    stored = first_chunk()
    assign([], stored, Params())  # marked as the run that stored them marked them
    if legacy == "schema 13":
        _database_at(url, dialect, stored)
    else:  # fingerprints taken under other parameters are as good as none
        store = open_store(store_url)
        store_chunk(store, stored)
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE dedup_prints SET scheme = 'v0-older'"))
        store.close()
    store = open_store(store_url)
    try:
        hashes = [a.content_hash for a in stored]
        assert not store.dedup_prints(hashes, scheme(Params()))
        chunk = second_chunk()
        want = expected(stored, chunk)
        with store.transaction():
            DedupStage()(Corpus(articles=copy.deepcopy(chunk), dedup_index=StoredIndex(store)))
        filled = store.dedup_prints(hashes, scheme(Params()))
        assert {"ferry", "bridge"} <= {a.id for a in stored if a.content_hash in filled}, \
            "the candidates' fingerprints were taken from their texts and kept"
        assert not {a.id for a in stored if a.content_hash in filled} & {"market"}, "only candidates are taken"
        # the next chunk reads them instead of the texts, with the same result
        with store.transaction():
            DedupStage()(Corpus(articles=chunk, dedup_index=StoredIndex(NoTexts(store))))
        assert marks(chunk) == want and want["ferry-again"] == (None, None, stored[0].syndication_group)
    finally:
        store.close()
