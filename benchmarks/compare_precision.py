"""Precision of ``differs`` and ``single-source`` facts on real multi-outlet stories, by inspection.

Builds stories from ECB+ gold event clusters (../shared/data/clustering/ecbplus/docs.jsonl): each gold cluster is
one story and each document its own outlet. Runs clean (verbatim), dedup and nlp, then the compare stage, and dumps a
seeded sample of differs and single-source facts, each with the story's other documents, for a person to judge:
a ``differs`` is right when the two values really are incompatible statements about the same thing; a
``single-source`` is right when no other document of the story reports it.

    .venv/bin/python benchmarks/compare_precision.py --stories 12 --docs 5 --sample 20 --out /tmp/compare_sample.md
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from newsprism.clean.stage import CleanStage
from newsprism.compare.stage import CompareStage
from newsprism.dedup.stage import DedupStage
from newsprism.model import Article, Story
from newsprism.nlp.stage import NlpStage
from newsprism.pipeline import Corpus, run_stages

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clustering" / "ecbplus" / "docs.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--stories", type=int, default=12, help="gold clusters to use")
    ap.add_argument("--docs", type=int, default=5, help="documents (outlets) per story at most")
    ap.add_argument("--sample", type=int, default=20, help="facts of each status to dump")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--statuses", nargs="+", default=["differs", "single-source"],
                    choices=["differs", "single-source", "agreed"], help="statuses to sample, in this order")
    ap.add_argument("--out", type=Path, default=Path("compare_sample.md"))
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    clusters: dict[str, list[dict]] = defaultdict(list)
    for line in args.data.open(encoding="utf-8"):
        r = json.loads(line)
        if args.split in ("all", r["split"]):
            clusters[r["cluster_id"]].append(r)
    chosen = rng.sample(sorted(c for c, d in clusters.items() if len(d) >= 3), min(args.stories, len(clusters)))
    articles, stories = [], {}
    for cid in chosen:
        docs = rng.sample(clusters[cid], min(args.docs, len(clusters[cid])))
        s = Story(id=cid, title=docs[0]["first_sentence"][:90])
        for d in docs:
            a = Article(id=d["doc_id"], source=str(args.data), outlet=f"doc {d['doc_id']}", raw=d["text"],
                        raw_kind="text", title=d["first_sentence"][:120])
            articles.append(a)
            s.articles.append(a.id)
        stories[cid] = s
    corpus = Corpus(articles=articles, stories=stories)
    t0 = time.perf_counter()
    stats = run_stages(corpus, [CleanStage(verbatim=True), DedupStage(), NlpStage()])
    t1 = time.perf_counter()
    for a in corpus.articles:
        a.story = next(sid for sid, s in stories.items() if a.id in s.articles)
    corpus.stories = stories
    CompareStage()(corpus)
    t2 = time.perf_counter()
    by_id = {a.id: a for a in corpus.articles}

    facts = [(s, f) for s in stories.values() for f in s.comparison.get("facts", [])]
    counts = defaultdict(int)
    for _, f in facts:
        counts[f["status"]] += 1
    print(f"{len(stories)} stories, {len(articles)} docs ({stats.failed} failed); nlp etc. {t1 - t0:.1f}s, "
          f"compare {t2 - t1:.2f}s; facts: {dict(counts)}", file=sys.stderr)

    lines = [f"# compare precision sample (seed {args.seed}, split {args.split})", "",
             f"facts by status: {dict(counts)}", ""]
    for status in args.statuses:
        pool = [(s, f) for s, f in facts if f["status"] == status]
        sample = rng.sample(pool, min(args.sample, len(pool)))
        lines += [f"## {status}: {len(sample)} of {len(pool)}", ""]
        for n, (s, f) in enumerate(sample, 1):
            lines.append(f"### {status} {n}. story {s.id} · {f['kind']} · {f['id']} · similarity {f.get('similarity')}")
            lines.append(f"FACT: {f['text']}")
            for o, evs in f["outlets"].items():
                for ev in evs:
                    extra = f" [value {ev['value']}]" if ev.get("value") else ""
                    lines.append(f"  {o}{extra}: {ev['text']}")
            if status == "single-source":
                mine = {ev["article"] for evs in f["outlets"].values() for ev in evs}
                for aid in s.articles:
                    if aid not in mine:
                        lines.append(f"  OTHER {aid}: {' '.join(by_id[aid].text.split())}")
            lines += ["  VERDICT: ", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
