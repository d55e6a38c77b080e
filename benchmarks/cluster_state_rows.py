"""The cluster index kept as rows at archive scale: its size, a cold read, and one chunk's diff write.

    .venv/bin/python benchmarks/cluster_state_rows.py build TEMPLATE.db TARGET.db COPIES
    .venv/bin/python benchmarks/cluster_state_rows.py load TARGET.db

``build`` replicates the cluster index of a database a real run made (``pipeline_growth.py --keep DIR`` leaves one as
DIR/template.db) ``COPIES`` times: story keys and name words renamed per replica (other events), old replicas
closed, document frequencies summed. ``load`` (run it in a fresh process) times what a chunk reads since migration 11 (the
scalars and rows by key: 1000 members, their stories, 20k words' frequencies) and the peak RSS after it; then, for
comparison, reading the whole index back (what every run did before), writing it after 100 stories changed, and the
peak RSS of the process after that. Prints JSON.
"""
from __future__ import annotations

import json
import resource
import sys
import time


def build(template: str, target: str, copies: int) -> dict:
    from newsprism.store import open_store

    src = open_store(template)
    cl = src.read_cluster_index()
    src.close()
    big = {"version": 1, "run": cl["run"], "newest_day": cl["newest_day"], "params": cl["params"],
           "df": {"n": 0, "df": {}}, "name_df": {"n": 0, "df": {}}, "members": {}, "copies": {}, "stories": {}}
    for r in range(copies):
        sfx = f"-r{r}" if r else ""
        for kind in ("df", "name_df"):
            big[kind]["n"] += cl[kind]["n"]
            for w, n in cl[kind]["df"].items():
                k = w + sfx if kind == "name_df" else w
                big[kind]["df"][k] = big[kind]["df"].get(k, 0) + n
        for a, s in cl["members"].items():
            big["members"][a + sfx] = s + sfx
        for k, st in cl["stories"].items():
            st = dict(st, names={w + sfx: x for w, x in st["names"].items()},
                      presence={w + sfx: x for w, x in st["presence"].items()})
            if r:
                st["records"] = None
            big["stories"][k + sfx] = st
    dst = open_store(target)
    t0 = time.perf_counter()
    dst.put_state({"cluster": big})
    return {"members": len(big["members"]), "stories": len(big["stories"]),
            "terms": len(big["df"]["df"]) + len(big["name_df"]["df"]),
            "as_one_json_mb": round(len(json.dumps(big)) / 1e6, 1), "full_write_s": round(time.perf_counter() - t0, 1)}


def load(target: str) -> dict:
    from newsprism.store import open_store

    s = open_store(target)
    c0 = time.process_time()
    scalars = s.get_state()["cluster"]
    # what a chunk of a run reads since migration 11: the scalars, then rows by key (here: 1000 members, their
    # stories, and 20k words' frequencies), never the whole index
    rows = s.cluster_index()
    import sqlalchemy as sa
    from newsprism.store import schema as t
    with s.engine.connect() as conn:
        ids = [a for (a,) in conn.execute(sa.select(t.cluster_members.c.article).limit(1000))]
        words = [w for (w,) in conn.execute(sa.select(t.cluster_df.c.term).where(t.cluster_df.c.kind == "df")
                                            .limit(20000))]
    members = rows.members(ids)
    stories = rows.stories({k for k, _ in members.values() if k})
    rows.df("df", words)
    lazy = time.process_time() - c0
    lazy_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c0 = time.process_time()
    st = s.read_cluster_index()
    c = time.process_time() - c0
    for k in list(st["stories"])[:100]:  # as OnlineClusterer.save: a changed story is a new dict
        st["stories"][k] = dict(st["stories"][k])
    c1 = time.process_time()
    s.put_state({"cluster": st})
    return {"chunk_reads_cpu_s": round(lazy, 2), "chunk_reads_stories": len(stories),
            "rss_after_chunk_reads_mb": round(lazy_rss), "run": scalars.get("run"),
            "whole_index_load_cpu_s": round(c, 2), "diff_write_100_cpu_s": round(time.process_time() - c1, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


if __name__ == "__main__":
    if sys.argv[1] == "load":
        print(json.dumps(load(sys.argv[2])))
    else:
        print(json.dumps(build(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
