from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


class DaskExecutor:
    """Runs article stages on a dask.distributed cluster (``tcp://host:port``), or a local one when none is given."""

    def __init__(self, scheduler: str | None = None, batch: int = 64):
        self.scheduler = scheduler
        self.batch = batch

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        from distributed import Client

        items = list(items)
        client = Client(self.scheduler) if self.scheduler else Client(processes=False, dashboard_address=None)
        try:
            # Batches keep the scheduler's per-task overhead small next to spaCy's per-article cost.
            chunks = [items[i:i + self.batch] for i in range(0, len(items), self.batch)]
            futures = client.map(_apply_all, [fn] * len(chunks), chunks)
            for fut in futures:
                yield from fut.result()
        finally:
            client.close()


def _apply_all(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(x) for x in chunk]
