"""Exact copies of a text (same words, same date) are analysed once; each copy gets results equal to analysing it."""
from __future__ import annotations

from newsprism.model import Article
from newsprism.nlp.stage import NlpStage
from newsprism.pipeline import Corpus, run_stages

# Written for these tests.
WIRE = ("The port authority said on Monday that 40 ships were held at anchor. “We expect delays until Friday,” "
        "harbour master Lena Korhonen told reporters in Helsinki.")
OTHER = "Officials in Tallinn said the ferry line would reopen next week after repairs costing 2 million euros."


class CountingNlp(NlpStage):
    """The real nlp stage, counting the articles it analyses (in this process: the local executor)."""

    def __init__(self) -> None:
        super().__init__()
        self.analysed: list[str] = []

    def process_batch(self, articles):
        self.analysed += [a.id for a in articles]
        return super().process_batch(articles)

    def __call__(self, article):
        self.analysed.append(article.id)
        return super().process_batch([article])[0]


class Given:
    """Texts are set by the test (the stage order check wants a stage that assigns them)."""
    name, scope, requires, assigns = "given", "corpus", frozenset(), frozenset({"text"})

    def __call__(self, corpus: Corpus) -> None:
        pass


def _run(articles, stage):
    run_stages(Corpus(articles), [Given(), stage])


def _records(a: Article) -> tuple:
    return ([e.to_dict() for e in a.entities], [q.to_dict() for q in a.quotes], [c.to_dict() for c in a.claims])


def test_copies_are_analysed_once_and_get_their_own_results():
    st = CountingNlp()
    arts = [Article("a", text=WIRE, published="2024-03-04"), Article("b", text=OTHER, published="2024-03-04"),
            Article("c", text=WIRE, published="2024-03-04"), Article("d", text=WIRE, published="2024-03-05")]
    _run(arts, st)
    assert st.analysed == ["a", "b", "d"]  # "d" has another date: relative dates may resolve differently
    alone = NlpStage()(Article("x", text=WIRE, published="2024-03-04"))
    got = {a.id: a for a in arts}
    assert _records(got["c"]) == _records(got["a"]) == _records(alone)
    assert got["a"].quotes and got["a"].entities and got["a"].claims
    # fresh objects: a later stage editing one article's records leaves the copy's alone
    got["c"].entities[0].name = "changed"
    assert got["a"].entities[0].name != "changed"


def test_a_later_chunk_reuses_an_earlier_analysis():
    st = CountingNlp()
    _run([Article("a", text=WIRE, published="2024-03-04")], st)
    later = [Article("b", text=WIRE, published="2024-03-04"), Article("c", text=OTHER)]
    _run(later, st)
    assert st.analysed == ["a", "c"]
    assert _records(later[0]) == _records(NlpStage()(Article("x", text=WIRE, published="2024-03-04")))


def test_a_failed_original_fails_its_copies_the_same_way():
    class Broken(NlpStage):
        def process_batch(self, articles):
            raise RuntimeError("model unavailable")

        def __call__(self, article):
            raise RuntimeError("model unavailable")

    arts = [Article("a", text=WIRE), Article("b", text=WIRE), Article("c", text="   ")]
    _run(arts, Broken())
    assert arts[0].errors == arts[1].errors == ["nlp: RuntimeError: model unavailable"]
    assert not arts[2].errors or arts[2].errors == ["nlp: RuntimeError: model unavailable"]


def test_articles_that_failed_before_are_not_copies():
    st = CountingNlp()
    bad = Article("a", text=WIRE, errors=["clean: too long"])
    good = Article("b", text=WIRE)
    _run([bad, good], st)
    assert st.analysed == ["b"] and bad.entities == [] and good.entities
