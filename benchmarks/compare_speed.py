"""Speed of the compare stage on one large story: N ECB+ documents (each its own outlet) put into a single story.

No nlp stage runs (compare falls back to its own value finder), so this measures alignment, copy detection and
framing alone. Each size is timed three times (after one warm-up run) and the median is reported, with the growth
exponent between successive sizes (time ~ n^k: k = 1 is linear, n log n shows as slightly above 1) and the time per
n log n, which stays flat when growth is no worse than n log n.

    .venv/bin/python benchmarks/compare_speed.py --docs 10 20 40 80 160 [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

from newsprism.compare import compare_story
from newsprism.model import Article, Story

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clustering" / "ecbplus" / "docs.jsonl"


def time_story(docs: list[dict], n: int, repeat: int) -> tuple[float, int, int]:
    arts = {d["doc_id"]: Article(id=d["doc_id"], outlet=f"o{i}", text=d["text"]) for i, d in enumerate(docs[:n])}
    story = Story(id="big", articles=list(arts))
    times = []
    facts = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        comp = compare_story(story, arts)
        times.append(time.perf_counter() - t0)
        facts = len(comp["facts"])
    return statistics.median(times), facts, sum(len(a.text.split()) for a in arts.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--docs", type=int, nargs="+", default=[10, 20, 40, 80, 160])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    docs = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    time_story(docs, min(args.docs), 1)  # warm-up: imports and caches
    prev = None
    for n in sorted(args.docs):
        dt, facts, words = time_story(docs, n, args.repeat)
        growth = f", growth n^{math.log(dt / prev[1]) / math.log(n / prev[0]):.2f}" if prev else ""
        per = dt / (n * math.log2(max(2, n)))
        print(f"{n} outlets ({words} words): median {dt:.2f}s of {args.repeat}, {facts} facts, "
              f"{1000 * per:.2f} ms per n·log2(n){growth}")
        prev = (n, dt)


if __name__ == "__main__":
    main()
