"""With workers, a job analyses its next chunk while the current one goes through the corpus stages."""
import threading

from newsprism import jobs
from newsprism.executors.local import LocalExecutor
from newsprism.model import Article


class Analyse:
    name, scope = "analyse", "article"
    requires, assigns = frozenset({"text"}), frozenset({"quotes"})

    def __init__(self):
        self.seen = threading.Event()

    def __call__(self, a: Article) -> Article:
        if a.id == "later":
            self.seen.set()
        a.title = a.text.upper()
        return a


class Gather:
    name, scope = "gather", "corpus"
    requires, assigns = frozenset({"quotes"}), frozenset({"stories"})

    def __call__(self, corpus) -> None:
        pass


class Workers(LocalExecutor):
    parallel = True  # as a pool says: work mapped here runs beside the caller


def _chunks():
    return iter([[Article("first", text="one")], [Article("later", text="two")]])


def test_the_next_chunk_is_analysed_while_this_one_is_handled():
    stage = Analyse()
    gen = jobs._run_ahead(_chunks(), [stage, Gather()], Workers(), None)
    arts, _ = next(gen)  # the first chunk, analysed: the job now runs its corpus stages and commits it
    assert arts[0].title == "ONE"
    assert stage.seen.wait(30), "the second chunk was analysed meanwhile"
    arts, _ = next(gen)
    assert arts[0].title == "TWO"
    assert next(gen, None) is None


def test_without_workers_nothing_runs_early():
    stage = Analyse()
    gen = jobs._run_ahead(_chunks(), [stage, Gather()], LocalExecutor(), None)
    next(gen)
    assert not stage.seen.wait(0.5)
    assert next(gen)[0][0].title == "TWO"
