"""Rendered pages kept on disk beside a SQLite database, shared by every server process and kept over restarts.

A page is stored as the server would send it (headers, gzip body, ETag), tagged with two things that must both match
for it to be served:

- the database's content generation (``content_generation``, raised by triggers on every write to the tables pages
  show; migration 12), read when the database's change counter says something was committed. A page made before the
  latest content commit is never served: the cache stays exact across processes.
- the *render fingerprint*: newsprism's version, the outlet registry, and the source of the code and templates that
  make pages. A server started with another registry or another newsprism never serves the pages of the last one.

The file is ``<database>.pages`` (its own file: writing it must not count as a commit to the database, which would
retire every process's in-memory cache). The renderer (``web.prerender``) is its only writer; servers only read.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

import newsprism
from newsprism.store.migrations import CONTENT_TABLES

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (key BLOB PRIMARY KEY, gen INTEGER NOT NULL, conf TEXT NOT NULL, headers TEXT NOT NULL,
                                  body BLOB, gz BLOB, etag BLOB NOT NULL, deps BLOB);
CREATE TABLE IF NOT EXISTS passes (conf TEXT NOT NULL, gen INTEGER NOT NULL, pages INTEGER NOT NULL,
                                   rendered INTEGER NOT NULL, seconds REAL NOT NULL, cpu_seconds REAL NOT NULL,
                                   finished_at REAL NOT NULL, PRIMARY KEY (conf, gen));
"""


def database_path(url: str) -> str | None:
    """The file behind a ``sqlite:///`` URL (None for anything else, or a database in memory)."""
    if not url.startswith("sqlite:///"):
        return None
    path = unquote(urlsplit(url).path[1:]) if url.count("/") >= 3 else ""
    return path if path and path != ":memory:" else None


def pages_path(db_path: str) -> str:
    return db_path + ".pages"


def read_generation(conn: sqlite3.Connection) -> int | None:
    """The content generation, or None when the database cannot give an exact one (no counter yet, or a trigger
    missing: a table rebuilt by a later migration without them)."""
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                            "AND name LIKE 'content_generation_%'")}
        if any(f"content_generation_{t}_{e}" not in names for t in CONTENT_TABLES
               for e in ("insert", "update", "delete")):
            return None
        row = conn.execute("SELECT n FROM content_generation WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def render_fingerprint(registry: Any = None) -> str:
    """What, beside the data, decides a page's bytes: the package version, the outlet registry and the source of the
    modules and templates that build pages (so a code change never serves pages of the old code)."""
    h = hashlib.blake2b(digest_size=12)
    h.update(newsprism.__version__.encode())
    h.update(json.dumps(dict(registry or {}), sort_keys=True, default=repr).encode())
    root = Path(newsprism.__file__).parent
    for sub in ("api", "web", "report"):
        for f in sorted((root / sub).rglob("*")):
            if f.suffix in (".py", ".j2") and f.is_file():
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    h.update((root / "model.py").read_bytes())
    return h.hexdigest()


def _connect(path: str, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # a lost page after a power cut is only rendered again
        cols = {r[1] for r in conn.execute("PRAGMA table_info(pages)")} | \
            {"passes." + r[1] for r in conn.execute("PRAGMA table_info(passes)")}
        if cols and not {"deps", "passes.rendered"} <= cols:  # an earlier layout: it only holds renders, start afresh
            conn.executescript("DROP TABLE pages; DROP TABLE IF EXISTS passes;")
        conn.executescript(SCHEMA)
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


class PageReader:
    """A server process's read side: the stored page for a key, if it was made for this generation and fingerprint.
    Answers None (render it) when the file does not exist yet or cannot be read."""

    def __init__(self, db_path: str, conf: str):
        self.path = pages_path(db_path)
        self.conf = conf
        self.conn: sqlite3.Connection | None = None
        self.lock = threading.Lock()

    def get(self, key: bytes, gen: int) -> tuple[list[tuple[bytes, bytes]], bytes | None, bytes | None, bytes] | None:
        with self.lock:
            try:
                if self.conn is None:
                    if not Path(self.path).exists():
                        return None
                    self.conn = _connect(self.path, readonly=True)
                row = self.conn.execute("SELECT headers, body, gz, etag FROM pages WHERE key = ? AND gen = ? "
                                        "AND conf = ?", (key, gen, self.conf)).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row[0])]
        return headers, row[1], row[2], row[3]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class PageWriter:
    """The renderer's side: stores pages of one generation, drops those of older ones, records finished passes."""

    def __init__(self, db_path: str, conf: str):
        self.conn = _connect(pages_path(db_path), readonly=False)
        self.conf = conf

    def stored(self) -> dict[bytes, tuple[int, bytes | None]]:
        """key -> (generation, dependency digest) of this fingerprint's stored pages; others' are dropped."""
        self.conn.execute("DELETE FROM pages WHERE conf != ?", (self.conf,))
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT key, gen, deps FROM pages")}

    def drop_other(self, gen: int) -> None:
        self.conn.execute("DELETE FROM pages WHERE gen != ? OR conf != ?", (gen, self.conf))

    def put(self, gen: int, pages: Iterable[tuple[bytes, list[tuple[bytes, bytes]], bytes | None, bytes | None,
                                                  bytes, bytes | None]], carried: Iterable[bytes] = ()) -> None:
        """Store rendered pages for ``gen``, and move pages whose inputs did not change (``carried``) to it."""
        rows = [(key, gen, self.conf, json.dumps([(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]),
                 body, gz, etag, deps) for key, headers, body, gz, etag, deps in pages]
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany("INSERT OR REPLACE INTO pages (key, gen, conf, headers, body, gz, etag, deps) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.conn.executemany("UPDATE pages SET gen = ? WHERE key = ?", [(gen, k) for k in carried])

    def finished(self, gen: int, pages: int, rendered: int, seconds: float, cpu_seconds: float, at: float) -> None:
        self.conn.execute("INSERT OR REPLACE INTO passes VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (self.conf, gen, pages, rendered, seconds, cpu_seconds, at))

    def close(self) -> None:
        self.conn.close()


def last_pass(db_path: str, conf: str | None = None) -> dict[str, Any] | None:
    """The latest finished render pass recorded beside ``db_path`` (of the fingerprint ``conf`` if given), for the
    load benchmark and for tests."""
    path = pages_path(db_path)
    if not Path(path).exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT conf, gen, pages, rendered, seconds, cpu_seconds, finished_at FROM passes "
                           "WHERE conf = coalesce(?, conf) ORDER BY finished_at DESC LIMIT 1", (conf,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return dict(zip(("conf", "gen", "pages", "rendered", "seconds", "cpu_seconds", "finished_at"), row)) \
        if row else None


def gunzip(data: bytes) -> bytes:
    return zlib.decompress(data, 31)
