"""The clusterer on a store reads its index by key (migration 11): only the stories a chunk's articles could join,
and the same stories come out as with the whole index in memory."""
from __future__ import annotations

import random

import pytest

from newsprism.cluster.stage import ClusterStage
from newsprism.model import Article
from newsprism.pipeline import Corpus
from newsprism.store import open_store

FERRY = [
    "The council of the northern port voted on Tuesday to close the old ferry terminal for two years while engineers "
    "rebuild the sea wall that winter storms breached three times.",
    "Ferry passengers in the northern port will embark from a temporary pier for two years: the council voted to shut "
    "the terminal while the storm-breached sea wall is rebuilt.",
    "Engineers will rebuild the port's sea wall after the council closed the ferry terminal; the storms of the winter "
    "breached the wall three times and flooded the quay.",
]
GRAPES = [
    "Growers in the river valley began the grape harvest two weeks early after a dry August, and the wine board "
    "expects smaller yields with unusually sweet fruit.",
    "An early grape harvest started in the river valley: growers blame the dry August, and the wine board forecasts "
    "a small but sweet vintage.",
    "The wine board of the river valley says the grape harvest, begun early after a dry August, will be small and "
    "the fruit sweeter than usual.",
]
COMET = [
    "Astronomers at the mountain observatory tracked a bright comet that will pass closest to the sun next month, "
    "visible to the naked eye before dawn.",
    "A comet found by the mountain observatory brightens as it nears the sun and should be visible before dawn next "
    "month, astronomers said.",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, postgres_schema):
    if request.param == "sqlite":
        s = open_store(str(tmp_path / "np.db"))
        yield s
        s.close()
    else:
        with postgres_schema() as url:
            s = open_store(url)
            yield s
            s.close()


def _arts(texts: list[str], prefix: str, day: str) -> list[Article]:
    return [Article(id=f"{prefix}{i}", text=t, content_hash=f"{prefix}{i}-h", published=day, outlet=f"o{i}")
            for i, t in enumerate(texts)]


class Recording:
    """A lazy source that notes which stories were read."""

    def __init__(self, inner):
        self.inner, self.read = inner, set()

    def stories(self, keys):
        got = self.inner.stories(keys)
        self.read |= set(got)
        return got

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _run(store, arts, source=None) -> Corpus:
    with store.transaction():
        stored = store.get_stories(sorted({a.story for a in arts if a.story}))
        corpus = Corpus(arts, stories=dict(stored), state=store.get_state(),
                        cluster_index=source or store.cluster_index())
        ClusterStage()(corpus)
        store.put_state(dict(corpus.state))
        store.put_stories(corpus.stories.values())
    return corpus


def _groups(arts):
    by: dict[str, set[str]] = {}
    for a in arts:
        by.setdefault(a.story, set()).add(a.id)
    return sorted(sorted(g) for g in by.values())


def test_a_run_reads_only_the_stories_its_articles_could_join(store):
    ferry, grapes = _arts(FERRY, "f", "2026-03-02"), _arts(GRAPES, "g", "2026-03-02")
    _run(store, ferry + grapes)
    assert len({a.story for a in ferry}) == 1 and len({a.story for a in grapes}) == 1
    assert store.get_state()["cluster"].get("rows") and "stories" not in store.get_state()["cluster"]
    # a later run about the ferry reads the ferry story, never the harvest's
    more = [Article(id="f9", text=FERRY[0].replace("Tuesday", "Wednesday") + " Works start in May.",
                    content_hash="f9-h", published="2026-03-03")]
    rec = Recording(store.cluster_index())
    _run(store, more, rec)
    assert ferry[0].story in rec.read and grapes[0].story not in rec.read
    assert more[0].story == ferry[0].story
    # the member rows follow: the whole index read back lists the new member in the ferry story
    full = store.read_cluster_index()
    assert full["members"]["f9"] == ferry[0].story and full["stories"][ferry[0].story]["n"] == 4
    # nothing the chunk did not touch was read: a run about a comet reads no stored story at all
    rec = Recording(store.cluster_index())
    comet = _arts(COMET, "c", "2026-03-04")
    _run(store, comet, rec)
    assert rec.read == set() and len({a.story for a in comet}) == 1


def test_a_re_processed_article_leaves_its_stored_story(store):
    ferry = _arts(FERRY, "f", "2026-03-02")
    _run(store, ferry)
    key = ferry[0].story
    # the same id comes back with the harvest's text: it is clustered again and its old story loses it
    again = Article(id="f2", text=GRAPES[0], content_hash="f2-new", published="2026-03-02")
    grapes = _arts(GRAPES[1:], "g", "2026-03-02")
    _run(store, [again] + grapes)
    full = store.read_cluster_index()
    assert full["members"]["f2"] == grapes[0].story != key
    assert full["stories"][key]["n"] == 2


@pytest.mark.shared
def test_stories_from_the_store_match_the_index_in_memory(tmp_path, shared_dir):
    from newsprism.clean.stage import CleanStage
    from newsprism.dedup.stage import DedupStage
    from newsprism.ingest import read_inputs

    base = [CleanStage()(a) for a in read_inputs([str(shared_dir / "data" / "compare" / "indo-pak-2025" /
                                                      "corpus.jsonl")])]
    DedupStage()(Corpus(base))
    random.Random(3).shuffle(base)

    def fresh():
        return [Article.from_record({**a.to_record(), "story": None}) for a in base]

    memory, lazy = fresh(), fresh()
    stage, state, stories = ClusterStage(), {}, {}
    store = open_store(str(tmp_path / "np.db"))
    for k in range(0, len(base), 10):
        stage(Corpus(memory[k:k + 10], stories=stories, state=state))
        _run(store, lazy[k:k + 10])
    # (earlier articles that re-examination moved are re-stored by the job; here the index's members tell)
    in_memory = state["cluster"]["members"]
    from_rows = store.read_cluster_index()["members"]
    assert from_rows == in_memory, "the same stories, with the same ids"
    assert len(set(from_rows.values())) < len(from_rows) / 3, "a few stories, not one per article"
    store.close()
