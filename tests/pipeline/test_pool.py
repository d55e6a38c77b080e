"""The process pool runs every item in a worker, whatever the number of workers or items: the driver never loads
what the stages load (spaCy), and a pool of one still lets a job analyse its next chunk meanwhile."""
import os

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
