"""Running article stages (and per-story work) on a dask.distributed cluster.

With a scheduler address (``tcp://host:port``) the executor connects to that cluster: its workers may be on other
machines (they need newsprism installed and, for the store, nothing: only the driver talks to the database). Without
one it starts a ``LocalCluster`` of worker processes on this machine (one thread each: spaCy and the components are
CPU-bound Python, so threads would share one core). Either way one client serves the whole job and is released by
``close()``; at most ``2 × workers`` tasks are in flight, so a large chunk is shipped a window at a time rather than
all at once.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from newsprism.executors.heap import trim
from newsprism.executors.window import chunked, windowed


class DaskExecutor:
    def __init__(self, scheduler: str | None = None, workers: int | None = None, chunksize: int = 1):
        self.scheduler = scheduler
        self.workers = workers or max(1, os.cpu_count() or 2)
        self.chunksize = chunksize
        self._client = None
        self._cluster = None
        self._lock = threading.Lock()  # a job maps from two threads (the next chunk's nlp, this chunk's compare)

    parallel = True  # work mapped here runs beside this process: a job analyses its next chunk meanwhile

    @property
    def client(self):
        """The job's client, started on first use."""
        with self._lock:
            return self._start()

    def _start(self):
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
        return self._client

    def _window(self) -> int:
        n = len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or self.workers
        return 2 * n

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        client = self.client
        tasks = chunked(items, self.chunksize)  # read as tasks are sent: a stream is never held whole
        # pure=False: two equal batches are still two tasks (the results are mutated copies, never shared)
        for done in windowed(lambda t: client.submit(_apply_all, fn, t, pure=False), lambda f: f.result(), tasks,
                             self._window()):
            yield from done

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _apply_all(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    out = [fn(x) for x in chunk]
    trim()  # a task's scratch (spaCy's parse arrays) is freed by now: a worker's RSS holds its live data only
    return out
