"""Labelled copy / not-copy pairs built from real texts in ../shared/data, shared by the dedup benchmarks.

Originals are ECB+ news texts (same-event clusters give hard negatives: the same story told in other words) and
PolNeAR political articles (longer, paragraphed). Copies are made from an original by the transformations syndication
and scraping produce; each copy is labelled with the transformations applied.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
MIN_WORDS = 50  # below this an edited copy cannot be told from a different text by its words alone

# Page furniture and syndication wrappers, written for this benchmark (many copies share them, as real sites do).
BOILERPLATE = [
    "Subscribe to our newsletter for the latest headlines delivered to your inbox every morning.",
    "Sign up for breaking news alerts and never miss a story that matters to you.",
    "Share this article on Facebook, Twitter, LinkedIn or by email.",
    "Copyright 2024 The Daily Ledger. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Legal Disclaimer: The publisher provides the information as is without warranty of any kind. We do not accept "
    "any responsibility or liability for the accuracy, content, images, videos, licenses, completeness, legality, or "
    "reliability of the information contained in this article.",
    "Most popular stories",
    "Related: What the new budget means for your household bills this winter",
    "Related: Five things to watch in the markets this week as investors weigh rate cuts",
    "Read more: The ten best-performing funds of the decade, ranked by returns",
    "Comments are closed on this article. Read our community guidelines before posting.",
    "Advertisement. Scroll to continue with content.",
    "This story has been published from a wire agency feed without modifications to the text.",
    "Follow us on social media for live updates throughout the day.",
    "Photo: file picture distributed by the agency. Image may be subject to copyright.",
    "Trending now: Celebrity chef opens third restaurant in downtown district after record year",
    "Trending now: Local team clinches playoff spot with dramatic late winner",
    "Click here to download our free app and get personalised news on the go.",
    "We use cookies to improve your experience on our site and to show you relevant advertising.",
    "Editor's note: an earlier version of this article misstated a figure in the fourth paragraph.",
    "Reporting by staff writers; editing by the news desk. Contact the desk with corrections.",
]
HEADLINES = ["Breaking: officials confirm details", "What we know so far", "Update: latest developments",
             "Report: new details emerge", "Explainer: the story behind the headlines", "Live: the day's top story"]

TRANSFORMS = ("exact_format", "boilerplate", "truncate", "reorder", "edits", "headline", "combined")


@dataclass
class Doc:
    id: str
    text: str
    cluster: str | None = None  # ECB+ event cluster
    origin: str | None = None  # for copies: the original's id
    transforms: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)


def load_originals(shared: Path = SHARED, polnear: int = 400, seed: int = 7) -> list[Doc]:
    docs: list[Doc] = []
    for line in open(shared / "data/clustering/ecbplus/docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if len(d["text"].split()) >= MIN_WORDS:
            docs.append(Doc("ecb:" + d["doc_id"], d["text"], cluster=d["cluster_id"]))
    seen: set[str] = set()
    pol = []
    for line in open(shared / "data/quotes/polnear/train.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if d["doc_id"] in seen or len(d["text"].split()) < MIN_WORDS:
            continue  # PolNeAR repeats a document once per annotator
        seen.add(d["doc_id"])
        pol.append(Doc("pol:" + d["doc_id"], d["text"], cluster=None))
    random.Random(seed).shuffle(pol)
    return docs + pol[:polnear]


def _paragraphs(text: str) -> list[str]:
    paras = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(paras) >= 3:
        return paras
    sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)
    k = max(1, len(sents) // 4)
    return [" ".join(sents[i:i + k]) for i in range(0, len(sents), k)]


def boilerplate(text: str, rng: random.Random) -> str:
    # wrap in 20-100% extra text, split between top and bottom
    target = len(text.split()) * rng.uniform(0.2, 1.0)
    top, bottom, n = [], [], 0
    while n < target:
        line = rng.choice(BOILERPLATE)
        (top if rng.random() < 0.3 else bottom).append(line)
        n += len(line.split())
    return "\n".join(top + [text] + bottom)


def truncate(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    return " ".join(words[: max(1, int(len(words) * rng.uniform(0.6, 0.9)))])


def reorder(text: str, rng: random.Random) -> str:
    paras = _paragraphs(text)
    head, rest = paras[:1], paras[1:]
    rng.shuffle(rest)
    return "\n\n".join(head + rest)


def edits(text: str, rng: random.Random, rate: float | None = None) -> str:
    """Light copy-editing: 2-5% of the words deleted, replaced, doubled or swapped with a neighbour."""
    rate = rng.uniform(0.02, 0.05) if rate is None else rate
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if rng.random() < rate:
            op = rng.randrange(4)
            if op == 0:
                i += 1
                continue
            if op == 1:
                out.append(rng.choice(("said", "reported", "the", "officials", "on", "Tuesday", "also")))
            elif op == 2:
                out.extend([w, w])
            elif i + 1 < len(words):
                out.extend([words[i + 1], w])
                i += 2
                continue
            else:
                out.append(w)
        else:
            out.append(w)
        i += 1
    return " ".join(out)


def headline(text: str, rng: random.Random) -> str:
    first, _, rest = text.partition("\n")
    body = rest if rest.strip() and len(first.split()) <= 20 else text
    return rng.choice(HEADLINES) + "\n" + body


def exact_format(text: str, rng: random.Random) -> str:
    # same words, other punctuation, case and spacing: what a different CMS makes of one text
    t = text.replace('"', "\u201c").replace("'", "\u2019").replace("\n", "\n\n")
    return t.upper() if rng.random() < 0.3 else re.sub(r" +", "  ", t)


def make_copy(doc: Doc, transform: str, rng: random.Random, n: int) -> Doc:
    t = doc.text
    if transform == "combined":
        t = headline(boilerplate(edits(reorder(truncate(t, rng), rng), rng), rng), rng)
    else:
        t = globals()[transform](t, rng)
    return Doc(f"{doc.id}#copy{n}-{transform}", t, cluster=doc.cluster, origin=doc.id, transforms=(transform,))


def build(seed: int = 13, polnear: int = 400, copies_per_original: int = 2, random_negatives: int = 20000):
    """Returns (docs, positives, negatives): pairs are (id, id, label) with label the transformation or the kind
    of negative."""
    rng = random.Random(seed)
    originals = load_originals(polnear=polnear)
    copies: list[Doc] = []
    for d in originals:
        for n, tr in enumerate(rng.sample(TRANSFORMS, copies_per_original)):
            copies.append(make_copy(d, tr, rng, n))
    positives = [(c.origin, c.id, c.transforms[0]) for c in copies]
    # two copies of one original are copies of each other too
    by_origin: dict[str, list[Doc]] = {}
    for c in copies:
        by_origin.setdefault(c.origin, []).append(c)
    for cs in by_origin.values():
        for i in range(len(cs)):
            for j in range(i + 1, len(cs)):
                positives.append((cs[i].id, cs[j].id, "copy-copy"))
    negatives = []
    by_cluster: dict[str, list[Doc]] = {}
    for d in originals:
        if d.cluster:
            by_cluster.setdefault(d.cluster, []).append(d)
    for ds in by_cluster.values():
        for i in range(len(ds)):
            for j in range(i + 1, len(ds)):
                negatives.append((ds[i].id, ds[j].id, "same-event"))
    # a copy of one article against another article of the same event
    for c in copies:
        if c.cluster:
            others = [d for d in by_cluster[c.cluster] if d.id != c.origin]
            if others:
                negatives.append((c.id, rng.choice(others).id, "same-event-copy"))
    everything = originals + copies
    made = 0
    while made < random_negatives:
        a, b = rng.sample(everything, 2)
        if (a.origin or a.id) != (b.origin or b.id):
            negatives.append((a.id, b.id, "random"))
            made += 1
    return everything, positives, negatives
