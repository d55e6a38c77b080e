"""The stored side of dedup: each text's lookup keys, so a chunk finds its copies' candidates by its own keys.

A stored text is indexed by the keys ``find_copies`` draws candidates from: its exact key, its MinHash LSH band keys
and its content anchors (texts of at least ``min_shingles`` shingles only, as there). A new chunk looks its own keys
up in the store, loads only the stored articles that share one (exact, a band, or ``min_anchors`` anchors), and runs
the usual detection over those and the chunk: cost grows with the copies found, not with the archive.

Verification needs each candidate's fingerprint (``detect.Fingerprint``): it is stored with the text's keys (schema
14), so a candidate is read as its fingerprint and its metadata, never as its text. A text stored before that (or
under other parameters) is fingerprinted from its text the first time it is a candidate, and its fingerprint stored.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprism.dedup.detect import Fingerprint, Params, _band_keys, fingerprint, scheme
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


def encode(fp: Fingerprint, p: Params) -> dict[str, Any]:
    """A fingerprint as the store keeps it (``Store.put_dedup``'s ``prints``): arrays as little-endian bytes."""
    return {"scheme": scheme(p), "exact": fp.exact, "blank": fp.blank,
            "shingles": np.ascontiguousarray(fp.shingles, dtype="<u4").tobytes(),
            "anchors": np.ascontiguousarray(fp.anchors, dtype="<u8").tobytes(),
            "sig": None if fp.sig is None else np.ascontiguousarray(fp.sig, dtype="<u4").tobytes()}


def decode(row: dict[str, Any]) -> Fingerprint:
    """The fingerprint of a stored row (``encode``'s columns): equal to the one taken from the text."""
    sig = row.get("sig")
    return Fingerprint(row["exact"], np.frombuffer(row["shingles"], dtype="<u4").astype(np.uint32, copy=False),
                       np.frombuffer(row["anchors"], dtype="<u8").astype(np.uint64, copy=False),
                       None if sig is None else np.frombuffer(sig, dtype="<u4").astype(np.uint32, copy=False),
                       blank=bool(row["blank"]))


class StoredIndex:
    """Dedup keys and fingerprints in the store (``Store.dedup_candidates`` / ``Store.put_dedup``), used inside a
    chunk's unit of work: what the chunk indexes commits with its articles."""

    def __init__(self, store: Any):
        self.store = store

    def candidates(self, keys: Iterable[Keys], exclude: Iterable[str], p: Params
                   ) -> tuple[list[Article], list[Fingerprint]]:
        """Stored articles (ok, with text, oldest first) sharing an exact key, a band key or ``min_anchors``
        anchors with one of ``keys``, and their fingerprints; ``exclude`` are content hashes of the chunk itself.
        The articles carry their metadata only (no text): their fingerprints stand for it."""
        keys = list(keys)
        hashes = self.store.dedup_candidates(
            exact={k.exact for k in keys}, bands={b for k in keys for b in k.bands},
            anchors=[k.anchors for k in keys if k.anchors], min_anchors=p.min_anchors, max_posting=p.max_posting,
            exclude=set(exclude))
        if not hashes:
            return [], []
        stored = self.store.dedup_prints(hashes, scheme(p))
        heads = self.store.get_article_heads([h for h in hashes if h in stored]) if stored else {}
        # texts without a stored fingerprint (stored before schema 14): read, fingerprinted and kept once
        missing = [h for h in hashes if h not in stored]
        found = self.store.get_articles_by_hash(missing) if missing else {}
        taken = {h: fingerprint(found[h].text, p) for h in missing
                 if h in found and found[h].ok and found[h].text}
        if taken:
            fps = list(taken.values())
            for fp, s_ in zip(fps, oph_signatures([fp.shingles for fp in fps], p.num_perm)):
                fp.sig = s_
            self.store.put_dedup_prints({h: encode(fp, p) for h, fp in taken.items()})
        articles, prints = [], []
        for h in hashes:
            if h in stored:
                a = heads.get(h)
                if a is None or not a.ok:
                    continue
                fp = decode(stored[h])
            elif h in taken:
                a, fp = found[h], taken[h]
            else:
                continue
            articles.append(a)
            prints.append(fp)
        return articles, prints

    def replace(self, content_hashes: Iterable[str], keys: dict[str, Keys], p: Params,
                prints: dict[str, Fingerprint] | None = None) -> None:
        """Forget the old keys and fingerprints of these texts, then index the ones given (``keys`` and ``prints``
        by content hash)."""
        self.store.put_dedup(list(content_hashes), {h: (k.exact, k.bands, k.anchors) for h, k in keys.items()},
                             max_posting=p.max_posting,
                             prints={h: encode(fp, p) for h, fp in (prints or {}).items()})
