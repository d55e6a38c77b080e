"""Article stages run ahead of the corpus stages they commute with, with the results of the declared order."""
from newsprism.executors.pool import ProcessExecutor
from newsprism.model import Article
from newsprism.pipeline import Corpus, run_ahead, run_stages, split_ahead


class Clean:
    name, scope = "clean", "article"
    requires, assigns = frozenset({"raw"}), frozenset({"text"})

    def __call__(self, a: Article) -> Article:
        a.text = a.raw.strip()
        return a


class Group:
    """A corpus stage reading every ok article (as dedup does): it must not see errors of later stages."""
    name, scope = "group", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"duplicate_of"})

    def __call__(self, corpus: Corpus) -> None:
        seen: dict[str, str] = {}
        for a in corpus.ok_articles:
            a.duplicate_of = seen.setdefault(a.text.lower(), a.id) if a.text.lower() in seen else None
        corpus.state["grouped"] = sorted(a.id for a in corpus.ok_articles)


class Analyse:
    name, scope = "analyse", "article"
    requires, assigns = frozenset({"text"}), frozenset({"quotes"})

    def __call__(self, a: Article) -> Article:
        if "fail" in a.text:
            raise RuntimeError("cannot analyse")
        a.title = a.text.title()
        return a


class UsesGroup:
    """An article stage reading what the corpus stage wrote: it cannot overtake it."""
    name, scope = "uses", "article"
    requires, assigns = frozenset({"duplicate_of"}), frozenset({"story"})

    def __call__(self, a: Article) -> Article:
        a.story = a.duplicate_of or a.id
        return a


class Tally:
    name, scope = "tally", "corpus"
    requires, assigns = frozenset({"quotes"}), frozenset({"stories"})

    def __call__(self, corpus: Corpus) -> None:
        corpus.state["ok"] = sorted(a.id for a in corpus.ok_articles)


def _arts():
    return [Article(f"a{i}", raw=r) for i, r in enumerate([" one ", "ONE", "please fail", "two", "Two "])]


def test_split_moves_only_commuting_article_stages():
    stages = [Clean(), Group(), Analyse(), UsesGroup(), Tally()]
    ahead, rest = split_ahead(stages)
    assert [s.name for s in ahead] == ["clean", "analyse"]
    assert [s.name for s in rest] == ["group", "uses", "tally"]


def test_running_ahead_gives_the_declared_order_results():
    stages = [Clean(), Group(), Analyse(), Tally()]
    # the declared order, one stage after another, as the runner did before stages ran ahead
    ref = Corpus(_arts())
    for st in stages:
        if st.scope == "article":
            ref.articles[:] = [st(a) if a.ok else a for a in ref.articles] if st.name != "analyse" else \
                [_guard(st, a) for a in ref.articles]
        else:
            st(ref)
    got = Corpus(_arts())
    got.articles[:], ahead = run_ahead(got.articles, stages)
    assert got.articles[2].ok, "the error is held back while the overtaken stage has not run"
    run_stages(got, stages, ahead=ahead)
    assert got.state == ref.state
    assert got.state["grouped"] == ["a0", "a1", "a2", "a3", "a4"], "group saw the failing article as ok"
    assert "a2" not in got.state["ok"], "the stage after saw the error"
    for a, b in zip(got.articles, ref.articles):
        assert (a.text, a.title, a.duplicate_of, a.errors, a.raw) == (b.text, b.title, b.duplicate_of, b.errors, None)


def test_a_pool_gives_the_same_as_running_here():
    stages = [Clean(), Group(), Analyse(), Tally()]
    here = Corpus(_arts())
    run_stages(here, stages)
    with ProcessExecutor(2) as ex:
        there = Corpus(_arts())
        run_stages(there, stages, executor=ex)
    assert [a.to_record() for a in there.articles] == [a.to_record() for a in here.articles]
    assert there.state == here.state


def _guard(st, a):
    if not a.ok:
        return a
    try:
        return st(a)
    except Exception as exc:  # the runner's rule: the error lands on the article
        a.errors.append(f"{st.name}: {type(exc).__name__}: {exc}")
        return a


class Measure:
    """A corpus stage whose per-article part (the length of the text) may be worked out ahead."""
    name, scope = "measure", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"claims"})
    prepare_reads = frozenset({"text"})

    def prepare_article(self, a: Article) -> int:
        return len(a.text)

    def __call__(self, corpus: Corpus) -> None:
        ready = corpus.prepared.get(self.name, {})
        corpus.state["lengths"] = {a.id: ready.get((a.id, a.content_hash), len(a.text)) for a in corpus.ok_articles}
        corpus.state["from_workers"] = sorted(a.id for a in corpus.ok_articles if (a.id, a.content_hash) in ready)


class Retext:
    """A corpus stage rewriting what ``Measure`` reads: Measure's part may not run before it."""
    name, scope = "retext", "corpus"
    requires, assigns = frozenset({"text"}), frozenset({"text"})

    def __call__(self, corpus: Corpus) -> None:
        for a in corpus.ok_articles:
            a.text = a.text + "!"


def test_per_article_work_of_a_corpus_stage_comes_back_with_the_workers_results():
    stages = [Clean(), Analyse(), Measure()]
    with ProcessExecutor(workers=2) as ex:
        got = Corpus(articles=_arts())
        got.articles[:], ahead = run_ahead(got.articles, stages, ex)
        assert set(ahead.prepared["measure"]) == {(a.id, a.content_hash) for a in got.articles if a.id != "a2"}
        run_stages(got, stages, ex, ahead=ahead)
    assert got.state["lengths"] == {a.id: len(a.text) for a in got.ok_articles}
    assert sorted(got.state["lengths"]) == ["a0", "a1", "a3", "a4"]
    assert got.state["from_workers"] == ["a0", "a1", "a3", "a4"]  # the failed one has no payload
    assert got.prepared == {}  # nothing of it outlives the run


def test_per_article_work_waits_when_an_earlier_stage_changes_what_it_reads():
    from newsprism.pipeline import preparers

    assert [st.name for st in preparers([Clean(), Analyse(), Measure()])] == ["measure"]
    assert preparers([Clean(), Retext(), Analyse(), Measure()]) == []
    got = Corpus(articles=_arts())
    stages = [Clean(), Retext(), Analyse(), Measure()]
    got.articles[:], ahead = run_ahead(got.articles, stages)
    assert ahead.prepared == {}
    run_stages(got, stages, ahead=ahead)
    assert got.state["lengths"]["a0"] == 4  # measured after the text changed
