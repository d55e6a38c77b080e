from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


class LocalExecutor:
    """Runs everything in this process, one item after another."""

    parallel = False  # nothing runs beside the caller: a job has no use for analysing its next chunk early

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return map(fn, items)

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
