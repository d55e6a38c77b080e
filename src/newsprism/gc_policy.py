"""When the cyclic garbage collector runs while a chunk is processed.

A chunk makes millions of short-lived containers (clauses, phrases, shingles, candidate lists), most of which outlive
a young collection at the interpreter's default threshold (700 allocations) and are then swept again by full
collections, each of which walks every live object of the process: the actor book, the cluster index, the stories
read. Measured on a +2k chunk (``chunk_prof``-style runs, CPU seconds of the job without nlp): garbage collection
took 7.9 of 59 into an empty database and 11.7 of 121 into a 200k-article one, growing with what the process holds.

``fewer_collections`` raises the youngest generation's threshold and, with ``freeze``, moves every object alive on
entry (what the chunk starts from) out of the collector's sight until the last holder leaves, so full collections
walk only what the chunk made. Garbage without cycles is freed by reference counting either way; cyclic garbage made
inside waits longer, and objects frozen on entry that die with a cycle during the chunk are collected after it.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between two collections of the youngest generation inside (ten times that in the middle generation).
GC_YOUNG = 50_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[tuple[int, ...], bool] | None = None


@contextmanager
def fewer_collections(young: int | None = None, freeze: bool = False) -> Iterator[None]:
    """Collect the youngest generation every ``young`` allocations (default ``GC_YOUNG``; never more often than the
    setting on entry), and with ``freeze`` leave the objects alive on entry out of collections. Nested and concurrent
    holders share one setting: the first to enter sets it, the last to leave restores the thresholds (and unfreezes
    what the first froze)."""
    global _depth, _saved
    young = GC_YOUNG if young is None else young
    with _lock:
        if _depth == 0:
            old = gc.get_threshold()
            _saved = (old, freeze)
            if young > old[0]:
                gc.set_threshold(young, *old[1:])
            if freeze:
                gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                old, froze = _saved
                _saved = None
                gc.set_threshold(*old)
                if froze:
                    gc.unfreeze()
