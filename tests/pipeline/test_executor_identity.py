"""The real stage list on real shared data gives the same output under the local, process and dask executors.

Dask runs through a real ``dask scheduler`` and two ``dask worker`` processes started here on 127.0.0.1 (free ports,
torn down after): the workers import newsprism from this source tree and load their own spaCy, as workers on other
machines would. The corpus is a slice of the shared Indo-Pakistani comparison set (several outlets per story, so
clustering and the per-story comparison sent to the workers both have real work), read from ../shared.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import newsprism
from newsprism.executors import make_executor
from newsprism.jobs import run_job
from newsprism.store import open_store

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "compare" / "indo-pak-2025" / "corpus.jsonl"
N_ARTICLES = 30
CHUNK = 16  # two chunks: the second reads the first one's stories and state, as a long run does


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    if not SHARED.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: the executor identity test needs the shared data in CI")
        pytest.skip("../shared is absent")
    lines = SHARED.read_text(encoding="utf-8").splitlines()[:N_ARTICLES]
    path = tmp_path_factory.mktemp("identity") / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, as separate processes; yields the scheduler's address."""
    pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    env = dict(os.environ)
    src = str(Path(newsprism.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    dask = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                      "--scheduler-file", str(info)], env=env, cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=open(folder / "scheduler.log", "w"))]
    try:
        deadline = time.monotonic() + 60
        while not info.is_file() or not info.read_text().strip():
            if time.monotonic() > deadline or procs[0].poll() is not None:
                pytest.fail("the dask scheduler did not start: " + (folder / "scheduler.log").read_text()[-2000:])
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for k in range(2):
            procs.append(subprocess.Popen(dask + ["worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                                  "--no-dashboard", "--name", f"w{k}"], env=env, cwd=folder,
                                          stdout=subprocess.DEVNULL, stderr=open(folder / f"worker{k}.log", "w")))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _run(corpus: Path, out: Path, executor) -> dict[str, list[dict]]:
    store = open_store(out / "np.db")
    try:
        run_job([str(corpus)], store, out_dir=out, executor=executor, chunk_size=CHUNK)
    finally:
        executor.close()
        store.close()
    return {name: [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
            for name in ("articles.jsonl", "stories.jsonl")}


def test_local_process_and_dask_give_identical_output(corpus, dask_cluster, tmp_path):
    runs = {}
    for name, ex in [("local", make_executor("local")), ("process", make_executor("process", 2)),
                     ("dask", make_executor("dask", scheduler=dask_cluster))]:
        (tmp_path / name).mkdir()
        runs[name] = _run(corpus, tmp_path / name, ex)
    local = runs["local"]
    assert len(local["articles.jsonl"]) == N_ARTICLES
    assert sum(bool(a.get("quotes")) for a in local["articles.jsonl"]) >= N_ARTICLES // 2, "the nlp stage ran"
    assert any(len(s["articles"]) > 1 and s.get("comparison", {}).get("facts") for s in local["stories.jsonl"]), \
        "some story has several articles and a comparison"
    for name in ("process", "dask"):
        for part in ("articles.jsonl", "stories.jsonl"):
            assert runs[name][part] == local[part], f"{part} under {name} differs from local"
