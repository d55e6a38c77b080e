import gc
import threading

from newsprism.gc_policy import GC_YOUNG, fewer_collections


def test_thresholds_are_raised_inside_and_restored_after():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(GC_YOUNG, before[0])
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before


def test_freeze_hides_what_lived_on_entry_until_the_last_holder_leaves():
    assert gc.get_freeze_count() == 0
    with fewer_collections(freeze=True):
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with fewer_collections():  # a nested holder (the compare stage inside a chunk) changes nothing
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_restores():
    before = gc.get_threshold()
    try:
        with fewer_collections(freeze=True):
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_overlapping_threads_restore_once_the_last_leaves():
    before = gc.get_threshold()
    entered, release = threading.Event(), threading.Event()

    def hold():
        with fewer_collections():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    with fewer_collections(freeze=True):
        pass
    assert gc.get_threshold()[0] == max(GC_YOUNG, before[0])  # the thread still holds it
    release.set()
    t.join()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_cyclic_garbage_made_inside_is_collected_after():
    import weakref

    class Node:
        pass

    with fewer_collections(freeze=True):
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
    gc.collect()
    assert ref() is None
