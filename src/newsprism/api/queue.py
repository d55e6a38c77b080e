"""The API's ingest queue: ``POST /api/ingest`` stores the posted articles as a job and answers at once; one
background worker per server process runs queued jobs, one at a time, through the normal chunked job
(``jobs.run_job``), whose chunks take the store's writer lock like any ``newsprism run``.

Jobs are persisted, so a restart loses none: on PostgreSQL in the store's ``ingest_jobs`` table (schema 10); beside a
SQLite database in a file of its own, ``<database>.ingest-queue``, because a run holds SQLite's single write lock for
a whole chunk and queuing a job must not wait for that. A job that was running in a process that died is queued
again when a server on the same host starts; running it twice is harmless (stored articles are recognised by their
content hash, and each chunk commits whole or not at all).
"""
from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa

from newsprism.store import Store
from newsprism.store import schema as t

STATUSES = ("queued", "running", "done", "failed")
MAX_ERRORS = 200  # per-article errors kept in a job's result


def queue_url(store_url: str) -> str | None:
    """Where the queue of a SQLite store lives (None: in the store's own database)."""
    if not store_url.startswith("sqlite"):
        return None
    path = unquote(urlsplit(store_url).path[1:]) if store_url.count("/") >= 3 else ""
    if not path or path == ":memory:":
        return "sqlite://"  # a store in memory gets a queue in memory: nothing outlives the process anyway
    return f"sqlite:///{path}.ingest-queue"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class IngestQueue:
    def __init__(self, store: Store):
        url = queue_url(store.url)
        if url is None:
            self.engine = store.engine  # PostgreSQL: the table comes with the store's schema (migration 10)
            self.own = False
        else:
            kw: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
            if url == "sqlite://":
                kw["poolclass"] = sa.pool.StaticPool
            self.engine = sa.create_engine(url, **kw)
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.own = True
            with self.engine.begin() as conn:
                conn.execute(sa.schema.CreateTable(t.ingest_jobs, if_not_exists=True))
                for ix in t.ingest_jobs.indexes:
                    conn.execute(sa.schema.CreateIndex(ix, if_not_exists=True))
        self.worker_name = f"{socket.gethostname()}:{os.getpid()}"

    # -- the API side -----------------------------------------------------------------------------------------
    def enqueue(self, articles: list[dict[str, Any]]) -> dict[str, Any]:
        job = uuid.uuid4().hex
        payload = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
        with self.engine.begin() as conn:
            conn.execute(t.ingest_jobs.insert().values(id=job, status="queued", created_at=time.time(),
                                                       submitted=len(articles), payload=payload))
        return self.get(job)

    def get(self, job: str) -> dict[str, Any] | None:
        c = t.ingest_jobs.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c.id, c.status, c.created_at, c.started_at, c.finished_at, c.submitted,
                                         c.result, c.error).where(c.id == job)).first()
        if row is None:
            return None
        result = json.loads(row.result) if row.result else {}
        return {"job": row.id, "status": row.status, "submitted": row.submitted, "created_at": row.created_at,
                "started_at": row.started_at, "finished_at": row.finished_at, "error": row.error,
                "href": f"/api/ingest/{row.id}", **result}

    def counts(self) -> dict[str, int]:
        c = t.ingest_jobs.c
        with self.engine.connect() as conn:
            got = dict(conn.execute(sa.select(c.status, sa.func.count()).group_by(c.status)).all())
        return {s: int(got.get(s, 0)) for s in STATUSES}

    # -- the worker side --------------------------------------------------------------------------------------
    def claim(self) -> tuple[str, str] | None:
        """Take the oldest queued job (id, payload) for this process; another process never takes the same one."""
        c = t.ingest_jobs.c
        while True:
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(c.id, c.payload).where(c.status == "queued")
                                   .order_by(c.created_at, c.id).limit(1)).first()
                if row is None:
                    return None
                took = conn.execute(t.ingest_jobs.update().where(c.id == row.id, c.status == "queued").values(
                    status="running", started_at=time.time(), worker=self.worker_name)).rowcount
            if took == 1:
                return row.id, row.payload or ""

    def finish(self, job: str, status: str, result: dict[str, Any] | None = None, error: str | None = None) -> None:
        c = t.ingest_jobs.c
        with self.engine.begin() as conn:
            conn.execute(t.ingest_jobs.update().where(c.id == job).values(
                status=status, finished_at=time.time(), payload=None, error=error,
                result=json.dumps(result or {}, ensure_ascii=False)))

    def requeue_orphans(self) -> int:
        """Jobs left 'running' by a server process on this host that no longer exists are queued again."""
        c = t.ingest_jobs.c
        host = socket.gethostname()
        with self.engine.begin() as conn:
            running = conn.execute(sa.select(c.id, c.worker).where(c.status == "running")).all()
            dead = [r.id for r in running if _dead_here(r.worker, host)]
            if dead:
                conn.execute(t.ingest_jobs.update().where(c.id.in_(dead), c.status == "running")
                             .values(status="queued", started_at=None, worker=None))
        return len(dead)

    def close(self) -> None:
        if self.own:
            self.engine.dispose()


def _dead_here(worker: str | None, host: str) -> bool:
    if not worker or ":" not in worker:
        return True
    w_host, _, pid = worker.rpartition(":")
    if w_host != host or not pid.isdigit():
        return False  # another machine's process: it may still be running the job
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def run_one(store: Store, payload: str) -> dict[str, Any]:
    """Run one job's articles through the normal job; the summary a finished job reports."""
    from newsprism.api.payloads import article_summary, story_summary
    from newsprism.jobs import run_job

    with tempfile.TemporaryDirectory(prefix="newsprism-ingest-") as tmp:
        path = Path(tmp) / "posted.jsonl"
        path.write_text(payload, encoding="utf-8")
        result = run_job([str(path)], store)
    errors = [{"article": a.id, "errors": list(a.errors)} for a in result.articles if a.errors][:MAX_ERRORS]
    return {"counts": {"articles": len(result.articles), "new": result.new, "failed": len(result.failed),
                       "stories": len(result.stories), "chunks": result.chunks},
            "errors": errors,
            # the fields the synchronous endpoint used to return
            "articles": [article_summary(a) for a in result.articles],
            "stories": [story_summary(s) for s in result.stories], "new": result.new, "failed": len(result.failed)}


class IngestWorker:
    """One background thread per server process: takes queued jobs one at a time and runs them."""

    def __init__(self, queue: IngestQueue, store: Store, poll_s: float = 1.0):
        self.queue, self.store, self.poll_s = queue, store, poll_s
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return
            self.stopping.clear()
            self.thread = threading.Thread(target=self._loop, name="newsprism-ingest", daemon=True)
            self.thread.start()

    def wake(self) -> None:
        self.start()
        self.wakeup.set()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.wakeup.set()
        if self.thread is not None:
            # A job still running is left as it is: its unfinished chunk rolls back with the process, and the next
            # server on this host queues the job again.
            self.thread.join(timeout)

    def _loop(self) -> None:
        try:
            self.queue.requeue_orphans()
        except sa.exc.SQLAlchemyError:
            pass
        while not self.stopping.is_set():
            try:
                claimed = self.queue.claim()
            except sa.exc.SQLAlchemyError:
                claimed = None
            if claimed is None:
                self.wakeup.wait(self.poll_s)
                self.wakeup.clear()
                continue
            job, payload = claimed
            try:
                result = run_one(self.store, payload)
            except Exception as exc:  # the job fails, the worker goes on with the next one
                self.queue.finish(job, "failed", error=f"{type(exc).__name__}: {exc}",
                                  result={"trace": traceback.format_exc(limit=5)})
            else:
                self.queue.finish(job, "done", result=result)
