"""Executors run article stages; stages never know which one runs them."""
from __future__ import annotations

from newsprism.pipeline import Executor


def make_executor(name: str = "local", workers: int | None = None, scheduler: str | None = None) -> Executor:
    if name == "local":
        from newsprism.executors.local import LocalExecutor
        return LocalExecutor()
    if name == "process":
        from newsprism.executors.pool import ProcessExecutor
        return ProcessExecutor(workers)
    if name == "dask":
        from newsprism.executors.dask import DaskExecutor
        return DaskExecutor(scheduler, workers)
    raise ValueError(f"unknown executor {name!r}: choose local, process or dask")
