"""Order independence on a small real set: the same articles in two batchings give the same stories, and a story
that a later batch does not change keeps its id."""
from __future__ import annotations

import random

import pytest

from newsprism.cluster.stage import ClusterStage
from newsprism.model import Article
from newsprism.pipeline import Corpus


def _partition(arts):
    by: dict[str, set[str]] = {}
    for a in arts:
        by.setdefault(a.story, set()).add(a.id)
    return sorted(sorted(g) for g in by.values())


def _copy(arts):
    return [Article.from_record({**a.to_record(), "story": None}) for a in arts]


def _batched(arts, n_batches, seed):
    arts = _copy(arts)
    random.Random(seed).shuffle(arts)
    size = -(-len(arts) // n_batches)
    stage, state, stories = ClusterStage(), {}, {}
    for k in range(0, len(arts), size):
        stage(Corpus(arts[k:k + size], stories=stories, state=state, prior_articles=lambda k=k: iter(arts[:k])))
    listed = {aid: sid for sid, st in stories.items() for aid in st.articles}
    assert listed == {a.id: a.story for a in arts}  # the stored stories list what the articles say
    return arts, stories


@pytest.fixture(scope="module")
def indo_pak(shared_dir):
    from newsprism.clean.stage import CleanStage
    from newsprism.dedup.stage import DedupStage
    from newsprism.ingest import read_inputs

    arts = [CleanStage()(a) for a in read_inputs([str(shared_dir / "data" / "compare" / "indo-pak-2025" /
                                                      "corpus.jsonl")])]
    DedupStage()(Corpus(arts))
    return arts


@pytest.mark.shared
def test_two_batchings_give_the_same_stories(indo_pak):
    one, _ = _batched(indo_pak, 1, 0)
    three, _ = _batched(indo_pak, 3, 1)
    assert _partition(one) == _partition(three)


@pytest.mark.shared
def test_unchanged_stories_keep_their_ids(indo_pak):
    arts = _copy(indo_pak)
    stage, state, stories = ClusterStage(), {}, {}
    stage(Corpus(arts, stories=stories, state=state))
    before = {a.id: a.story for a in arts}
    # A later run that brings an unrelated article re-examines nothing it cannot join: every id stays.
    other = Article(id="x1", text="The city council of Reykjavik approved a new bicycle lane plan for the harbour "
                                  "district on Monday after a long debate about parking.", content_hash="x1h")
    stage(Corpus([other], stories=stories, state=state, prior_articles=lambda: iter(arts)))
    assert {a.id: a.story for a in arts} == before
    assert other.story not in set(before.values())
