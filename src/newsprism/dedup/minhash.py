"""MinHash signatures computed in bulk with numpy, and a thin LSH index over datasketch.

datasketch's ``MinHash.update`` hashes and permutes one shingle at a time in Python. Here each shingle is hashed once
(``shingles.shingle_hashes``) and all permutations of a whole batch of texts are applied as one matrix operation;
the resulting signatures are handed to datasketch's ``MinHashLSH`` as ``LeanMinHash`` objects, so the banding, the
buckets and the storage back-ends stay datasketch's.

Permutations are ``h -> (a*h + b) mod 2**64`` keeping the top 32 bits (multiply-shift hashing, a uint64 wrap-around
in numpy), with ``a`` odd; they are fixed by ``seed`` so signatures from different runs compare.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

NUM_PERM = 32
_EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK_CELLS = 2_000_000  # shingles x permutations per matrix op: bounds temporary memory to ~16 MB


def permutations(num_perm: int = NUM_PERM, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


class MinHasher:
    """Turns shingle-hash arrays into uint32 MinHash signatures, many texts per numpy call."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = 1):
        self.num_perm = num_perm
        self.seed = seed
        self.a, self.b = permutations(num_perm, seed)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        return self.signatures([shingles])[0]

    def signatures(self, sets: Sequence[np.ndarray]) -> np.ndarray:
        out = np.full((len(sets), self.num_perm), _EMPTY, dtype=np.uint32)
        start = 0
        while start < len(sets):
            # take texts until the chunk's matrix would exceed the cell budget (always at least one text)
            stop, cells = start, 0
            while stop < len(sets) and (stop == start or cells + len(sets[stop]) * self.num_perm <= _CHUNK_CELLS):
                cells += len(sets[stop]) * self.num_perm
                stop += 1
            self._fill(sets[start:stop], out[start:stop])
            start = stop
        return out

    def _fill(self, sets: Sequence[np.ndarray], out: np.ndarray) -> None:
        sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        nonempty = sizes > 0
        if not nonempty.any():
            return
        flat = np.concatenate([s for s in sets if len(s)]).astype(np.uint64)
        with np.errstate(over="ignore"):
            perm = (flat[:, None] * self.a[None, :] + self.b[None, :]) >> np.uint64(32)
        offsets = np.concatenate(([0], np.cumsum(sizes[nonempty])[:-1]))
        out[nonempty] = np.minimum.reduceat(perm, offsets, axis=0).astype(np.uint32)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.mean(sig_a == sig_b))


def lean(sig: np.ndarray, seed: int = 1) -> LeanMinHash:
    """Wrap a signature for datasketch without building permutation tables."""
    return LeanMinHash(seed=seed, hashvalues=sig.astype(np.uint64), scheme="affine32")


class LSHIndex:
    """Near-duplicate candidates: datasketch ``MinHashLSH`` over precomputed signatures.

    ``params`` fixes (bands, rows) explicitly; the default 32 x 2 over 64 permutations makes a pair with Jaccard 0.5
    a candidate with probability 0.9999 and one with Jaccard 0.1 with probability 0.28 (candidates are verified by
    exact Jaccard afterwards, so a loose net costs only time).
    """

    def __init__(self, num_perm: int = NUM_PERM, bands: int = 16, seed: int = 1):
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.seed = seed
        self.lsh = MinHashLSH(num_perm=num_perm, params=(bands, num_perm // bands))

    def insert(self, key: Hashable, sig: np.ndarray) -> None:
        self.lsh.insert(key, lean(sig, self.seed), check_duplication=False)

    def query(self, sig: np.ndarray) -> list[Hashable]:
        return self.lsh.query(lean(sig, self.seed))

    def insert_many(self, items: Iterable[tuple[Hashable, np.ndarray]]) -> None:
        with self.lsh.insertion_session() as session:
            for key, sig in items:
                session.insert(key, lean(sig, self.seed), check_duplication=False)


def oph_signatures(sets: Sequence[np.ndarray], num_bins: int = NUM_PERM) -> np.ndarray:
    """One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification, for many texts at once.

    Each shingle hash (uniform 32-bit) is hashed once: its top bits pick one of ``num_bins`` bins, the rest is the
    value, and a text's signature is the minimum per bin. That is one pass over the shingles instead of one per
    permutation; an empty bin (short texts) borrows the next non-empty bin to its left, circularly, so two texts
    agree on it with the same probability as on a filled one. ``num_bins`` must be a power of two.
    """
    n = len(sets)
    if n > 1:
        # chunks of about _CHUNK_CELLS shingles bound the temporaries (several 8-byte arrays per shingle)
        sizes = np.cumsum([len(x) for x in sets])
        cuts = np.searchsorted(sizes, np.arange(_CHUNK_CELLS, int(sizes[-1]), _CHUNK_CELLS))
        cuts = np.unique(np.r_[0, np.maximum(cuts, 1), n])
        if len(cuts) > 2:
            return np.concatenate([_oph(sets[a:b], num_bins) for a, b in zip(cuts[:-1], cuts[1:]) if b > a])
    return _oph(sets, num_bins)


def _oph(sets: Sequence[np.ndarray], num_bins: int) -> np.ndarray:
    n = len(sets)
    shift = np.uint64(32 - int(num_bins).bit_length() + 1)
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=n)
    out = np.full(n * num_bins, _EMPTY, dtype=np.uint32)
    if sizes.sum():
        flat = np.concatenate([s for s in sets if len(s)]).astype(np.uint64)
        # a fixed re-mix, so that the bin does not reuse the bits the shingle sets were sorted and anchored by
        with np.errstate(over="ignore"):
            flat = (flat * np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFF)
        rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
        key = rows * num_bins + (flat >> shift).astype(np.int64)
        val = (flat & np.uint64((1 << int(shift)) - 1)).astype(np.uint32)
        np.minimum.at(out, key, val)
    out = out.reshape(n, num_bins)
    empty = out == _EMPTY
    if empty.any():
        full = ~empty.all(axis=1)
        # index of the last filled bin at or before each bin, looking around the circle (the row twice over)
        pos = np.where(np.tile(~empty, 2), np.arange(2 * num_bins), -1)
        last = np.maximum.accumulate(pos, axis=1)[:, num_bins:] % num_bins
        dense = np.take_along_axis(out, last, axis=1)
        out = np.where(full[:, None], dense, out)
    return out
