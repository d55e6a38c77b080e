#!/usr/bin/env python3
"""Quotation and speaker quality on PolNeAR, newsprism's nlp stage beside textacy's direct_quotations, plus speed.

usage: python benchmarks/quotes.py [--gold ../shared/data/quotes/polnear/dev.jsonl] [--kind polnear]
                                   [--out /tmp/newsprism-quotes] [--limit N]

Writes INPUT/PRED files under --out, scores both systems with ../shared/tools/quote_eval.py at theta 0.3 and 0.8, and
prints words per CPU-second of the nlp stage against the plain English pipeline on the same texts. The scorer defines the
metric; this script only produces predictions and calls it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def read_input(kind: str, gold: Path, limit: int | None) -> list[dict]:
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "quote_eval.py"), "input", kind, str(gold)],
                         check=True, capture_output=True, text=True).stdout
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return recs[:limit] if limit else recs


def run_newsprism(recs: list[dict]) -> tuple[list[dict], float]:
    from newsprism.model import Article
    from newsprism.nlp.loading import load_nlp
    from newsprism.nlp.stage import NlpStage

    load_nlp()  # loading is not part of the throughput
    stage = NlpStage()
    preds = []
    t0 = time.process_time()
    for r in recs:
        art = stage(Article(id=str(r["id"]), text=r["text"], published=r.get("published")))
        preds.append({"id": r["id"], "quotes": [q.to_dict() for q in art.quotes]})
    return preds, time.process_time() - t0


def run_plain(recs: list[dict]) -> tuple[list, float]:
    from newsprism.nlp.loading import load_base

    nlp = load_base()
    t0 = time.process_time()
    docs = [nlp(r["text"]) for r in recs]
    return docs, time.process_time() - t0


def run_textacy(docs) -> tuple[list[dict], float]:
    from textacy.extract.triples import direct_quotations

    preds = []
    t0 = time.process_time()
    for doc in docs:
        qs = []
        try:
            found = list(direct_quotations(doc))
        except Exception:  # noqa: BLE001 - textacy gives up on some unbalanced quotes; count it as nothing found
            found = []
        for dq in found:
            content = dq.content
            spk = dq.speaker
            sp = None
            if spk:
                s, e = spk[0].idx, spk[-1].idx + len(spk[-1].text)
                sp = {"start": s, "end": e, "text": doc.text[s:e]}
            qs.append({"start": content.start_char, "end": content.end_char, "text": content.text,
                       "speaker": sp, "speaker_name": sp["text"] if sp else None})
        preds.append(qs)
    return preds, time.process_time() - t0


def score(kind: str, gold: Path, pred: Path, theta: float) -> dict:
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "quote_eval.py"), "score", kind, str(gold),
                          str(pred), "--theta", str(theta)], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "quotes" / "polnear" / "dev.jsonl")
    ap.add_argument("--kind", default="polnear")
    ap.add_argument("--out", type=Path, default=Path("/tmp/newsprism-quotes"))
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    recs = read_input(args.kind, args.gold, args.limit)
    with open(args.out / "input.jsonl", "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    words = sum(len(r["text"].split()) for r in recs)

    plain_docs, t_plain = run_plain(recs)
    ours, t_ours = run_newsprism(recs)
    base, t_textacy = run_textacy(plain_docs)

    p_ours, p_base = args.out / "pred_newsprism.jsonl", args.out / "pred_textacy.jsonl"
    with open(p_ours, "w") as f:
        for p in ours:
            f.write(json.dumps(p) + "\n")
    with open(p_base, "w") as f:
        for r, qs in zip(recs, base):
            f.write(json.dumps({"id": r["id"], "quotes": qs}) + "\n")

    gold = args.gold
    if args.limit:  # score only the articles we ran
        keep = {str(r["id"]) for r in recs}
        gold = args.out / "gold_subset.jsonl"
        with open(args.gold) as src, open(gold, "w") as dst:
            for line in src:
                d = json.loads(line)
                if str(d.get("doc_id", d.get("id"))) in keep:
                    dst.write(line)

    print(f"{len(recs)} articles, {words} words ({args.gold})")
    print(f"{'system':<12} {'theta':>5} {'P':>7} {'R':>7} {'F1':>7} {'spk_acc':>8} {'pred':>6} {'gold':>6}")
    for name, pred in (("newsprism", p_ours), ("textacy", p_base)):
        for theta in (0.3, 0.8):
            s = score(args.kind, gold, pred, theta)
            print(f"{name:<12} {theta:>5} {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>7.3f} "
                  f"{(s['speaker_acc'] or 0):>8.3f} {s['pred_quotes']:>6} {s['gold_quotes']:>6}")
    # CPU time of this process, not wall time: the machine is shared, and wall time measures the neighbours
    print(f"speed (CPU time): plain en_core_web_sm {words / t_plain:,.0f} words/s; nlp stage (parse + actors + quotes + claims) "
          f"{words / t_ours:,.0f} words/s; textacy direct_quotations on parsed docs {words / max(t_textacy, 1e-9):,.0f} "
          f"words/s")


if __name__ == "__main__":
    main()
