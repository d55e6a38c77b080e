"""POST /api/ingest queues a job (202) that one background worker per server runs; GET /api/ingest/{job} tells its
status. Jobs are persisted (a restart loses none) and an ingest during a running `newsprism run` loses nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.api.queue import IngestQueue
from newsprism.store import open_store

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "jobs"))
from jobs_corpus import EVENTS, OUTLETS, _OPENERS, corpus, memberships  # noqa: E402,F401 (corpus: a fixture)

AUTH = {"Authorization": "Bearer k"}
TEXT = ("The harbour authority of Lenna said on Friday that the north pier will close for repairs in May. "
        "\"The pier is older than the town hall,\" harbour master Ines Varga said.")


def _wait_done(c: TestClient, href: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = c.get(href, headers=AUTH).json()
        if got["status"] in ("done", "failed"):
            return got
        time.sleep(0.1)
    raise AssertionError(f"job not finished: {got}")


def test_ingest_is_queued_and_run_in_the_background(tmp_path):
    store = open_store(tmp_path / "np.db")
    with TestClient(create_app(store, token="k")) as c:
        res = c.post("/api/ingest", json={"articles": [{"id": "p1", "text": TEXT, "outlet": "Lenna Post"},
                                                       {"id": "p2", "text": " ", "outlet": "Lenna Post"}]},
                     headers=AUTH)
        assert res.status_code == 202
        job = res.json()
        assert job["status"] in ("queued", "running") and job["submitted"] == 2
        assert res.headers["location"] == job["href"] == f"/api/ingest/{job['job']}"
        assert c.get(job["href"]).status_code == 401  # the status is behind the token too
        assert c.get("/api/ingest/nope", headers=AUTH).status_code == 404
        done = _wait_done(c, job["href"])
        assert done["status"] == "done" and done["error"] is None
        assert done["counts"]["articles"] == 2 and done["counts"]["new"] == 2 and done["counts"]["failed"] == 1
        assert [e["article"] for e in done["errors"]] == ["p2"] and done["errors"][0]["errors"]
        assert done["finished_at"] >= done["started_at"] >= done["created_at"]
        assert c.get("/api/articles/p1").json()["outlet"] == "Lenna Post"
        assert len(c.get("/api/stories").json()) == 1
    store.close()


def test_queued_and_orphaned_jobs_survive_a_restart(tmp_path):
    store = open_store(tmp_path / "np.db")
    queue = IngestQueue(store)  # a server that queued two jobs and died before running them
    first = queue.enqueue([{"id": "q1", "text": TEXT, "outlet": "Lenna Post"}])
    second = queue.enqueue([{"id": "q2", "text": TEXT.replace("Friday", "Monday"), "outlet": "Pier News"}])
    with queue.engine.begin() as conn:  # ...the second one while it was running it
        conn.execute(sa.text("UPDATE ingest_jobs SET status = 'running', worker = :w WHERE id = :id"),
                     {"w": f"{os.uname().nodename}:{2 ** 22 + 12345}", "id": second["job"]})
    queue.close()
    assert Path(f"{tmp_path / 'np.db'}.ingest-queue").exists()
    with TestClient(create_app(store, token="k")) as c:  # the restarted server picks both up
        for job in (first, second):
            assert _wait_done(c, job["href"])["status"] == "done"
        assert {a["id"] for a in c.get("/api/search", params={"q": "pier"}).json()} == {"q1", "q2"}
        counts = c.app.state.ingest_queue.counts()
        assert counts == {"queued": 0, "running": 0, "done": 2, "failed": 0}
    store.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _chunks(db: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM chunks")).scalar() or 0)
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_ingest_during_a_run_loses_nothing(corpus, tmp_path):
    folder, ids = corpus
    db = tmp_path / "np.db"
    files = [str(folder / f"{i}.txt") for i in ids if not i.startswith("storm")]
    run = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "run", *files, "--db", str(db), "--chunk-size",
                            "2", "--quiet", "--json", "--out", str(tmp_path / "out")], env=_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The same storm articles the corpus files hold, posted as JSON while the run is half-way.
    posted = [{"id": f"storm-{k}", "outlet": o, "title": EVENTS["storm"][0].split(" on ")[0],
               "published": f"2025-03-0{k + 1}",
               "text": _OPENERS[k] + " ".join(EVENTS["storm"][k % 3:] + EVENTS["storm"][:k % 3])}
              for k, o in enumerate(OUTLETS)]
    deadline = time.monotonic() + 300
    while _chunks(db) < 1 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before the ingest could overlap it"
    store = open_store(db)
    with TestClient(create_app(store, token="k")) as c:
        t = time.monotonic()
        res = c.post("/api/ingest", json={"articles": posted}, headers=AUTH)
        assert res.status_code == 202 and time.monotonic() - t < 10  # queued, not waiting for the run's lock
        assert c.post("/api/ingest", json={"articles": posted}).status_code == 401
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-3000:]
        done = _wait_done(c, res.json()["href"])
        assert done["status"] == "done" and done["counts"]["failed"] == 0
    arts = list(store.iter_articles())
    stories = list(store.iter_stories())
    store.close()
    assert sorted(a.id for a in arts) == ids  # both sets stored, each once
    where = {aid: s.id for s in stories for aid in s.articles}
    assert all(a.ok and where.get(a.id) == a.story for a in arts), "an article points at a missing story"
    assert sorted(sorted(m) for m in memberships(stories).values()) == [
        sorted(i for i in ids if i.startswith(e)) for e in ("bridge", "storm", "vote")]
