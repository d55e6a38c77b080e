"""The actor book's blocking keys as rows (migration 13): ``actor_keys`` holds, for each stored actor, the keys its
names are kept under (``knowledge.actors.record_keys``), so the book reads by key only the actors a chunk's names can
match (``knowledge.actors.ActorBook`` with a ``source``), instead of every stored actor when a run starts.

A stored actor merged into another one is "retired": its row stays in ``actors`` (pages show what was learned), its
keys go, so the book no longer finds it.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from newsprism.store import schema as t

_N = 500  # IN (...) lists and insert batches


def _chunks(items: list, n: int = _N) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _key_rows(records: Iterable[dict]) -> list[dict]:
    from newsprism.knowledge.actors import record_keys

    return [{"key": k, "name": r["name"]} for r in records if r.get("name") for k in record_keys(r)]


def put_keys(conn: sa.Connection, records: list[dict]) -> None:
    """Replace the key rows of these actor records (``ActorRecord.to_dict()``) with their current keys."""
    retire(conn, [r["name"] for r in records if r.get("name")])
    for part in _chunks(_key_rows(records), 5000):
        conn.execute(t.actor_keys.insert(), part)


def retire(conn: sa.Connection, names: Iterable[str]) -> None:
    """Drop the key rows of these actors (merged into another one): the book no longer finds them."""
    for part in _chunks(sorted(set(names))):
        conn.execute(t.actor_keys.delete().where(t.actor_keys.c.name.in_(part)))


def backfill_keys(conn: sa.Connection) -> None:
    """Key every stored actor (migration 13), a batch of records at a time."""
    rows = conn.execute(sa.select(t.actors.c.record).order_by(t.actors.c.name)).scalars()
    batch: list[dict] = []
    for record in rows:
        batch.append(json.loads(record))
        if len(batch) >= _N:
            for part in _chunks(_key_rows(batch), 5000):
                conn.execute(t.actor_keys.insert(), part)
            batch = []
    if batch:
        for part in _chunks(_key_rows(batch), 5000):
            conn.execute(t.actor_keys.insert(), part)


def _in_memory(url: str) -> bool:
    return url.startswith("sqlite") and (":memory:" in url or url.split("://", 1)[-1] in ("", "/"))


class ActorRows:
    """Keyed reads of the stored actor book, in the store's current unit of work (``reading`` is the store's
    connection context). Pickled (a book sent to a worker process), it keeps the database's address and reads
    through an engine of its own there; an in-memory database cannot be reached from another process."""

    def __init__(self, reading: Callable, url: str) -> None:
        self._reading, self.url = reading, url

    @property
    def shareable(self) -> bool:
        return not _in_memory(self.url)

    def names(self, keys: Iterable[str]) -> set[str]:
        """The names of the stored actors kept under any of these keys."""
        out: set[str] = set()
        with self._reading() as conn:
            for part in _chunks(sorted(set(keys))):
                out.update(conn.execute(sa.select(t.actor_keys.c.name).where(t.actor_keys.c.key.in_(part)))
                           .scalars())
        return out

    def keyed(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """(key, name) of the stored actors kept under any of these keys: which names each key finds, so a book
        places a record it reads under the keys it was found by without working its keys out again."""
        out: list[tuple[str, str]] = []
        with self._reading() as conn:
            for part in _chunks(sorted(set(keys))):
                out += [(k, n) for k, n in conn.execute(sa.select(t.actor_keys.c.key, t.actor_keys.c.name)
                                                         .where(t.actor_keys.c.key.in_(part)))]
        return out

    def records(self, names: Iterable[str]) -> list[dict]:
        """The stored records of these actors, by name."""
        out = []
        with self._reading() as conn:
            for part in _chunks(sorted(set(names))):
                out += [json.loads(r) for r in conn.execute(sa.select(t.actors.c.record)
                                                            .where(t.actors.c.name.in_(part))).scalars()]
        return sorted(out, key=lambda d: d["name"])

    def count(self) -> int:
        """How many actors are stored (merged ones too)."""
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.actors)).scalar() or 0)

    def all_names(self) -> set[str]:
        """The names of every actor the book can find (each has keys)."""
        with self._reading() as conn:
            return set(conn.execute(sa.select(t.actor_keys.c.name).distinct()).scalars())

    def __getstate__(self) -> dict:
        if not self.shareable:
            raise TypeError("an in-memory store cannot be read from another process")
        return {"url": self.url}

    def __setstate__(self, state: dict) -> None:
        self.url = state["url"]
        engine: list[sa.Engine] = []

        @contextmanager
        def reading() -> Iterator[sa.Connection]:
            if not engine:
                engine.append(sa.create_engine(self.url))
            with engine[0].connect() as conn:
                yield conn

        self._reading = reading
