"""Several processes on one database: creation races, one writer at a time, waiting with a message."""
from __future__ import annotations

import multiprocessing as mp
import threading
import time

import pytest

from newsprism.model import Article, Story, content_hash
from newsprism.store import open_store
from newsprism.store.migrations import LATEST
from newsprism.store.sql import StoreBusy


def _open_and_write(url: str, i: int, barrier) -> str:
    barrier.wait()
    try:
        s = open_store(url)
        text = f"Article number {i} about the harbour."
        s.upsert_articles([Article(f"a{i}", source=f"/in/a{i}", text=text, content_hash=content_hash(text))])
        v = s.schema_version()
        s.close()
        return f"ok {v}"
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        return f"{type(exc).__name__}: {exc}"


def _run_in(n: int, url: str) -> list[str]:
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            return pool.starmap(_open_and_write, [(url, i, barrier) for i in range(n)])


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path, store_url):
    for attempt in range(3):
        url = store_url if not store_url.endswith(".db") else str(tmp_path / f"race{attempt}.db")
        got = _run_in(4, url)
        assert got == [f"ok {LATEST}"] * 4, got
        s = open_store(url)
        assert s.count_articles() == 4
        s.close()
        if not url.endswith(".db"):
            break  # one schema per test on PostgreSQL


def test_a_second_writer_waits_and_says_so(store_url):
    first = open_store(store_url)
    messages: list[str] = []
    second = open_store(store_url)
    second.on_wait = messages.append
    done = threading.Event()

    def write_second():
        second.put_stories([Story("s2", "two", ["b"])])
        done.set()

    with first.transaction():
        first.put_stories([Story("s1", "one", ["a"])])
        th = threading.Thread(target=write_second)
        th.start()
        time.sleep(1.0)
        assert not done.is_set(), "the second writer must wait for the first unit of work"
        assert first.get_story("s2") is None
    th.join(10)
    assert done.is_set()
    assert messages and "another process" in messages[0]
    assert sorted(s.id for s in first.iter_stories()) == ["s1", "s2"]
    first.close()
    second.close()


def test_a_writer_gives_up_after_its_lock_timeout(store_url):
    first = open_store(store_url)
    second = open_store(store_url, lock_timeout=0.5)
    second.on_wait = lambda _m: None
    with first.transaction():
        first.put_state({"k": 1})
        t0 = time.monotonic()
        with pytest.raises(StoreBusy, match="another process"):
            second.put_state({"k": 2})
        assert time.monotonic() - t0 < 5
    assert second.get_state() == {"k": 1}, "readers never wait"
    first.close()
    second.close()


def test_opening_a_database_while_another_process_writes_does_not_wait(store_url):
    first = open_store(store_url)
    with first.transaction():
        first.put_state({"k": 1})
        t0 = time.monotonic()
        reader = open_store(store_url, lock_timeout=0.5)
        assert reader.get_state() == {}, "the unit of work is not committed yet"
        reader.close()
        assert time.monotonic() - t0 < 5
    first.close()
