"""Keeping a bounded number of tasks in flight while yielding results in input order."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def windowed(submit: Callable[[Any], Any], result: Callable[[Any], Any], items: Iterable[Any],
             window: int) -> Iterator[Any]:
    """Submit ``items`` one by one with at most ``window`` unfinished at a time; yield ``result(future)`` in input
    order. Memory (inputs shipped, results waiting) stays bounded by the window, not by the number of items."""
    pending: deque = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
    finally:
        for fut in pending:  # a consumer that stops early (or an error) leaves nothing running
            fut.cancel()
