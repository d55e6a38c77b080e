"""Finding copies among texts: candidates from exact keys, MinHash LSH and sampled anchors, verified exactly.

No I/O and no articles here: a ``DuplicateFinder`` takes (key, text) pairs and returns verified edges
``(earlier_key, later_key, kind, Overlap)``. It keeps an index, so texts can be added in several calls (a second run
adds to what the first indexed).

Why three candidate sources:
* exact keys catch identical texts at no cost;
* MinHash LSH (datasketch) catches near copies: reworded, re-headlined, reordered, lightly edited;
* anchors catch containment, which Jaccard misses: a copy cut to 60% of the text, or a short wire story inside a page
  of boilerplate, has a low Jaccard with its source but shares most of its shingles. An anchor is a shingle whose hash
  falls in a fixed 1/ANCHOR_RATE slice of the hash space (content-defined sampling), so two texts sample the same
  anchors from the passages they share, wherever those passages sit.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np

from newsprism.dedup.minhash import NUM_PERM, LSHIndex, MinHasher
from newsprism.dedup.shingles import SHINGLE_SIZE, exact_key, shingle_hashes, words
from newsprism.dedup.similarity import Overlap, overlap


@dataclass(frozen=True)
class Params:
    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    bands: int = 32
    near_jaccard: float = 0.5  # at or above: a near copy
    contained: float = 0.8  # share of the smaller text's shingles found in the larger one: a contained copy
    min_coverage: float = 0.15  # ... as long as the smaller text is at least this share of the larger one
    min_shingles: int = 15  # texts shorter than this are only ever exact duplicates (a headline, a caption)
    anchor_rate: int = 8  # one shingle in this many is an anchor
    min_anchors: int = 2  # shared anchors that make a containment candidate
    max_posting: int = 200  # an anchor shared by more texts than this is boilerplate, not evidence


@dataclass(frozen=True, slots=True)
class Edge:
    a: Hashable  # the text indexed first
    b: Hashable
    kind: str  # exact | near | contained
    overlap: Overlap


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


@dataclass
class Fingerprint:
    key: Hashable
    exact: str
    shingles: np.ndarray
    sig: np.ndarray | None = None


@dataclass
class DuplicateFinder:
    params: Params = field(default_factory=Params)

    def __post_init__(self) -> None:
        p = self.params
        self.hasher = MinHasher(p.num_perm)
        self.lsh = LSHIndex(p.num_perm, p.bands)
        self.docs: dict[Hashable, Fingerprint] = {}
        self.by_exact: dict[str, Hashable] = {}
        self.postings: dict[int, list[Hashable]] = {}
        self._anchor_mask = np.uint64(p.anchor_rate - 1) if p.anchor_rate & (p.anchor_rate - 1) == 0 else None

    # -- fingerprints ------------------------------------------------------------------------------------------
    def fingerprint(self, key: Hashable, text: str) -> Fingerprint:
        toks = words(text)
        return Fingerprint(key, exact_key_from_words(toks), shingle_hashes(toks, self.params.shingle_size))

    def anchors(self, shingles: np.ndarray) -> np.ndarray:
        # the top bits decide: they are independent of the low bits that multiply-shift permutations lean on
        top = shingles >> np.uint64(40)
        return shingles[top % np.uint64(self.params.anchor_rate) == 0]

    # -- adding texts ------------------------------------------------------------------------------------------
    def add(self, items: Iterable[tuple[Hashable, str]]) -> list[Edge]:
        fps = [self.fingerprint(k, t) for k, t in items]
        return self.add_fingerprints(fps)

    def index_only(self, fps: list[Fingerprint]) -> None:
        """Index texts whose copies were already found (an earlier run) without matching them again."""
        for fp, sig in zip(fps, self.hasher.signatures([fp.shingles for fp in fps])):
            fp.sig = sig
            self._index(fp)

    def add_fingerprints(self, fps: list[Fingerprint]) -> list[Edge]:
        sigs = self.hasher.signatures([fp.shingles for fp in fps])
        edges: list[Edge] = []
        for fp, sig in zip(fps, sigs):
            fp.sig = sig
            edges.extend(self._match(fp))
            self._index(fp)
        return edges

    def _candidates(self, fp: Fingerprint) -> set[Hashable]:
        p = self.params
        cands: set[Hashable] = set()
        first = self.by_exact.get(fp.exact)
        if first is not None:
            cands.add(first)
        if len(fp.shingles) >= p.min_shingles:
            cands.update(self.lsh.query(fp.sig))
            counts: dict[Hashable, int] = {}
            for h in self.anchors(fp.shingles).tolist():
                post = self.postings.get(h)
                if post and len(post) <= p.max_posting:
                    for k in post:
                        counts[k] = counts.get(k, 0) + 1
            cands.update(k for k, c in counts.items() if c >= p.min_anchors)
        cands.discard(fp.key)
        return cands

    def _match(self, fp: Fingerprint) -> list[Edge]:
        out = []
        for k in self._candidates(fp):
            other = self.docs[k]
            ov = overlap(other.shingles, fp.shingles)
            kind = classify(ov, other.exact == fp.exact, self.params)
            if kind:
                out.append(Edge(k, fp.key, kind, ov))
        return out

    def _index(self, fp: Fingerprint) -> None:
        p = self.params
        self.docs[fp.key] = fp
        self.by_exact.setdefault(fp.exact, fp.key)
        if len(fp.shingles) >= p.min_shingles:
            self.lsh.insert(fp.key, fp.sig)
            for h in self.anchors(fp.shingles).tolist():
                post = self.postings.setdefault(h, [])
                if len(post) <= p.max_posting:
                    post.append(fp.key)

    def relation(self, a: Hashable, b: Hashable) -> tuple[str | None, Overlap]:
        fa, fb = self.docs[a], self.docs[b]
        ov = overlap(fa.shingles, fb.shingles)
        return classify(ov, fa.exact == fb.exact, self.params), ov


def exact_key_from_words(toks: list[str]) -> str:
    import hashlib

    return hashlib.blake2b(" ".join(toks).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


__all__ = ["DuplicateFinder", "Edge", "Fingerprint", "Params", "classify", "exact_key", "exact_key_from_words"]
