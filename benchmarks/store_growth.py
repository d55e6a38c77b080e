"""Store write cost as the archive grows: a +2k chunk into an empty database against one into a big archive.

    .venv/bin/python benchmarks/store_growth.py [--archive 20000] [--chunk 2000] [--db sqlite|postgresql]
    FULL=1 .venv/bin/python benchmarks/store_growth.py          # a 200,000-article archive

The chunk is written as a run commits one: in one unit of work, its articles (with the search index), the stories
it touched, one error and the state. Texts are synthetic (sentences drawn from a fixed vocabulary, so the search
index grows as a real one does); no shared data is needed. Prints one JSON object; ``incremental_ratio`` is the
big-archive chunk's median wall time over the empty one's (the target is <= 1.2).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("minister talks tariff summit outlet harbour election court budget vote treaty police market energy "
         "strike border council report agency bank trade export import deal crisis press storm village river "
         "school hospital union factory protest governor senate ruling appeal rate inflation growth drought flood "
         "wildfire vaccine museum festival league coach transfer stadium satellite launch orbit reactor pipeline "
         "ceasefire envoy refugee asylum ballot coalition opposition cabinet decree sanction embargo").split()


def synthetic(n: int, start: int, seed: int):
    """``n`` articles of 25 sentences (about 2 KB), each with a few rare made-up words, as ingest would make them."""
    from newsprism.model import Article, content_hash

    rng = random.Random(seed)
    for i in range(start, start + n):
        sents = []
        for _ in range(25):
            ws = rng.choices(WORDS, k=rng.randint(8, 16)) + [f"w{rng.randint(0, 10 * (start + n))}"]
            rng.shuffle(ws)
            sents.append(" ".join(ws).capitalize() + ".")
        text = " ".join(sents)
        a = Article(f"b{i}", source=f"/bench/b{i}.txt", title=" ".join(rng.choices(WORDS, k=6)), text=text,
                    outlet=f"Outlet {i % 40}", published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}")
        a.content_hash = content_hash(a.id + "\0" + text)
        a.story = f"s{i // 5}"
        yield a


def write_chunk(store, articles) -> float:
    """One chunk committed as a run commits it; returns its wall time."""
    from newsprism.model import Story

    stories: dict[str, Story] = {}
    for a in articles:
        stories.setdefault(a.story, Story(a.story, title=a.title or "")).articles.append(a.id)
    unit = getattr(store, "transaction", None)
    t0 = time.perf_counter()
    with unit() if unit else contextlib.nullcontext():
        store.upsert_articles(articles)
        if hasattr(store, "put_stories"):
            store.put_stories(stories.values())
        else:  # the store before units of work: the run rewrote every story
            store.replace_stories(list(store.iter_stories()) + list(stories.values()))
        store.record_error(articles[0].source, articles[0].id, "bench: one error per chunk")
        store.put_state({"bench": {"chunks": len(articles)}})
    return time.perf_counter() - t0


def open_db(kind: str, tmp: Path, name: str):
    from newsprism.store import open_store

    if kind == "sqlite":
        return open_store(tmp / f"{name}.db"), None
    import uuid

    import sqlalchemy as sa
    url = os.environ.get("NEWSPRISM_TEST_PG") or sys.exit("--db postgresql needs NEWSPRISM_TEST_PG")
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop():
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return open_store(f"{url}?options=-csearch_path%3D{schema}"), drop


def main() -> None:
    full = os.environ.get("FULL") == "1"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archive", type=int, default=200_000 if full else 20_000)
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, drop_e = open_db(args.db, Path(tmp), "empty")
        big, drop_b = open_db(args.db, Path(tmp), "big")
        t_fill = time.perf_counter()
        for start in range(0, args.archive, args.chunk):
            write_chunk(big, list(synthetic(min(args.chunk, args.archive - start), start, seed=start)))
        t_fill = time.perf_counter() - t_fill
        # Each figure is the median of --repeats chunks (the machine is shared: one timing is noise): new chunks
        # into the big archive, and the same chunks each into a fresh empty database.
        t_empty, t_big = [], []
        for r in range(args.repeats):
            chunk = list(synthetic(args.chunk, args.archive + r * args.chunk, seed=-1 - r))
            t_big.append(write_chunk(big, chunk))
            fresh, drop_f = (empty, None) if r == 0 else open_db(args.db, Path(tmp), f"empty{r}")
            t_empty.append(write_chunk(fresh, chunk))
            if r:
                fresh.close()
                if drop_f:
                    drop_f()
        t_empty, t_big = statistics.median(t_empty), statistics.median(t_big)
        n_big = big.count_articles()
        for s, drop in ((empty, drop_e), (big, drop_b)):
            s.close()
            if drop:
                drop()
    print(json.dumps({"benchmark": "store_growth", "db": args.db, "archive": args.archive, "chunk": args.chunk,
                      "archive_after": n_big, "chunk_into_empty_s": round(t_empty, 3),
                      "chunk_into_archive_s": round(t_big, 3), "repeats": args.repeats, "incremental_ratio": round(t_big / t_empty, 3),
                      "fill_articles_per_s": round(args.archive / t_fill, 1)}))


if __name__ == "__main__":
    main()
