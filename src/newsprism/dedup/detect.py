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
from newsprism.dedup.minhash import NUM_PERM, LSHIndex, MinHasher, oph_signatures
from newsprism.dedup.shingles import SHINGLE_SIZE, shingles_from_word_hashes, word_hashes
from newsprism.dedup.similarity import Overlap, overlap


@dataclass(frozen=True)
class Params:
    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    bands: int = 16
    near_jaccard: float = 0.5  # at or above (after the furniture discount): a near copy
    contained: float = 0.5  # share of the smaller text's shingles found in the larger one: a contained copy
    wholly_contained: float = 0.9  # this share inside a longer text is "contained" even when Jaccard says near
    min_coverage: float = 0.25  # ... and the smaller text is at least this share of the larger (not one story of a roundup)
    min_shingles: int = 15  # texts shorter than this are only ever exact duplicates (a headline, a caption)
    anchor_rate: int = 8  # one shingle in this many is an anchor
    min_anchors: int = 2  # shared anchors that make a containment candidate
    max_posting: int = 100  # an anchor in more texts than this is ignored for candidates (too common to be evidence)
    anchor_share: float = 0.25  # ... and at least this share of the smaller text's content anchors
    discount_floor: float = 0.25  # pairs sharing less than this raw share are not worth the furniture discount
    lsh_floor: float = 0.3  # LSH candidates whose signatures agree less than this are not verified
    strict_jaccard: float = 0.7  # first pass: pairs surely copies, to tell furniture from a widely copied text
    boiler_groups: int = 10  # an anchor in texts of at least this many first-pass groups is furniture


MIN_SAMPLE = 4


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
    blank: bool = False  # the text is empty or whitespace: never anyone's copy (``stage.assign``)


def fingerprint(text: str, p: Params) -> Fingerprint:
    w = word_hashes(text)
    sh = shingles_from_word_hashes(w, p.shingle_size)
    # same words in the same order, whatever the case, punctuation, spacing or Unicode form
    exact = hashlib.blake2b(w.tobytes(), digest_size=16).hexdigest()
    # kept as the top 32 bits (still sorted, as sh is): half the memory, and a chance collision between two texts'
    # shingle sets moves an overlap of hundreds by about one in ten thousand
    top = (sh >> np.uint64(32)).astype(np.uint32)
    if len(top) > 1:
        top = top[np.r_[True, top[1:] != top[:-1]]]
    return Fingerprint(exact, top, anchors_of(sh, p.anchor_rate), blank=not text.strip())


def scheme(p: Params) -> str:
    """What a stored fingerprint depends on (``dedup.index``): one taken under another scheme is taken again."""
    return f"v1-k{p.shingle_size}-a{p.anchor_rate}-p{p.num_perm}"


def anchors_of(shingles: np.ndarray, rate: int) -> np.ndarray:
    # the top bits decide, independent of the low bits that the multiply-shift permutations lean on
    return shingles[(shingles >> np.uint64(40)) % np.uint64(rate) == 0]


def classify(ov: Overlap, same_exact: bool, p: Params) -> str | None:
    if same_exact:
        return "exact"
    if min(ov.size_a, ov.size_b) < p.min_shingles:
        return None
    if ov.containment >= p.wholly_contained and ov.jaccard < p.wholly_contained:
        return "contained"  # one text is all inside the other, which is longer: cut, or wrapped in more text
    if ov.jaccard >= p.near_jaccard:
        return "near"
    if ov.containment >= p.contained and ov.coverage >= p.min_coverage:
        return "contained"
    return None


def _pairs_from_buckets(keys: np.ndarray, docs: np.ndarray, max_bucket: int, full_upto: int | None = None
                        ) -> np.ndarray:
    """Pairs (i, j), i < j, of docs sharing a key, as int64 codes i * 2**32 + j (with repeats: one per shared key).

    Vectorised per bucket size: buckets of one size are stacked into a matrix and paired column by column. Buckets
    larger than ``full_upto`` give only a star from their first doc and a chain through the rest (2n pairs, not
    n**2/2): enough to join a group of copies, whose members also meet in the other buckets.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    out = []
    for n in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]).tolist():
        st = starts[sizes == n]
        mat = docs[st[:, None] + np.arange(n)[None, :]]
        if full_upto is None or n <= full_upto:
            i, j = np.triu_indices(n, 1)
        else:
            i = np.r_[np.zeros(n - 1, dtype=np.int64), np.arange(1, n - 1)]
            j = np.r_[np.arange(1, n), np.arange(2, n)]
        a, b = mat[:, i].ravel(), mat[:, j].ravel()
        keep = a != b
        out.append(a[keep] * (1 << 32) + b[keep])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _band_keys(sigs: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per (text, band): the band's rows mixed together, band number included."""
    n, perm = sigs.shape
    rows = perm // bands
    s = sigs[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        h = np.arange(1, bands + 1, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
        for r in range(rows):
            h = (h ^ s[:, :, r]) * np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
    return h


def find_copies(fps: Sequence[Fingerprint], first_new: int = 0, params: Params | None = None,
                hasher: MinHasher | None = None, lsh: str = "numpy") -> list[Edge]:
    """Verified copy edges among ``fps`` that involve at least one text at or after ``first_new``.

    Candidate pairs are verified best first, and a pair whose texts are already joined through verified copies is
    not verified again, so a text copied a hundred times costs about a hundred verifications, not five thousand.
    ``lsh="datasketch"`` queries a datasketch ``MinHashLSH`` instead of the equivalent vectorised banding.
    Signatures are one-permutation MinHash unless a ``MinHasher`` (k permutations) is given.
    """
    p = params or Params()
    n = len(fps)
    if n < 2:
        return []
    todo = [i for i, fp in enumerate(fps) if fp.sig is None]
    if todo:
        sets = [fps[i].shingles for i in todo]
        sigs = hasher.signatures(sets) if hasher else oph_signatures(sets, p.num_perm)
        for i, s_ in zip(todo, sigs):
            fps[i].sig = s_
    sig = np.stack([fp.sig for fp in fps])
    big = np.fromiter((len(fp.shingles) >= p.min_shingles for fp in fps), dtype=bool, count=n)
    long_enough = np.flatnonzero(big)

    def new_only(codes: np.ndarray) -> np.ndarray:
        return codes[(codes & 0xFFFFFFFF) >= first_new]

    # exact keys: joined without verification
    final = UnionFind()
    edges: list[Edge] = []
    by_exact: dict[str, int] = {}
    for i, fp in enumerate(fps):
        first = by_exact.setdefault(fp.exact, i)
        if first != i and i >= first_new:
            final.union(first, i)
            k = len(fp.shingles)
            edges.append(Edge(first, i, "exact", Overlap(k, k, k)))

    # MinHash LSH candidates, with the signature estimate of their Jaccard
    if lsh == "datasketch":
        index = LSHIndex(p.num_perm, p.bands)
        index.insert_many((int(i), sig[i]) for i in long_enough)
        found = [min(i, j) * (1 << 32) + max(i, j) for j in long_enough.tolist() if j >= first_new
                 for i in index.query(sig[j]) if i != j]
        lsh_codes = np.unique(np.array(found, dtype=np.int64))
    else:
        keys = _band_keys(sig[long_enough], p.bands)
        docs = np.repeat(long_enough, p.bands)
        lsh_codes = np.unique(_pairs_from_buckets(keys.ravel(), docs, n, full_upto=8))
    lsh_codes = new_only(lsh_codes)
    la, lb = lsh_codes >> 32, lsh_codes & 0xFFFFFFFF
    est = (sig[la] == sig[lb]).mean(axis=1) if len(lsh_codes) else np.zeros(0)

    # furniture: anchors spread over many groups of surely-copied texts (signature estimate >= strict_jaccard)
    a_keys = np.concatenate([fps[i].anchors for i in long_enough]) if len(long_enough) else np.zeros(0, np.uint64)
    a_docs = np.repeat(long_enough, [len(fps[i].anchors) for i in long_enough]) if len(long_enough) \
        else np.zeros(0, np.int64)
    first_pass = UnionFind()
    for a, b in zip(la[est >= p.strict_jaccard].tolist(), lb[est >= p.strict_jaccard].tolist()):
        first_pass.union(a, b)
    for e in edges:
        first_pass.union(e.a, e.b)
    boiler = _furniture(a_keys, a_docs, first_pass, p)

    # anchor candidates from content anchors, kept when they share a fair part of the smaller text's anchors.
    # Texts surely copies of each other (first pass) stand for their group by one text, so a story copied fifty
    # times yields one anchor posting per group instead of 1,225 pairs per anchor.
    if boiler is not None and len(a_keys):
        content = ~np.isin(a_keys, boiler)
        a_keys, a_docs = a_keys[content], a_docs[content]
    root_of = np.arange(n, dtype=np.int64)
    for x in list(first_pass.parent):
        root_of[x] = first_pass.find(x)
    has_new = np.zeros(n, dtype=bool)
    has_new[root_of[first_new:]] = True
    a_roots = root_of[a_docs]
    if len(a_keys):
        o = np.lexsort((a_roots, a_keys))
        a_keys, a_roots = a_keys[o], a_roots[o]
        first = np.r_[True, (a_keys[1:] != a_keys[:-1]) | (a_roots[1:] != a_roots[:-1])]
        a_keys, a_roots = a_keys[first], a_roots[first]
    n_anchors = np.bincount(a_roots, minlength=n)
    shared = _pairs_from_buckets(a_keys, a_roots, p.max_posting)
    if len(shared):
        codes, counts = np.unique(shared, return_counts=True)
        ca, cb = codes >> 32, codes & 0xFFFFFFFF
        share = counts / np.maximum(1, np.minimum(n_anchors[ca], n_anchors[cb]))
        ok = (counts >= p.min_anchors) & (share >= p.anchor_share) & (has_new[ca] | has_new[cb])
        codes, share = codes[ok], share[ok]
    else:
        codes, share = np.zeros(0, np.int64), np.zeros(0)

    # verify best first; skip pairs already joined
    lsh_ok = est >= p.lsh_floor
    all_codes = np.concatenate([lsh_codes[lsh_ok], codes])
    score = np.concatenate([est[lsh_ok], share])
    order = np.argsort(-score, kind="stable")
    seen: set[int] = set()
    boiler_share: dict[int, float] = {}
    for code in all_codes[order].tolist():
        if code in seen:
            continue
        seen.add(code)
        a, b = code >> 32, code & 0xFFFFFFFF
        if final.find(a) == final.find(b):
            continue
        ov = overlap(fps[a].shingles, fps[b].shingles)
        if boiler is not None and ov.containment >= p.discount_floor:
            # furniture taken out can raise the share (a wrapped copy) or lower it (two pages of one site)
            ov = _discount(fps[a], fps[b], ov, boiler, boiler_share, a, b)
        kind = classify(ov, False, p)
        if kind:
            final.union(a, b)
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
    roots = root_of[docs]
    o = np.lexsort((roots, keys))
    keys, roots = keys[o], roots[o]
    distinct = np.r_[True, (keys[1:] != keys[:-1]) | (roots[1:] != roots[:-1])]
    k, counts = np.unique(keys[distinct], return_counts=True)
    boiler = k[counts >= p.boiler_groups]
    return boiler if len(boiler) else None


def _discount(fa: Fingerprint, fb: Fingerprint, ov: Overlap, boiler: np.ndarray, cache: dict[int, float],
              ia: int, ib: int) -> Overlap:
    """The overlap with furniture taken out, estimated from the anchors (a 1/anchor_rate sample)."""
    def share(anchors: np.ndarray) -> float:
        if len(anchors) == 0:
            return 0.0
        idx = np.minimum(np.searchsorted(boiler, anchors), len(boiler) - 1)
        return float((boiler[idx] == anchors).mean())

    common_anchors = np.intersect1d(fa.anchors, fb.anchors, assume_unique=True)
    fc = share(common_anchors)
    # a text's own share read off fewer than MIN_SAMPLE anchors is noise (a short text may hold one, by chance
    # furniture), so such a text keeps its full size
    if ia not in cache:
        cache[ia] = share(fa.anchors) if len(fa.anchors) >= MIN_SAMPLE else 0.0
    if ib not in cache:
        cache[ib] = share(fb.anchors) if len(fb.anchors) >= MIN_SAMPLE else 0.0
    if fc == 0.0 and cache[ia] == 0.0 and cache[ib] == 0.0:
        return ov
    size_a = max(1, round(ov.size_a * (1 - cache[ia])))
    size_b = max(1, round(ov.size_b * (1 - cache[ib])))
    common = min(round(ov.common * (1 - fc)), size_a, size_b)
    return Overlap(size_a, size_b, common)


__all__ = ["Edge", "Fingerprint", "Params", "classify", "find_copies", "fingerprint", "scheme"]
