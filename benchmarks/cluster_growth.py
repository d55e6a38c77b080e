"""Cost growth of story clustering: CPU time per article as the corpus grows, and peak memory.

    .venv/bin/python benchmarks/cluster_growth.py [--sizes 1000 10000 100000] [--batch 250] [--store] [--repeat 3]

Real ECB+ texts are replicated with variation: each replica renames every capitalised word (a new event with new
people and places), drops a few sentences at random, and is dated a few days after the previous replica, so the
vocabulary and the number of stories grow with the corpus the way a news stream's do. The articles arrive in batches
of ``--batch`` (one ``ClusterStage`` run each, the index carried between runs) and the figure reported at N articles
is the CPU time per article of the batch that brought the corpus to N: the cost of adding news to a corpus of that
size. The batch must be smaller than the smallest size: the batch that brings an empty index to N (``--batch`` equal
to N) has nothing earlier to look up, re-examine or repair against, so its cost is not the steady cost of adding news,
and every larger size would read as growth by comparison. With the default of 250 the figure at 1,000 is the fourth
batch, added to a corpus that already holds 750 articles, as every later figure is. Each size runs in its own
process so peak RSS is per size. Times are process CPU (``time.process_time``), so other work on a shared machine
inflates them less than wall time (also reported). ``reexamined_last_batch``: the
earlier articles the last batch clustered again with it (members of the open stories it could join, see
``OnlineClusterer.reopen``), the part of the cost that the first batch never pays.

``--repeat N`` runs the sizes N times, interleaved (every size once, then again), and reports the median CPU time per
article of each size and the growth of the medians: a fair comparison on a busy machine.

``--breakdown``: also the CPU seconds of the last batch per part (features of the new articles, placing, each repair
pass), to see which part grows, and how many times each part ran (``last_batch_calls``: the work, apart from the
machine's load). ``rank``, ``two_means`` and ``cleanest_cut`` are inside the parts that call them (candidate ranking
in placing and the repair passes; the split pass's cuts), reported on their own because their cost grows with the
index and with the size of the stories re-examined.

``--store``: the index lives in a SQLite store, as in ``newsprism run``: every batch is a new run in its own unit of
work (a new ``ClusterStage``, the state read back from the store, the stories read by id), so the figure includes
reading the candidate stories, their frequencies and member rows, and writing what the batch changed. Stories are
written after the timed stage call (that is the job's cost, not the clusterer's).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "clustering" / "ecbplus" / "docs.jsonl"
_CAP = re.compile(r"\b([A-Z][a-z]+)\b")
_SENT = re.compile(r"(?<=[.!?])\s+")


def _suffix(r: int) -> str:
    s = ""
    r += 1
    while r:
        r, k = divmod(r - 1, 26)
        s = "abcdefghijklmnopqrstuvwxyz"[k] + s
    return s


def stream(n: int, seed: int = 0):
    """``n`` articles: ECB+ texts, replica r renamed with suffix r, dated 3 days per replica."""
    from newsprism.model import Article, content_hash

    base = [json.loads(line)["text"] for line in GOLD.open()]
    rng = random.Random(seed)
    i = 0
    r = 0
    while True:
        suf = _suffix(r)
        order = list(range(len(base)))
        rng.shuffle(order)
        for j in order:
            sents = _SENT.split(base[j])
            kept = [s for s in sents if rng.random() > 0.15] or sents[:1]
            text = " ".join(kept)
            if r:
                text = _CAP.sub(lambda m: m.group(1) + suf, text)
            day = 730000 + 3 * r + rng.randrange(3)
            from datetime import date
            yield Article(id=f"g{i}", text=text, content_hash=content_hash(text),
                          published=date.fromordinal(day).isoformat(), outlet=f"o{rng.randrange(20)}")
            i += 1
            if i >= n:
                return
        r += 1


def run_store(n: int, batch: int) -> dict:
    import tempfile

    from newsprism.cluster.stage import ClusterStage
    from newsprism.jobs import _StoryView
    from newsprism.pipeline import Corpus
    from newsprism.store import open_store

    tmp = tempfile.mkdtemp()
    store = open_store(f"{tmp}/np.db")
    arts = list(stream(n))
    cpu_last = wall_last = total_cpu = 0.0
    n_stories = 0
    for k in range(0, n, batch):
        chunk = arts[k:k + batch]
        with store.transaction():
            c0, w0 = time.process_time(), time.perf_counter()
            stories = _StoryView(store.get_stories)
            corpus = Corpus(chunk, stories=stories, state=store.get_state(), cluster_index=store.cluster_index())
            stage = ClusterStage()
            stage(corpus)
            store.put_state(dict(corpus.state))
            cpu_last, wall_last = time.process_time() - c0, time.perf_counter() - w0
            store.put_stories(list(stories.values()))
            store.delete_stories(sorted(stories._absent))  # the ones the stage dropped (and ids found absent)
        total_cpu += cpu_last
    n_stories = len(list(store.iter_stories()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": n, "stories": n_stories, "batch": batch, "store": "sqlite",
            "ms_per_article_last_batch": round(1000 * cpu_last / len(chunk), 3),
            "wall_ms_per_article_last_batch": round(1000 * wall_last / len(chunk), 3),
            "reexamined_last_batch": getattr(stage, "reexamined", None),
            "ms_per_article_overall": round(1000 * total_cpu / n, 3), "peak_rss_mb": round(peak_mb, 1)}


_PARTS = {"features": ("stage", "features_of"), "titles": ("stage", "_record_extra"),
          "vectorise": ("OnlineClusterer", "vectorise"), "reopen": ("OnlineClusterer", "reopen"),
          "place": ("OnlineClusterer", "add"), "reassign": ("OnlineClusterer", "_reassign"),
          "split": ("OnlineClusterer", "_split"), "merge": ("OnlineClusterer", "_merge"),
          "agglomerate": ("OnlineClusterer", "_agglomerate"),
          # inside the parts above
          "rank": ("OnlineClusterer", "_ranked"), "two_means": ("online", "_two_means"),
          "cleanest_cut": ("OnlineClusterer", "_cleanest_cut")}


def _time_parts() -> tuple[dict[str, float], dict[str, int]]:
    """Wrap the clusterer's parts so that each adds its CPU time and one call to the returned dicts (clear them per
    batch)."""
    from newsprism.cluster import online, stage

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    for part, (where, name) in _PARTS.items():
        owner = {"stage": stage, "online": online}.get(where) or getattr(online, where)
        f = getattr(owner, name)

        def timed(*a, _f=f, _part=part, **k):
            t = time.process_time()
            try:
                return _f(*a, **k)
            finally:
                spent[_part] = spent.get(_part, 0.0) + time.process_time() - t
                calls[_part] = calls.get(_part, 0) + 1
        setattr(owner, name, timed)
    return spent, calls


def run_size(n: int, batch: int, breakdown: bool = False) -> dict:
    from newsprism.cluster.stage import ClusterStage
    from newsprism.pipeline import Corpus

    spent, calls = _time_parts() if breakdown else ({}, {})

    stage = ClusterStage()
    state: dict = {}
    stories: dict = {}
    arts = list(stream(n))
    cpu_last = wall_last = 0.0
    total_cpu = 0.0
    for k in range(0, n, batch):
        chunk = arts[k:k + batch]
        spent.clear()
        calls.clear()
        c0, w0 = time.process_time(), time.perf_counter()
        stage(Corpus(chunk, stories=stories, state=state))
        cpu_last, wall_last = time.process_time() - c0, time.perf_counter() - w0
        total_cpu += cpu_last
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A cold start (a new process reading the saved index) is paid once per run, not per article: time it too.
    c0 = time.process_time()
    blob = json.dumps(state)
    ClusterStage()._load(Corpus([], stories=stories, state=json.loads(blob)))
    load_s = time.process_time() - c0
    return {"articles": n, "stories": len(stories), "batch": batch,
            "ms_per_article_last_batch": round(1000 * cpu_last / len(chunk), 3),
            "wall_ms_per_article_last_batch": round(1000 * wall_last / len(chunk), 3),
            "reexamined_last_batch": getattr(stage, "reexamined", None),
            "ms_per_article_overall": round(1000 * total_cpu / n, 3), "peak_rss_mb": round(peak_mb, 1),
            "state_json_mb": round(len(blob) / 1e6, 1), "cold_load_s": round(load_s, 2),
            **({"last_batch_cpu_s": {k: round(v, 2) for k, v in spent.items()}, "last_batch_calls": dict(calls)}
               if breakdown else {})}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000, 100000])
    ap.add_argument("--batch", type=int, default=250,
                    help="articles per run; smaller than the smallest size (see the docstring)")
    ap.add_argument("--store", action="store_true", help="keep the index in a SQLite store, one run per batch")
    ap.add_argument("--repeat", type=int, default=1, help="run the sizes this many times (interleaved), report medians")
    ap.add_argument("--breakdown", action="store_true", help="CPU of the last batch per part (in-memory index)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_store(args.one, args.batch) if args.store else run_size(args.one, args.batch, args.breakdown)))
        return
    runs: dict[int, list[float]] = {n: [] for n in args.sizes}
    for _ in range(args.repeat):
        for n in args.sizes:
            out = subprocess.run([sys.executable, __file__, "--one", str(n), "--batch", str(args.batch)]
                                 + (["--store"] if args.store else []) + (["--breakdown"] if args.breakdown else []),
                                 capture_output=True, text=True, check=True).stdout
            row = json.loads(out)
            runs[n].append(row["ms_per_article_last_batch"])
            print(json.dumps(row), flush=True)
    medians = [statistics.median(runs[n]) for n in args.sizes]
    print(json.dumps({"cpu_ms_per_article_last_batch": {str(n): runs[n] for n in args.sizes},
                      "median": dict(zip(map(str, args.sizes), medians)),
                      "growth_last_batch_vs_smallest": [round(m / medians[0], 2) for m in medians]}))


if __name__ == "__main__":
    main()
