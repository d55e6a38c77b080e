"""Keeping a bounded number of tasks in flight while yielding results in input order."""
from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
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


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they are asked for: an executor's ``map``
    over a stream holds only the tasks in flight."""
    it = iter(items)
    while True:
        part = list(islice(it, size))
        if not part:
            return
        yield part


def pulled(results: Iterator[Any]) -> Iterator[Any]:
    """``results`` as they are, pulled by a thread of their own from the first call on: an executor's ``map`` then
    keeps its workers fed while the caller does other work before it reads the first result (a corpus stage's
    deferred store writes, ``Corpus.idle``). A result waits in a queue until read; an exception comes out where it
    would have."""
    q: queue.Queue = queue.Queue()
    stop = threading.Event()
    done = object()

    def pull() -> None:
        try:
            for r in results:
                q.put((True, r))
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - raised again in the reader's thread
            q.put((False, exc))
            return
        finally:
            if stop.is_set():
                getattr(results, "close", lambda: None)()  # cancels what is still in flight
        q.put((True, done))

    threading.Thread(target=pull, name="newsprism-pull", daemon=True).start()

    def read() -> Iterator[Any]:
        try:
            while True:
                ok, r = q.get()
                if not ok:
                    raise r
                if r is done:
                    return
                yield r
        finally:
            stop.set()

    return read()
