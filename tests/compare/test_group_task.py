"""The compare task a pool sends with every group carries the run's actor book, pickled once per task."""
from __future__ import annotations

import pickle

from newsprism.compare.stage import _CompareGroup
from newsprism.knowledge.actors import ActorBook, ActorRecord

from .compare_helpers import article, story


def _book() -> ActorBook:
    return ActorBook([ActorRecord(name="Ana Duarte", type="PERSON", titles={"foreign minister": ["a1"]}),
                      ActorRecord(name="Lisbon", type="GPE")])


def test_the_book_is_pickled_once_for_every_group_sent(monkeypatch):
    calls = []
    real = ActorBook.__getstate__
    monkeypatch.setattr(ActorBook, "__getstate__", lambda self: calls.append(1) or real(self))
    task = _CompareGroup(frozenset({"read more"}), _book(), keep=True)
    blobs = [pickle.dumps(task) for _ in range(5)]
    assert len(calls) == 1
    copy = pickle.loads(blobs[-1])
    assert copy.furniture == task.furniture and copy.keep is True
    assert [r.to_dict() for r in copy.book.records()] == [r.to_dict() for r in task.book.records()]


def test_a_worker_copy_compares_as_the_task_itself_does():
    text_a = "Foreign Minister Ana Duarte said in Lisbon on Monday that 40 people were killed in the attack."
    text_b = "Ana Duarte, the foreign minister, told reporters that 41 people died in the attack on Monday."
    s, members = story(article("a1", "Outlet A", text_a), article("a2", "Outlet B", text_b))
    task = _CompareGroup(frozenset(), _book())
    copy = pickle.loads(pickle.dumps(task))
    here = task(([(s, members)], {}))
    there = copy(([(s, members)], {}))
    assert [c for c, _, _ in there] == [c for c, _, _ in here]
    assert here[0][0]["facts"] is not None
