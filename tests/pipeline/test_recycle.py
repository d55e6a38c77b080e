"""A pool replaces its workers between chunks once one has grown past its limit, and the job's output is the same
with fresh workers as with the ones it started with."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsprism.executors.local import LocalExecutor
from newsprism.executors.pool import ProcessExecutor
from newsprism.jobs import run_job
from newsprism.store import open_store

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "compare" / "indo-pak-2025" / "corpus.jsonl"


def _pids(ex: ProcessExecutor) -> set[int]:
    return set(ex._pool._processes) if ex._pool is not None else set()


def test_recycle_replaces_the_workers_only_past_the_limit():
    # str.upper: picklable by name in a fresh interpreter (a recycled pool starts its workers with "spawn")
    with ProcessExecutor(2, max_worker_mb=1e9) as ex:
        assert list(ex.map(str.upper, ["a", "b", "c"])) == ["A", "B", "C"]
        first = _pids(ex)
        assert ex.worker_mb() and all(mb > 0 for mb in ex.worker_mb())
        assert not ex.recycle(), "no worker is anywhere near the limit"
        assert _pids(ex) == first
        ex.max_worker_mb = 0.0  # every worker is past this
        assert ex.recycle() and ex.recycled == 1
        assert ex.worker_mb() == []  # the old workers are gone; none run until the next map
        assert list(ex.map(str.upper, ["d", "e"])) == ["D", "E"]
        assert _pids(ex) and not _pids(ex) & first
    assert not ProcessExecutor(1).recycle(), "a pool never started has nothing to replace"


def _run(corpus: Path, out: Path, executor) -> dict[str, list[dict]]:
    store = open_store(out / "np.db")
    try:
        run_job([str(corpus)], store, out_dir=out, executor=executor, chunk_size=6)
    finally:
        store.close()
    return {name: [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
            for name in ("articles.jsonl", "stories.jsonl")}


@pytest.mark.shared
def test_fresh_workers_after_every_chunk_give_the_same_output(tmp_path):
    if not SHARED.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing")
        pytest.skip("../shared is absent")
    corpus = tmp_path / "slice.jsonl"
    corpus.write_text("\n".join(SHARED.read_text(encoding="utf-8").splitlines()[:18]) + "\n", encoding="utf-8")
    (tmp_path / "local").mkdir()
    (tmp_path / "pool").mkdir()
    local = _run(corpus, tmp_path / "local", LocalExecutor())
    # a limit of 0 MB: every worker is past it at every quiet point, so each chunk after the first meets new workers
    with ProcessExecutor(1, max_worker_mb=0.0) as ex:
        pooled = _run(corpus, tmp_path / "pool", ex)
        assert ex.recycled >= 2, "three chunks: the pool was replaced before the second and the third"
    assert any(len(s["articles"]) > 1 and s.get("comparison", {}).get("facts") for s in local["stories.jsonl"])
    for part in ("articles.jsonl", "stories.jsonl"):
        assert pooled[part] == local[part], f"{part} differs with recycled workers"
