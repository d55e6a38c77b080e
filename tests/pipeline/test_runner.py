import pytest

from newsprism.executors.pool import ProcessExecutor
from newsprism.model import Article
from newsprism.pipeline import Corpus, PipelineOrderError, check_order, run_stages


class Upper:
    name, scope = "upper", "article"
    requires, assigns = frozenset({"raw"}), frozenset({"text"})

    def __call__(self, a: Article) -> Article:
        if "boom" in a.raw:
            raise ValueError("cannot read this one")
        a.text = a.raw.upper()
        return a


class Count:
    name, scope = "count", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"stories"})

    def __call__(self, corpus: Corpus) -> None:
        corpus.state["count"] = len(corpus.ok_articles)


def _arts(*raws):
    return [Article(f"a{i}", raw=r) for i, r in enumerate(raws)]


def test_an_error_in_one_article_does_not_stop_the_rest():
    corpus = Corpus(_arts("one", "boom here", "three"))
    stats = run_stages(corpus, [Upper(), Count()])
    assert [a.text for a in corpus.articles] == ["ONE", "", "THREE"]
    assert corpus.articles[1].errors == ["upper: ValueError: cannot read this one"]
    assert stats.failed == 1 and corpus.state["count"] == 2
    assert set(stats.seconds) == {"upper", "count"}


def test_failed_articles_skip_later_article_stages():
    class Mark:
        name, scope = "mark", "article"
        requires, assigns = frozenset({"text"}), frozenset({"title"})

        def __call__(self, a):
            a.title = "seen"
            return a

    corpus = Corpus(_arts("ok", "boom"))
    run_stages(corpus, [Upper(), Mark()])
    assert [a.title for a in corpus.articles] == ["seen", None]


def test_order_is_checked_before_data_moves():
    corpus = Corpus(_arts("x"))
    with pytest.raises(PipelineOrderError, match="count.*text"):
        run_stages(corpus, [Count(), Upper()])
    assert corpus.articles[0].text == "", "nothing ran"
    check_order([Upper(), Count()])


def test_process_pool_gives_the_same_results_in_order():
    corpus = Corpus(_arts(*[f"text {i}" for i in range(20)], "boom"))
    run_stages(corpus, [Upper()], executor=ProcessExecutor(2, chunksize=3))
    assert [a.text for a in corpus.articles[:20]] == [f"TEXT {i}" for i in range(20)]
    assert corpus.articles[20].errors


def test_progress_is_reported_per_article():
    seen = []

    class Rec:
        def start(self, label, total): seen.append(("start", label, total))
        def advance(self, n=1): seen.append(("advance", n))
        def finish(self): seen.append(("finish",))

    run_stages(Corpus(_arts("a", "b")), [Upper(), Count()], progress=Rec())
    assert seen == [("start", "upper", 2), ("advance", 1), ("advance", 1), ("finish",), ("start", "count", None),
                    ("finish",)]


def test_dask_executor_runs_the_same_stage_list():
    from newsprism.executors import make_executor

    corpus = Corpus(_arts(*[f"text {i}" for i in range(70)], "boom"))
    with make_executor("dask", workers=2) as ex:  # a LocalCluster of two worker processes, closed after
        run_stages(corpus, [Upper(), Count()], executor=ex)
        assert len(ex.client.scheduler_info()["workers"]) == 2
        assert ex._cluster is not None and ex._cluster.processes
    assert ex._client is None and ex._cluster is None
    assert [a.text for a in corpus.articles[:70]] == [f"TEXT {i}" for i in range(70)]
    assert corpus.articles[70].errors and corpus.state["count"] == 70


def test_batch_stages_get_whole_batches_and_errors_stay_with_their_article():
    seen = []

    class Batched(Upper):
        def process_batch(self, arts):
            seen.append(len(arts))
            if any("boom" in a.raw for a in arts):
                raise ValueError("one of these is bad")
            for a in arts:
                a.text = a.raw.upper()
            return arts

    corpus = Corpus(_arts(*[f"t{i}" for i in range(40)], "boom", "last"))
    run_stages(corpus, [Batched()])
    assert seen[0] == 32, "the first batch went through process_batch whole"
    assert corpus.articles[40].errors == ["upper: ValueError: cannot read this one"], "the culprit, article by article"
    assert [a.text for a in corpus.articles if a.ok] == [f"T{i}" for i in range(40)] + ["LAST"]


def test_windowed_keeps_a_bounded_number_in_flight_and_the_input_order():
    from concurrent.futures import ThreadPoolExecutor

    from newsprism.executors.window import windowed

    live, most = [0], [0]

    def submit(x):
        live[0] += 1
        most[0] = max(most[0], live[0])
        return pool.submit(lambda: x * 2)

    def result(fut):
        live[0] -= 1
        return fut.result()

    with ThreadPoolExecutor(2) as pool:
        assert list(windowed(submit, result, range(50), 3)) == [2 * i for i in range(50)]
    assert most[0] == 3


def test_unknown_executor_is_refused():
    from newsprism.executors import make_executor

    with pytest.raises(ValueError, match="unknown executor"):
        make_executor("gpu")


def test_raw_input_is_dropped_after_the_last_stage_that_reads_it():
    seen = []

    class Peek:
        name, scope = "peek", "article"
        requires, assigns = frozenset({"text"}), frozenset()

        def __call__(self, a):
            seen.append(a.raw)
            return a

    corpus = Corpus(_arts("one", "two"))
    run_stages(corpus, [Upper(), Peek()])
    assert seen == [None, None] and [a.text for a in corpus.articles] == ["ONE", "TWO"]


class Leaves:
    """A corpus stage that leaves a store write for later."""
    name, scope = "leaves", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"stories"})

    def __init__(self, log):
        self.log = log

    def __call__(self, corpus: Corpus) -> None:
        self.log.append("leaves ran")
        corpus.defer(lambda: self.log.append("written"))


class Waits:
    """A corpus stage that does the deferred writes while it would wait on workers (or not at all)."""
    name, scope = "waits", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"comparison"})

    def __init__(self, log, idle):
        self.log, self.idle = log, idle

    def __call__(self, corpus: Corpus) -> None:
        self.log.append("waits started")
        if self.idle:
            corpus.idle()
        self.log.append("waits done")


@pytest.mark.parametrize("idle", [True, False])
def test_deferred_writes_run_when_a_later_stage_waits_and_always_before_the_stages_end(idle):
    log = []
    run_stages(Corpus(_arts("one")), [Upper(), Leaves(log), Waits(log, idle)])
    if idle:
        assert log == ["leaves ran", "waits started", "written", "waits done"]
    else:
        assert log == ["leaves ran", "waits started", "waits done", "written"]


def test_a_stage_called_on_its_own_writes_at_once():
    log = []
    Leaves(log)(Corpus(_arts("one")))
    assert log == ["leaves ran", "written"]
