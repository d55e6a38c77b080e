"""What the clusterer needs from a store to read its index lazily (``OnlineClusterer(source=...)``).

A source answers, by key, from rows (``store.state_rows.ClusterRows``):
- ``postings(keys, cap)``: index key -> the stories posted under it, at most ``cap``, most recently changed first;
- ``stories(keys)``: story key -> its saved record (``StoryStats.to_state``);
- ``df(kind, words)``: word -> document frequency (``kind`` "df" or "name_df");
- ``members(ids)`` / ``members_of(stories)``: article id -> (story key or None, whether it joined as a copy);
- ``write(delta, full)``: the rows ``OnlineClusterer.delta`` lists.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping


class LazyCounts(dict):
    """Document frequencies read from a source on first use: ``get`` of an unread word reads it (``ensure`` reads
    many at once, which a chunk does up front). ``changed`` lists the counts that differ from what was read."""

    def __init__(self, fetch: Callable[[list[str]], Mapping[str, int]]):
        super().__init__()
        self._fetch = fetch
        self._read: dict[str, int] = {}

    def ensure(self, words: Iterable[str]) -> None:
        need = sorted({w for w in words if w not in self._read})
        if not need:
            return
        got = self._fetch(need)
        for w in need:
            n = int(got.get(w, 0))
            self._read[w] = n
            if n and not dict.__contains__(self, w):
                dict.__setitem__(self, w, n)

    def get(self, word: str, default=None):  # type: ignore[override]
        if word not in self._read:
            self.ensure((word,))
        return dict.get(self, word, default)

    def __setitem__(self, word: str, n: int) -> None:
        if word not in self._read:
            self.ensure((word,))
        dict.__setitem__(self, word, n)

    def pop(self, word: str, *default):  # type: ignore[override]
        if word not in self._read:
            self.ensure((word,))
        return dict.pop(self, word, *default)

    def changed(self) -> dict[str, int]:
        """Word -> its count now (0: no longer counted), for the words whose count differs from the stored one."""
        out = {}
        for w, was in self._read.items():
            now = dict.get(self, w, 0)
            if now != was:
                out[w] = now
        for w, now in self.items():  # set without being read first (cannot happen through get/set, kept for safety)
            if w not in self._read:
                out[w] = now
        return out


class StoredHits:
    """One query's hits among the stories posted in the store, summed once and kept best first.

    Every look-up of a document (placing it, re-examination, each repair round) ranks the same stored postings; in
    a big archive that is a query's 35 keys times up to ``posting_cap`` stories each, per look-up. The sums do not
    change within a run (the stored postings are read once), only which stories still count as stored (not read
    into memory, not dropped) does, so the sums are made once and each look-up walks the best ones until it has
    ``k`` that still count. Only the best ``keep`` are kept; a look-up that needs more says so (``None``) and is
    answered the long way."""

    __slots__ = ("best", "complete")

    def __init__(self, query: Iterable[tuple[str, float]], postings: Mapping[str, list[str]], keep: int):
        hits: dict[str, float] = {}
        get = hits.get
        for k, x in query:  # the same additions, in the same order, as a look-up summing them itself
            for key in postings[k]:
                hits[key] = get(key, 0.0) + x
        self.complete = len(hits) <= keep
        # ``nsmallest(keep, (-x, key))``, with the cut-off found by a sort of the bare values (in C) first
        cut = sorted(hits.values(), reverse=True)[keep - 1] if not self.complete and keep > 0 else -math.inf
        best = [(-x, key) for key, x in hits.items() if x >= cut]
        best.sort()
        self.best = best[:keep]

    def top(self, k: int, counts: Callable[[str], bool]) -> list[tuple[str, float]] | None:
        """The best ``k`` stories that still ``counts``, with their sums (best first); None when the kept ones run
        out before ``k`` of them are found and more exist."""
        out = []
        for neg, key in self.best:
            if counts(key):
                out.append((key, -neg))
                if len(out) == k:
                    return out
        return out if self.complete else None
