#!/usr/bin/env python3
"""Iterate on the quote rules over cached parses of a PolNeAR split (parse once, re-run the rules in seconds).

usage: python benchmarks/nlp_tune.py parse train|dev      # caches DocBin under /tmp/newsprism-nlp
       python benchmarks/nlp_tune.py score train|dev [--theta 0.3]
       python benchmarks/nlp_tune.py errors train [--n 30]  # misses and false alarms, printed with context
       python benchmarks/nlp_tune.py cues train            # how often each verb lemma heads a gold cue
       python benchmarks/nlp_tune.py rules train           # match rate of every (verb lemma, content shape)
       python benchmarks/nlp_tune.py lexicon train [0.5] [--merge]  # write cues.txt (--merge: only add shapes)
       python benchmarks/nlp_tune.py train train           # fit the optional cue model (cue_model.json)
"""
from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CACHE = Path("/tmp/newsprism-nlp")


def gold_path(split: str) -> Path:
    return SHARED / "data" / "quotes" / "polnear" / f"{split}.jsonl"


def gold_records(split: str) -> list[dict]:
    seen, out = set(), []
    for line in open(gold_path(split)):
        d = json.loads(line)
        if d["doc_id"] in seen:
            continue
        seen.add(d["doc_id"])
        out.append(d)
    return out


def parse(split: str) -> None:
    from spacy.tokens import DocBin

    from newsprism.nlp.loading import load_base

    CACHE.mkdir(exist_ok=True)
    nlp = load_base()
    recs = gold_records(split)
    db = DocBin(store_user_data=False)
    for doc in nlp.pipe((r["text"] for r in recs), batch_size=32):
        db.add(doc)
    db.to_disk(CACHE / f"{split}.spacy")
    (CACHE / f"{split}.ids.json").write_text(json.dumps([r["doc_id"] for r in recs]))


def docs(split: str):
    from spacy.tokens import DocBin

    from newsprism.nlp.loading import load_base

    nlp = load_base()
    db = DocBin().from_disk(CACHE / f"{split}.spacy")
    return list(db.get_docs(nlp.vocab))


def predict(split: str) -> Path:
    from newsprism.nlp.actors import find_actors
    from newsprism.nlp.quotes import find_quotes

    ids = json.loads((CACHE / f"{split}.ids.json").read_text())
    out = CACHE / f"{split}.pred.jsonl"
    with open(out, "w") as f:
        for did, doc in zip(ids, docs(split)):
            doc._.actors = find_actors(doc)
            qs = find_quotes(doc)
            f.write(json.dumps({"id": did, "quotes": [q.to_dict() for q in qs]}) + "\n")
    return out


def score(split: str, theta: float) -> None:
    pred = predict(split)
    for th in (theta,) if theta else (0.3, 0.8):
        print(subprocess.run([sys.executable, str(SHARED / "tools" / "quote_eval.py"), "score", "polnear",
                              str(gold_path(split)), str(pred), "--theta", str(th)],
                             capture_output=True, text=True).stdout.strip())


def _ov(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def errors(split: str, n: int) -> None:
    import random

    pred = {json.loads(l)["id"]: json.loads(l)["quotes"] for l in open(predict(split))}
    misses, alarms, badspk = [], [], []
    for g in gold_records(split):
        t = g["text"]
        ps = pred.get(g["doc_id"], [])
        gs = []
        for a in g["attributions"]:
            if not a["content"]:
                continue
            s = min(x["start"] for x in a["content"]); e = max(x["end"] for x in a["content"])
            gs.append((s, e, a))
        for s, e, a in gs:
            m = [p for p in ps if _ov((s, e), (p["start"], p["end"])) >= 0.3 * max(e - s, p["end"] - p["start"])]
            if not m:
                misses.append((t, s, e, a))
            elif a["source"]:
                p = m[0]
                sp = p.get("speaker") or {}
                if not any(_ov((x["start"], x["end"]), (sp.get("start", -1), sp.get("end", -1))) for x in a["source"]):
                    badspk.append((t, s, e, a, p))
        for p in ps:
            if not any(_ov((s, e), (p["start"], p["end"])) >= 0.3 * max(e - s, p["end"] - p["start"]) for s, e, _ in gs):
                alarms.append((t, p))
    random.seed(0)
    print(f"misses {len(misses)}, false alarms {len(alarms)}, speaker mismatches {len(badspk)}")
    print("\n######## MISSES")
    for t, s, e, a in random.sample(misses, min(n, len(misses))):
        print("--", "CUE", [x["text"] for x in a["cue"] or []], "SRC", [x["text"] for x in a["source"] or []])
        print("   ", repr(t[max(0, s - 100):s]), "[[", t[s:e][:200], "]]")
    print("\n######## FALSE ALARMS")
    for t, p in random.sample(alarms, min(n, len(alarms))):
        print("--", "CUE", (p.get("cue") or {}).get("text"), "| SPK", (p.get("speaker") or {}).get("text"))
        print("   ", repr(t[max(0, p["start"] - 80):p["start"]]), "[[", p["text"][:200], "]]")
    print("\n######## SPEAKER")
    for t, s, e, a, p in random.sample(badspk, min(n, len(badspk))):
        print("-- gold", [x["text"] for x in a["source"]], "| pred", (p.get("speaker") or {}).get("text"), "->",
              p.get("speaker_name"), "| cue", [x["text"] for x in a["cue"] or []])
        print("   ", repr(t[max(0, s - 150):s][-150:]), "[[", t[s:e][:100], "]]")


def cues(split: str) -> None:
    """For each verb lemma: how often it is (part of) a gold cue, to choose the shipped cue list."""
    total, hit = collections.Counter(), collections.Counter()
    for g, doc in zip(gold_records(split), docs(split)):
        cue_chars = set()
        for a in g["attributions"]:
            if a["content"]:
                for x in a["cue"] or []:
                    cue_chars.update(range(x["start"], x["end"]))
        for t in doc:
            if t.pos_ in ("VERB",) or t.lower_ == "according":
                total[t.lemma_.lower()] += 1
                if t.idx in cue_chars:
                    hit[t.lemma_.lower()] += 1
    rows = sorted(((hit[w] / total[w], hit[w], total[w], w) for w in total if total[w] >= 8), reverse=True)
    for p, h, n, w in rows:
        if p >= 0.25:
            print(f"{w:<16} {p:.2f} {h:>5}/{n}")


def rules(split: str) -> None:
    """Every verb as a cue: how often each (lemma, content rule) quote matches a gold content (theta 0.3)."""
    from newsprism.nlp.actors import find_actors
    from newsprism.nlp.quotes import find_quotes

    total, hit = collections.Counter(), collections.Counter()
    for g, doc in zip(gold_records(split), docs(split)):
        gs = []
        for a in g["attributions"]:
            if a["content"]:
                gs.append((min(x["start"] for x in a["content"]), max(x["end"] for x in a["content"])))
        doc._.actors = find_actors(doc)
        for q, rule, _ in find_quotes(doc, lexicon={"*": {}}, with_rules=True):
            ok = any(_ov(gq, (q.start, q.end)) >= 0.3 * max(gq[1] - gq[0], q.end - q.start) for gq in gs)
            for key in (rule, rule.split(":")[0]):
                total[key] += 1
                hit[key] += ok
    out = {k: (hit[k], total[k]) for k in total}
    (CACHE / f"{split}.rules.json").write_text(json.dumps(out))
    for k, (h, n) in sorted(out.items(), key=lambda kv: -kv[1][1])[:80]:
        print(f"{k:<28} {h / n:.2f} {h:>5}/{n}")


def lexicon(split: str, threshold: float = 0.5, n_rule: int = 5, n_lemma: int = 8, merge: bool = False) -> None:
    """Write src/newsprism/nlp/cues.txt from the per-(lemma, shape) match rates that `rules` stored.

    With ``merge``, the shipped list is kept and only shapes that pass are added (a second pass after a rule change).
    """
    r = json.loads((CACHE / f"{split}.rules.json").read_text())
    lem: dict[str, set[str]] = {}
    out = ROOT / "src" / "newsprism" / "nlp" / "cues.txt"
    if merge:
        from newsprism.nlp.quotes import cue_lexicon

        lem = {k: set(v.get("rules", "").split(",")) - {""} for k, v in cue_lexicon().items()}
        old_head = [l for l in out.read_text().splitlines() if l.startswith("#") and not l.startswith(("# Merged", "# (5+ uses) once"))]
    for k, (h, n) in r.items():
        if ":" in k:
            lemma, rule = k.split(":", 1)
            if rule and n >= n_rule and h / n >= threshold:
                lem.setdefault(lemma, set()).add(rule)
    for k, (h, n) in r.items():
        if merge or ":" in k or k in ("orphan", "according") or k in lem or n < n_lemma or h / n < threshold:
            continue
        # evidence for the lemma only: allow its shapes too rare to judge alone, and the good ones
        rs = {kk.split(":", 1)[1] for kk, (hh, nn) in r.items()
              if kk.startswith(k + ":") and nn and (nn < n_rule or hh / nn >= threshold)} - {""}
        if rs:
            lem[k] = rs
    # lemmatiser slips ("hopes" -> "hop") and tokens that are not verbs
    bad = {"hop", "single", "scar", "tick", "title", "side"} | ({"be", "have", "do", "get"} if merge else set())
    lem = {k: v for k, v in lem.items() if k.isalpha() and k not in bad}
    head = (
        "# Reporting cues: a verb lemma, then rules= the content shapes it may take (dependency labels of the verb's\n"
        "# children that hold the content, \"+\"-joined; prep_X for the object of a preposition right after the verb;\n"
        "# \"parataxis\" for '\"...,\" he said' parsed the other way round).\n"
        f"# Chosen on PolNeAR {split} (benchmarks/nlp_tune.py rules/lexicon): every verb was tried as a cue, and a lemma\n"
        f"# and shape are kept when at least {threshold:.0%} of the quotes they produce match an annotated attribution\n"
        f"# ({n_rule}+ uses; {n_lemma}+ for a lemma).\n")
    if merge:
        head = "\n".join(old_head) + "\n" + (
            f"# Merged pass on PolNeAR {split} (nlp_tune.py lexicon {split} {threshold} --merge): shapes reaching {threshold:.0%}\n"
            f"# ({n_rule}+ uses) once nested reports are dropped were added; none removed.\n")
    out.write_text(head + "".join(f"{k} rules={','.join(sorted(v))}\n" for k, v in sorted(lem.items())))
    print(f"wrote {out}: {len(lem)} lemmas")


def train(split: str, holdout: float = 0.2) -> None:
    """Fit the cue model (logistic regression over candidate-cue features) and write src/newsprism/nlp/cue_model.json.

    Every verb with a content is a candidate; it is positive when its quote matches an annotated content (theta 0.3).
    C and the threshold are chosen on a held-out fifth of the split's documents, then the model is refit on all.
    """
    import random

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from newsprism.nlp.actors import find_actors
    from newsprism.nlp.quotes import find_quotes

    rows = []  # (doc index, features, label)
    all_docs = docs(split)
    golds = gold_records(split)
    for di, (g, doc) in enumerate(zip(golds, all_docs)):
        gs = [(min(x["start"] for x in a["content"]), max(x["end"] for x in a["content"]))
              for a in g["attributions"] if a["content"]]
        doc._.actors = find_actors(doc)
        for q, rule, feats in find_quotes(doc, lexicon={"*": {}}, with_rules=True):
            if feats is None:
                continue
            ok = any(_ov(gq, (q.start, q.end)) >= 0.3 * max(gq[1] - gq[0], q.end - q.start) for gq in gs)
            rows.append((di, feats, int(ok)))
    counts = collections.Counter(f for _, fs, _ in rows for f in fs)
    keep = {f for f, n in counts.items() if n >= 3}

    def fit(idx, C):
        vec = DictVectorizer()
        X = vec.fit_transform([{f: 1 for f in rows[i][1] if f in keep} for i in idx])
        y = [rows[i][2] for i in idx]
        m = LogisticRegression(C=C, max_iter=2000)
        m.fit(X, y)
        return {"bias": float(m.intercept_[0]),
                "weights": {f: round(float(w), 4) for f, w in zip(vec.get_feature_names_out(), m.coef_[0])
                            if abs(w) >= 0.01}}

    random.seed(0)
    ids = list(range(len(golds)))
    random.shuffle(ids)
    held = set(ids[: int(len(ids) * holdout)])
    tr_idx = [i for i, r in enumerate(rows) if r[0] not in held]
    best = None
    pred_path = CACHE / "holdout.pred.jsonl"
    gold_sub = CACHE / "holdout.gold.jsonl"
    with open(gold_sub, "w") as f:
        for di in sorted(held):
            f.write(json.dumps(golds[di]) + "\n")
    for C in (0.3, 1.0):
        model = fit(tr_idx, C)
        for th in (0.35, 0.45, 0.55):
            model["threshold"] = th
            with open(pred_path, "w") as f:
                for di in sorted(held):
                    qs = find_quotes(all_docs[di], model=model)
                    f.write(json.dumps({"id": golds[di]["doc_id"], "quotes": [q.to_dict() for q in qs]}) + "\n")
            out = subprocess.run([sys.executable, str(SHARED / "tools" / "quote_eval.py"), "score", "polnear",
                                  str(gold_sub), str(pred_path), "--theta", "0.3"], capture_output=True, text=True)
            res = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"C={C} threshold={th}: {res}")
            if best is None or res["f1"] > best[0]:
                best = (res["f1"], C, th)
    _, C, th = best
    model = fit(list(range(len(rows))), C)
    model["threshold"] = th
    model["about"] = (f"Logistic regression over candidate-cue features, PolNeAR {split} ({len(golds)} articles), "
                      f"C={C}; made by benchmarks/nlp_tune.py train")
    out = ROOT / "src" / "newsprism" / "nlp" / "cue_model.json"
    out.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")))
    print(f"wrote {out} ({len(model['weights'])} weights, C={C}, threshold={th})")


if __name__ == "__main__":
    cmd, split = sys.argv[1], sys.argv[2]
    if cmd == "parse":
        parse(split)
    elif cmd == "score":
        score(split, float(sys.argv[sys.argv.index("--theta") + 1]) if "--theta" in sys.argv else 0)
    elif cmd == "errors":
        errors(split, int(sys.argv[sys.argv.index("--n") + 1]) if "--n" in sys.argv else 30)
    elif cmd == "lexicon":
        lexicon(split, float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3][0].isdigit() else 0.5,
                merge="--merge" in sys.argv)
    elif cmd == "train":
        train(split)
    elif cmd == "rules":
        rules(split)
    elif cmd == "cues":
        cues(split)
