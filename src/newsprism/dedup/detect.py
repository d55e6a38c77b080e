"""Finding copies among texts: candidates from exact keys, MinHash LSH and sampled anchors, verified exactly.

No I/O and no articles here: ``find_copies`` takes fingerprints of texts (earlier runs' first) and returns verified
edges ``Edge(a, b, kind, overlap)`` between positions, a < b.

Why three candidate sources:
* exact keys catch identical texts at no cost;
* MinHash LSH (datasketch) catches near copies: re-headlined, reordered, lightly edited;
* anchors catch containment, which Jaccard misses: a copy cut to 60% of the text, or a short wire story inside a page
  of furniture, has a low Jaccard with its source but shares most of its shingles. An anchor is a shingle whose hash
  falls in a fixed 1/anchor_rate slice of the hash space (content-defined sampling), so two texts sample the same
  anchors from the passages they share, wherever those passages sit.

Page furniture shared by many unrelated texts (disclaimers, newsletter pitches, "most popular" lists) would make any
two pages of one site look alike. An anchor is taken for furniture when the texts holding it fall into many groups
that share nothing else (``boiler_groups`` groups after a strict first pass); verification then discounts the
furniture part of both texts and of their overlap. A wire story republished fifty times is not furniture: its copies
are near-identical, so they form one group in the first pass.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.dedup.groups import UnionFind
from newsprism.dedup.minhash import NUM_PERM, LSHIndex, MinHasher
from newsprism.dedup.shingles import SHINGLE_SIZE, shingle_hashes, words
from newsprism.dedup.similarity import Overlap, overlap


@dataclass(frozen=True)
class Params:
    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    bands: int = 32
    near_jaccard: float = 0.5  # at or above (after the furniture discount): a near copy
    contained: float = 0.5  # share of the smaller text's shingles found in the larger one: a contained copy
    min_coverage: float = 0.1  # ... as long as the smaller text is at least this share of the larger one
    min_shingles: int = 15  # texts shorter than this are only ever exact duplicates (a headline, a caption)
    anchor_rate: int = 8  # one shingle in this many is an anchor
    min_anchors: int = 2  # shared anchors that make a containment candidate
    max_posting: int = 100  # an anchor in more texts than this is ignored for candidates (too common to be evidence)
    strict_jaccard: float = 0.7  # first pass: pairs surely copies, to tell furniture from a widely copied text
    boiler_groups: int = 5  # an anchor in texts of at least this many first-pass groups is furniture


@dataclass(frozen=True, slots=True)
class Edge:
    a: int  # position of the text seen first
    b: int
    kind: str  # exact | near | contained
    overlap: Overlap


@dataclass
class Fingerprint:
    exact: str
    shingles: np.ndarray
    anchors: np.ndarray
    sig: np.ndarray | None = None


def fingerprint(text: str, p: Params) -> Fingerprint:
    toks = words(text)
    sh = shingle_hashes(toks, p.shingle_size)
    exact = hashlib.blake2b(" ".join(toks).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return Fingerprint(exact, sh, anchors_of(sh, p.anchor_rate))


def anchors_of(shingles: np.ndarray, rate: int) -> np.ndarray:
    # the top bits decide, independent of the low bits that the multiply-shift permutations lean on
    return shingles[(shingles >> np.uint64(40)) % np.uint64(rate) == 0]


def classify(ov: Overlap, same_exact: bool, p: Params) -> str | None:
    if same_exact:
        return "exact"
    if min(ov.size_a, ov.size_b) < p.min_shingles:
        return None
    if ov.jaccard >= p.near_jaccard:
        return "near"
    if ov.containment >= p.contained and ov.coverage >= p.min_coverage:
        return "contained"
    return None


def _pairs_from_buckets(keys: np.ndarray, docs: np.ndarray, max_bucket: int) -> np.ndarray:
    """All (i, j), i < j, of docs sharing a key, as int64 codes i * 2**32 + j (with repeats: one per shared key)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    out = []
    for s, n in zip(starts[(sizes >= 2) & (sizes <= max_bucket)], sizes[(sizes >= 2) & (sizes <= max_bucket)]):
        d = docs[s:s + n]
        i, j = np.triu_indices(n, 1)
        a, b = d[i], d[j]
        keep = a != b
        out.append(a[keep] * (1 << 32) + b[keep])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def find_copies(fps: Sequence[Fingerprint], first_new: int = 0, params: Params | None = None,
                hasher: MinHasher | None = None) -> list[Edge]:
    """Verified copy edges among ``fps`` that involve at least one text at or after ``first_new``."""
    p = params or Params()
    n = len(fps)
    if n < 2:
        return []
    hasher = hasher or MinHasher(p.num_perm)
    todo = [i for i, fp in enumerate(fps) if fp.sig is None]
    if todo:
        sigs = hasher.signatures([fps[i].shingles for i in todo])
        for i, s in zip(todo, sigs):
            fps[i].sig = s
    long_enough = [i for i, fp in enumerate(fps) if len(fp.shingles) >= p.min_shingles]

    codes = []
    # exact keys
    by_exact: dict[str, list[int]] = {}
    for i, fp in enumerate(fps):
        by_exact.setdefault(fp.exact, []).append(i)
    for ids in by_exact.values():
        if len(ids) > 1:
            first = ids[0]
            codes.append(np.array([first * (1 << 32) + j for j in ids[1:]], dtype=np.int64))
    # MinHash LSH: near copies
    lsh = LSHIndex(p.num_perm, p.bands)
    lsh.insert_many((i, fps[i].sig) for i in long_enough)
    lsh_pairs = []
    for j in long_enough:
        if j < first_new:
            continue
        for i in lsh.query(fps[j].sig):
            if i != j and (i < first_new or i < j):
                lsh_pairs.append(min(i, j) * (1 << 32) + max(i, j))
    codes.append(np.array(lsh_pairs, dtype=np.int64))
    sure = np.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    sure = sure[(sure & 0xFFFFFFFF) >= first_new]

    # anchors of all texts, by text
    a_keys = np.concatenate([fps[i].anchors for i in long_enough]) if long_enough else np.zeros(0, np.uint64)
    a_docs = np.concatenate([np.full(len(fps[i].anchors), i, dtype=np.int64) for i in long_enough]) \
        if long_enough else np.zeros(0, np.int64)

    # first pass over exact and LSH candidates: pairs surely copies, to tell furniture anchors
    verified: dict[int, Overlap] = {}
    uf = UnionFind()
    for code in sure.tolist():
        a, b = code >> 32, code & 0xFFFFFFFF
        ov = verified[code] = overlap(fps[a].shingles, fps[b].shingles)
        if fps[a].exact == fps[b].exact or (min(ov.size_a, ov.size_b) >= p.min_shingles
                                            and ov.jaccard >= p.strict_jaccard):
            uf.union(a, b)
    boiler = _furniture(a_keys, a_docs, uf, p)

    # anchors that are not furniture: contained copies
    if boiler is not None and len(a_keys):
        content = ~np.isin(a_keys, boiler)
        a_keys, a_docs = a_keys[content], a_docs[content]
    shared = _pairs_from_buckets(a_keys, a_docs, p.max_posting)
    if len(shared):
        uniq, counts = np.unique(shared, return_counts=True)
        uniq = uniq[(counts >= p.min_anchors) & ((uniq & 0xFFFFFFFF) >= first_new)]
        for code in uniq.tolist():
            if code not in verified:
                a, b = code >> 32, code & 0xFFFFFFFF
                verified[code] = overlap(fps[a].shingles, fps[b].shingles)

    edges = []
    for code, ov in verified.items():
        a, b = code >> 32, code & 0xFFFFFFFF
        same = fps[a].exact == fps[b].exact
        if boiler is not None and not same and ov.common:
            ov = _discount(fps[a], fps[b], ov, boiler)
        kind = classify(ov, same, p)
        if kind:
            edges.append(Edge(a, b, kind, ov))
    edges.sort(key=lambda e: (e.a, e.b))
    return edges


def _furniture(keys: np.ndarray, docs: np.ndarray, uf: UnionFind, p: Params) -> np.ndarray | None:
    """Sorted anchor hashes that occur in texts of at least ``boiler_groups`` different first-pass groups."""
    if len(keys) == 0:
        return None
    k, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    busy = counts[inverse] >= p.boiler_groups  # fewer texts than that cannot span that many groups
    if not busy.any():
        return None
    keys, docs = keys[busy], docs[busy]
    root_of = np.arange(int(docs.max()) + 1, dtype=np.int64)
    for x in list(uf.parent):
        if x < len(root_of):
            root_of[x] = uf.find(x)
    pairs = np.unique(np.stack([keys.view(np.int64), root_of[docs]], axis=1), axis=0)
    k, counts = np.unique(pairs[:, 0], return_counts=True)
    boiler = np.sort(k[counts >= p.boiler_groups].view(np.uint64))
    return boiler if len(boiler) else None


def _discount(fa: Fingerprint, fb: Fingerprint, ov: Overlap, boiler: np.ndarray) -> Overlap:
    """The overlap with furniture taken out, estimated from the anchors (a 1/anchor_rate sample)."""
    def share(anchors: np.ndarray) -> float:
        if len(anchors) == 0:
            return 0.0
        return float(np.isin(anchors, boiler, assume_unique=True).mean())

    common_anchors = np.intersect1d(fa.anchors, fb.anchors, assume_unique=True)
    fc = share(common_anchors)
    if fc == 0.0:
        return ov
    fa_share, fb_share = share(fa.anchors), share(fb.anchors)
    size_a = max(1, round(ov.size_a * (1 - fa_share)))
    size_b = max(1, round(ov.size_b * (1 - fb_share)))
    common = min(round(ov.common * (1 - fc)), size_a, size_b)
    return Overlap(size_a, size_b, common)


__all__ = ["Edge", "Fingerprint", "Params", "classify", "find_copies", "fingerprint"]
