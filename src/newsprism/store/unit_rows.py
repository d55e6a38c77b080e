"""Each article's story-free compare work as a row (migration 15; ``compare.unit_rows`` makes and reads them).

``compare_units`` holds, per article id, the key the row was written under (the article's content and the code that
did the work: a row under another key is stale) and two columns, each optional: ``units``, the prepared clauses as
zlib-compressed JSON (their phrase lists run to some ten times the text; compressed, about half its size), and
``clauses``, the clause keys that may be page furniture, as JSON.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from newsprism.store import schema as t

_N = 500  # IN (...) lists and insert batches
# zlib level of the ``units`` column. The rows are compressed in the job's driver while its workers compare: on the
# rows of a 1,000-article run, level 3 took half the CPU of level 6 (0.28 against 0.57 s) for rows 12% larger (33%
# of the JSON against 30%), and they read back faster (0.10 against 0.16 s). Rows of any level read alike.
UNITS_LEVEL = 3


def _chunks(items: list, n: int = _N) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def read(conn: sa.Connection, ids: Iterable[str], column: str) -> dict[str, tuple[str, str]]:
    """article id -> (key, the ``column`` as JSON text) of the rows of these articles holding that column."""
    c = t.compare_units.c
    col = c.units if column == "units" else c.clauses
    out: dict[str, tuple[str, str]] = {}
    for part in _chunks(sorted(set(ids))):
        for aid, key, value in conn.execute(sa.select(c.article, c.key, col).where(c.article.in_(part),
                                                                                   col.isnot(None))):
            out[aid] = (key, zlib.decompress(value).decode("utf-8") if column == "units" else value)
    return out


def put(conn: sa.Connection, rows: dict[str, tuple[str, str | None, str | None]]) -> None:
    """Write these rows (article id -> key, units JSON or None, clauses JSON or None), replacing older ones."""
    c = t.compare_units.c
    for part in _chunks(sorted(rows)):
        conn.execute(t.compare_units.delete().where(c.article.in_(part)))
    data = [{"article": aid, "key": key, "clauses": clauses,
             "units": None if units is None else zlib.compress(units.encode("utf-8"), UNITS_LEVEL)}
            for aid, (key, units, clauses) in sorted(rows.items())]
    for part in _chunks(data):
        conn.execute(t.compare_units.insert(), part)


def delete(conn: sa.Connection, ids: Iterable[str]) -> None:
    """Drop the rows of these articles (articles gone from the store)."""
    for part in _chunks(sorted(set(ids))):
        conn.execute(t.compare_units.delete().where(t.compare_units.c.article.in_(part)))
