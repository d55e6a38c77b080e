"""Storage behind one narrow protocol (``Store``); ``open_store`` picks the implementation from the location."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from newsprism.store.base import Store


def open_store(location: str | Path, **options: Any) -> Store:
    """``postgresql://…`` opens PostgreSQL (psycopg 3); anything else is a SQLite file path.

    ``options``: ``lock_timeout`` (seconds a writer waits for another one, default an hour) and ``on_wait`` (called
    with a message when it starts waiting; default: printed on stderr).
    """
    from newsprism.store.sql import SqlStore

    loc = str(location)
    if loc.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        loc = "postgresql+psycopg://" + loc.split("://", 1)[1]
        return SqlStore(loc, **options)
    if loc.startswith("sqlite:"):
        return SqlStore(loc, **options)
    path = Path(loc)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqlStore(f"sqlite:///{path}", **options)


__all__ = ["Store", "open_store"]
