"""Incremental state as rows (migration 8): dedup lookup keys and the cluster index.

Dedup: ``dedup_docs`` (exact key per stored text), ``dedup_bands`` (LSH band key -> text) and ``dedup_anchors``
(content anchor -> text, at most ``max_posting + 1`` postings per anchor, counted in ``dedup_anchor_counts``).

Cluster index: the clusterer's state (``cluster.online.OnlineClusterer.save``) was one JSON value; it is kept as one
row per story (``cluster_stories``), per document-frequency term (``cluster_df``) and per member (``cluster_members``),
plus its few scalars in the ``state`` table. Since migration 11 each story's index keys are rows too
(``cluster_postings``), and a run never reads the whole index: ``ClusterRows`` answers the clusterer's keyed reads
(``cluster.lazy``) and writes what the chunk changed (``write_delta``). ``read_cluster``/``write_cluster`` read and
write the whole index (a rebuild, tools, tests).
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from newsprism.store import schema as t

_N = 500  # IN (...) lists and insert batches
ROWS_MARK = "rows"  # key in the stored scalars: the big parts live in the cluster_* tables


def _chunks(items: list, n: int = _N) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _insert(conn: sa.Connection, table: sa.Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict], keys: list[str], cols: list[str]) -> None:
    for part in _chunks(rows):
        stmt = _insert(conn, table)
        conn.execute(stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys],
                                                set_={c: stmt.excluded[c] for c in cols}), part)


# -- dedup ---------------------------------------------------------------------------------------------------------
def dedup_candidates(conn: sa.Connection, exact: Iterable[str], bands: Iterable[int], anchors: list[list[int]],
                     min_anchors: int, max_posting: int, exclude: set[str]) -> list[str]:
    """Content hashes of stored texts sharing an exact key, a band key, or ``min_anchors`` anchors (each anchor in
    at most ``max_posting`` texts) with one of the given texts; oldest stored first."""
    found: set[str] = set()
    for part in _chunks(sorted(set(exact))):
        found |= {h for (h,) in conn.execute(sa.select(t.dedup_docs.c.content_hash)
                                             .where(t.dedup_docs.c.exact.in_(part)))}
    for part in _chunks(sorted(set(bands))):
        found |= {h for (h,) in conn.execute(sa.select(t.dedup_bands.c.content_hash)
                                             .where(t.dedup_bands.c.key.in_(part)))}
    postings: dict[int, list[str]] = {}
    for part in _chunks(sorted({a for text in anchors for a in text})):
        for a, h in conn.execute(sa.select(t.dedup_anchors.c.anchor, t.dedup_anchors.c.content_hash)
                                 .where(t.dedup_anchors.c.anchor.in_(part))):
            postings.setdefault(a, []).append(h)
    for text in anchors:
        shared = Counter(h for a in text for h in postings.get(a, ()) if len(postings[a]) <= max_posting)
        found |= {h for h, n in shared.items() if n >= min_anchors}
    found -= exclude
    if not found:
        return []
    ordered: list[tuple[float, str]] = []
    for part in _chunks(sorted(found)):
        ordered += conn.execute(sa.select(t.articles.c.updated_at, t.articles.c.content_hash)
                                .where(t.articles.c.content_hash.in_(part))).all()
    return [h for _, h in sorted(ordered)]


def delete_dedup(conn: sa.Connection, hashes: list[str]) -> None:
    for part in _chunks(sorted(set(hashes))):
        gone = Counter(a for (a,) in conn.execute(sa.select(t.dedup_anchors.c.anchor)
                                                  .where(t.dedup_anchors.c.content_hash.in_(part))))
        if gone:
            conn.execute(t.dedup_anchor_counts.update().where(t.dedup_anchor_counts.c.anchor == sa.bindparam("a"))
                         .values(n=t.dedup_anchor_counts.c.n - sa.bindparam("k")),
                         [{"a": a, "k": k} for a, k in gone.items()])
        for table in (t.dedup_docs, t.dedup_bands, t.dedup_anchors):
            conn.execute(table.delete().where(table.c.content_hash.in_(part)))


def put_dedup(conn: sa.Connection, remove: list[str], rows: dict[str, tuple[str, list[int], list[int]]],
              max_posting: int) -> None:
    """Forget ``remove`` and the texts of ``rows``, then index ``rows`` (content hash -> exact, bands, anchors)."""
    delete_dedup(conn, list(set(remove) | set(rows)))
    if not rows:
        return
    docs = [{"content_hash": h, "exact": e} for h, (e, _, _) in rows.items()]
    for part in _chunks(docs):
        conn.execute(t.dedup_docs.insert(), part)
    # Keys are random: rows written in key order walk each key index from one end to the other, instead of landing
    # on a random page of a big archive's index each (which then comes from disk or the OS, not SQLite's cache).
    bands = [{"key": k, "content_hash": h} for k, h in sorted((k, h) for h, (_, b, _) in rows.items() for k in set(b))]
    for part in _chunks(bands, 5000):
        conn.execute(t.dedup_bands.insert(), part)
    per_anchor: dict[int, list[str]] = {}
    for h, (_, _, anchors) in rows.items():
        for a in set(anchors):
            per_anchor.setdefault(a, []).append(h)
    if not per_anchor:
        return
    counts: dict[int, int] = {}
    for part in _chunks(sorted(per_anchor)):
        counts.update(conn.execute(sa.select(t.dedup_anchor_counts.c.anchor, t.dedup_anchor_counts.c.n)
                                   .where(t.dedup_anchor_counts.c.anchor.in_(part))).all())
    postings = []
    per_anchor = dict(sorted(per_anchor.items()))
    for a, hs in per_anchor.items():
        room = max(0, max_posting + 1 - counts.get(a, 0))  # one past the cap marks the anchor as too common
        postings += [{"anchor": a, "content_hash": h} for h in hs[:room]]
    for part in _chunks(postings, 5000):
        conn.execute(t.dedup_anchors.insert(), part)
    _upsert(conn, t.dedup_anchor_counts, [{"anchor": a, "n": counts.get(a, 0) + len(hs)}
                                          for a, hs in per_anchor.items()], ["anchor"], ["n"])


# -- dedup fingerprints (migration 14) ------------------------------------------------------------------------------
def put_prints(conn: sa.Connection, rows: dict[str, dict[str, Any]]) -> None:
    """Store these texts' fingerprints (content hash -> the other ``dedup_prints`` columns), replacing older ones."""
    delete_prints(conn, list(rows))
    data = [{"content_hash": h, **r} for h, r in rows.items()]
    for part in _chunks(data):
        conn.execute(t.dedup_prints.insert(), part)


def delete_prints(conn: sa.Connection, hashes: list[str]) -> None:
    for part in _chunks(sorted(set(hashes))):
        conn.execute(t.dedup_prints.delete().where(t.dedup_prints.c.content_hash.in_(part)))


def read_prints(conn: sa.Connection, hashes: Iterable[str], scheme: str) -> dict[str, dict[str, Any]]:
    """The stored fingerprints of these texts taken under ``scheme`` (others are as good as absent)."""
    c = t.dedup_prints.c
    out: dict[str, dict[str, Any]] = {}
    for part in _chunks(sorted(set(hashes))):
        for row in conn.execute(sa.select(c.content_hash, c.exact, c.blank, c.shingles, c.anchors, c.sig)
                                .where(c.content_hash.in_(part), c.scheme == scheme)):
            out[row.content_hash] = {"exact": row.exact, "blank": bool(row.blank), "shingles": row.shingles,
                                     "anchors": row.anchors, "sig": row.sig}
    return out


# -- the cluster index -----------------------------------------------------------------------------------------------
def is_cluster_index(value: Any) -> bool:
    return isinstance(value, dict) and value.get("version") == 1 and isinstance(value.get("stories"), dict) \
        and isinstance(value.get("members"), dict)


def _snapshot(state: dict) -> dict:
    copies = state.get("copies") or {}
    return {"stories": dict(state["stories"]),
            "df": dict((state.get("df") or {}).get("df") or {}),
            "name_df": dict((state.get("name_df") or {}).get("df") or {}),
            "members": {k: (v, k in copies) for k, v in state["members"].items()}
            | {k: ("", True) for k in copies if k not in state["members"]}}


def read_cluster(conn: sa.Connection, scalars: dict) -> tuple[dict, dict]:
    """The clusterer's state from its rows, and the snapshot ``write_cluster`` diffs against."""
    state = {k: v for k, v in scalars.items() if k not in (ROWS_MARK, "df_n", "name_df_n")}
    dfs: dict[str, dict[str, int]] = {"df": {}, "name_df": {}}
    for kind, term, n in conn.execute(sa.select(t.cluster_df.c.kind, t.cluster_df.c.term, t.cluster_df.c.n)):
        dfs.setdefault(kind, {})[term] = n
    state["df"] = {"n": scalars.get("df_n", 0), "df": dfs["df"]}
    state["name_df"] = {"n": scalars.get("name_df_n", 0), "df": dfs["name_df"]}
    members, copies = {}, {}
    for article, story, copy in conn.execute(sa.select(t.cluster_members.c.article, t.cluster_members.c.story,
                                                       t.cluster_members.c.copy)):
        if story:
            members[article] = story
        if copy:
            copies[article] = 1
    state["members"], state["copies"] = members, copies
    state["stories"] = {k: json.loads(r) for k, r in conn.execute(sa.select(t.cluster_stories.c.key,
                                                                            t.cluster_stories.c.record))}
    return state, _snapshot(state)


def write_cluster(conn: sa.Connection, state: dict, snap: dict | None, postings: bool = True) -> tuple[dict, dict]:
    """Write the rows of ``state`` that differ from ``snap`` (all of them, replacing what is stored, when ``snap``
    is None); returns the scalars to keep in the ``state`` table and the new snapshot. ``postings``: keep the
    stories' index keys too (not before migration 11 made their table)."""
    new = _snapshot(state)
    if snap is None:
        for table in (t.cluster_stories, t.cluster_df, t.cluster_members) + ((t.cluster_postings,) if postings else ()):
            conn.execute(table.delete())
        snap = {"stories": {}, "df": {}, "name_df": {}, "members": {}}
    # stories: a saved story is a new dict, an untouched one the very object written before
    changed = {k: v for k, v in new["stories"].items() if snap["stories"].get(k) is not v}
    _upsert(conn, t.cluster_stories, [{"key": k, "record": json.dumps(v, ensure_ascii=False)}
                                      for k, v in changed.items()], ["key"], ["record"])
    gone = sorted(set(snap["stories"]) - set(new["stories"]))
    for part in _chunks(gone):
        conn.execute(t.cluster_stories.delete().where(t.cluster_stories.c.key.in_(part)))
    if postings:
        params = state.get("params") or {}
        _put_postings(conn, {k: (v.get("run", 0), story_keys(v, params)) for k, v in changed.items()}, gone)
    for kind in ("df", "name_df"):
        old, cur = snap[kind], new[kind]
        rows = [{"kind": kind, "term": w, "n": n} for w, n in cur.items() if old.get(w) != n]
        _upsert(conn, t.cluster_df, rows, ["kind", "term"], ["n"])
        for part in _chunks(sorted(set(old) - set(cur))):
            conn.execute(t.cluster_df.delete().where(t.cluster_df.c.kind == kind, t.cluster_df.c.term.in_(part)))
    old, cur = snap["members"], new["members"]
    rows = [{"article": a, "story": s, "copy": c} for a, (s, c) in cur.items() if old.get(a) != (s, c)]
    _upsert(conn, t.cluster_members, rows, ["article"], ["story", "copy"])
    for part in _chunks(sorted(set(old) - set(cur))):
        conn.execute(t.cluster_members.delete().where(t.cluster_members.c.article.in_(part)))
    scalars = {k: v for k, v in state.items() if k not in ("df", "name_df", "members", "copies", "stories")}
    scalars |= {ROWS_MARK: True, "df_n": (state.get("df") or {}).get("n", 0),
                "name_df_n": (state.get("name_df") or {}).get("n", 0)}
    return scalars, new


def story_keys(record: dict, params: dict) -> list[str]:
    """The index keys of a saved story record (as ``OnlineClusterer._post`` posts them)."""
    from newsprism.cluster.online import Params, index_keys

    p = Params.from_dict(params)
    return index_keys(record.get("text") or {}, record.get("names") or {}, p.index_terms, p.name_query)


def _put_postings(conn: sa.Connection, stories: dict[str, tuple[int, list[str]]], gone: list[str]) -> None:
    """Replace the postings of ``stories`` (key -> (run, index keys)) and drop those of ``gone``."""
    for part in _chunks(sorted(set(stories) | set(gone))):
        conn.execute(t.cluster_postings.delete().where(t.cluster_postings.c.story.in_(part)))
    rows = [{"term": k, "story": key, "run": run} for key, (run, keys) in stories.items() for k in dict.fromkeys(keys)]
    for part in _chunks(rows, 5000):
        conn.execute(t.cluster_postings.insert(), part)


def _raw_cursor(conn: sa.Connection):
    """On SQLite, a cursor of the driver itself: a chunk's keyed reads (some 150,000 document frequencies, thousands
    of story records and member rows at 200k articles) cost about half as much without SQLAlchemy building and
    binding each ``IN`` list and a row object per row. None on other databases (their reads go through SQLAlchemy)."""
    return conn.connection.driver_connection.cursor() if conn.dialect.name == "sqlite" else None


@lru_cache(maxsize=64)
def _in_sql(head: str, n: int) -> str:
    """``head IN (?, ...)`` with ``n`` placeholders (SQLite's driver)."""
    return f"{head} IN ({', '.join('?' * n)})"


def _keyed_rows(conn: sa.Connection, values: Iterable[str], head: str, query: Callable[[list], Any],
                lead: tuple = ()) -> Iterator[tuple]:
    """The rows whose key is one of ``values``, read in parts: on SQLite as ``head IN (?, ...)`` through the driver's
    cursor (``lead``: the parameters before the list), elsewhere as ``query(part)`` through SQLAlchemy."""
    raw = _raw_cursor(conn)
    try:
        for part in _chunks(sorted(set(values))):
            if raw is not None:
                yield from raw.execute(_in_sql(head, len(part)), [*lead, *part]).fetchall()
            else:
                yield from conn.execute(query(part))
    finally:
        if raw is not None:
            raw.close()


@lru_cache(maxsize=8)
def _postings_sql(n: int) -> str:
    """One statement for ``n`` terms, each arm reading at most ``:cap`` postings through the (term, run) index."""
    arm = ("SELECT * FROM (SELECT term, story FROM cluster_postings WHERE term = :t{i} "
           "ORDER BY run DESC, story LIMIT :cap) AS q{i}")
    return " UNION ALL ".join(arm.format(i=i) for i in range(n))


@lru_cache(maxsize=8)
def _postings_query(n: int) -> sa.TextClause:
    return sa.text(_postings_sql(n))


class ClusterRows:
    """The cluster index's rows as a lazy source for ``OnlineClusterer`` (see ``cluster.lazy``): keyed reads, and
    the write of one chunk's changes, each in the store's current unit of work (``reading``/``writing`` are the
    store's connection contexts)."""

    def __init__(self, reading: Callable, writing: Callable, on_write: Callable[[], None] | None = None):
        self._reading, self._writing, self._on_write = reading, writing, on_write

    def postings(self, keys: Iterable[str], cap: int) -> dict[str, list[str]]:
        """Index key -> at most ``cap`` stories posted under it, the most recently changed first: a common word
        leads to recent stories, the way old never-updated stories fall out of the news."""
        out: dict[str, list[str]] = {}
        with self._reading() as conn:
            # A chunk reads some 600k postings at 200k articles: on SQLite straight from the driver's cursor (its
            # named parameters are the statement's own), without a result row object per posting.
            raw = _raw_cursor(conn)
            for part in _chunks(sorted(set(keys)), 100):  # SQLite allows 500 terms in one compound select
                params = {f"t{i}": k for i, k in enumerate(part)} | {"cap": int(cap)}
                if raw is not None:
                    rows = raw.execute(_postings_sql(len(part)), params).fetchall()
                else:
                    rows = conn.execute(_postings_query(len(part)), params)
                for term, story in rows:
                    out.setdefault(term, []).append(story)
            if raw is not None:
                raw.close()
        return out

    def stories(self, keys: Iterable[str]) -> dict[str, dict]:
        c = t.cluster_stories.c
        with self._reading() as conn:
            return {k: json.loads(r) for k, r in _keyed_rows(
                conn, keys, "SELECT key, record FROM cluster_stories WHERE key",
                lambda part: sa.select(c.key, c.record).where(c.key.in_(part)))}

    def df(self, kind: str, words: Iterable[str]) -> dict[str, int]:
        c = t.cluster_df.c
        with self._reading() as conn:
            return dict(_keyed_rows(conn, words, "SELECT term, n FROM cluster_df WHERE kind = ? AND term",
                                    lambda part: sa.select(c.term, c.n).where(c.kind == kind, c.term.in_(part)),
                                    lead=(kind,)))

    def _members(self, col: str, values: Iterable[str]) -> dict[str, tuple[str | None, bool]]:
        c = t.cluster_members.c
        with self._reading() as conn:
            return {article: (story or None, bool(copy)) for article, story, copy in _keyed_rows(
                conn, values, f"SELECT article, story, copy FROM cluster_members WHERE {col}",
                lambda part: sa.select(c.article, c.story, c.copy).where(c[col].in_(part)))}

    def members(self, ids: Iterable[str]) -> dict[str, tuple[str | None, bool]]:
        return self._members("article", ids)

    def members_of(self, stories: Iterable[str]) -> dict[str, tuple[str | None, bool]]:
        return self._members("story", stories)

    def write(self, delta: dict, full: bool = False) -> None:
        with self._writing() as conn:
            write_delta(conn, delta, full)
        if self._on_write is not None:
            self._on_write()


def write_delta(conn: sa.Connection, delta: dict, full: bool = False) -> None:
    """Write one run's changes (``OnlineClusterer.delta``); ``full``: the delta is the whole index, replace all."""
    if full:
        for table in (t.cluster_stories, t.cluster_df, t.cluster_members, t.cluster_postings):
            conn.execute(table.delete())
    stories = delta["stories"]
    gone = [k for k in delta["gone"] if k not in stories]
    _upsert(conn, t.cluster_stories, [{"key": k, "record": json.dumps(rec, ensure_ascii=False)}
                                      for k, (rec, _, _) in stories.items()], ["key"], ["record"])
    for part in _chunks(gone):
        conn.execute(t.cluster_stories.delete().where(t.cluster_stories.c.key.in_(part)))
    _put_postings(conn, {k: (run, keys) for k, (_, run, keys) in stories.items()}, gone)
    for kind in ("df", "name_df"):
        counts = delta[kind]
        _upsert(conn, t.cluster_df, [{"kind": kind, "term": w, "n": n} for w, n in sorted(counts.items()) if n > 0],
                ["kind", "term"], ["n"])
        for part in _chunks(sorted(w for w, n in counts.items() if n <= 0)):
            conn.execute(t.cluster_df.delete().where(t.cluster_df.c.kind == kind, t.cluster_df.c.term.in_(part)))
    members = delta["members"]
    _upsert(conn, t.cluster_members, [{"article": a, "story": s or "", "copy": c} for a, (s, c) in members.items()
                                      if s or c], ["article"], ["story", "copy"])
    for part in _chunks(sorted(a for a, (s, c) in members.items() if not s and not c)):
        conn.execute(t.cluster_members.delete().where(t.cluster_members.c.article.in_(part)))


# -- migration 11: postings for the stored stories -----------------------------------------------------------------
def backfill_postings(conn: sa.Connection, batch: int = 500) -> None:
    """Post every stored story under its index keys (a database whose index was written before migration 11)."""
    row = conn.execute(sa.select(t.state.c.value).where(t.state.c.key == "cluster")).scalar()
    params = (json.loads(row) or {}).get("params") or {} if row is not None else {}
    last = ""
    while True:
        page = conn.execute(sa.select(t.cluster_stories.c.key, t.cluster_stories.c.record)
                            .where(t.cluster_stories.c.key > last).order_by(t.cluster_stories.c.key)
                            .limit(batch)).all()
        if not page:
            return
        last = page[-1][0]
        recs = {k: json.loads(r) for k, r in page}
        _put_postings(conn, {k: (int(r.get("run", 0)), story_keys(r, params)) for k, r in recs.items()}, [])


# -- migration 8: carry an existing database over ------------------------------------------------------------------
def backfill(conn: sa.Connection, batch: int = 500) -> None:
    """Split a stored cluster blob into rows, and index the stored texts for dedup (once)."""
    row = conn.execute(sa.select(t.state.c.value).where(t.state.c.key == "cluster")).scalar()
    if row is not None:
        value = json.loads(row)
        if is_cluster_index(value):
            scalars, _ = write_cluster(conn, value, None, postings=False)  # migration 11 posts them
            conn.execute(t.state.update().where(t.state.c.key == "cluster").values(value=json.dumps(scalars)))
    _index_stored_texts(conn, batch)


def _index_stored_texts(conn: sa.Connection, batch: int) -> None:
    from newsprism.dedup.detect import Params, fingerprint
    from newsprism.dedup.index import keys_of

    p = Params()
    last = ""
    while True:
        # keyset pages: the connection is also written to, so no open cursor spans the inserts
        page = conn.execute(sa.select(t.articles.c.content_hash, t.articles.c.record)
                            .where(t.articles.c.content_hash > last, t.articles.c.failed == sa.false())
                            .order_by(t.articles.c.content_hash).limit(batch)).all()
        if not page:
            return
        last = page[-1][0]
        texts = {}
        for h, rec in page:
            r = json.loads(rec)
            if not r.get("errors") and r.get("text"):
                texts[h] = r["text"]
        keys = keys_of([fingerprint(x, p) for x in texts.values()], p)
        put_dedup(conn, [], {h: (k.exact, k.bands, k.anchors) for h, k in zip(texts, keys)}, p.max_posting)

