"""Memoisation bounded by the memory its entries hold, not by their number.

``functools.lru_cache(maxsize=n)`` bounds a cache by entries. That is a bound on memory only when entries have a
size of their own; an entry keyed by an article's text, or holding the work done on it, is as large as the article,
so n entries hold n articles' worth: a handful of long texts or a long stream of ordinary ones fills the process.
``lru_by_size`` keeps the least recently used entries whose estimated sizes sum to at most ``max_bytes``
(``cachetools.LRUCache`` with a size per entry). The size of an entry comes from the call's arguments and result
(``cost``), so the key's text, which the cache keeps alive, is counted too. An entry larger than the whole budget is
computed and not kept.
"""
from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache


def text_bytes(*args: Any) -> int:
    """Bytes of the strings among ``args`` (a cache entry keyed by them keeps them alive)."""
    return sum(sys.getsizeof(a) for a in args if isinstance(a, str))


def lru_by_size(max_bytes: int, cost: Callable[[tuple, Any], int]) -> Callable[[Callable], Callable]:
    """An LRU memo of a function of hashable positional arguments, bounded by ``max_bytes``: ``cost(args, result)``
    estimates what an entry holds. The wrapped function has ``cache`` (the ``LRUCache``; ``cache.currsize`` is the
    bytes held) and ``cache_clear()``. Thread-safe: two threads may compute one entry at once, never corrupt it."""

    def deco(fn: Callable) -> Callable:
        cache: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[1])
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args: Any) -> Any:
            with lock:
                got = cache.get(args)  # a hit counts as a use: it moves to the recent end
            if got is not None:
                return got[0]
            value = fn(*args)
            size = max(1, int(cost(args, value)))
            if size <= max_bytes:
                with lock:
                    cache[args] = (value, size)  # evicts the least recently used until it fits
            return value

        def cache_clear() -> None:
            with lock:
                cache.clear()

        wrapper.cache = cache  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return wrapper

    return deco
