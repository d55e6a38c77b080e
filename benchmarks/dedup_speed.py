"""Throughput and peak memory of the dedup stage alone, against a plain datasketch MinHashLSH, on replicated texts.

    .venv/bin/python benchmarks/dedup_speed.py [--n 100000] [--baseline-n 5000] [--lsh numpy|datasketch]

Texts: the ECB+ and PolNeAR originals, replicated with variation until --n: each replica is an original with light
edits, a cut, a new headline or furniture (a third of replicas are copies of recent replicas, as syndication
chains are). Wall-clock figures suffer when other work shares the two cores; the per-CPU-second figure does
not. Each system runs in its own child process so its peak RSS is its own.

Measured 2026-11-21 on the shared 2-core machine (load average about 4):
  ours, n=100,000: 2,537 articles per CPU-second (1,829/s wall), peak RSS 1,686 MB of which 558 MB is the texts
  ours, n=5,000:   2,746 per CPU-second; datasketch baseline, n=5,000: 874 per CPU-second, 149 MB
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def corpus(n: int, seed: int = 5) -> list[str]:
    import dedup_data as dd

    rng = random.Random(seed)
    originals = [d.text for d in dd.load_originals(polnear=10_000)]
    out: list[str] = []
    ops = ("edits", "truncate", "headline", "boilerplate", "reorder")
    while len(out) < n:
        i = len(out)
        if i < len(originals):
            out.append(originals[i])
            continue
        src = out[rng.randrange(max(0, i - 2000), i)] if rng.random() < 0.33 else rng.choice(originals)
        t = getattr(dd, rng.choice(ops))(src, rng)
        # a unique sentence keeps most replicas distinct texts (not exact copies of each other)
        out.append(t + f"\nReported at {rng.randrange(10**6)} by desk {rng.randrange(1000)}.")
    return out


def run_ours(texts: list[str], lsh: str) -> dict:
    from newsprism.dedup import detect
    from newsprism.dedup.stage import DedupStage
    from newsprism.model import Article
    from newsprism.pipeline import Corpus

    arts = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    if lsh != "numpy":
        orig = detect.find_copies
        detect.find_copies = lambda *a, **k: orig(*a, lsh=lsh, **k)
        import newsprism.dedup.stage as st
        st.find_copies = detect.find_copies
    t0 = time.perf_counter()
    DedupStage()(Corpus(articles=arts))
    dt = time.perf_counter() - t0
    return {"seconds": dt, "copies": sum(a.duplicate_of is not None for a in arts),
            "groups": len({a.syndication_group for a in arts if a.syndication_group})}


def run_baseline(texts: list[str]) -> dict:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    dup = 0
    for i, t in enumerate(texts):
        w = t.lower().split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[j:j + 5]).encode() for j in range(max(1, len(w) - 4))])
        if lsh.query(m):
            dup += 1
        lsh.insert(i, m)
    return {"seconds": time.perf_counter() - t0, "copies": dup}


def child(system: str, n: int, lsh: str) -> None:
    t0 = time.perf_counter()
    texts = corpus(n)
    build = time.perf_counter() - t0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = time.process_time()
    res = run_ours(texts, lsh) if system == "ours" else run_baseline(texts)
    res["cpu_seconds"] = time.process_time() - cpu0
    res.update(n=n, build_seconds=build, rss_before_mb=rss0 / 1024,
               peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--baseline-n", type=int, default=5_000)
    ap.add_argument("--lsh", default="numpy", choices=["numpy", "datasketch"])
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    for system, n in (("ours", args.n), ("baseline", args.baseline_n), ("ours", args.baseline_n)):
        out = subprocess.run([sys.executable, __file__, "--child", system, str(n), args.lsh],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        name = f"newsprism dedup (lsh={args.lsh})" if system == "ours" else "datasketch MinHashLSH(0.5) 128 perm"
        print(f"{name:42s} n={r['n']:>7,}  {r['n'] / r['seconds']:>7,.0f} articles/s wall ({r['seconds']:.1f} s), "
              f"{r['n'] / r['cpu_seconds']:>6,.0f}/CPU-s  "
              f"peak RSS {r['peak_rss_mb']:,.0f} MB (texts alone {r['rss_before_mb']:,.0f} MB)  "
              f"copies {r['copies']:,}" + (f"  groups {r['groups']:,}" if "groups" in r else ""))


if __name__ == "__main__":
    main()
