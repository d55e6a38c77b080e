"""Comparison quality with the gold's own stories: the compare stage measured apart from clustering.

The scoreboard scores a comparison over the story newsprism built; when clustering splits a story, the comparison
is judged on a fragment. This script runs clean, dedup and nlp on a compare set (default
../shared/data/compare/indo-pak-2025), puts each article in its gold story, runs story syndication, compare and
timeline, writes ``articles.jsonl`` and ``stories.jsonl`` to OUT, and prints the scorer's figures for it.

    .venv/bin/python benchmarks/compare_gold_stories.py [--data DIR] [--out DIR] [--details]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsprism.clean.stage import CleanStage
from newsprism.cluster.stage import TimelineStage
from newsprism.compare.stage import CompareStage
from newsprism.dedup.stage import DedupStage, StorySyndicationStage
from newsprism.ingest import read_inputs
from newsprism.model import Story
from newsprism.nlp.stage import NlpStage
from newsprism.pipeline import Corpus, run_stages

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIGURES = ("differs_precision", "differs_recall", "purity", "merged_facts", "consensus_recall", "agreed_wrong",
           "single_source_precision", "voice_side_accuracy", "voice_junk")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED / "data" / "compare" / "indo-pak-2025")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--details", action="store_true", help="pass --details to the scorer (facts on stderr)")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="compare_gold_"))
    out.mkdir(parents=True, exist_ok=True)

    gold = {}
    for line in (args.data / "stories.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        gold[r["doc_id"]] = r["cluster_id"]
    articles = list(read_inputs([str(args.data / "corpus.jsonl")]))
    corpus = Corpus(articles=articles)
    t0 = time.perf_counter()
    run_stages(corpus, [CleanStage(), DedupStage(), NlpStage()])
    t1 = time.perf_counter()
    stories: dict[str, Story] = {}
    for a in corpus.articles:
        sid = gold.get(a.id, "none-" + a.id)
        stories.setdefault(sid, Story(id=sid, title=sid)).articles.append(a.id)
        a.story = sid
    corpus.stories = stories
    for stage in (StorySyndicationStage(), CompareStage(), TimelineStage()):
        stage(corpus)
    t2 = time.perf_counter()
    with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
        for a in corpus.articles:
            fh.write(json.dumps(a.to_record(), ensure_ascii=False) + "\n")
    with open(out / "stories.jsonl", "w", encoding="utf-8") as fh:
        for s in stories.values():
            fh.write(json.dumps(s.to_record(), ensure_ascii=False) + "\n")
    cmd = [sys.executable, str(SHARED / "tools" / "compare_eval.py"), str(args.data), str(out)]
    if args.details:
        cmd.append("--details")
    res = json.loads(subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE).stdout)
    print(json.dumps({"out": str(out), "nlp_s": round(t1 - t0, 1), "compare_s": round(t2 - t1, 2),
                      **{k: res.get(k) for k in FIGURES},
                      "differs_found": res.get("differs_found"), "contested_missed": res.get("contested_missed"),
                      "facts": res.get("counts", {}).get("newsprism_facts")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
