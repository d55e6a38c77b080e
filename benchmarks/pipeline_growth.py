"""Whole-pipeline cost of a chunk as the archive grows: a +N chunk run into a big archive against one into an empty one.

    .venv/bin/python benchmarks/pipeline_growth.py [--base 300] [--archive 10000] [--chunk 300]
    FULL=1 .venv/bin/python benchmarks/pipeline_growth.py      # --base 2000 --archive 200000 --chunk 2000

Needs ../shared (ECB+ texts). Every step is the real ``newsprism run`` job (all stages, SQLite store) except the
archive's bulk, which is synthesised cheaply:

1. ``--base`` articles (ECB+ texts replicated with renamed people and places, as in ``cluster_growth.py``) are
   processed for real into a template database;
2. the archive is the template's stored rows written ``archive / base`` times over through the store's own write
   methods (articles with their search index, stories, dedup keys, the cluster index rows): each replica gets new
   article ids, content hashes and story ids, its dedup keys are scrambled (replicas are not copies of each other),
   its stories' name words are renamed (other events with the same vocabulary) and closed (an archive's old
   stories are no longer re-examined), its learned actors (the actor book) are stored again under spelled-apart
   names (other people and bodies: an archive knows actors in proportion to its stories), and document
   frequencies are scaled to the archive's size;
3. the same ``--chunk`` new articles (the next texts of the stream) are run once into a copy of the archive and
   once into an empty database, each in its own process (wall and CPU time, peak RSS of that process).

Prints one JSON object; ``incremental_ratio`` is the archive chunk's wall time over the empty one's (target <= 1.2).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
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
    from newsprism.jobs import run_job
    from newsprism.store import open_store

    store = open_store(db)
    c0, w0 = time.process_time(), time.perf_counter()
    res = run_job([inputs], store, chunk_size=10**9)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out = {"articles": len(res.articles), "new": res.new, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
           "stages_s": {k: round(v, 2) for k, v in res.stats.seconds.items()},
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "stored_articles": store.count_articles()}
    store.close()
    return out


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


def synthesise(template: str, target: str, copies: int) -> dict:
    """Write the template database's rows ``copies`` times (see the module docstring) into a new database."""
    import random

    import sqlalchemy as sa

    from newsprism.model import Article, Story
    from newsprism.store import open_store
    from newsprism.store import schema as t

    src, dst = open_store(template), open_store(target)
    arts = list(src.iter_articles())
    stories = list(src.iter_stories())
    state = src.get_state()
    if hasattr(src, "read_cluster_index"):  # since migration 11 a state read gives the index's scalars only
        state["cluster"] = src.read_cluster_index()
    docs: dict[str, str] = {}
    bands: dict[str, list[int]] = {}
    anchors: dict[str, list[int]] = {}
    if hasattr(src, "put_dedup"):  # a store before migration 8 (for a "before" figure) has no dedup keys
        with src.engine.connect() as conn:
            docs = dict(conn.execute(sa.select(t.dedup_docs.c.content_hash, t.dedup_docs.c.exact)).all())
            for k, h in conn.execute(sa.select(t.dedup_bands.c.key, t.dedup_bands.c.content_hash)):
                bands.setdefault(h, []).append(k)
            for k, h in conn.execute(sa.select(t.dedup_anchors.c.anchor, t.dedup_anchors.c.content_hash)):
                anchors.setdefault(h, []).append(k)
    actors = list(src.iter_actors()) if hasattr(src, "iter_actors") else []
    src.close()
    cl = state.get("cluster") or {}
    rng = random.Random(7)
    big = {"version": 1, "run": cl.get("run", 1), "newest_day": cl.get("newest_day"), "params": cl.get("params", {}),
           "df": {"n": 0, "df": {}}, "name_df": {"n": 0, "df": {}}, "members": {}, "copies": {}, "stories": {}}
    t0 = time.perf_counter()
    for r in range(copies):
        sfx = "" if r == 0 else f"-r{r}"
        mask = 0 if r == 0 else rng.getrandbits(62)
        ren = (lambda x: x + sfx if x else x)
        out = []
        for a in arts:
            rec = a.to_record()
            b = Article.from_record(rec)
            b.id, b.story, b.duplicate_of = ren(a.id), ren(a.story), ren(a.duplicate_of)
            b.syndication_group = ren(a.syndication_group)
            b.content_hash = _h(a.content_hash, r) if r else a.content_hash
            b.source = ren(a.source)
            out.append(b)
        with dst.transaction():
            dst.upsert_articles(out)
            dst.put_stories(Story.from_record(dict(s.to_record(), story=ren(s.id),
                                                   articles=[ren(i) for i in s.articles])) for s in stories)
            by_old = {a.content_hash: b.content_hash for a, b in zip(arts, out)}
            if docs:
                dst.put_dedup([], {by_old[h]: (_h(e, r)[:32] if r else e, [k ^ mask for k in bands.get(h, [])],
                                           [k ^ mask for k in anchors.get(h, [])])
                                   for h, e in docs.items() if h in by_old}, max_posting=100)
            if actors:
                dst.upsert_actors([_actor_replica(d, r, ren) for d in actors])
        for kind in ("df", "name_df"):
            d = cl.get(kind) or {"n": 0, "df": {}}
            big[kind]["n"] += d["n"]
            for w, n in d["df"].items():
                key = w + sfx if kind == "name_df" else w
                big[kind]["df"][key] = big[kind]["df"].get(key, 0) + n
        for aid, key in (cl.get("members") or {}).items():
            big["members"][ren(aid)] = ren(key)
        for aid in cl.get("copies") or {}:
            big["copies"][ren(aid)] = 1
        for key, st in (cl.get("stories") or {}).items():
            st = dict(st)
            st["names"] = {w + sfx: x for w, x in st.get("names", {}).items()}
            st["presence"] = {w + sfx: x for w, x in st.get("presence", {}).items()}
            if r:
                st["records"] = None  # old replicas: closed, as close_stale leaves an archive's old stories
            big["stories"][ren(key)] = st
    dst.put_state({k: v for k, v in state.items() if k != "cluster"} | {"cluster": big})
    n = dst.count_articles()
    n_actors = sum(1 for _ in dst.iter_actors())
    dst.close()
    return {"archive_articles": n, "archive_stories": len(big["stories"]), "archive_actors": n_actors,
            "synthesis_s": round(time.perf_counter() - t0, 1)}


def main() -> None:
    full = os.environ.get("FULL") == "1"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=2000 if full else 300)
    ap.add_argument("--archive", type=int, default=200_000 if full else 10_000)
    ap.add_argument("--chunk", type=int, default=2000 if full else 300)
    ap.add_argument("--keep", help="directory to keep the databases in (default: a temporary one)")
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
        base = job(tmp / "template.db", tmp / "base.jsonl")
        base_s = time.perf_counter() - t0
        synth = synthesise(str(tmp / "template.db"), str(tmp / "archive.db"), max(1, args.archive // args.base))
        for suffix in ("", "-wal", "-shm"):
            if (tmp / f"archive.db{suffix}").exists():
                shutil.copy(tmp / f"archive.db{suffix}", tmp / f"big.db{suffix}")
        big = job(tmp / "big.db", tmp / "chunk.jsonl")
        empty = job(tmp / "empty.db", tmp / "chunk.jsonl")
        print(json.dumps({"base": args.base, "chunk": args.chunk, "base_run_s": round(base_s, 1), **synth,
                          "empty": empty, "big": big,
                          "incremental_ratio": round(big["wall_s"] / empty["wall_s"], 3),
                          "incremental_ratio_cpu": round(big["cpu_s"] / empty["cpu_s"], 3),
                          "peak_rss_mb": max(big["peak_rss_mb"], empty["peak_rss_mb"])}))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
