"""Speed of the compare stage on one large story: N ECB+ documents (each its own outlet) put into a single story.

No nlp stage runs (compare falls back to its own value finder), so this measures alignment alone.

    .venv/bin/python benchmarks/compare_speed.py --docs 50 100 200
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from newsprism.compare import compare_story
from newsprism.model import Article, Story

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clustering" / "ecbplus" / "docs.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--docs", type=int, nargs="+", default=[50, 100, 200])
    args = ap.parse_args()
    docs = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    for n in args.docs:
        arts = {d["doc_id"]: Article(id=d["doc_id"], outlet=f"o{i}", text=d["text"]) for i, d in enumerate(docs[:n])}
        story = Story(id="big", articles=list(arts))
        t0 = time.perf_counter()
        comp = compare_story(story, arts)
        dt = time.perf_counter() - t0
        words = sum(len(a.text.split()) for a in arts.values())
        print(f"{n} articles ({words} words): {dt:.2f}s, {len(comp['facts'])} facts")


if __name__ == "__main__":
    main()
