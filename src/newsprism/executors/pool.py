from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from newsprism.executors.heap import trim
from newsprism.executors.window import windowed


class ProcessExecutor:
    """A local process pool, started at the first map and kept until ``close()``: stages load their models lazily,
    so each worker loads them once per job, not once per stage or chunk. ``chunksize`` items go to a worker per
    task; at most ``2 × workers`` tasks are in flight. One worker is a pool too: it analyses the next chunk while
    this process (the driver) clusters, compares and stores the current one."""

    def __init__(self, workers: int | None = None, chunksize: int = 1):
        self.workers = workers or max(1, (os.cpu_count() or 2))
        self.chunksize = chunksize
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # a job maps from two threads (the next chunk's nlp, this chunk's compare)

    parallel = True  # work mapped here runs beside this process: a job analyses its next chunk meanwhile

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        items = list(items)
        if not items:
            return
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers)
            pool = self._pool
        tasks = [items[i:i + self.chunksize] for i in range(0, len(items), self.chunksize)]
        for done in windowed(lambda t: pool.submit(_apply_all, fn, t), lambda f: f.result(), tasks,
                             2 * self.workers):
            yield from done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _apply_all(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    out = [fn(x) for x in chunk]
    trim()  # a task's scratch (spaCy's parse arrays) is freed by now: a worker's RSS holds its live data only
    return out
