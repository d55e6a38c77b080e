"""ClusterStage and TimelineStage on small synthetic corpora."""
from __future__ import annotations

import json
import random

from newsprism.cluster.stage import ClusterStage, TimelineStage
from newsprism.model import Article, Entity, Quote
from newsprism.pipeline import Corpus, check_order

QUAKE_A = [
    "A magnitude 6.1 earthquake struck near Christchurch in New Zealand on Tuesday, killing at least 65 people "
    "and toppling the spire of the city's cathedral. Prime Minister John Key said rescuers were searching rubble.",
    "Rescuers in Christchurch dug through rubble after the 6.1 quake flattened buildings; John Key called it "
    "New Zealand's darkest day as the toll reached 65 and the cathedral spire lay in ruins.",
    "New Zealand's Christchurch was hit by a 6.1 earthquake. Cathedral damaged, 65 dead, Key says the "
    "government will rebuild the city and rescuers keep searching the rubble.",
]
QUAKE_B = [
    "A magnitude 7.0 earthquake hit Haiti near Port-au-Prince, collapsing the presidential palace and killing "
    "thousands. President Rene Preval said the capital was devastated and hospitals overflowed.",
    "Haiti's capital Port-au-Prince lay in ruins after the 7.0 quake; Preval described bodies in the streets "
    "and the collapsed palace as aid flights began to land.",
    "Aid groups rushed to Haiti after a 7.0 earthquake near Port-au-Prince destroyed the palace; President "
    "Preval appealed for help as hospitals overflowed with the injured.",
]


def _arts(texts, prefix, published=None):
    return [Article(id=f"{prefix}{i}", text=t, content_hash=f"{prefix}{i}-hash", outlet=f"outlet{i}",
                    published=published) for i, t in enumerate(texts)]


def _groups(articles):
    by: dict[str, set[str]] = {}
    for a in articles:
        by.setdefault(a.story, set()).add(a.id)
    return sorted(sorted(g) for g in by.values())


def test_contract_and_order_check():
    st, tl = ClusterStage(), TimelineStage()
    assert st.scope == tl.scope == "corpus" and st.name == "cluster" and tl.name == "timeline"
    assert st.requires == {"text", "entities", "duplicate_of"} and st.assigns == {"story", "stories"}
    assert tl.requires == {"stories", "comparison"} and tl.assigns == {"timeline"}


def test_two_earthquakes_stay_apart_and_copies_join():
    arts = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    assert _groups(arts) == [["a0", "a1", "a2"], ["b0", "b1", "b2"]]
    assert set(corpus.stories) == {a.story for a in arts}
    story = corpus.stories[arts[0].story]
    assert sorted(story.articles) == ["a0", "a1", "a2"]
    assert story.outlets == ["outlet0", "outlet1", "outlet2"]
    assert story.title
    json.dumps(corpus.state)  # the index state must be JSON-serialisable


def test_order_does_not_matter():
    base = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    results = []
    for seed in range(4):
        arts = [Article(id=a.id, text=a.text, content_hash=a.content_hash) for a in base]
        random.Random(seed).shuffle(arts)
        corpus = Corpus(arts)
        ClusterStage()(corpus)
        results.append(sorted((a.id, a.story) for a in arts))
    assert all(r == results[0] for r in results)


def test_incremental_second_run_joins_existing_story():
    first = _arts(QUAKE_A[:2], "a") + _arts(QUAKE_B[:2], "b")
    corpus = Corpus(first)
    ClusterStage()(corpus)
    ids = {a.id: a.story for a in first}
    stored = list(first)
    second = [Article(id="a9", text=QUAKE_A[2], content_hash="a9h"), Article(id="b9", text=QUAKE_B[2],
                                                                              content_hash="b9h")]
    corpus2 = Corpus(second, stories=corpus.stories, prior_articles=lambda: iter(stored),
                     state=json.loads(json.dumps(corpus.state)))
    ClusterStage()(corpus2)
    assert second[0].story == ids["a0"] and second[1].story == ids["b0"]
    assert "a9" in corpus2.stories[ids["a0"]].articles and len(corpus2.stories) == 2


def test_incremental_without_saved_state_rebuilds_from_stored_articles():
    first = _arts(QUAKE_A[:2], "a") + _arts(QUAKE_B[:2], "b")
    corpus = Corpus(first)
    ClusterStage()(corpus)
    second = [Article(id="a9", text=QUAKE_A[2], content_hash="a9h")]
    corpus2 = Corpus(second, stories=corpus.stories, prior_articles=lambda: iter(first))
    ClusterStage()(corpus2)
    assert second[0].story == first[0].story


def test_rerun_same_input_is_idempotent():
    arts = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    before = {a.id: a.story for a in arts}
    again = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    corpus2 = Corpus(again, stories=corpus.stories, state=json.loads(json.dumps(corpus.state)))
    ClusterStage()(corpus2)
    assert {a.id: a.story for a in again} == before
    assert sorted(corpus2.stories) == sorted(set(before.values()))
    assert all(len(s.articles) == 3 for s in corpus2.stories.values())


def test_duplicates_join_their_source_story():
    arts = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    # A copy whose own words would put it elsewhere still follows its source.
    copy = Article(id="c", text=QUAKE_B[0], duplicate_of="a1", duplicate_kind="syndicated", content_hash="c")
    copy2 = Article(id="d", text="", duplicate_of="c", duplicate_kind="exact", content_hash="d")
    corpus = Corpus(arts + [copy, copy2])
    ClusterStage()(corpus)
    assert copy.story == arts[1].story == copy2.story
    assert "c" in corpus.stories[copy.story].articles


def test_failed_articles_get_no_story():
    bad = Article(id="x", text="whatever", errors=["ingest: broken"])
    arts = _arts(QUAKE_A, "a") + [bad]
    ClusterStage()(Corpus(arts))
    assert bad.story is None and all(a.story for a in arts[:3])


def test_entities_become_actors():
    arts = _arts(QUAKE_A, "a")
    for a in arts:
        i = a.text.find("Christchurch")
        a.entities = [Entity("e1", "Christchurch", "GPE", mentions=[(i, i + 12)])]
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    actors = corpus.stories[arts[0].story].actors
    assert actors[0]["name"] == "Christchurch" and len(actors[0]["articles"]) == 3


def test_timeline_groups_by_day_with_first_facts_and_quotes():
    arts = _arts(QUAKE_A, "a")
    arts[0].published, arts[1].published, arts[2].published = "2011-02-22", "2011-02-22T18:00:00Z", "2011-02-24"
    q = Quote(0, 10, arts[0].text[:10], speaker_name="John Key")
    arts[0].quotes = [q]
    arts[2].quotes = [Quote(0, 10, arts[0].text[:10], speaker_name="John Key")]
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    story = corpus.stories[arts[0].story]
    story.comparison = {"facts": [
        {"id": "f1", "text": "65 dead", "kind": "number", "status": "agreed",
         "outlets": {"o1": [{"article": "a2", "start": 0, "end": 2, "text": "x"}],
                     "o0": [{"article": "a0", "start": 0, "end": 2, "text": "x"}]}},
        {"id": "f2", "text": "rebuild", "kind": "commitment", "status": "single",
         "outlets": {"o2": [{"article": "a2", "start": 0, "end": 2, "text": "x"}]}}]}
    TimelineStage()(corpus)
    tl = story.timeline
    assert [t.date for t in tl] == ["2011-02-22", "2011-02-24"]
    assert tl[0].articles == ["a0", "a1"] and tl[1].articles == ["a2"]
    assert tl[0].facts == ["f1"] and tl[1].facts == ["f2"]
    assert len(tl[0].quotes) == 1 and tl[0].quotes[0]["speaker_name"] == "John Key" and tl[1].quotes == []


def test_timeline_undated_is_one_entry():
    arts = _arts(QUAKE_A, "a")
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    TimelineStage()(corpus)
    tl = corpus.stories[arts[0].story].timeline
    assert len(tl) == 1 and tl[0].date is None and sorted(tl[0].articles) == ["a0", "a1", "a2"]


def test_stage_order_is_accepted_after_nlp():
    from newsprism.pipeline import INGESTED

    class Fake:
        def __init__(self, name, assigns):
            self.name, self.requires, self.assigns, self.scope = name, frozenset(), frozenset(assigns), "corpus"

    check_order([Fake("x", {"text", "entities", "duplicate_of"}), ClusterStage(), Fake("c", {"comparison"}),
                 TimelineStage()], INGESTED)


def test_same_id_twice_in_a_batch_is_one_article():
    arts = _arts(QUAKE_A, "a") + _arts(QUAKE_A[:1], "a")
    corpus = Corpus(arts)
    ClusterStage()(corpus)
    assert arts[0].story == arts[3].story
    assert sorted(corpus.stories[arts[0].story].articles) == ["a0", "a1", "a2"]


def test_copy_of_an_article_from_an_earlier_run_joins_its_story():
    first = _arts(QUAKE_A, "a") + _arts(QUAKE_B, "b")
    corpus = Corpus(first)
    ClusterStage()(corpus)
    copy = Article(id="c", text=QUAKE_B[1], duplicate_of="a2", duplicate_kind="syndicated", content_hash="c")
    corpus2 = Corpus([copy], stories=corpus.stories, prior_articles=lambda: iter(first),
                     state=json.loads(json.dumps(corpus.state)))
    ClusterStage()(corpus2)
    assert copy.story == first[2].story and "c" in corpus2.stories[copy.story].articles
