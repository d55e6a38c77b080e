"""The process pool runs every item in a worker, whatever the number of workers or items: the driver never loads
what the stages load (spaCy), and a pool of one still lets a job analyse its next chunk meanwhile."""
import os

import pytest

from newsprism.executors.heap import trim
from newsprism.executors.pool import ProcessExecutor


def _pid(_: object) -> int:
    return os.getpid()


def test_one_worker_is_a_pool_beside_the_driver():
    with ProcessExecutor(1) as ex:
        assert ex.parallel
        pids = list(ex.map(_pid, range(5)))
    assert len(set(pids)) == 1 and pids[0] != os.getpid()


def test_a_single_item_goes_to_a_worker_too():
    with ProcessExecutor(2) as ex:
        assert list(ex.map(_pid, [0]))[0] != os.getpid()
        assert list(ex.map(_pid, [])) == []


def test_trim_is_safe_to_call_anywhere():
    blocks = [bytearray(4096) for _ in range(20_000)]
    del blocks
    assert trim() in (True, False)


def test_a_stream_is_read_as_tasks_are_sent():
    read = []

    def stream():
        for i in range(50):
            read.append(i)
            yield i

    with ProcessExecutor(2) as ex:
        results = ex.map(_square, stream())
        assert next(results) == 0
        assert len(read) <= 2 * ex.workers + 1, "only the tasks in flight are read ahead"
        assert list(results) == [i * i for i in range(1, 50)]
    assert len(read) == 50


def _square(x: int) -> int:
    return x * x


_WARMED: list[int] = []


def _mark_warm() -> None:
    _WARMED.append(os.getpid())


def _warmed(_: object) -> list[int]:
    return list(_WARMED)


def _broken_warm() -> None:
    raise RuntimeError("no model here")


def test_warm_runs_in_each_worker_before_its_first_task():
    with ProcessExecutor(2) as ex:
        ex.warm(_mark_warm)
        seen = list(ex.map(_warmed, range(8)))
    # every task found its worker warmed once, by that worker itself
    assert all(len(s) == 1 and s[0] != os.getpid() for s in seen)
    assert _WARMED == [], "the driver itself loads nothing"


def test_a_warm_up_that_fails_leaves_the_pool_working():
    with ProcessExecutor(2) as ex:
        ex.warm(_broken_warm)
        assert list(ex.map(_square, range(6))) == [0, 1, 4, 9, 16, 25]


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_pulled_results_come_in_order_while_the_caller_is_busy():
    import time

    from newsprism.executors.window import pulled

    with ProcessExecutor(2) as ex:
        got = pulled(ex.map(_square, range(20)))
        time.sleep(0.5)  # the caller's own work: the workers go on meanwhile
        assert list(got) == [i * i for i in range(20)]
        failing = pulled(ex.map(_fails_on_three, range(6)))
        assert next(failing) == 0
        with pytest.raises(ValueError, match="three"):
            list(failing)
