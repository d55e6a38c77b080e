"""Whole-pipeline cost of a chunk as the archive grows: a +N chunk run into a big archive against one into an empty one.

    .venv/bin/python benchmarks/pipeline_growth.py [--base 300] [--archive 10000] [--chunk 300]
    FULL=1 .venv/bin/python benchmarks/pipeline_growth.py      # --base 2000 --archive 200000 --chunk 2000

Needs ../shared (ECB+ texts). Every step is the real ``newsprism run`` job (all stages, SQLite store) except the
archive's bulk, which is synthesised cheaply:

1. ``--base`` articles (ECB+ texts replicated with renamed people and places, as in ``cluster_growth.py``) are
   processed for real into a template database;
2. the archive is the template's stored rows written ``archive / base`` times over, the rows the store's own write
   methods would write but in bulk (articles with their search index, stories, dedup keys and fingerprints, the
   cluster index rows, the actor book; one transaction, indexes built at the end: 200,000 articles in minutes): each
   replica gets new article ids, content hashes and story ids, its dedup keys and fingerprints are scrambled
   (replicas are not copies of each other),
   its stories' name words are renamed (other events with the same vocabulary) and closed (an archive's old
   stories are no longer re-examined), its learned actors (the actor book) are stored again under spelled-apart
   names (other people and bodies: an archive knows actors in proportion to its stories), and document
   frequencies are scaled to the archive's size;
3. the same ``--chunk`` new articles (the next texts of the stream) are run once into a copy of the archive and
   once into an empty database, each in its own process (wall and CPU time, peak RSS of that process).

Prints one JSON object; ``incremental_ratio`` is the archive chunk's wall time over the empty one's (target <= 1.2),
``incremental_ratio_cpu`` the same in CPU time; with ``--repeat N`` both are the medians of N pairs run one after the
other, each pair's ratio in ``runs``.

An empty database differs from the archive in two ways: its size, and the recent stories the chunk's articles join
(the template's, which the next texts of the stream continue). ``--recent`` runs the chunk a third time, into the
template alone, and prints ``size_ratio`` (archive over template): the cost of the archive's size by itself.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def write_jsonl(path: Path, articles) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "text": a.text, "published": a.published, "outlet": a.outlet}) + "\n")


def run_once(db: str, inputs: str) -> dict:
    """One ``newsprism run`` job in this process: its wall and CPU time and this process's peak RSS."""
    import types

    from newsprism import pipeline
    from newsprism.jobs import run_job
    from newsprism.store import open_store

    store = open_store(db)
    # each stage's CPU time rather than its wall time (the run is in this process: the local executor); a loaded
    # machine stretches wall time, far less the CPU time a stage takes
    pipeline.time = types.SimpleNamespace(perf_counter=time.process_time)
    c0, w0 = time.process_time(), time.perf_counter()
    res = run_job([inputs], store, chunk_size=10**9)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out = {"articles": len(res.articles), "new": res.new, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
           "stages_cpu_s": {k: round(v, 2) for k, v in res.stats.seconds.items()},
           "peak_rss_mb": round(_peak_rss_kb() / 1024, 1),
           "stored_articles": store.count_articles()}
    store.close()
    return out


def _peak_rss_kb() -> int:
    """This process's peak resident size (kB) since it started its program. ``ru_maxrss`` would do on a fresh
    process, but Linux carries the high-water mark of the address space a process had before ``exec``: a child forked
    from this benchmark's main process, just after it synthesised a 200k archive, read that process's 3.1 GB.
    ``VmHWM`` is the mark of the current address space only."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _h(*parts: object) -> str:
    return hashlib.blake2b("\0".join(map(str, parts)).encode(), digest_size=32).hexdigest()


def _actor_replica(d: dict, r: int, ren) -> dict:
    """A learned actor of replica ``r``: its names spelled with the letters permuted (another person or body, as
    unlike the original as two real names), its quotes pointing at the replica's articles."""
    if not r:
        return d
    import random
    import string

    perm = list(string.ascii_lowercase)
    random.Random(r).shuffle(perm)
    table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                          "".join(perm) + "".join(perm).upper())
    return dict(d, name=d["name"].translate(table), variants=[v.translate(table) for v in d.get("variants") or []],
                quotes=[dict(q, article=ren(q["article"])) for q in d.get("quotes") or []])


def _masks(copies: int) -> list[int]:
    """Replica r's dedup key scrambler (0: the template itself), as ``synthesise`` draws them."""
    import random

    rng = random.Random(7)
    return [0 if r == 0 else rng.getrandbits(62) for r in range(copies)]


def write_prints(template: str, dst, copies: int) -> int:
    """Each replica's dedup fingerprints (``dedup_prints``, schema 14) into the open sqlite3 connection ``dst``: the
    template's, as the store keeps them (taken from the template's texts when the template predates them), scrambled
    per replica like its keys. Returns the rows written."""
    import sqlite3

    import numpy as np

    from newsprism.dedup.detect import Params, fingerprint
    from newsprism.dedup.index import encode, keys_of

    p = Params()
    src = sqlite3.connect(template)
    indexed = {h for (h,) in src.execute("SELECT content_hash FROM dedup_docs")}
    have = {}
    if src.execute("SELECT 1 FROM sqlite_master WHERE name = 'dedup_prints'").fetchone():
        cols = ("scheme", "exact", "blank", "shingles", "anchors", "sig")
        have = {h: dict(zip(cols, rest)) for h, *rest in src.execute(f"SELECT content_hash, {', '.join(cols)} "
                                                                     "FROM dedup_prints")}
    todo = [(h, json.loads(rec)["text"]) for h, rec in src.execute("SELECT content_hash, record FROM articles")
            if h in indexed and h not in have]
    src.close()
    fps = [fingerprint(text, p) for _, text in todo]
    keys_of(fps, p)  # the signatures the stage stores (texts long enough for band keys)
    have |= {h: encode(fp, p) for (h, _), fp in zip(todo, fps)}
    rows = 0
    for r, mask in enumerate(_masks(copies)):
        out = []
        for h, x in have.items():
            if r == 0:
                out.append((h, x["scheme"], x["exact"], x["blank"], x["shingles"], x["anchors"], x["sig"]))
                continue
            lo = np.uint32(mask & 0xFFFFFFFF)
            sh = np.sort(np.frombuffer(x["shingles"], "<u4") ^ np.uint32(mask >> 32))
            an = np.sort(np.frombuffer(x["anchors"], "<u8") ^ np.uint64(mask))
            sig = None if x["sig"] is None else (np.frombuffer(x["sig"], "<u4") ^ lo).astype("<u4").tobytes()
            out.append((_h(h, r), x["scheme"], _h(x["exact"], r)[:32], x["blank"], sh.astype("<u4").tobytes(),
                        an.astype("<u8").tobytes(), sig))
        dst.executemany("INSERT INTO dedup_prints (content_hash, scheme, exact, blank, shingles, anchors, sig) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", out)
        rows += len(out)
    return rows


def synthesise(template: str, target: str, copies: int) -> dict:
    """Write the template database's rows ``copies`` times (see the module docstring) into a new SQLite database.

    The rows are the ones the store's write methods would write (same tables, same JSON), but put there in bulk: one
    transaction, no rollback journal, secondary indexes built once at the end. Through the store's methods, a
    60,000-article archive took 21 minutes; a build step needs none of their per-row care (stale versions, merged
    actors, diffs against a snapshot)."""
    import sqlite3

    from newsprism.knowledge.actors import record_keys
    from newsprism.store import open_store
    from newsprism.store.state_rows import ROWS_MARK, story_keys

    for db in (template, target):  # migrate the template if it is older, create the target's schema
        open_store(db).close()
    t0 = time.perf_counter()
    src = sqlite3.connect(template)
    cols = ["content_hash", "id", "source", "url", "outlet", "title", "published", "story", "duplicate_of",
            "duplicate_kind", "failed", "record", "updated_at"]
    arts = [dict(zip(cols, row)) for row in src.execute(f"SELECT {', '.join(cols)} FROM articles ORDER BY updated_at")]
    stories = []  # (title, record, the record as a template string for its id and members, summary)
    for title, record, summary in src.execute("SELECT title, record, summary FROM stories"):
        rec = json.loads(record)
        shape = json.dumps(dict(rec, story="@@np-story@@", articles="@@np-articles@@"), ensure_ascii=False)
        stories.append((title, rec, shape, summary))
    state = {k: json.loads(v) for k, v in src.execute("SELECT key, value FROM state")}
    docs = dict(src.execute("SELECT content_hash, exact FROM dedup_docs"))
    bands: dict[str, list[int]] = {}
    anchors: dict[str, list[int]] = {}
    for k, h in src.execute("SELECT key, content_hash FROM dedup_bands"):
        bands.setdefault(h, []).append(k)
    for k, h in src.execute("SELECT anchor, content_hash FROM dedup_anchors"):
        anchors.setdefault(h, []).append(k)
    actors = [json.loads(r) for (r,) in src.execute("SELECT record FROM actors ORDER BY name")]
    src.close()
    tpl = open_store(template)
    cl = tpl.read_cluster_index() or {}
    tpl.close()
    params = cl.get("params") or {}

    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode=OFF")
    dst.execute("PRAGMA synchronous=OFF")
    dst.execute("PRAGMA cache_size=-1000000")
    indexes = dst.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        dst.execute(f'DROP INDEX "{name}"')
    dst.execute("BEGIN")
    masks = _masks(copies)
    now = time.time()
    # An article record is written as a template string once, then filled per replica (records are ~30 KB).
    fields = ("id", "story", "duplicate_of", "syndication_group", "content_hash", "source")
    shapes = []
    for a in arts:
        rec = json.loads(a["record"])
        vals = {f: rec.get(f) for f in fields}
        for f in fields:
            if rec.get(f):
                rec[f] = f"@@np-{f}@@"
        shapes.append((json.dumps(rec, ensure_ascii=False), vals, rec.get("text") or ""))
    counts: dict[int, int] = {}  # anchor -> texts posted (dedup_anchor_counts)
    book: dict[str, dict] = {}
    big_df = {"df": {}, "name_df": {}}
    df_n = {"df": 0, "name_df": 0}
    doc_no = (dst.execute("SELECT max(doc) FROM search_docs").fetchone()[0] or 0)
    for r in range(copies):
        sfx = "" if r == 0 else f"-r{r}"
        mask = masks[r]

        def ren(x, sfx=sfx):
            return x + sfx if x else x

        new_hash = {a["content_hash"]: (_h(a["content_hash"], r) if r else a["content_hash"]) for a in arts}
        rows, texts = [], []
        for i, (a, (shape, vals, text)) in enumerate(zip(arts, shapes)):
            h = new_hash[a["content_hash"]]
            rec = shape
            for f in fields:
                if vals[f]:
                    v = h if f == "content_hash" else ren(vals[f])
                    rec = rec.replace(f'"@@np-{f}@@"', json.dumps(v, ensure_ascii=False), 1)
            rows.append((h, ren(a["id"]), ren(a["source"]) or "", a["url"], a["outlet"], a["title"], a["published"],
                         ren(a["story"]), ren(a["duplicate_of"]), a["duplicate_kind"], a["failed"], rec,
                         now + (r * len(arts) + i) * 1e-6))
            doc_no += 1
            texts.append((doc_no, h, a["title"] or "", text))
        dst.executemany(f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        dst.executemany("INSERT INTO search_docs (doc, content_hash) VALUES (?, ?)", [x[:2] for x in texts])
        dst.executemany("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                        [(d, ti, tx) for d, _, ti, tx in texts])
        srows = []
        for title, rec, shape, summary in stories:
            ids = [ren(i) for i in rec.get("articles", [])]
            filled = shape.replace('"@@np-story@@"', json.dumps(ren(rec["story"]), ensure_ascii=False), 1)
            filled = filled.replace('"@@np-articles@@"', json.dumps(ids, ensure_ascii=False), 1)
            srows.append((ren(rec["story"]), title, len(ids), rec.get("first_published"), rec.get("last_published"),
                          filled, summary))
        dst.executemany("INSERT INTO stories (id, title, n_articles, first_published, last_published, record, "
                        "summary) VALUES (?, ?, ?, ?, ?, ?, ?)", srows)
        # dedup keys, scrambled per replica; an anchor keeps at most 101 postings, as ``put_dedup`` writes them
        dd, bb, per_anchor = [], [], {}
        for h, e in docs.items():
            if h not in new_hash:
                continue
            nh = new_hash[h]
            dd.append((nh, _h(e, r)[:32] if r else e))
            bb += [(k ^ mask, nh) for k in set(bands.get(h, []))]
            for k in set(anchors.get(h, [])):
                per_anchor.setdefault(k ^ mask, []).append(nh)
        dst.executemany("INSERT INTO dedup_docs (content_hash, exact) VALUES (?, ?)", dd)
        dst.executemany('INSERT INTO dedup_bands ("key", content_hash) VALUES (?, ?)', bb)
        posts = []
        for k, hs in per_anchor.items():
            room = max(0, 101 - counts.get(k, 0))
            posts += [(k, x) for x in hs[:room]]
            counts[k] = counts.get(k, 0) + len(hs)
        dst.executemany("INSERT INTO dedup_anchors (anchor, content_hash) VALUES (?, ?)", posts)
        for d in actors:
            x = _actor_replica(d, r, ren)
            book[x["name"]] = x  # a name seen again keeps its last record, as the store's upsert does
        # the cluster index: members, stories (old replicas closed), frequencies
        for kind in ("df", "name_df"):
            d = cl.get(kind) or {"n": 0, "df": {}}
            df_n[kind] += d["n"]
            acc = big_df[kind]
            for w, n in d["df"].items():
                key = w + sfx if kind == "name_df" else w
                acc[key] = acc.get(key, 0) + n
        copies_of = cl.get("copies") or {}
        members = {ren(a): (ren(k), a in copies_of) for a, k in (cl.get("members") or {}).items()}
        members |= {ren(a): ("", True) for a in copies_of if ren(a) not in members}
        dst.executemany('INSERT INTO cluster_members (article, story, "copy") VALUES (?, ?, ?)',
                        [(a, s, c) for a, (s, c) in members.items()])
        crows, prows = [], []
        for key, st in (cl.get("stories") or {}).items():
            st = dict(st)
            st["names"] = {w + sfx: x for w, x in st.get("names", {}).items()}
            st["presence"] = {w + sfx: x for w, x in st.get("presence", {}).items()}
            if r:
                st["records"] = None  # old replicas: closed, as close_stale leaves an archive's old stories
            crows.append((ren(key), json.dumps(st, ensure_ascii=False)))
            prows += [(k, ren(key), st.get("run", 0)) for k in dict.fromkeys(story_keys(st, params))]
        dst.executemany('INSERT INTO cluster_stories ("key", record) VALUES (?, ?)', crows)
        dst.executemany("INSERT INTO cluster_postings (term, story, run) VALUES (?, ?, ?)", prows)
    dst.executemany("INSERT INTO dedup_anchor_counts (anchor, n) VALUES (?, ?)", sorted(counts.items()))
    dst.executemany("INSERT INTO cluster_df (kind, term, n) VALUES (?, ?, ?)",
                    [(kind, w, n) for kind in ("df", "name_df") for w, n in sorted(big_df[kind].items()) if n > 0])
    dst.executemany("INSERT INTO actors (name, type, side, record, updated_at) VALUES (?, ?, ?, ?, ?)",
                    [(d["name"], d.get("type"), d.get("side"), json.dumps(d, ensure_ascii=False, sort_keys=True), now)
                     for d in book.values() if d.get("name")])
    dst.executemany("INSERT INTO actor_keys (key, name) VALUES (?, ?)",
                    [(k, d["name"]) for d in book.values() if d.get("name") for k in record_keys(d)])
    scalars = {k: v for k, v in cl.items() if k not in ("df", "name_df", "members", "copies", "stories")}
    scalars |= {ROWS_MARK: True, "df_n": df_n["df"], "name_df_n": df_n["name_df"]}
    write_prints(template, dst, copies)
    dst.execute("DELETE FROM state")
    dst.executemany("INSERT INTO state (key, value) VALUES (?, ?)",
                    [(k, json.dumps(v)) for k, v in (state | {"cluster": scalars}).items()])
    dst.execute("COMMIT")
    for _, sql in indexes:
        dst.execute(sql)
    n = dst.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_stories = dst.execute("SELECT count(*) FROM cluster_stories").fetchone()[0]
    n_actors = dst.execute("SELECT count(*) FROM actor_keys").fetchone()[0] and len(book)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.close()
    return {"archive_articles": n, "archive_stories": n_stories, "archive_actors": n_actors,
            "synthesis_s": round(time.perf_counter() - t0, 1)}


def upgrade_prints(template: str, archive: str, copies: int) -> None:
    """A kept archive synthesised before schema 14: migrated, then given its replicas' fingerprints."""
    import sqlite3

    from newsprism.store import open_store

    for db in (template, archive):
        open_store(db).close()
    dst = sqlite3.connect(archive, isolation_level=None)
    dst.execute("BEGIN")
    dst.execute("DELETE FROM dedup_prints")
    write_prints(template, dst, copies)
    dst.execute("COMMIT")
    dst.close()


def write_units(db: str) -> int:
    """Each stored article's compare work (``compare_units``, schema 15) into a kept archive ``db`` synthesised
    before it, or whose rows another version of the compare code keyed, as the chunks that stored the articles would have kept it: taken once from each template
    article (replica 0, which every replica copies: the rows depend on an article's content, not its id) with every
    kept clause's phrases cut, and written for every replica. Returns the rows written (0: the copy has them)."""
    import re
    import sqlite3
    import zlib

    try:
        from newsprism.compare.unit_rows import dump_clauses, dump_units, row_key
    except ImportError:  # code from before schema 15 (a side-by-side run of an older version)
        return 0
    from newsprism.compare.align import _Actors, _phrases_of, article_units, story_units
    from newsprism.compare.cache import furniture_keys
    from newsprism.model import Article
    from newsprism.store import open_store

    open_store(db).close()  # migrated: the table is there
    con = sqlite3.connect(db, isolation_level=None)
    try:
        from newsprism.compare.unit_rows import SCHEME

        kept = con.execute("SELECT key FROM compare_units WHERE article LIKE '%-r1' LIMIT 1").fetchone()
        if kept and kept[0].endswith(f":{SCHEME}"):
            return 0  # rows of this code's scheme (other code keys them otherwise, and would read none of them)
        replica = re.compile(r"-r\d+$")
        ids: dict[str, list[str]] = {}
        for (aid,) in con.execute("SELECT id FROM articles WHERE failed = 0"):
            m = replica.search(aid)
            ids.setdefault(aid[:m.start()] if m else aid, []).append(aid)
        rows = []
        for (record,) in con.execute("SELECT record FROM articles WHERE failed = 0"):
            a = Article.from_record(json.loads(record))
            if replica.search(a.id) or not a.text:
                continue
            units = article_units(a)
            for u in story_units(units, a, "", _Actors()):
                _phrases_of(u)
            row = (row_key(a), zlib.compress(dump_units(a, units).encode("utf-8"), 6),
                   dump_clauses(furniture_keys(a.text)))
            rows += [(aid, *row) for aid in ids.get(a.id, [])]
        con.execute("BEGIN")
        con.executemany("INSERT OR REPLACE INTO compare_units (article, key, units, clauses) VALUES (?, ?, ?, ?)",
                        rows)
        con.execute("COMMIT")
        return len(rows)
    finally:
        con.close()


def main() -> None:
    full = os.environ.get("FULL") == "1"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=2000 if full else 300)
    ap.add_argument("--archive", type=int, default=200_000 if full else 10_000)
    ap.add_argument("--chunk", type=int, default=2000 if full else 300)
    ap.add_argument("--keep", help="directory to keep the databases in (default: a temporary one); a template "
                    "database already there (from the same --base) is reused")
    ap.add_argument("--repeat", type=int, default=1, help="run the pair (big, then empty) this many times, each on a "
                    "fresh copy of the archive; report the median ratios (the nlp stage's CPU alone varies by 10%% "
                    "between two runs of the same work on a shared machine)")
    ap.add_argument("--recent", action="store_true", help="also run the chunk into the template alone (the archive's "
                    "recent stories without its bulk): ``size_ratio`` is the archive run's time over that one's, what "
                    "the archive's size costs apart from what joining recent stories costs")
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_once(*args.one)))
        return
    from cluster_growth import stream

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="np-growth-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        texts = list(stream(args.base + args.chunk))
        write_jsonl(tmp / "base.jsonl", texts[:args.base])
        write_jsonl(tmp / "chunk.jsonl", texts[args.base:])

        def job(db: Path, inputs: Path) -> dict:
            out = subprocess.run([sys.executable, __file__, "--one", str(db), str(inputs)], capture_output=True,
                                 text=True, check=True).stdout
            return json.loads(out.strip().splitlines()[-1])

        t0 = time.perf_counter()
        base_s = None
        if not (args.keep and (tmp / "template.db").exists()):  # a kept template (same --base) is reused
            job(tmp / "template.db", tmp / "base.jsonl")
            base_s = round(time.perf_counter() - t0, 1)
        copies = max(1, args.archive // args.base)
        mark = tmp / "archive.json"  # a kept archive of as many copies of a kept template is reused too
        if base_s is None and mark.exists() and json.loads(mark.read_text()).get("copies") == copies:
            kept = json.loads(mark.read_text())
            synth = kept["synth"]
            if not kept.get("prints"):  # built before dedup fingerprints were stored: add them as synthesise would
                upgrade_prints(str(tmp / "template.db"), str(tmp / "archive.db"), copies)
                mark.write_text(json.dumps(kept | {"prints": True}))
        else:
            for suffix in ("", "-wal", "-shm"):
                (tmp / f"archive.db{suffix}").unlink(missing_ok=True)
            synth = synthesise(str(tmp / "template.db"), str(tmp / "archive.db"), copies)
            mark.write_text(json.dumps({"copies": copies, "synth": synth, "prints": True}))
        t1 = time.perf_counter()
        units_rows = write_units(str(tmp / "archive.db"))  # a kept archive from before schema 15, or other code
        synth = synth | ({"units_rows": units_rows, "units_s": round(time.perf_counter() - t1, 1)} if units_rows else {})
        runs = []
        for _ in range(args.repeat):  # one after the other, each time on a fresh copy of the archive (and template)
            for name in ("big", "empty", "recent"):
                for suffix in ("", "-wal", "-shm"):
                    (tmp / f"{name}.db{suffix}").unlink(missing_ok=True)
            for src, dst in (("archive", "big"), ("template", "recent")):
                for suffix in ("", "-wal", "-shm"):
                    if (tmp / f"{src}.db{suffix}").exists():
                        shutil.copy(tmp / f"{src}.db{suffix}", tmp / f"{dst}.db{suffix}")
            big = job(tmp / "big.db", tmp / "chunk.jsonl")
            empty = job(tmp / "empty.db", tmp / "chunk.jsonl")
            pair = {"empty": empty, "big": big, "ratio": round(big["wall_s"] / empty["wall_s"], 3),
                    "ratio_cpu": round(big["cpu_s"] / empty["cpu_s"], 3)}
            if args.recent:
                recent = job(tmp / "recent.db", tmp / "chunk.jsonl")
                pair |= {"recent": recent, "size_ratio": round(big["wall_s"] / recent["wall_s"], 3),
                         "size_ratio_cpu": round(big["cpu_s"] / recent["cpu_s"], 3)}
            runs.append(pair)
        med = statistics.median
        sizes = {"size_ratio": round(med(r["size_ratio"] for r in runs), 3),
                 "size_ratio_cpu": round(med(r["size_ratio_cpu"] for r in runs), 3)} if args.recent else {}
        print(json.dumps({"base": args.base, "chunk": args.chunk, "base_run_s": base_s, **synth,
                          **(runs[0] if len(runs) == 1 else {"runs": runs}),
                          "incremental_ratio": round(med(r["ratio"] for r in runs), 3),
                          "incremental_ratio_cpu": round(med(r["ratio_cpu"] for r in runs), 3), **sizes,
                          "peak_rss_mb": max(max(r["big"]["peak_rss_mb"], r["empty"]["peak_rss_mb"]) for r in runs)}))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
