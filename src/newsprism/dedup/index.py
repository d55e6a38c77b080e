"""The stored side of dedup: each text's lookup keys, so a chunk finds its copies' candidates by its own keys.

A stored text is indexed by the keys ``find_copies`` draws candidates from: its exact key, its MinHash LSH band keys
and its content anchors (texts of at least ``min_shingles`` shingles only, as there). A new chunk looks its own keys
up in the store, loads only the stored articles that share one (exact, a band, or ``min_anchors`` anchors), and runs
the usual detection over those and the chunk: cost grows with the copies found, not with the archive. Stored texts
are never re-read or re-hashed except candidates, whose fingerprints are taken again from their text to verify.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprism.dedup.detect import Fingerprint, Params, _band_keys
from newsprism.dedup.minhash import oph_signatures
from newsprism.model import Article


@dataclass
class Keys:
    exact: str
    bands: list[int] = field(default_factory=list)  # signed 64-bit (SQL BIGINT)
    anchors: list[int] = field(default_factory=list)


def _signed(values: np.ndarray) -> list[int]:
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64).tolist()


def keys_of(fps: Sequence[Fingerprint], p: Params) -> list[Keys]:
    """The lookup keys of these fingerprints (signatures computed here when missing, as ``find_copies`` would)."""
    out = [Keys(fp.exact) for fp in fps]
    big = [i for i, fp in enumerate(fps) if len(fp.shingles) >= p.min_shingles]
    if not big:
        return out
    todo = [i for i in big if fps[i].sig is None]
    if todo:
        for i, s in zip(todo, oph_signatures([fps[i].shingles for i in todo], p.num_perm)):
            fps[i].sig = s
    bands = _band_keys(np.stack([fps[i].sig for i in big]), p.bands)
    for row, i in enumerate(big):
        out[i].bands = _signed(bands[row])
        out[i].anchors = _signed(np.unique(fps[i].anchors))
    return out


class StoredIndex:
    """Dedup keys in the store (``Store.dedup_candidates`` / ``Store.put_dedup``), used inside a chunk's unit of
    work: what the chunk indexes commits with its articles."""

    def __init__(self, store: Any):
        self.store = store

    def candidates(self, keys: Iterable[Keys], exclude: Iterable[str], p: Params) -> list[Article]:
        """Stored articles (ok, with text, oldest first) sharing an exact key, a band key or ``min_anchors``
        anchors with one of ``keys``; ``exclude`` are content hashes of the chunk itself."""
        keys = list(keys)
        hashes = self.store.dedup_candidates(
            exact={k.exact for k in keys}, bands={b for k in keys for b in k.bands},
            anchors=[k.anchors for k in keys if k.anchors], min_anchors=p.min_anchors, max_posting=p.max_posting,
            exclude=set(exclude))
        found = self.store.get_articles_by_hash(hashes)
        return [found[h] for h in hashes if h in found and found[h].ok and found[h].text]

    def replace(self, content_hashes: Iterable[str], keys: dict[str, Keys], p: Params) -> None:
        """Forget the old keys of these texts, then index the ones given (``keys`` by content hash)."""
        self.store.put_dedup(list(content_hashes), {h: (k.exact, k.bands, k.anchors) for h, k in keys.items()},
                             max_posting=p.max_posting)
