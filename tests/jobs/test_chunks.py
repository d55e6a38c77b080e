"""Chunked runs: each chunk is committed whole, a killed run resumes at its last chunk, runs merge their stories."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsprism import jobs
from newsprism.jobs import run_job
from newsprism.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jobs_corpus import corpus, memberships, write_corpus  # noqa: E402,F401 (corpus: a shared fixture)


class Killer:
    """A last stage that stops the run (as a kill would) when a chunk holds ``victim``."""

    name, scope = "killer", "corpus"
    requires, assigns = frozenset(), frozenset()

    def __init__(self, victim: str):
        self.victim = victim

    def __call__(self, corpus) -> None:
        if any(a.id == self.victim for a in corpus.articles):
            raise KeyboardInterrupt("killed")


def _consistent(store) -> None:
    """No half-written state: every stored article is in exactly the story it names, and that story exists."""
    stories = {s.id: s for s in store.iter_stories()}
    for a in store.iter_articles():
        if a.ok:
            assert a.story in stories, f"{a.id} points at a missing story {a.story}"
            assert a.id in stories[a.story].articles
    members = [i for s in stories.values() for i in s.articles]
    assert len(members) == len(set(members)), "an article in two stories"


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("ref") / "np.db")
    result = run_job([str(corpus[0])], store, chunk_size=5)
    assert result.chunks == 3 and result.new == 12
    ref = memberships(store.iter_stories()), {s.id: s.title for s in store.iter_stories()}
    _consistent(store)
    store.close()
    return ref


def test_a_killed_run_keeps_whole_chunks_and_resumes(corpus, reference, tmp_path, monkeypatch):
    folder, ids = corpus
    store = open_store(tmp_path / "np.db")
    stages = jobs.default_stages
    victim = ids[7]  # in the second chunk of five
    monkeypatch.setattr(jobs, "default_stages", lambda options=None: stages(options) + [Killer(victim)])
    with pytest.raises(KeyboardInterrupt):
        run_job([str(folder)], store, chunk_size=5)
    assert store.count_articles() == 5 and store.count_chunks() == 1, "the first chunk only, whole"
    _consistent(store)
    monkeypatch.setattr(jobs, "default_stages", stages)
    result = run_job([str(folder)], store, chunk_size=5)
    assert (result.new, result.chunks) == (7, 2), "only the unfinished chunks are redone"
    assert sorted(a.id for a in result.articles) == ids
    assert store.count_articles() == 12
    _consistent(store)
    assert (memberships(store.iter_stories()), {s.id: s.title for s in store.iter_stories()}) == reference
    store.close()


def test_a_rerun_commits_nothing_and_records_no_error_twice(corpus, tmp_path):
    folder, _ = corpus
    (folder.parent / "extra").mkdir(exist_ok=True)
    bad = folder.parent / "extra" / "empty.txt"
    bad.write_text("   \n", encoding="utf-8")
    store = open_store(tmp_path / "np.db")
    first = run_job([str(folder), str(bad)], store, chunk_size=50)
    errors = list(store.iter_errors())
    assert len(first.failed) == 1 and errors
    second = run_job([str(folder), str(bad)], store, chunk_size=50)
    assert second.new == 1 and len(second.failed) == 1, "only the failed input is tried again"
    assert list(store.iter_errors()) == errors
    _consistent(store)
    store.close()


def test_a_later_run_leaves_untouched_stories_alone(corpus, tmp_path, monkeypatch):
    folder, ids = corpus
    store = open_store(tmp_path / "np.db")
    bridge = [str(folder / f"{i}.txt") for i in ids if i.startswith("bridge")]
    storm = [str(folder / f"{i}.txt") for i in ids if i.startswith("storm")]
    run_job(bridge, store)
    before = {s.id: s.to_record() for s in store.iter_stories()}
    written: list[str] = []
    put = store.put_stories
    monkeypatch.setattr(store, "put_stories", lambda stories: put([written.append(s.id) or s for s in stories]))
    run_job(storm, store)
    assert written and not set(written) & set(before), "the bridge stories were not rewritten"
    after = {s.id: s.to_record() for s in store.iter_stories()}
    assert {k: after[k] for k in before} == before
    _consistent(store)
    store.close()
