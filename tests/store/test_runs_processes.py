"""Real `newsprism run` processes on one database: SIGKILL at a random point then a re-run, and two runs at once."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsprism.store import open_store

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "jobs"))
from jobs_corpus import corpus, memberships, write_corpus  # noqa: E402,F401 (corpus: a shared fixture)

pytestmark = pytest.mark.slow


def _newsprism(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsprism.cli", "run", *args, "--quiet", "--json"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _run(args: list[str], tmp: Path) -> dict:
    got = subprocess.run(_newsprism(*args, "--out", str(tmp / f"out{random.random()}")), env=_env(),
                         capture_output=True, text=True, timeout=600)
    assert got.returncode == 0, got.stderr[-3000:]
    return json.loads(got.stdout.strip().splitlines()[-1])


def _snapshot(url: str):
    s = open_store(url)
    try:
        arts = list(s.iter_articles())
        stories = list(s.iter_stories())
        return arts, memberships(stories), {st.id: st.title for st in stories}
    finally:
        s.close()


def _check_consistent(arts, members) -> None:
    ids = [a.id for a in arts]
    assert len(ids) == len(set(ids)), "an article stored twice"
    where = {aid: sid for sid, m in members.items() for aid in m}
    assert sum(len(m) for m in members.values()) == len(where), "an article in two stories"
    for a in arts:
        assert a.ok and where.get(a.id) == a.story, f"{a.id} is not in the story it names"


def _chunks_committed(url: str) -> int:
    import sqlalchemy as sa
    if not url.startswith("postgres"):
        url = f"sqlite:///{url}"
    else:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM chunks")).scalar() or 0)
    except sa.exc.SQLAlchemyError:
        return 0  # not created yet
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    got = _run([str(corpus[0]), "--db", str(tmp / "np.db"), "--chunk-size", "3"], tmp)
    assert (got["new"], got["chunks"]) == (12, 4)
    return _snapshot(str(tmp / "np.db"))


def test_sigkill_at_a_random_point_then_rerun(corpus, reference, store_url, tmp_path):
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    after = rng.randint(0, 3)  # chunks to let commit before the kill (0: during start-up or the first chunk)
    proc = subprocess.Popen(_newsprism(str(corpus[0]), "--db", store_url, "--chunk-size", "3", "--out",
                                       str(tmp_path / "killed")), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _chunks_committed(store_url) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _chunks_committed(store_url)
    if done:
        arts, members, _ = _snapshot(store_url)
        assert len(arts) == 3 * done, f"whole chunks only (seed {seed})"
        _check_consistent(arts, members)
    got = _run([str(corpus[0]), "--db", store_url, "--chunk-size", "3"], tmp_path)
    assert got["new"] == 12 - 3 * done, f"only unfinished chunks are redone (seed {seed})"
    arts, members, titles = _snapshot(store_url)
    _check_consistent(arts, members)
    assert sorted(a.id for a in arts) == corpus[1]
    assert (members, titles) == reference[1:], f"stories differ from an uninterrupted run (seed {seed})"


def test_two_runs_at_once_lose_nothing(corpus, store_url, tmp_path):
    folder, ids = corpus
    first = [str(folder / f"{i}.txt") for i in ids if not i.startswith("storm")]
    second = [str(folder / f"{i}.txt") for i in ids if i.startswith("storm")] + first[:2]
    procs = [subprocess.Popen(_newsprism(*files, "--db", store_url, "--chunk-size", "2", "--out",
                                         str(tmp_path / f"out{k}")), env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for k, files in enumerate((first, second))]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
    arts, members, _ = _snapshot(store_url)
    assert sorted(a.id for a in arts) == ids
    _check_consistent(arts, members)
    assert sorted(sorted(m) for m in members.values()) == [
        sorted(i for i in ids if i.startswith(e)) for e in ("bridge", "storm", "vote")]
