from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any


class ProcessExecutor:
    """A local process pool. Stages load their models lazily, so each worker loads them once."""

    def __init__(self, workers: int | None = None, chunksize: int = 8):
        self.workers = workers or max(1, (os.cpu_count() or 2))
        self.chunksize = chunksize

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        items = list(items)
        if len(items) < 2 or self.workers == 1:
            yield from map(fn, items)
            return
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            yield from pool.map(fn, items, chunksize=self.chunksize)
