"""Storage behind one narrow protocol (``Store``); ``open_store`` picks the implementation from the location."""
from __future__ import annotations

from pathlib import Path

from newsprism.store.base import Store


def open_store(location: str | Path) -> Store:
    """``postgresql://…`` opens PostgreSQL (psycopg 3); anything else is a SQLite file path."""
    from newsprism.store.sql import SqlStore

    loc = str(location)
    if loc.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        loc = "postgresql+psycopg://" + loc.split("://", 1)[1]
        return SqlStore(loc)
    if loc.startswith("sqlite:"):
        return SqlStore(loc)
    path = Path(loc)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqlStore(f"sqlite:///{path}")


__all__ = ["Store", "open_store"]
