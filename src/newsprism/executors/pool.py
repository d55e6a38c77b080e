from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from newsprism.executors.heap import trim
from newsprism.executors.window import chunked, windowed

# A worker's resident memory (MB) past which the job replaces the pool at its next quiet point (``recycle``). A worker
# holds spaCy (~450 MB with its scratch), the knowledge tables and the compare caches, all bounded; what is not
# bounded is the heap's fragmentation and whatever a library keeps for good, which grow with the stream a worker has
# seen. Fresh workers start from nothing, so a long run's peak no longer depends on its length. A worker of a 1k run
# stays well under this, so short runs never pay for the restart (a spaCy load per worker, ~3 CPU-s).
MAX_WORKER_MB = 1024


class ProcessExecutor:
    """A local process pool, started at the first map and kept until ``close()``: stages load their models lazily,
    so each worker loads them once per pool, not once per stage or chunk. ``chunksize`` items go to a worker per
    task; at most ``2 × workers`` tasks are in flight. One worker is a pool too: it analyses the next chunk while
    this process (the driver) clusters, compares and stores the current one.

    ``recycle()`` replaces the pool when a worker has grown past ``max_worker_mb``; a job calls it between chunks,
    when nothing is in flight. Results never depend on which worker ran a task (tasks go to whichever worker is
    free), so they do not depend on a worker being fresh either."""

    def __init__(self, workers: int | None = None, chunksize: int = 1, max_worker_mb: float | None = MAX_WORKER_MB):
        self.workers = workers or max(1, (os.cpu_count() or 2))
        self.chunksize = chunksize
        self.max_worker_mb = max_worker_mb
        self.recycled = 0  # pools replaced so far
        self._warm: Callable[[], Any] | None = None  # what each worker calls as it starts (``warm``)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # a job maps from two threads (the next chunk's nlp, this chunk's compare)

    parallel = True  # work mapped here runs beside this process: a job analyses its next chunk meanwhile

    def warm(self, fn: Callable[[], Any]) -> None:
        """Start the pool now, each worker calling ``fn`` as it starts (and each worker of a pool that replaces
        it): a job's workers load their models while it starts, instead of at their first task. A pool already
        started is left as it is. ``fn`` must be picklable; an exception in it is ignored (the first task loads
        what it needs, as without)."""
        with self._lock:
            self._warm = fn
            if self._pool is not None:
                return  # started (and warmed) already: ``fn`` warms the pools that replace it
            pool = self._pool = self._start()
        for _ in range(self.workers):  # a pool starts its workers at its first task
            pool.submit(_nothing)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Results in the order of ``items``, which are read as tasks are sent (a stream is never held whole)."""
        tasks = chunked(items, self.chunksize)
        first = next(tasks, None)
        if first is None:
            return
        with self._lock:
            if self._pool is None:
                self._pool = self._start()
            pool = self._pool
        for done in windowed(lambda t: pool.submit(_apply_all, fn, t), lambda f: f.result(),
                             itertools.chain([first], tasks), 2 * self.workers):
            yield from done

    def _start(self) -> ProcessPoolExecutor:
        # The first pool is forked: the driver is still small then, and a fork saves each worker its imports. A
        # later pool starts fresh interpreters ("spawn"): forked from a driver that has grown (its caches, the
        # chunk in hand), each worker would begin with that whole heap mapped in, counted in its resident size and
        # copied page by page as Python touches its objects.
        ctx = multiprocessing.get_context("spawn") if self.recycled else None
        warm = self._warm
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                   initializer=_warm_up if warm is not None else None,
                                   initargs=(warm,) if warm is not None else ())

    def worker_mb(self) -> list[float]:
        """The resident size (MB) of each live worker of the pool (none before the first map)."""
        import psutil

        with self._lock:
            procs = list((self._pool._processes or {}).values()) if self._pool is not None else []
        out = []
        for p in procs:
            try:
                out.append(psutil.Process(p.pid).memory_info().rss / 2**20)
            except (psutil.Error, ValueError):
                continue
        return out

    def recycle(self, force: bool = False) -> bool:
        """Replace the pool (its workers exit; the next map starts new ones) if a worker is past ``max_worker_mb``,
        or if ``force``. Call only when no map is in progress. Whether the pool was replaced."""
        if self._pool is None:
            return False
        if not force and (self.max_worker_mb is None or max(self.worker_mb(), default=0.0) <= self.max_worker_mb):
            return False
        with self._lock:
            pool, self._pool = self._pool, None
        pool.shutdown(wait=True)
        self.recycled += 1
        return True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _warm_up(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - warming is only ahead of time: the first task loads what it needs
        pass


def _nothing() -> None:
    return None


def _apply_all(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    out = [fn(x) for x in chunk]
    trim()  # a task's scratch (spaCy's parse arrays) is freed by now: a worker's RSS holds its live data only
    return out
