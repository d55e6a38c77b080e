"""Fit the same-event model of ``newsprism.cluster.pairs`` on ECB+ train (never on dev or other sets).

    newsprism run <ECB+ train as jsonl> --out OUT      # the scoreboard's input for the train split
    .venv/bin/python benchmarks/cluster_fit.py OUT/articles.jsonl [--seed 0] [--samples 6]

Pairs of groups are drawn from the gold stories of the train split the way the clusterer meets them: two parts of one
story (same event: a story split by arrival order), parts of two stories of one ECB+ topic (same kind of event,
same actors often, another time: the hard negatives) and of two topics. Each group is summed exactly as the
clusterer sums a story (the documents vectorised with the split's own document frequencies, as in one run). A
logistic regression (scikit-learn, standardised features, balanced classes) is fitted and printed as the raw
weights and intercept to paste into ``pairs.py``, with its cross-validated accuracy by topic.
"""
from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from newsprism.cluster.online import OnlineClusterer, Params, group_of
from newsprism.cluster.pairs import FEATURES, features
from newsprism.cluster.stage import features_of
from newsprism.model import Article

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "clustering" / "ecbplus" / "docs.jsonl"


def _part(rng: random.Random, ids: list[str], most: int | None = None) -> list[str]:
    most = min(len(ids), most or len(ids))
    # Singletons and small fragments are what the final pass meets most: sizes drawn log-uniformly.
    k = max(1, min(most, int(round(2 ** rng.uniform(0, max(0.0, (most).bit_length()))))))
    return rng.sample(ids, k)


def pairs(docs: dict, gold: dict[str, str], topic: dict[str, str], samples: int, rng: random.Random, weight):
    by: dict[str, list[str]] = defaultdict(list)
    for i in sorted(docs):
        by[gold[i]].append(i)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for c in sorted(by):
        by_topic[topic[c]].append(c)
    X, y, groups = [], [], []

    def add(a, b, label, t):
        X.append(features(group_of(docs[i] for i in a), group_of(docs[i] for i in b), weight))
        y.append(label)
        groups.append(t)

    clusters = sorted(by)
    for c in clusters:
        ids = by[c]
        if len(ids) < 2:
            continue
        for _ in range(samples * 2):
            a = _part(rng, ids, len(ids) - 1)
            rest = [i for i in ids if i not in a]
            add(a, _part(rng, rest), 1, topic[c])
        for c2 in by_topic[topic[c]]:
            if c2 == c:
                continue
            for _ in range(samples):
                add(_part(rng, ids), _part(rng, by[c2]), 0, topic[c])
        for _ in range(samples // 2 or 1):
            c2 = rng.choice([x for x in clusters if topic[x] != topic[c]])
            add(_part(rng, ids), _part(rng, by[c2]), 0, topic[c])
    return X, y, groups


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("articles", help="articles.jsonl of a `newsprism run` over the ECB+ train split")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=int, default=6)
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    gold, topic = {}, {}
    for line in GOLD.open():
        d = json.loads(line)
        if d["split"] == "train":
            gold[d["doc_id"]] = d["cluster_id"]
            topic[d["cluster_id"]] = str(d["topic"])
    arts = [Article.from_record(json.loads(line)) for line in open(args.articles)]
    arts = [a for a in arts if a.id in gold and a.ok]
    cl = OnlineClusterer(Params())
    feats = {a.id: features_of(a) for a in arts}
    for f in feats.values():
        cl.count(f)
    docs = {a.id: cl.vectorise(a.id, feats[a.id]) for a in arts}
    X, y, groups = pairs(docs, gold, topic, args.samples, random.Random(args.seed), cl.name_df.idf)

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = np.array(X), np.array(y)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000))
    cv = cross_val_score(model, X, y, groups=groups, cv=GroupKFold(5), scoring="accuracy")
    model.fit(X, y)
    sc, lr = model[0], model[1]
    w = lr.coef_[0] / sc.scale_
    b = lr.intercept_[0] - float(np.sum(lr.coef_[0] * sc.mean_ / sc.scale_))
    print(json.dumps({"pairs": len(y), "positive": int(y.sum()), "cv_accuracy_by_topic": round(float(cv.mean()), 4)}))
    for name, wi, si in zip(FEATURES, w, lr.coef_[0]):
        print(f"  {name:14s} {wi:+.4f}   (standardised {si:+.3f})")
    print("WEIGHTS = (" + ", ".join(f"{x:.4f}" for x in w) + ")")
    print(f"INTERCEPT = {b:.4f}")


if __name__ == "__main__":
    main()
